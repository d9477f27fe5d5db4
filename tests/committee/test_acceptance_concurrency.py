"""Two office users decide the same declaration at the same moment (PostgreSQL: row locks
are real only there): one decision is taken, the other is told the page was stale."""

import pytest

from declarations.models import DeclarationStatus as S
from declarations.workflow import Action
from review.models import Review, ReviewState
from tests import factories
from tests.committee.acceptance_fixtures import *  # noqa: F403
from tests.committee.acceptance_fixtures import accept, bulk_at_committee
from tests.concurrency import postgresql_only, run_together  # noqa: F401

# Row locks (select_for_update) are only real on PostgreSQL.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


@pytest.mark.parametrize("repeat", range(3))
def test_accept_and_return_at_once_take_one_decision(
    repeat,
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    chain,
    committee_office,
    committee_office_user,
):
    (declaration,) = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 1, unit=unit
    )
    colleague = factories.org_user(committee_office, user__username=f"colleague{repeat}")
    outcomes = run_together(
        lambda: accept(committee_office_user, committee_office, [declaration]),
        lambda: accept(
            colleague,
            committee_office,
            [declaration],
            action=Action.COMMITTEE_RETURN,
            reason="缺少业绩证明",
        ),
    )
    assert outcomes.count("ok") == 1, outcomes
    [refusal] = [o for o in outcomes if o != "ok"]
    assert "可能已被其他工作人员处理" in refusal and declaration.applicant.name in refusal
    declaration.refresh_from_db()
    decisions = list(
        declaration.events.filter(
            action__in=[Action.ACCEPT, Action.COMMITTEE_RETURN, Action.REFUSE]
        ).values_list("action", "actor")
    )
    review = Review.objects.get(declaration=declaration, organization=committee_office)
    if outcomes[0] == "ok":
        assert decisions == [(Action.ACCEPT, committee_office_user.pk)]
        assert (declaration.status, declaration.holder) == (S.ACCEPTED, committee_office)
        assert (review.state, review.decided_by) == (ReviewState.PASSED, committee_office_user)
    else:
        assert decisions == [(Action.COMMITTEE_RETURN, colleague.pk)]
        assert (declaration.status, declaration.holder) == (S.RETURNED, None)
        assert (review.state, review.decided_by) == (ReviewState.RETURNED, colleague)
