"""/healthz and /readyz, as a load balancer or an orchestrator probes them (issue 14)."""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext

from core import health


def test_healthz_answers_without_touching_the_database(client):
    # No `db` fixture: any database access would fail the test outright.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_makes_no_query_even_for_a_signed_in_browser(client, applicant):
    client.force_login(applicant)
    with CaptureQueriesContext(connections["default"]) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert len(queries) == 0


def test_health_checks_skip_the_https_redirect_and_the_host_check(client, settings):
    # A load balancer probes each worker over plain HTTP by its address.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["zc.example.gov.cn"]
    response = client.get("/healthz", HTTP_HOST="10.0.3.17:8000")
    assert response.status_code == 200
    # Other pages still get both.
    assert client.get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400
    assert client.get("/", HTTP_HOST="zc.example.gov.cn").status_code == 301


@pytest.mark.django_db
def test_readyz_reports_each_check(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_checks_the_cache_when_redis_is_configured(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/4"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 port 5432 failed")

    monkeypatch.setattr(connections["default"], "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["storage"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_503_naming_the_cache_when_redis_is_down(client, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:6379/4"

    def refused(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", refused)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


@pytest.mark.django_db
def test_readyz_is_503_when_the_upload_directory_is_missing(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "not-mounted"},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]


def test_readyz_asks_a_bucket_for_one_object(monkeypatch):
    asked = []

    class Bucket:
        def exists(self, name):
            asked.append(name)
            return False

    monkeypatch.setattr(health, "default_storage", Bucket())
    health._check_storage()
    assert asked == [health.STORAGE_PROBE_NAME]


def test_health_checks_answer_only_get_and_head(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
