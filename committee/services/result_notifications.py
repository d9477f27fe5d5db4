"""Telling the applicant that their committee result is out, by SMS: after the close of a
valid meeting (评审通过: the result is confirmed after the notice; 评审未通过: log in to read
the committee's opinion) and when the result is confirmed (the certificate, under 证书状态).

The receiver of workflow.declaration_move_committed queues one thin Celery task per batch of
event ids (committee.tasks_notifications); the task reads the events in one query and queues
one SMS each (applicants.services.queue_sms). A pass overturned by a founded objection during
the notice is not announced here (the office handles the objection and its outcome)."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from committee.models import Certificate
from declarations.models import DeclarationEvent
from declarations.workflow import Action

RESULT_ACTIONS = (Action.EVALUATION_PASS, Action.EVALUATION_FAIL, Action.CONFIRM_RESULT)
# Event ids per task: a meeting of 500 is one task.
TASK_BATCH = 500


def on_declaration_move_committed(*, action, event_ids, **kwargs):
    """Receiver of workflow.declaration_move_committed (after commit): queue the SMS of a
    batch of results."""
    if action not in RESULT_ACTIONS or not event_ids:
        return
    from committee.tasks_notifications import notify_results

    ids = list(event_ids)
    for start in range(0, len(ids), TASK_BATCH):
        notify_results.delay(ids[start : start + TASK_BATCH])


def _committee_name(declaration) -> str:
    committee = declaration.committee or declaration.plan.committee
    return committee.name if committee is not None else _("评审委员会")


def message(event, *, has_certificate: bool) -> str | None:
    """The SMS body of one result event, or None when it is not announced."""
    declaration = event.declaration
    values = {"plan": declaration.plan, "committee": _committee_name(declaration)}
    details = event.details or {}
    if event.action == Action.EVALUATION_PASS:
        return (
            _(
                "您的职称申报“%(plan)s”已经%(committee)s评审通过，结果将在公示后确认，"
                "请留意评审结果公示。"
            )
            % values
        )
    if event.action == Action.EVALUATION_FAIL:
        if "objection_id" in details:
            return None
        return (
            _(
                "您的职称申报“%(plan)s”经%(committee)s评审未通过，"
                "可登录平台查看评委会意见和表决结果。"
            )
            % values
        )
    if event.action == Action.CONFIRM_RESULT:
        body = _("您的职称申报“%(plan)s”评审结果已确认，已取得相应专业技术资格。") % values
        if has_certificate:
            return body + _("可登录平台在‘证书状态’下载电子证书。")
        return body + _("电子证书生成后，可登录平台在‘证书状态’下载电子证书。")
    return None


@transaction.atomic
def notify_results(*, event_ids) -> int:
    """Run by the task after commit: for each announced result event, an SMS to the applicant's
    phone and an email when the account has one (review.notifications.tell_applicant).
    Returns the number of applicants told."""
    from review.notifications import tell_applicant

    events = list(
        DeclarationEvent.objects.filter(pk__in=list(event_ids), action__in=RESULT_ACTIONS)
        .select_related(
            "declaration__applicant",
            "declaration__committee",
            "declaration__plan__series",
            "declaration__plan__level",
            "declaration__plan__region",
            "declaration__plan__committee",
        )
        .order_by("pk")
    )
    certified = set(
        Certificate.objects.filter(
            declaration_id__in=[
                e.declaration_id for e in events if e.action == Action.CONFIRM_RESULT
            ],
            revoked_at__isnull=True,
        ).values_list("declaration_id", flat=True)
    )
    sent = 0
    # Messages go out in Chinese whatever language the office's request used.
    with override(settings.LANGUAGE_CODE):
        for event in events:
            applicant = event.declaration.applicant
            body = message(event, has_certificate=event.declaration_id in certified)
            if body is None or not (applicant.phone or applicant.email):
                continue
            tell_applicant(applicant, event.declaration_id, body, subject=_("职称评审结果通知"))
            sent += 1
    return sent
