"""With DEBUG off, people meet Chinese error pages instead of Django's bare English ones; the
500 page renders with the database down (issue 14)."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_protect


def _not_found(request):
    raise Http404


def _forbidden(request):
    raise PermissionDenied


def _bad_request(request):
    raise SuspiciousOperation("tampered")


def _crash(request):
    raise RuntimeError("boom")


@csrf_protect
def _form(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


urlpatterns = [
    path("missing/", _not_found),
    path("forbidden/", _forbidden),
    path("bad/", _bad_request),
    path("crash/", _crash),
    path("form/", _form),
]

pytestmark = pytest.mark.urls("tests.ops.test_error_pages")


@pytest.fixture
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def _page(response):
    return response.content.decode()


@pytest.mark.django_db
def test_404_page_is_chinese(production, browser):
    response = browser.get("/missing/")
    assert response.status_code == 404
    page = _page(response)
    assert "页面不存在" in page
    assert 'lang="zh-hans"' in page
    assert "Not Found" not in page


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_404_page(production, browser):
    response = browser.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in _page(response)


@pytest.mark.django_db
def test_403_page_is_chinese(production, browser):
    response = browser.get("/forbidden/")
    assert response.status_code == 403
    assert "没有权限访问此页面" in _page(response)


@pytest.mark.django_db
def test_400_page_is_chinese(production, browser):
    response = browser.get("/bad/")
    assert response.status_code == 400
    assert "请求有误" in _page(response)


@pytest.mark.django_db
def test_500_page_is_chinese_and_gives_the_error_number(production, browser):
    response = browser.get("/crash/", HTTP_X_REQUEST_ID="req-500-check")
    assert response.status_code == 500
    page = _page(response)
    assert "系统暂时出现问题" in page
    assert "req-500-check" in page
    assert "boom" not in page


def test_500_page_renders_with_the_database_down(production, browser):
    # No `db` fixture: pytest-django refuses every query, as a dead database would.
    response = browser.get("/crash/")
    assert response.status_code == 500
    assert "系统暂时出现问题" in _page(response)


def test_500_page_renders_when_the_static_manifest_is_missing(production, browser, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-static-root"
    from django.contrib.staticfiles.storage import staticfiles_storage

    with pytest.raises(ValueError):
        staticfiles_storage.url("css/app.css")  # what {% static %} would raise
    response = browser.get("/crash/")
    assert response.status_code == 500
    assert '/static/css/app.css"' in _page(response)


@pytest.mark.django_db
def test_csrf_failure_page_is_chinese(production):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/form/", {"name": "张三"})
    assert response.status_code == 403
    page = _page(response)
    assert "页面已过期" in page
    assert "CSRF verification failed" not in page
