"""撤销评审结果（证书） for fraud (弄虚作假), and the ban that follows.

Who may revoke is the workflow table's answer (Action.REVOKE): the committee office that holds
the declaration, or the HR bureau responsible for the region of the declaration's committee
(Move.also_by = Actor.COMMITTEE_BUREAU). The bureau does not hold the declaration; rather than
a second code path, the one table names it as the move's other actor, so workflow.perform
checks it like any holder and every state change stays in one place.

The person may not declare again: the Huzhou notice (seed huzhou-2020-review-notice.txt, 五)
says 弄虚作假 … "从评审次年起3年内不得申报"; so the ban runs from the revocation to the end
of the third year after the evaluation year (31 December of evaluation year + 3). A new
declaration by the same ID number is refused with that date (declarations.hooks
.creation_refusals, registered in committee/wiring/results.py).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import (
    Certificate,
    DeclarationBan,
    MeetingDeclaration,
    ResultsNotice,
    ResultsNoticeEntry,
)
from declarations import workflow
from declarations.workflow import Action
from institutions.audit import record_audit
from institutions.models import AuditAction

BAN_YEARS = 3


def ban_until(evaluation_year: int) -> datetime.date:
    """The last day of the ban: 从评审次年起3年内 → 31 December of evaluation year + 3."""
    return datetime.date(evaluation_year + BAN_YEARS, 12, 31)


def _evaluation_year(declaration) -> int:
    held_on = (
        MeetingDeclaration.objects.filter(declaration=declaration, passed__isnull=False)
        .order_by("-meeting__held_on")
        .values_list("meeting__held_on", flat=True)
        .first()
    )
    return held_on.year if held_on else declaration.plan.year


@transaction.atomic
def revoke_result(*, actor, declaration, reason: str, seen_status: str | None = None):
    """Revoke the result (and its certificate, if issued) for fraud; the person is barred from
    declaring until ban_until(). Returns the DeclarationBan."""
    reason = (reason or "").strip()
    declaration = workflow.lock(declaration)
    # Who and from which state: the table (PermissionDenied / ValidationError) before input.
    workflow.check(declaration, Action.REVOKE, actor, seen_status)
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因（弄虚作假的具体情形）。")})
    committee = declaration.committee or declaration.plan.committee
    workflow.perform(
        declaration,
        action=Action.REVOKE,
        actor=actor,
        seen_status=seen_status,
        reason=reason,
    )
    # Off any running results notice.
    ResultsNoticeEntry.objects.filter(
        declaration=declaration, notice__status=ResultsNotice.Status.RUNNING
    ).delete()
    now = timezone.now()
    certificate = Certificate.objects.select_for_update().filter(declaration=declaration).first()
    if certificate is not None:
        certificate.revoked_at = now
        certificate.revoke_reason = reason
        certificate.revoked_by = actor
        certificate.save(update_fields=["revoked_at", "revoke_reason", "revoked_by"])
    applicant = declaration.applicant
    ban = DeclarationBan.objects.create(
        id_number=(applicant.id_number or "").strip().upper(),
        name=applicant.name,
        until=ban_until(_evaluation_year(declaration)),
        reason=reason,
        declaration=declaration,
        created_by=actor,
    )
    record_audit(
        actor=actor,
        action=AuditAction.RESULT_REVOKED,
        obj=declaration,
        organization=committee.office,
        reason=reason,
        certificate=certificate.number if certificate else None,
        banned_until=str(ban.until),
    )
    return ban


def active_ban(id_number: str, today: datetime.date | None = None) -> DeclarationBan | None:
    """The ban still running on that day for the ID number (the longest one)."""
    if not id_number:
        return None
    today = today or timezone.localdate()
    return (
        DeclarationBan.objects.filter(id_number=id_number.strip().upper(), until__gte=today)
        .order_by("-until")
        .first()
    )


def creation_refusal(actor, plan, today: datetime.date | None = None) -> str | None:
    """declarations.hooks.creation_refusals: a banned person is refused, naming the date."""
    ban = active_ban(getattr(actor, "id_number", "") or "", today)
    if ban is None:
        return None
    return _("您因申报中弄虚作假被撤销评审结果，%(d)s之前（含当日）不得申报职称评审。") % {
        "d": f"{ban.until.year}年{ban.until.month}月{ban.until.day}日"
    }
