"""A review decision reaches the applicant through a real worker (PostgreSQL + Redis): returning
a declaration queues the notification after commit; the worker writes the SMS, delivers it
(a second task) and marks it sent, and emails the applicant who has an address.

The worker is another process, so a locmem mail outbox there would be invisible here: the worker
uses the console mail backend, whose output goes to the worker's log, and the test reads it."""

import email
import email.policy

import pytest
from django.urls import reverse

from applicants.models import SmsMessage
from declarations.models import DeclarationStatus as S
from review import services
from tests.integration.conftest import wait_for
from tests.review.conftest import submitted  # noqa: F401  (fixture)

pytestmark = pytest.mark.celery_worker

CONSOLE_MAIL = {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def emails_in(log: str) -> list:
    """The messages the console mail backend wrote into the worker's log (each ends with a
    line of 79 dashes; the first header follows the log line's prefix)."""
    messages = []
    for chunk in log.split("-" * 79):
        start = chunk.find("Content-Type:")
        if start == -1:
            continue
        # Up to the next log line (base64 and headers never contain "\n[").
        text = chunk[start:].split("\n[", 1)[0]
        messages.append(email.message_from_string(text, policy=email.policy.default))
    return messages


def returned_sms(phone):
    return SmsMessage.objects.filter(phone=phone, body__contains="退回修改")


def test_return_is_sent_by_sms_and_email(
    celery_workers,
    submitted,  # noqa: F811
    unit_reviewer,
    committed_applicant,
):
    committed_applicant.email = "zhangsan@example.com"
    committed_applicant.save(update_fields=["email"])
    worker = celery_workers(env=CONSOLE_MAIL)

    services.return_declaration(
        actor=unit_reviewer, declaration=submitted, reason="工作经历证明材料不全"
    )
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED

    def sent():
        message = returned_sms(committed_applicant.phone).first()
        return message is not None and message.status == SmsMessage.Status.SENT

    assert wait_for(sent), f"the worker did not send the SMS within 30 s:\n{worker.output()}"
    message = returned_sms(committed_applicant.phone).get()
    assert message.body.startswith("【职称申报】") and message.sent_at is not None
    assert unit_reviewer.memberships.get().organization.name in message.body

    # The notification was the worker's, not this process's.
    assert "review.tasks.notify_applicant" in worker.output(tail=100_000)

    def emailed():
        log = worker.output(tail=100_000)
        return [m for m in emails_in(log) if m["To"] == "zhangsan@example.com"]

    assert wait_for(emailed), f"no email in the worker's log:\n{worker.output()}"
    [mail] = emailed()
    assert mail["Subject"] == "职称申报审核结果通知"
    body = mail.get_content()
    assert "退回修改" in body and committed_applicant.name in body
    assert reverse("declarations:timeline", args=[submitted.pk]) in body


def test_no_email_without_an_address(
    celery_workers,
    submitted,  # noqa: F811
    unit_reviewer,
    committed_applicant,
):
    assert not committed_applicant.email
    worker = celery_workers(env=CONSOLE_MAIL)

    services.reject_declaration(actor=unit_reviewer, declaration=submitted, reason="不具备申报资格")

    def sent():
        message = SmsMessage.objects.filter(phone=committed_applicant.phone).first()
        return message is not None and message.status == SmsMessage.Status.SENT

    assert wait_for(sent), f"the worker did not send the SMS within 30 s:\n{worker.output()}"
    assert "不具备申报资格" in SmsMessage.objects.get(phone=committed_applicant.phone).body
    assert "notify_applicant" in worker.output(tail=100_000)
    assert emails_in(worker.output(tail=100_000)) == []
