"""Telling the applicant about review decisions: an SMS to the registered phone and, when the
account has one, an email. Runs in a Celery task after the decision has committed.

The task only writes: one record per channel (applicants.SmsMessage, applicants.OutgoingEmail),
each sent after commit by its own task with its own retries, attempts and last error. Nothing
here talks to the SMS gateway or the mail server, so a mail server that is down or not
configured can neither roll back nor hold back the SMS, and the other way round."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from applicants.services import queue_email, queue_sms
from declarations.models import DeclarationEvent


def _message(event: DeclarationEvent) -> str | None:
    declaration = event.declaration
    values = {"plan": declaration.plan, "org": event.organization or ""}
    if event.action == "pass":
        return _("您的职称申报“%(plan)s”已通过%(org)s审核。") % values
    if event.action == "return":
        return (
            _("您的职称申报“%(plan)s”被%(org)s退回修改，请登录平台查看退回原因，修改后重新提交。")
            % values
        )
    if event.action == "reject":
        return _("您的职称申报“%(plan)s”未通过%(org)s审核，原因：%(reason)s") % {
            **values,
            "reason": event.reason,
        }
    return None


@transaction.atomic
def notify_applicant(*, event_id: int) -> None:
    event = DeclarationEvent.objects.select_related(
        "declaration__plan__series",
        "declaration__plan__level",
        "declaration__plan__region",
        "declaration__applicant",
        "organization",
    ).get(pk=event_id)
    # Messages go out in Chinese whatever language the reviewer's request used.
    with override(settings.LANGUAGE_CODE):
        body = _message(event)
        if body is not None:
            tell_applicant(event.declaration.applicant, event.declaration_id, body)


def tell_applicant(applicant, declaration_id: int, body: str, subject: str | None = None) -> None:
    """Queue an SMS to the applicant's phone and, when the account has one, an email linking to
    the declaration's timeline (each its own record and task). Called inside
    override(settings.LANGUAGE_CODE) by the review's and the committee's notifications."""
    if applicant.phone:
        queue_sms(phone=applicant.phone, body=_("【职称申报】%(body)s") % {"body": body})
    if applicant.email:
        link = settings.SITE_URL + reverse("declarations:timeline", args=[declaration_id])
        queue_email(
            to=applicant.email,
            subject=subject or _("职称申报审核结果通知"),
            body=_("%(name)s：\n\n%(body)s\n\n查看详情：%(link)s")
            % {"name": applicant.name, "body": body, "link": link},
        )
