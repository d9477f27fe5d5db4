"""受理: the committee office's formal check of what was reported to it.

受理 (accept), 退回修改 (back to the applicant with a reason; after resubmission the chain
restarts at the declaring unit, as after any return) and 不予受理 (final, reason required), for
one declaration or several at once: all or nothing. Every move goes through
declarations.workflow (lock, check of the state the office's page showed, event with the
reason); the office's review row follows; an accepted declaration of a charged plan gets its
Payment (待缴费); the applicant is told by SMS after commit (committee.tasks_acceptance).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import FeeSetting, Payment
from declarations import workflow
from declarations.models import Declaration, DeclarationEvent, DeclarationStatus
from declarations.workflow import Action
from institutions import access
from review.models import Review, ReviewState

S = DeclarationStatus
Cap = access.Capability

DECISIONS = (Action.ACCEPT, Action.COMMITTEE_RETURN, Action.REFUSE)
NEEDS_REASON = frozenset({Action.COMMITTEE_RETURN, Action.REFUSE})
# The office's review row after each decision (its inbox in the review app shows it).
REVIEW_STATE_AFTER = {
    Action.ACCEPT: ReviewState.PASSED,
    Action.COMMITTEE_RETURN: ReviewState.RETURNED,
    Action.REFUSE: ReviewState.REJECTED,
}
MAX_PER_DECISION = 500
REASON_MAX_LENGTH = 1000


def decision_label(action: str) -> str:
    return str(workflow.MOVES[action].label)


def clean_reason(action: str, reason: str) -> str:
    """The reason, stripped; required for 退回修改 and 不予受理."""
    reason = (reason or "").strip()
    if action in NEEDS_REASON and not reason:
        if action == Action.REFUSE:
            raise ValidationError({"reason": _("不予受理时必须填写原因。")})
        raise ValidationError({"reason": _("退回修改时必须填写退回原因。")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("原因不能超过%(n)d个字。") % {"n": REASON_MAX_LENGTH}})
    return reason


def _names(declarations, limit=10) -> str:
    names = [d.applicant.name for d in declarations]
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


@transaction.atomic
def decide(*, actor, office, action: str, declaration_ids, reason: str = "") -> list:
    """Take one decision on each of the declarations (受理 / 退回修改 / 不予受理): all or
    nothing. Rows are locked in id order; any that is no longer waiting in the office (a
    colleague decided, or the page was stale) refuses the whole decision, naming them.
    Returns the events written."""
    if action not in DECISIONS:
        raise ValidationError(_("无效的操作。"))
    access.require_member(actor, office)
    if not access.may(office, Cap.RECEIVE):
        raise PermissionDenied(_("本单位不能受理申报。"))
    ids = sorted({int(i) for i in declaration_ids})
    if not ids:
        raise ValidationError(_("请选择要%(a)s的申报。") % {"a": decision_label(action)})
    if len(ids) > MAX_PER_DECISION:
        raise ValidationError(_("一次最多处理%(n)d份申报，请分批操作。") % {"n": MAX_PER_DECISION})
    reason = clean_reason(action, reason)
    try:
        rows = workflow.lock_many(ids, action=action, actor=actor, organization=office)
    except ValidationError as refusal:
        raise _refusal(office, ids) or refusal from None
    now = timezone.now()
    workflow.perform_many(
        rows,
        action=action,
        actor=actor,
        organization=office,
        changes={},
        details=lambda _pk, round_: {"round": round_, "batch_size": len(ids)},
        now=now,
        reason=reason,
    )
    Review.objects.filter(declaration_id__in=ids, organization=office).update(
        state=REVIEW_STATE_AFTER[action], decided_by=actor, decided_at=now, opinion=reason
    )
    if action == Action.ACCEPT:
        _create_payments(rows)
    return list(
        DeclarationEvent.objects.filter(
            declaration_id__in=ids, action=action, actor=actor, created_at=now
        ).order_by("declaration_id")
    )


def _refusal(office, ids) -> Exception | None:
    """Why lock_many refused the batch: declarations the office never received (refused
    outright), or ones no longer waiting for 受理 (a colleague decided, the page was stale),
    named. None when all of them are waiting again (the caller raises lock_many's message)."""
    declarations = list(
        Declaration.objects.filter(pk__in=ids).select_related("applicant").order_by("pk")
    )
    received = set(
        Review.objects.filter(declaration_id__in=ids, organization=office).values_list(
            "declaration_id", flat=True
        )
    )
    foreign = len(declarations) < len(ids) or any(
        d.holder_id != office.pk and d.pk not in received for d in declarations
    )
    if foreign:
        return PermissionDenied(_("该申报不在本单位，不能操作。"))
    stale = [d for d in declarations if d.holder_id != office.pk or d.status != S.AT_COMMITTEE]
    if not stale:
        return None
    return ValidationError(
        _(
            "以下%(n)d份申报已不是“%(s)s”状态（可能已被其他工作人员处理），"
            "本次操作未执行：%(names)s。请刷新页面后重试。"
        )
        % {"n": len(stale), "s": S.AT_COMMITTEE.label, "names": _names(stale)}
    )


def _create_payments(rows) -> None:
    """A pending Payment (待缴费) for each accepted declaration of a charged plan, in one
    INSERT (a row already there for the round is kept)."""
    keys = {
        pk: (committee_id or plan_committee_id, plan_id)
        for pk, committee_id, plan_committee_id, plan_id in Declaration.objects.filter(
            pk__in=[row.pk for row in rows]
        ).values_list("pk", "committee_id", "plan__committee_id", "plan_id")
    }
    fees = _charged_fees(keys.values())
    payments = [
        Payment(
            declaration_id=row.pk,
            round=row.round,
            amount=fees[keys[row.pk]].amount,
            status=Payment.Status.PENDING,
        )
        for row in rows
        if keys[row.pk] in fees
    ]
    if payments:
        Payment.objects.bulk_create(payments, ignore_conflicts=True)


def _charged_fees(keys) -> dict[tuple[int, int], FeeSetting]:
    """The charged fee settings of (committee id, plan id) pairs."""
    keys = set(keys)
    if not keys:
        return {}
    plan_ids = {plan for _committee, plan in keys}
    return {
        (f.committee_id, f.plan_id): f
        for f in FeeSetting.objects.filter(plan_id__in=plan_ids, charged=True)
        if (f.committee_id, f.plan_id) in keys
    }


# --- after commit: telling the applicant -------------------------------------------------------


def on_declaration_move_committed(*, action, event_ids, **kwargs):
    """Receiver of workflow.declaration_move_committed: an SMS to the applicant of each
    committee decision (as review does for the units' decisions)."""
    if action in DECISIONS:
        from committee.tasks_acceptance import notify_committee_decision

        for event_id in event_ids:
            notify_committee_decision.delay(event_id)


def _message(event, payment) -> str | None:
    declaration = event.declaration
    values = {"plan": declaration.plan, "org": event.organization or ""}
    if event.action == Action.ACCEPT:
        body = _("您的职称申报“%(plan)s”已被%(org)s受理。") % values
        if payment is not None and payment.status == Payment.Status.PENDING:
            body += _("请按12333短信提示缴纳评审费%(amount)s元，缴费后方可参加评审。") % {
                "amount": payment.amount
            }
        return body
    if event.action == Action.COMMITTEE_RETURN:
        return _(
            "您的职称申报“%(plan)s”被%(org)s退回修改，原因：%(reason)s。请登录平台修改后重新提交。"
        ) % {**values, "reason": event.reason}
    if event.action == Action.REFUSE:
        return _("您的职称申报“%(plan)s”%(org)s不予受理，原因：%(reason)s") % {
            **values,
            "reason": event.reason,
        }
    return None


@transaction.atomic
def notify_applicant(*, event_id: int) -> None:
    """Run by the task after commit: queue the SMS and the email of one committee decision
    (review.notifications.tell_applicant: one record and one task per channel)."""
    from django.conf import settings
    from django.utils.translation import override

    from declarations.models import DeclarationEvent
    from review.notifications import tell_applicant

    event = DeclarationEvent.objects.select_related(
        "declaration__plan__series",
        "declaration__plan__level",
        "declaration__plan__region",
        "declaration__applicant",
        "organization",
    ).get(pk=event_id)
    applicant = event.declaration.applicant
    round_ = (event.details or {}).get("round", event.declaration.round)
    payment = Payment.objects.filter(declaration_id=event.declaration_id, round=round_).first()
    with override(settings.LANGUAGE_CODE):
        body = _message(event, payment)
        if body is not None:
            tell_applicant(applicant, event.declaration_id, body, subject=_("职称评审受理通知"))
