"""评审结果公示 and what follows it: the office publishes who passed a closed meeting for at
least five working days (the calendar of the unit notices, review.workdays), records
objections and how they were handled (a founded one fails the declaration: EVALUATION_FAIL,
off the list), confirms the results once the notice has ended and every objection is handled
(CONFIRM_RESULT, 批准文号, certificates issued), and the HR bureau responsible for the
committee's region registers them (备案). A running notice may be cancelled (撤销公示, with a
reason) and the meeting published again.

Every state change of a declaration goes through declarations.workflow.perform.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import (
    Meeting,
    MeetingDeclaration,
    ResultsNotice,
    ResultsNoticeEntry,
    ResultsObjection,
)
from committee.selectors import results as selectors
from declarations import workflow
from declarations.models import Declaration
from declarations.workflow import Action
from declarations.workflow import DeclarationStatus as S
from institutions import access
from institutions.audit import record_audit
from institutions.models import AuditAction
from institutions.selectors import responsible_bureau
from review.workdays import working_days

MIN_RESULTS_WORKING_DAYS = 5
# Up to this many certificates are issued in the confirmation's own transaction; more go to
# a Celery task after commit (committee.tasks_results.issue_certificates).
INLINE_CERTIFICATES = 1000

Cap = access.Capability


def _require_office(actor, office) -> None:
    access.require_member(actor, office)
    if not access.may(office, Cap.EVALUATE):
        raise PermissionDenied(_("评审结果由评委会办事机构公示和确认。"))


def _check_period(starts_on: datetime.date, ends_on: datetime.date) -> None:
    """A notice cannot start in the past and runs at least five working days (weekends and
    holidays excluded), as a unit's notice (review.services._check_notice)."""
    today = timezone.localdate()
    if starts_on is None:
        raise ValidationError({"starts_on": _("请填写公示开始日期。")})
    if ends_on is None:
        raise ValidationError({"ends_on": _("请填写公示结束日期。")})
    if starts_on < today:
        raise ValidationError(
            {"starts_on": _("公示开始日期不能早于今天（%(d)s）。") % {"d": today}}
        )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    days = working_days(starts_on, ends_on)
    if days < MIN_RESULTS_WORKING_DAYS:
        raise ValidationError(
            {
                "ends_on": _(
                    "公示期不少于%(min)d个工作日；%(a)s至%(b)s只有%(n)d个工作日"
                    "（已扣除周末和节假日）。"
                )
                % {"min": MIN_RESULTS_WORKING_DAYS, "a": starts_on, "b": ends_on, "n": days}
            }
        )


