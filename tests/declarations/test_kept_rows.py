"""The plan and the organizations a hot page shows, taken from the rows kept per process under the
configuration version instead of joined into its query (declarations.kept, issue 13). With the
shared cache on the pages must read exactly as without it, show a renamed organization or series
at once, and never let one request's changes to a kept row reach another request."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Series
from declarations import kept
from declarations import services as declaration_services
from declarations.models import Declaration
from review.models import Review
from tests.review.builders import build_queue
from tests.shared_cache import html_of as _html
from tests.shared_cache import kept_and_fresh as _kept_and_fresh
from tests.shared_cache import kept_on as shared_kept_on
from tests.shared_cache import own_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept_on(settings):
    with shared_kept_on(settings, "kept-rows"):
        yield


@pytest.fixture
def department_queue(supervising_department, unit, engineering_plan):
    return build_queue(supervising_department, engineering_plan, 3, received_from=unit)


def test_the_queue_and_the_review_page_read_the_same_with_the_rows_kept(
    settings, login, department_reviewer, department_queue, unit, engineering_plan
):
    client = login(department_reviewer)
    for url in ("/review/", f"/review/{department_queue[0].pk}/"):
        kept_page, fresh_page = _kept_and_fresh(settings, client, url)
        assert kept_page == fresh_page, url
        assert unit.name in kept_page and engineering_plan.series.name in kept_page


def test_the_applicant_pages_read_the_same_with_the_rows_kept(
    settings, login, engineering_declaration
):
    client = login(engineering_declaration.applicant)
    for url in ("/accounts/me/", f"/declarations/{engineering_declaration.pk}/"):
        kept_page, fresh_page = _kept_and_fresh(settings, client, url)
        assert kept_page == fresh_page, url
        assert engineering_declaration.plan.series.name in kept_page


@pytest.mark.usefixtures("kept_on")
def test_a_renamed_unit_or_series_shows_at_once(
    login, department_reviewer, department_queue, unit, engineering_plan
):
    client = login(department_reviewer)
    review_url = f"/review/{department_queue[0].pk}/"
    for url in ("/review/", review_url):
        assert unit.name in _html(client.get(url))
    unit.name = "改名后的申报单位"
    unit.save()
    series = Series.objects.get(pk=engineering_plan.series_id)
    series.name = "改名后的系列"
    series.save()
    for url in ("/review/", review_url):
        page = _html(client.get(url))
        assert "改名后的申报单位" in page and "改名后的系列" in page, url


@pytest.mark.usefixtures("kept_on")
def test_the_queue_rows_query_joins_no_kept_table(login, department_reviewer, department_queue):
    client = login(department_reviewer)
    client.get("/review/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/review/").status_code == 200
    rows = [q["sql"] for q in captured if q["sql"].startswith('SELECT "review_review"."id", ')]
    assert rows, [q["sql"][:80] for q in captured]
    for sql in rows:
        assert "institutions_organization" not in sql and "declarations_plan" not in sql


@pytest.mark.usefixtures("kept_on")
def test_kept_rows_come_as_copies_with_their_relations(department_queue, django_assert_num_queries):
    paths = ("declaration__plan__series", "declaration__plan__level", "received_from")
    queryset = Review.objects.filter(declaration__in=department_queue).order_by("pk")
    first = kept.fetch(queryset, *paths)
    with django_assert_num_queries(1):  # the reviews; the plan and sender are kept now
        second = kept.fetch(queryset, *paths)
    with django_assert_num_queries(0):
        names = [(r.declaration.plan.series.name, r.received_from.name) for r in second]
    assert names == [(r.declaration.plan.series.name, r.received_from.name) for r in first]
    first[0].declaration.plan.marked_by_a_request = True
    first[0].declaration.plan.series = None
    assert not hasattr(second[0].declaration.plan, "marked_by_a_request")
    with django_assert_num_queries(0):
        assert second[0].declaration.plan.series.name == names[0][0]
    assert first[0].declaration.plan is not second[0].declaration.plan


def test_without_the_shared_cache_the_rows_are_joined(department_queue, django_assert_num_queries):
    paths = ("declaration__plan__series", "received_from")
    with django_assert_num_queries(1):
        rows = kept.fetch(Review.objects.filter(declaration__in=department_queue), *paths)
        assert {r.declaration.plan.series.name for r in rows}
        assert {r.received_from.name for r in rows}


@pytest.mark.usefixtures("kept_on")
def test_a_declaration_without_a_unit_keeps_none(engineering_declaration):
    Declaration.objects.filter(pk=engineering_declaration.pk).update(declaring_unit=None)
    (declaration,) = kept.fetch(
        Declaration.objects.filter(pk=engineering_declaration.pk), "plan__series", "declaring_unit"
    )
    assert declaration.declaring_unit is None
    assert declaration.plan.series.name


def test_the_configuration_version_is_read_once_a_request(settings):
    with own_cache(settings, name="config-version") as cache:
        outside = declaration_services.config_version()
        cache.set(declaration_services.CONFIG_VERSION_KEY, "from-another-process", None)
        # Outside a request every call reads it.
        assert declaration_services.config_version() == "from-another-process" != outside
        request_started.send(sender=None)
        try:
            assert declaration_services.config_version() == "from-another-process"
            cache.set(declaration_services.CONFIG_VERSION_KEY, "later", None)
            # The same version throughout the request...
            assert declaration_services.config_version() == "from-another-process"
            # ...but one the request itself makes counts at once.
            declaration_services.new_config_version()
            mine = declaration_services.config_version()
            assert mine not in ("from-another-process", "later")
            assert cache.get(declaration_services.CONFIG_VERSION_KEY) == mine
        finally:
            request_finished.send(sender=None)
        cache.set(declaration_services.CONFIG_VERSION_KEY, "next", None)
        assert declaration_services.config_version() == "next"


@pytest.mark.usefixtures("kept_on")
def test_a_new_version_lets_the_older_versions_rows_go(department_queue):
    """A process keeps the rows of the current configuration version only: a busy day's many
    versions do not pile up in a worker's memory."""
    rows = Review.objects.filter(declaration__in=department_queue)
    kept.fetch(rows, "declaration__plan__series", "received_from")
    assert len(declaration_services._kept_per_version) > 1
    before = dict(declaration_services._kept_per_version)
    declaration_services.new_config_version()
    kept.fetch(rows, "declaration__plan__series", "received_from")
    after = declaration_services._kept_per_version
    assert after["version"] != before["version"]
    assert not any(after[key] is value for key, value in before.items() if key != "version")


def test_the_section_page_takes_its_slots_from_the_kept_form(
    settings, login, engineering_declaration
):
    """The section page's upload slots come from the kept plan form (copies: each request sets
    its own files on them): the page reads as without the shared cache, and no slot query runs
    once the form is kept."""
    client = login(engineering_declaration.applicant)
    url = f"/declarations/{engineering_declaration.pk}/sections/education/"
    kept_page, fresh_page = _kept_and_fresh(settings, client, url)
    assert kept_page == fresh_page
    with shared_kept_on(settings, "kept-slots"):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
    assert not [q for q in ctx.captured_queries if "declarations_attachmentslot" in q["sql"]]
