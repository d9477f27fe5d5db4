"""受理 of many declarations at once costs the same number of queries as of two: the batch
is locked, moved, its review rows updated and its payments created in fixed statements."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committee.models import Payment
from declarations import workflow
from declarations.models import Declaration
from declarations.models import DeclarationStatus as S
from declarations.workflow import Action
from review.models import Review, ReviewState
from tests.committee.acceptance_fixtures import *  # noqa: F403
from tests.committee.acceptance_fixtures import accept, bulk_at_committee, charge

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_and_thirty(reporting_department, reporting_reviewer, engineering_plan, unit, chain):
    two = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 2, unit=unit, prefix="甲"
    )
    thirty = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 30, unit=unit, prefix="乙"
    )
    return two, thirty


def _queries(office_user, office, declarations, **kwargs):
    # A fresh user as on a request: their memberships are read once per decision.
    office_user = type(office_user).objects.get(pk=office_user.pk)
    with CaptureQueriesContext(connection) as queries:
        events = accept(office_user, office, declarations, **kwargs)
    assert len(events) == len(declarations)
    return len(queries)


def test_accepting_thirty_costs_the_queries_of_two_and_charges_each(
    two_and_thirty, committee_office, committee_office_user, engineering_plan
):
    two, thirty = two_and_thirty
    charge(committee_office_user, engineering_plan, "300")
    assert _queries(committee_office_user, committee_office, two) == _queries(
        committee_office_user, committee_office, thirty
    )
    ids = [d.pk for d in two + thirty]
    assert Payment.objects.filter(declaration_id__in=ids, status="pending").count() == 32
    assert set(
        Review.objects.filter(declaration_id__in=ids, organization=committee_office).values_list(
            "state", "decided_by"
        )
    ) == {(ReviewState.PASSED, committee_office_user.pk)}


@pytest.mark.parametrize("action", [Action.COMMITTEE_RETURN, Action.REFUSE])
def test_returning_or_refusing_thirty_costs_the_queries_of_two(
    two_and_thirty, committee_office, committee_office_user, action
):
    two, thirty = two_and_thirty
    reason = "材料不全"
    assert _queries(
        committee_office_user, committee_office, two, action=action, reason=reason
    ) == _queries(committee_office_user, committee_office, thirty, action=action, reason=reason)
    target = S.RETURNED if action == Action.COMMITTEE_RETURN else S.NOT_ACCEPTED
    for declaration in two + thirty:
        declaration.refresh_from_db()
        assert (declaration.status, declaration.holder_id) == (target, None)
        event = declaration.events.get(action=action)
        assert (event.reason, event.organization_id) == (reason, committee_office.pk)


def test_a_stale_batch_names_who_was_handled_and_decides_none(
    two_and_thirty, committee_office, committee_office_user
):
    _two, thirty = two_and_thirty
    accept(committee_office_user, committee_office, thirty[5:7])
    with pytest.raises(ValidationError) as error:
        accept(committee_office_user, committee_office, thirty)
    message = " ".join(error.value.messages)
    assert "以下2份申报" in message
    assert thirty[5].applicant.name in message and thirty[6].applicant.name in message
    assert not Payment.objects.exists()
    assert sorted(
        {d.status for d in Declaration.objects.filter(pk__in=[d.pk for d in thirty])}
    ) == [
        S.ACCEPTED,
        S.AT_COMMITTEE,
    ]


def test_a_refused_batch_move_names_the_state_it_starts_from(
    two_and_thirty, committee_office, committee_office_user
):
    two, _thirty = two_and_thirty
    assert workflow.sources_label(Action.REPORT) == str(S.PASSED.label)
    assert workflow.sources_label(Action.EVALUATION_FAIL) == (
        f"{S.IN_EVALUATION.label}/{S.EVALUATION_PASSED.label}"
    )
    # Not accepted yet: a meeting cannot take them, and the refusal names 已受理, not 待上报.
    with pytest.raises(ValidationError) as error:
        workflow.lock_many(
            [d.pk for d in two],
            action=Action.ENTER_MEETING,
            actor=committee_office_user,
            organization=committee_office,
        )
    message = " ".join(error.value.messages)
    assert f"有2份申报不是本单位“{S.ACCEPTED.label}”的申报" in message
    assert str(S.PASSED.label) not in message
