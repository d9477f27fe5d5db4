"""受理 by the committee office (committee.services.acceptance): 受理, 退回修改 (with a reason,
back to the applicant; the resubmission starts again at the declaring unit) and 不予受理
(final, reason required), one or several at once, all or nothing; only the office itself."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applicants import sms
from committee.models import Payment
from declarations import selectors as declaration_selectors
from declarations.models import DeclarationStatus as S
from declarations.services import submit_declaration
from declarations.workflow import Action
from review.models import Review, ReviewState
from tests.committee.acceptance_fixtures import *  # noqa: F403
from tests.committee.acceptance_fixtures import accept, bulk_at_committee, charge

pytestmark = pytest.mark.django_db


def test_the_declaration_arrives_in_the_office_waiting_for_acceptance(
    at_committee, committee_office
):
    assert (at_committee.status, at_committee.holder) == (S.AT_COMMITTEE, committee_office)


def test_accept_keeps_it_with_the_office_and_records_the_event(
    at_committee, committee_office, committee_office_user
):
    [event] = accept(committee_office_user, committee_office, [at_committee], reason="材料齐全")
    at_committee.refresh_from_db()
    assert (at_committee.status, at_committee.holder) == (S.ACCEPTED, committee_office)
    assert (event.action, event.reason, event.actor) == (
        Action.ACCEPT,
        "材料齐全",
        committee_office_user,
    )
    assert event.organization == committee_office
    review = Review.objects.get(declaration=at_committee, organization=committee_office)
    assert (review.state, review.decided_by) == (ReviewState.PASSED, committee_office_user)
    # No fee set: nothing to pay.
    assert not Payment.objects.exists()


def test_accept_of_a_charged_plan_creates_a_pending_payment(
    at_committee, committee_office, committee_office_user, engineering_plan
):
    charge(committee_office_user, engineering_plan, "350.50")
    accept(committee_office_user, committee_office, [at_committee])
    payment = Payment.objects.get(declaration=at_committee)
    assert (payment.status, payment.amount, payment.round) == (
        Payment.Status.PENDING,
        pytest.approx(350.50),
        at_committee.round,
    )


def test_accept_sends_the_applicant_an_sms_with_the_fee_after_commit(
    at_committee,
    committee_office,
    committee_office_user,
    engineering_plan,
    django_capture_on_commit_callbacks,
):
    charge(committee_office_user, engineering_plan, "300")
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accept(committee_office_user, committee_office, [at_committee])
    bodies = [body for phone, body in sms.outbox if phone == at_committee.applicant.phone]
    assert any("受理" in body and "300" in body and "12333" in body for body in bodies), bodies


@pytest.mark.parametrize("action", [Action.COMMITTEE_RETURN, Action.REFUSE])
@pytest.mark.parametrize("reason", ["", "   "])
def test_return_and_refuse_need_a_reason_and_change_nothing_without_one(
    at_committee, committee_office, committee_office_user, action, reason
):
    with pytest.raises(ValidationError) as error:
        accept(
            committee_office_user, committee_office, [at_committee], action=action, reason=reason
        )
    assert "原因" in " ".join(error.value.messages)
    at_committee.refresh_from_db()
    assert at_committee.status == S.AT_COMMITTEE


def test_return_sends_it_back_to_the_applicant_who_sees_the_reason(
    at_committee,
    committee_office,
    committee_office_user,
    django_capture_on_commit_callbacks,
):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accept(
            committee_office_user,
            committee_office,
            [at_committee],
            action=Action.COMMITTEE_RETURN,
            reason="缺少继续教育证明",
        )
    at_committee.refresh_from_db()
    assert (at_committee.status, at_committee.holder) == (S.RETURNED, None)
    returned = declaration_selectors.latest_return(at_committee)
    assert returned.action == Action.COMMITTEE_RETURN
    assert (returned.reason, returned.organization) == ("缺少继续教育证明", committee_office)
    assert any("缺少继续教育证明" in body for _phone, body in sms.outbox)
    review = Review.objects.get(declaration=at_committee, organization=committee_office)
    assert review.state == ReviewState.RETURNED


def test_after_a_committee_return_the_resubmission_starts_again_at_the_unit(
    at_committee, committee_office, committee_office_user, committed_applicant, unit
):
    accept(
        committee_office_user,
        committee_office,
        [at_committee],
        action=Action.COMMITTEE_RETURN,
        reason="请补充业绩证明",
    )
    at_committee.refresh_from_db()
    resubmitted = submit_declaration(actor=committed_applicant, declaration=at_committee)
    resubmitted.refresh_from_db()
    assert (resubmitted.status, resubmitted.holder, resubmitted.round) == (S.SUBMITTED, unit, 2)
    unit_review = Review.objects.get(declaration=resubmitted, organization=unit)
    assert (unit_review.state, unit_review.round) == (ReviewState.PENDING, 2)
    # The office no longer holds it and cannot decide on it.
    with pytest.raises(ValidationError):
        accept(committee_office_user, committee_office, [resubmitted])


def test_refuse_is_final(at_committee, committee_office, committee_office_user):
    accept(
        committee_office_user,
        committee_office,
        [at_committee],
        action=Action.REFUSE,
        reason="不符合申报条件",
    )
    at_committee.refresh_from_db()
    assert (at_committee.status, at_committee.holder) == (S.NOT_ACCEPTED, None)
    event = at_committee.events.get(action=Action.REFUSE)
    assert event.reason == "不符合申报条件"
    with pytest.raises(ValidationError):
        accept(committee_office_user, committee_office, [at_committee])


def test_several_at_once_are_all_or_nothing(
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    chain,
    committee_office,
    committee_office_user,
):
    first, second, third = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 3, unit=unit
    )
    accept(committee_office_user, committee_office, [second])
    # The page still showed the second one as waiting: nothing of the three is decided.
    with pytest.raises(ValidationError) as error:
        accept(committee_office_user, committee_office, [first, second, third])
    assert second.applicant.name in " ".join(error.value.messages)
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.status == third.status == S.AT_COMMITTEE
    events = accept(committee_office_user, committee_office, [first, third])
    assert len(events) == 2
    first.refresh_from_db()
    assert first.status == S.ACCEPTED


def test_only_the_office_that_holds_it_decides(
    at_committee, committee_office, unit_reviewer, unit, other_office
):
    office, office_user = other_office
    with pytest.raises(PermissionDenied):
        accept(unit_reviewer, committee_office, [at_committee])
    with pytest.raises(PermissionDenied):
        # A unit cannot receive.
        accept(unit_reviewer, unit, [at_committee])
    with pytest.raises(PermissionDenied):
        accept(office_user, office, [at_committee])
    at_committee.refresh_from_db()
    assert at_committee.status == S.AT_COMMITTEE


def test_an_unknown_action_or_no_selection_is_refused(
    at_committee, committee_office, committee_office_user
):
    with pytest.raises(ValidationError):
        accept(committee_office_user, committee_office, [at_committee], action=Action.PASS)
    with pytest.raises(ValidationError):
        accept(committee_office_user, committee_office, [])
