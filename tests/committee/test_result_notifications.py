"""The applicant is told by SMS when their committee result is out: after the close of a valid
meeting (passed: confirmed after the notice; failed: log in for the committee's opinion) and
when the result is confirmed (the certificate under 证书状态). Queued after commit."""

import pytest

from applicants import sms
from committee.models import Ballot
from committee.services import result_notifications, voting
from committee.services import results as results_services
from declarations.models import DeclarationEvent
from declarations.workflow import Action
from tests import clock
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import accepted, meeting_with
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import confirm, publish

pytestmark = pytest.mark.django_db
setting = meeting_fixtures.setting
A, D = Ballot.Choice.AGREE, Ballot.Choice.DISAGREE


def to(declaration) -> list[str]:
    return [body for phone, body in sms.outbox if phone == declaration.applicant.phone]


def close(setting, attending, votes, django_capture_on_commit_callbacks):
    """A meeting of two declarations, `attending` of 11 present; votes[i] 同意 for the i-th.
    Closes it with the on-commit callbacks run; returns the two declarations."""
    first, second = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    meeting, _pool, seated = meeting_with(setting, [first, second], attending=attending)
    items = {i.declaration_id: i for i in meeting.items.all()}
    for declaration, agree in zip((first, second), votes, strict=True):
        for n, expert in enumerate(seated[:attending]):
            voting.cast_ballot(
                actor=expert.user,
                item_id=items[declaration.pk].pk,
                choice=A if n < agree else D,
            )
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        voting.close_vote(actor=setting["actor"], meeting=meeting)
    return first, second


def test_the_close_of_a_valid_meeting_tells_who_passed_and_who_did_not(
    setting, django_capture_on_commit_callbacks
):
    passed, failed = close(setting, 8, (6, 5), django_capture_on_commit_callbacks)
    [body] = to(passed)
    assert body.startswith("【职称申报】") and "评审通过" in body
    assert "结果将在公示后确认" in body and setting["committee"].name in body
    [body] = to(failed)
    assert "评审未通过" in body and "登录平台查看评委会意见" in body
    # No reason or vote count travels by SMS.
    assert "票" not in body and "同意" not in body


def test_an_invalid_meeting_sends_no_result(setting, django_capture_on_commit_callbacks):
    first, second = close(setting, 7, (7, 7), django_capture_on_commit_callbacks)
    assert to(first) == to(second) == []


def test_nothing_is_sent_before_the_close_commits(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, _seated = meeting_with(setting, [declaration], attending=8)
    sms.outbox.clear()
    # Without the commit (the test's transaction stays open) nothing is queued.
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    assert to(declaration) == []


def test_the_confirmation_tells_the_certificate_is_ready(
    passed, committee_office_user, meeting, django_capture_on_commit_callbacks
):
    notice = publish(committee_office_user, meeting)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(committee_office_user, notice)
    [body] = to(passed)
    assert "评审结果已确认" in body
    assert "可登录平台在‘证书状态’下载电子证书" in body and "生成后" not in body


def test_a_confirmation_before_the_certificate_says_it_will_follow(
    passed, committee_office_user, meeting
):
    event = DeclarationEvent(
        declaration=passed, action=Action.CONFIRM_RESULT, details={"round": passed.round}
    )
    body = result_notifications.message(event, has_certificate=False)
    assert "电子证书生成后，可登录平台在‘证书状态’下载电子证书" in body


def test_a_founded_objection_or_no_phone_sends_nothing_here(
    passed, committee_office_user, meeting, django_capture_on_commit_callbacks
):
    notice = publish(committee_office_user, meeting)
    with clock.on_day(notice.starts_on):
        objection = results_services.record_objection(
            actor=committee_office_user,
            notice=notice,
            declaration_id=passed.pk,
            content="反映其业绩系他人完成",
        )
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        results_services.handle_objection(
            actor=committee_office_user,
            objection=objection,
            founded=True,
            handling="经调查异议成立。",
        )
    assert to(passed) == []
    # An applicant without a phone gets no message (and the task does not fail).
    type(passed.applicant).objects.filter(pk=passed.applicant_id).update(phone="")
    pass_event = passed.events.get(action=Action.EVALUATION_PASS)
    assert result_notifications.notify_results(event_ids=[pass_event.pk]) == 0


def test_an_applicant_with_an_email_also_gets_the_result_by_email(
    setting, django_capture_on_commit_callbacks, mailoutbox
):
    first, second = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    first.applicant.email = "passed@example.com"
    first.applicant.save(update_fields=["email"])
    meeting, _pool, seated = meeting_with(setting, [first, second], attending=8)
    items = {i.declaration_id: i for i in meeting.items.all()}
    for declaration in (first, second):
        for expert in seated[:8]:
            voting.cast_ballot(actor=expert.user, item_id=items[declaration.pk].pk, choice=A)
    with django_capture_on_commit_callbacks(execute=True):
        voting.close_vote(actor=setting["actor"], meeting=meeting)
    [mail] = mailoutbox
    assert mail.to == ["passed@example.com"] and mail.subject == "职称评审结果通知"
    assert "评审通过" in mail.body and f"/declarations/{first.pk}/" in mail.body