@transaction.atomic
def publish_results(
    *, actor, meeting: Meeting, starts_on: datetime.date, ends_on: datetime.date, title: str = ""
) -> ResultsNotice:
    """发布评审结果公示: everyone the closed meeting passed (still 评审通过（公示中）)."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("committee__office")
        .get(pk=meeting.pk)
    )
    _require_office(actor, meeting.committee.office)
    if meeting.status != Meeting.Status.CLOSED:
        raise ValidationError(_("会议投票尚未结束，不能公示评审结果。"))
    if meeting.notices.exclude(status=ResultsNotice.Status.CANCELLED).exists():
        raise ValidationError(_("该会议的评审结果已经公示，不能重复公示。"))
    _check_period(starts_on, ends_on)
    ids = list(
        MeetingDeclaration.objects.filter(
            meeting=meeting, passed=True, declaration__status=S.EVALUATION_PASSED
        )
        .order_by("declaration_id")
        .values_list("declaration_id", flat=True)
    )
    if not ids:
        raise ValidationError(_("该会议没有评审通过的人员，无需公示。"))
    title = (title or "").strip() or _("%(c)s%(y)s年度评审结果公示") % {
        "c": meeting.committee.name,
        "y": meeting.held_on.year,
    }
    notice = ResultsNotice.objects.create(
        meeting=meeting,
        title=title[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        published_by=actor,
    )
    ResultsNoticeEntry.objects.bulk_create(
        [ResultsNoticeEntry(notice=notice, declaration_id=pk) for pk in ids]
    )
    record_audit(
        actor=actor,
        action=AuditAction.RESULTS_PUBLISHED,
        obj=notice,
        organization=meeting.committee.office,
        meeting_id=meeting.pk,
        starts_on=str(starts_on),
        ends_on=str(ends_on),
        declaration_ids=ids,
    )
    return notice


def _lock_notice(notice: ResultsNotice, actor, *, running=True) -> ResultsNotice:
    notice = (
        ResultsNotice.objects.select_for_update(of=("self",))
        .select_related("meeting__committee__office", "meeting__committee__region")
        .get(pk=notice.pk)
    )
    _require_office(actor, notice.meeting.committee.office)
    if running and notice.status != ResultsNotice.Status.RUNNING:
        raise ValidationError(
            _("该公示的状态为“%(s)s”，不能再操作。请刷新页面。")
            % {"s": notice.get_status_display()}
        )
    return notice


@transaction.atomic
def record_objection(
    *,
    actor,
    notice: ResultsNotice,
    declaration_id: int,
    content: str,
    received_on: datetime.date | None = None,
) -> ResultsObjection:
    """登记异议 against one person on a running notice (or one that ended but is not yet
    confirmed)."""
    notice = _lock_notice(notice, actor)
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("请填写异议内容。")})
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("收到日期不能晚于今天。")})
    if received_on < notice.starts_on:
        raise ValidationError(
            {"received_on": _("收到日期不能早于公示开始日期（%(d)s）。") % {"d": notice.starts_on}}
        )
    try:
        declaration_id = int(declaration_id)
    except (TypeError, ValueError):
        declaration_id = None
    if not notice.entries.filter(declaration_id=declaration_id).exists():
        raise ValidationError({"declaration": _("请选择公示名单中的人员。")})
    objection = ResultsObjection.objects.create(
        notice=notice,
        declaration_id=declaration_id,
        received_on=received_on,
        content=content,
        recorded_by=actor,
    )
    record_audit(
        actor=actor,
        action=AuditAction.RESULTS_OBJECTION,
        obj=notice,
        organization=notice.meeting.committee.office,
        reason=content,
        objection_id=objection.pk,
        declaration_id=declaration_id,
    )
    return objection


@transaction.atomic
def handle_objection(
    *, actor, objection: ResultsObjection, founded: bool | None, handling: str
) -> ResultsObjection:
    """异议处理: founded → the declaration fails (EVALUATION_FAIL) and leaves the list;
    unfounded → it stays, the note says how it was checked."""
    notice = _lock_notice(objection.notice, actor)
    objection = ResultsObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.handled_at is not None:
        raise ValidationError(_("该异议已处理。请刷新页面。"))
    if founded is None:
        raise ValidationError({"founded": _("请选择异议是否成立。")})
    handling = (handling or "").strip()
    if not handling:
        raise ValidationError({"handling": _("请填写处理情况。")})
    if founded:
        declaration = workflow.lock(objection.declaration_id)
        workflow.perform(
            declaration,
            action=Action.EVALUATION_FAIL,
            actor=actor,
            reason=handling,
            details={"results_notice_id": notice.pk, "objection_id": objection.pk},
        )
        ResultsNoticeEntry.objects.filter(
            notice=notice, declaration_id=objection.declaration_id
        ).delete()
    objection.founded = founded
    objection.handling = handling
    objection.handled_by = actor
    objection.handled_at = timezone.now()
    objection.save(update_fields=["founded", "handling", "handled_by", "handled_at"])
    record_audit(
        actor=actor,
        action=AuditAction.RESULTS_OBJECTION,
        obj=notice,
        organization=notice.meeting.committee.office,
        reason=handling,
        objection_id=objection.pk,
        declaration_id=objection.declaration_id,
        founded=founded,
    )
    return objection


CANCEL_REASON_MAX_LENGTH = 1000


@transaction.atomic
def cancel_results_notice(*, actor, notice: ResultsNotice, reason: str) -> ResultsNotice:
    """撤销公示: a running results notice is withdrawn with a reason; it leaves the public
    pages, its people stay 评审通过（公示中） and the meeting may be published again. A
    confirmed notice cannot be cancelled (a wrong result is revoked instead)."""
    notice = _lock_notice(notice, actor, running=False)
    if notice.status == ResultsNotice.Status.CONFIRMED:
        raise ValidationError(
            _("评审结果已确认，不能撤销公示。如发现弄虚作假，请撤销其个人的评审结果。")
        )
    if notice.status == ResultsNotice.Status.CANCELLED:
        raise ValidationError(_("该公示已撤销。请刷新页面。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    if len(reason) > CANCEL_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("撤销原因不能超过%(n)d个字。") % {"n": CANCEL_REASON_MAX_LENGTH}}
        )
    notice.status = ResultsNotice.Status.CANCELLED
    notice.cancelled_by = actor
    notice.cancelled_at = timezone.now()
    notice.cancel_reason = reason
    notice.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
    record_audit(
        actor=actor,
        action=AuditAction.NOTICE_CANCELLED,
        obj=notice,
        organization=notice.meeting.committee.office,
        reason=reason,
        meeting_id=notice.meeting_id,
        declaration_ids=list(
            notice.entries.order_by("declaration_id").values_list("declaration_id", flat=True)
        ),
    )
    return notice


@transaction.atomic
def confirm_results(
    *, actor, notice: ResultsNotice, approval_document_number: str
) -> ResultsNotice:
    """确认评审结果: after the notice ended (from the day after its end date) and with every
    objection handled; each remaining person is confirmed (CONFIRM_RESULT) and gets a
    certificate (here, or by a task when there are many)."""
    from committee.services import certificates

    notice = _lock_notice(notice, actor)
    number = (approval_document_number or "").strip()
    if not number:
        raise ValidationError({"approval_document_number": _("请填写批准文号。")})
    if len(number) > 100:
        raise ValidationError({"approval_document_number": _("批准文号不能超过100个字符。")})
    if not selectors.has_ended(notice):
        raise ValidationError(
            _("公示尚未结束（%(d)s结束），结束后才能确认评审结果。") % {"d": notice.ends_on}
        )
    waiting = selectors.open_objections(notice).count()
    if waiting:
        raise ValidationError(
            _("还有%(n)d条异议尚未处理，处理后才能确认评审结果。") % {"n": waiting}
        )
    office = notice.meeting.committee.office
    entry_ids = notice.entries.values("declaration_id")
    # Lock everyone on the list first; those still 评审通过（公示中） with the office are
    # confirmed in one batch (a person revoked or failed meanwhile stays as they are).
    list(
        Declaration.objects.select_for_update(of=("self",))
        .filter(pk__in=entry_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(
        Declaration.objects.filter(
            pk__in=entry_ids, status=S.EVALUATION_PASSED, holder=office
        ).values_list("pk", flat=True)
    )
    confirmed = []
    if ids:
        rows = workflow.lock_many(
            ids, action=Action.CONFIRM_RESULT, actor=actor, organization=office
        )
        confirmed = workflow.perform_many(
            rows,
            action=Action.CONFIRM_RESULT,
            actor=actor,
            organization=office,
            changes={},
            details=lambda pk, round_: {
                "round": round_,
                "results_notice_id": notice.pk,
                "approval_document_number": number,
            },
        )
    notice.status = ResultsNotice.Status.CONFIRMED
    notice.confirmed_by = actor
    notice.confirmed_at = timezone.now()
    notice.approval_document_number = number
    notice.save(
        update_fields=["status", "confirmed_by", "confirmed_at", "approval_document_number"]
    )
    record_audit(
        actor=actor,
        action=AuditAction.RESULTS_CONFIRMED,
        obj=notice,
        organization=notice.meeting.committee.office,
        approval_document_number=number,
        declaration_ids=confirmed,
    )
    if len(confirmed) <= INLINE_CERTIFICATES:
        certificates.issue_for_notice(notice_id=notice.pk, actor=actor)
    else:
        from committee import tasks_results

        notice_id = notice.pk
        transaction.on_commit(lambda: tasks_results.issue_certificates.delay(notice_id))
    return notice


@transaction.atomic
def register_results(*, actor, notice: ResultsNotice) -> ResultsNotice:
    """备案 by the HR bureau responsible for the committee's region, once confirmed."""
    notice = (
        ResultsNotice.objects.select_for_update(of=("self",))
        .select_related("meeting__committee__region")
        .get(pk=notice.pk)
    )
    bureau = responsible_bureau(notice.meeting.committee.region)
    if bureau is None or not access.acts_for(actor, bureau):
        raise PermissionDenied(_("评审结果由评委会所在地区的人社部门备案。"))
    if notice.status != ResultsNotice.Status.CONFIRMED:
        raise ValidationError(_("评审结果尚未确认，不能备案。"))
    if notice.registered_at is not None:
        raise ValidationError(_("该评审结果已备案。"))
    notice.registered_by = actor
    notice.registered_at = timezone.now()
    notice.save(update_fields=["registered_by", "registered_at"])
    record_audit(
        actor=actor,
        action=AuditAction.RESULTS_REGISTERED,
        obj=notice,
        organization=bureau,
    )
    return notice
