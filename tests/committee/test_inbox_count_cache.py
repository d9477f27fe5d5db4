"""The committee inbox's counts (its pages' total and 待受理/已受理) and its page's ids kept in
the shared cache under the office's tokens (review.reportable, issue 13): no query for them on a
repeated page, and exact again after a batch is reported to the office and after a decision."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review import reportable
from tests.committee.acceptance_fixtures import *  # noqa: F403
from tests.committee.acceptance_fixtures import accept, bulk_at_committee
from tests.shared_cache import kept_and_fresh, own_cache

pytestmark = pytest.mark.django_db

INBOX = reverse("committee:inbox")


@pytest.fixture
def count_cache(settings):
    settings.REVIEW_COUNT_CACHE_TIMEOUT = 300
    with own_cache(settings, name="inbox"):
        yield


def _inbox(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(INBOX, params)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def _rows(response) -> int:
    return response.content.decode().count('data-testid="inbox-row"')


def test_the_inbox_counts_are_kept_until_a_report_or_a_decision(
    count_cache,
    login,
    committee_office,
    committee_office_user,
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    chain,
    django_capture_on_commit_callbacks,
):
    client = login(committee_office_user)
    with django_capture_on_commit_callbacks(execute=True):
        first = bulk_at_committee(
            reporting_department, reporting_reviewer, engineering_plan, 3, unit=unit
        )
    reportable.forget(reporting_department.pk)  # the builder's rows were written in bulk
    cold, cold_queries = _inbox(client)
    warm, warm_queries = _inbox(client)
    assert warm_queries == cold_queries - 3  # the two counts and the page's ids
    for response in (cold, warm):
        assert response.context["counts"] == {"waiting": 3, "accepted": 0}
        assert response.context["page"].paginator.count == 3
        assert _rows(response) == 3

    with django_capture_on_commit_callbacks(execute=True):
        bulk_at_committee(
            reporting_department, reporting_reviewer, engineering_plan, 2, unit=unit, prefix="乙"
        )
    response, _ = _inbox(client)
    assert response.context["counts"] == {"waiting": 5, "accepted": 0}
    assert response.context["page"].paginator.count == 5
    assert _rows(response) == 5

    with django_capture_on_commit_callbacks(execute=True):
        accept(committee_office_user, committee_office, first)
    response, _ = _inbox(client)
    assert response.context["counts"] == {"waiting": 2, "accepted": 3}
    # The first batch waits for nothing now: only the second is listed by default.
    assert response.context["page"].paginator.count == 2
    assert _rows(response) == 2
    everything, _ = _inbox(client, show="all")
    assert everything.context["page"].paginator.count == 5
    assert _rows(everything) == 5


def test_the_inbox_reads_the_same_with_the_rows_kept(
    settings,
    login,
    committee_office_user,
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    chain,
):
    """The rows' plan, unit and applied title from the rows kept per process (declarations
    .kept) give the page the queries give."""
    declarations = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 3, unit=unit
    )
    client = login(committee_office_user)
    kept_page, fresh_page = kept_and_fresh(settings, client, INBOX)
    assert kept_page == fresh_page
    assert unit.name in kept_page and engineering_plan.series.name in kept_page
    assert declarations[0].applicant.name in kept_page
