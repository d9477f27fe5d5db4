"""Every figure is a fixed number of aggregate queries: the page and each export cost the same
with one copy of the dataset as with four."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stats import figures
from stats.selectors import StatsFilter, scope_for
from tests.stats.conftest import build

# The page: session, user and the user's organization (none for an administrator), the
# filter's years and series, and the figures (one query each; returns two: sections and top
# reasons). On PostgreSQL the figures run in a transaction without JIT: three more (BEGIN is
# not logged; SAVEPOINT, SET LOCAL, RELEASE are in a test's transaction).
PAGE_BUDGET = 12 if connection.vendor != "postgresql" else 15
FIGURE_QUERIES = {
    "funnel": 1,
    "series_level": 1,
    "region": 1,
    "returns": 2,
    "days": 1,
    "pass_rates": 1,
}


@pytest.fixture
def bigger(dataset, request):
    """Three more copies of the dataset (same shapes, four times the rows)."""
    names = (
        "engineering_plan",
        "culture_plan",
        "engineering_committee",
        "unit",
        "supervising_department",
        "reporting_department",
        "committee_office",
        "unit_reviewer",
        "administrator",
        "regions",
    )
    kwargs = {name: request.getfixturevalue(name) for name in names}
    build(**kwargs, copies=3)


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/stats/").status_code == 200
    return len(context)


@pytest.mark.parametrize("fixture", ["administrator", "department_reviewer", "bureau_reviewer"])
def test_page_query_count_does_not_grow_with_the_data(
    dataset, login, request, fixture, django_assert_max_num_queries
):
    client = login(request.getfixturevalue(fixture))
    small = page_queries(client)
    request.getfixturevalue("bigger")
    with django_assert_max_num_queries(small):
        client.get("/stats/")
    assert page_queries(client) == small <= PAGE_BUDGET


@pytest.mark.parametrize("key", list(FIGURE_QUERIES))
def test_each_figure_is_a_fixed_number_of_queries(
    dataset, request, key, department_reviewer, django_assert_num_queries
):
    scope = scope_for(department_reviewer)
    build_figure = figures.FIGURES[key][1]
    with django_assert_num_queries(FIGURE_QUERIES[key]):
        small = build_figure(scope, StatsFilter())
    request.getfixturevalue("bigger")
    with django_assert_num_queries(FIGURE_QUERIES[key]):
        big = build_figure(scope, StatsFilter())
    assert len(big.rows) == len(small.rows)


def test_export_query_count_does_not_grow(dataset, login, administrator, request):
    client = login(administrator)
    url = reverse("stats:export", args=["returns"])
    with CaptureQueriesContext(connection) as small:
        b"".join(client.get(url).streaming_content)
    request.getfixturevalue("bigger")
    with CaptureQueriesContext(connection) as big:
        b"".join(client.get(url).streaming_content)
    assert len(big) == len(small)
