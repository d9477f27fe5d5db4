"""A decision is told to the applicant by SMS and, when the account has an address, by email:
each channel is its own record (status, attempts, last error) sent by its own task with its
own bounded retries, so a mail server that is down or not configured never loses, holds back
or rolls back the SMS, and a broken SMS gateway never stops the email."""

import pytest
from django.core import mail

from applicants import services as applicant_services
from applicants import sms, tasks
from applicants.models import OutgoingEmail, SmsMessage
from config.celery import app
from declarations.models import DeclarationEvent
from review import services
from review.notifications import notify_applicant
from tests.integration.conftest import celery_workers, private_media, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db

# Port 9 (discard) on this host: nothing listens, the connection is refused.
UNREACHABLE_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }
}
# The compose default with DEBUG off: SMTP with no EMAIL_HOST.
SMTP_WITHOUT_HOST = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}


class BrokenSMSBackend(sms.BaseSMSBackend):
    def send(self, phone, body):
        raise ConnectionRefusedError("SMS gateway unreachable")


@pytest.fixture
def with_email(committed_applicant):
    committed_applicant.email = "zhangsan@example.com"
    committed_applicant.save(update_fields=["email"])
    return committed_applicant


@pytest.fixture
def retry_eagerly(monkeypatch):
    """Eager tasks that propagate errors raise celery's Retry instead of retrying; without
    propagation the eager retries run at once, one after the other."""
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def decide(submitted, unit_reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.pass_declaration(actor=unit_reviewer, declaration=submitted)


@pytest.mark.parametrize("mailers", [UNREACHABLE_SMTP, SMTP_WITHOUT_HOST], ids=["down", "no-host"])
def test_failed_email_does_not_lose_the_sms(
    mailers, settings, submitted, unit_reviewer, with_email, django_capture_on_commit_callbacks
):
    settings.MAILERS = mailers

    decide(submitted, unit_reviewer, django_capture_on_commit_callbacks)

    text = SmsMessage.objects.get()
    assert text.status == SmsMessage.Status.SENT and text.attempts == 1
    assert len(sms.outbox) == 1 and "已通过" in sms.outbox[0][1]
    email = OutgoingEmail.objects.get()
    # One attempt so far, its error kept; still queued for the task's next try.
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == 1 and email.error and email.sent_at is None
    assert email.to == "zhangsan@example.com" and "/timeline/" in email.body


def test_email_is_retried_then_marked_failed_and_the_sms_is_sent(
    settings,
    submitted,
    unit_reviewer,
    with_email,
    retry_eagerly,
    django_capture_on_commit_callbacks,
):
    settings.MAILERS = UNREACHABLE_SMTP

    decide(submitted, unit_reviewer, django_capture_on_commit_callbacks)

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == applicant_services.MAX_DELIVERY_ATTEMPTS
    assert "ConnectionRefusedError" in email.error
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT and len(sms.outbox) == 1


def test_failed_sms_does_not_stop_the_email(
    settings,
    submitted,
    unit_reviewer,
    with_email,
    retry_eagerly,
    django_capture_on_commit_callbacks,
):
    settings.SMS_BACKEND = f"{__name__}.BrokenSMSBackend"

    decide(submitted, unit_reviewer, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1 and "已通过" in mail.outbox[0].body
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1
    assert email.sent_at is not None and not email.error
    text = SmsMessage.objects.get()
    assert text.status == SmsMessage.Status.FAILED
    assert text.attempts == applicant_services.MAX_DELIVERY_ATTEMPTS
    assert "SMS gateway unreachable" in text.error and text.sent_at is None


def test_email_sent_after_a_failure_keeps_its_attempts(
    settings, submitted, unit_reviewer, with_email, django_capture_on_commit_callbacks
):
    settings.MAILERS = UNREACHABLE_SMTP
    decide(submitted, unit_reviewer, django_capture_on_commit_callbacks)
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 1

    # The mail server is back: the task's next try sends it, once.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    tasks.deliver_email.delay(email.pk)
    tasks.deliver_email.delay(email.pk)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 2
    assert len(mail.outbox) == 1


def test_notification_task_only_writes_records(submitted, unit_reviewer, with_email):
    """Outside a committed transaction nothing is sent: the notification itself never talks to
    the mail server or the SMS gateway, so it cannot fail because of them."""
    services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    event = DeclarationEvent.objects.filter(declaration=submitted).latest("pk")
    SmsMessage.objects.all().delete()
    OutgoingEmail.objects.all().delete()

    notify_applicant(event_id=event.pk)

    assert SmsMessage.objects.get().status == SmsMessage.Status.QUEUED
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.QUEUED
    assert not mail.outbox and not sms.outbox


def test_a_reset_code_given_up_is_not_kept_readable(
    settings, retry_eagerly, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}.BrokenSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        applicant_services.queue_sms(
            phone="13800000000", body="验证码 482913", redacted_body="验证码 ******"
        )
    text = SmsMessage.objects.get()
    assert text.status == SmsMessage.Status.FAILED and text.body == "验证码 ******"


def test_delivery_tasks_are_late_acked_and_retried_with_bounded_backoff():
    for task in (tasks.deliver_sms, tasks.deliver_email):
        assert task.acks_late
        assert applicant_services.DeliveryError in task.autoretry_for
        assert task.retry_backoff and task.retry_jitter
        assert task.max_retries == applicant_services.MAX_DELIVERY_ATTEMPTS - 1


@pytest.mark.celery_worker
@pytest.mark.parametrize(
    "mailer",
    [
        {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": "9"},  # the mail server is down
        {"EMAIL_HOST": ""},  # no mail server configured (compose's default)
    ],
    ids=["down", "no-host"],
)
def test_on_a_real_worker_a_failing_mailer_does_not_lose_the_sms(
    mailer,
    celery_workers,  # noqa: F811
    submitted,
    unit_reviewer,
    with_email,
):
    worker = celery_workers(
        env={"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", **mailer}
    )

    services.return_declaration(
        actor=unit_reviewer, declaration=submitted, reason="工作经历证明材料不全"
    )

    def sms_sent_and_email_tried():
        text = SmsMessage.objects.first()
        email = OutgoingEmail.objects.first()
        return (
            text is not None
            and text.status == SmsMessage.Status.SENT
            and email is not None
            and email.attempts >= 1
        )

    assert wait_for(sms_sent_and_email_tried), worker.output()
    assert "退回修改" in SmsMessage.objects.get().body
    email = OutgoingEmail.objects.get()
    # Recorded and left for its own retries (the first after about 10 s).
    assert email.status == OutgoingEmail.Status.QUEUED and email.error
    assert "applicants.tasks.deliver_email" in worker.output(tail=100_000)
