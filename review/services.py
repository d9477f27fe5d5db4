"""Every write of the review chain: per-section results, pass / return / reject, public notices
and batch reporting along the effective routing path.

The declaration's moves (start of review, decisions, reports) are performed by
declarations.workflow, which checks its table, locks, saves and writes the audit event; this
module keeps the review rows (each organization's queue entry), the section results, the
notices and the batches in step, and tells the applicant after commit.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Level, Series
from declarations import workflow
from declarations.models import Declaration, DeclarationStatus
from declarations.sections import SECTIONS
from declarations.workflow import Action
from institutions import access
from institutions.audit import AuditAction, record_audit
from institutions.models import RoutingPath
from review.models import (
    NoticeObjection,
    PublicNotice,
    ReportBatch,
    Review,
    ReviewState,
    SectionResult,
)
from review.workdays import working_days

S = DeclarationStatus
Cap = access.Capability

MIN_NOTICE_WORKING_DAYS = 5

# The review row's state after each of the declaration's moves by its holder.
REVIEW_STATE_AFTER = {
    Action.PASS: ReviewState.PASSED,
    Action.RETURN: ReviewState.RETURNED,
    Action.REJECT: ReviewState.REJECTED,
    Action.REPORT: ReviewState.REPORTED,
    Action.REPORT_TO_COMMITTEE: ReviewState.REPORTED,
}


def can_review(declaration: Declaration, actor) -> bool:
    """The actor acts for the organization that holds the declaration, and that organization
    reviews (the committee office receives instead)."""
    return (
        declaration.holder_id is not None
        and access.may(declaration.holder, Cap.REVIEW)
        and access.acts_for(actor, declaration.holder_id)
    )


def available_review_actions(declaration: Declaration, actor) -> list[str]:
    """The decisions the review page shows as buttons (reporting is done in batches)."""
    return workflow.available(declaration, actor, workflow.DECISIONS)


def can_record_section_results(declaration: Declaration, actor) -> bool:
    return workflow.allowed(declaration, Action.REVIEW_SECTION, actor)


def _review_row(declaration: Declaration) -> Review:
    return Review.objects.select_for_update().get(
        declaration=declaration, organization_id=declaration.holder_id
    )


# --- what the review app does when declarations move below it ------------------------------


def on_declaration_moved(*, action, declaration, declaration_ids, organization, **kwargs):
    """Receiver of workflow.declaration_moved (inside the move's transaction): a submission
    puts the declaration in the declaring unit's queue as 待审核; a withdrawal takes it out."""
    if action == Action.SUBMIT:
        receive_submission(declaration=declaration)
    elif action in (Action.RETURN, Action.REJECT) and organization is not None:
        events = kwargs.get("events") or []
        close_objections_on_decision(
            declaration=declaration,
            organization=organization,
            action=action,
            actor=kwargs.get("actor"),
            reason=events[0].reason if events else "",
        )
    elif action == Action.WITHDRAW:
        Review.objects.filter(
            declaration_id=declaration.pk, organization=organization, state=ReviewState.PENDING
        ).update(state=ReviewState.WITHDRAWN)


def on_declaration_move_committed(*, action, event_ids, **kwargs):
    """Receiver of workflow.declaration_move_committed: tell the applicant of each decision."""
    if action in workflow.DECISIONS:
        from review.tasks import notify_applicant

        for event_id in event_ids:
            notify_applicant.delay(event_id)


def receive_submission(*, declaration: Declaration) -> Review:
    """The applicant submitted (again): the declaring unit's queue gets it as 待审核."""
    review, _created = Review.objects.update_or_create(
        declaration=declaration,
        organization_id=declaration.holder_id,
        defaults={
            "state": ReviewState.PENDING,
            "round": declaration.round,
            "arrived_at": declaration.submitted_at or timezone.now(),
            "received_from": None,
            "decided_by": None,
            "decided_at": None,
            "opinion": "",
            "reported_at": None,
            "batch": None,
        },
    )
    return review


# --- per-section review ---------------------------------------------------------------------


def enabled_section_codes(declaration: Declaration) -> list[str]:
    return [
        s.code
        for s in sorted(declaration.plan.sections.all(), key=lambda s: s.sort_order)
        if s.enabled and s.code in SECTIONS
    ]


@transaction.atomic
def record_section_result(
    *, actor, declaration: Declaration, code: str, passed: bool, reason: str = ""
) -> SectionResult:
    """Pass or fail one section (a fail needs a reason); may be changed until the decision."""
    declaration = workflow.lock(declaration)
    workflow.check(declaration, Action.REVIEW_SECTION, actor)
    if code not in enabled_section_codes(declaration):
        raise ValidationError(_("该申报没有这个模块。"))
    reason = (reason or "").strip()
    if not passed and not reason:
        raise ValidationError({"reason": _("模块审核不通过时必须填写需要修改的内容。")})
    result, _created = SectionResult.objects.update_or_create(
        declaration=declaration,
        organization_id=declaration.holder_id,
        round=declaration.round,
        code=code,
        defaults={
            "passed": passed,
            "reason": "" if passed else reason,
            "reviewer": actor,
            "updated_at": timezone.now(),
        },
    )
    if declaration.status in workflow.sources_of(Action.START_REVIEW):
        workflow.perform(declaration, action=Action.START_REVIEW, actor=actor)
    return result


def _round_results(declaration: Declaration) -> dict[str, SectionResult]:
    return {
        r.code: r
        for r in SectionResult.objects.filter(
            declaration=declaration,
            organization_id=declaration.holder_id,
            round=declaration.round,
        )
    }


# --- decisions ------------------------------------------------------------------------------


def _decide(declaration, *, actor, action, seen_status, opinion="", **details):
    """Move the declaration (the workflow checks and audits) and this organization's row."""
    holder_id = declaration.holder_id
    event = workflow.perform(
        declaration,
        action=action,
        actor=actor,
        seen_status=seen_status,
        reason=opinion,
        details={"round": declaration.round, **details},
    )
    Review.objects.filter(declaration=declaration, organization_id=holder_id).update(
        state=REVIEW_STATE_AFTER[action],
        decided_by=actor,
        decided_at=event.created_at,
        opinion=opinion,
    )
    return event


@transaction.atomic
def pass_declaration(
    *, actor, declaration: Declaration, opinion: str = "", seen_status: str | None = None
) -> Declaration:
    """通过: every section is taken as passed unless one is marked failed, which must be
    returned (or changed) first. Above the declaring unit it is 审查通过, which needs the
    department's opinion (S3 附件2 二.3: 点击“审查通过”并签署审查意见)."""
    declaration = workflow.lock(declaration)
    workflow.check(declaration, Action.PASS, actor, seen_status)
    opinion = (opinion or "").strip()
    if not opinion and workflow.held_above_declaring_unit(declaration):
        raise ValidationError({"opinion": _("审查通过时必须签署审查意见。")})
    results = _round_results(declaration)
    failed = [SECTIONS[c].title for c, r in results.items() if not r.passed and c in SECTIONS]
    if failed:
        raise ValidationError(
            _("以下模块审核不通过：%(s)s。请退回申报人修改，或将这些模块改为通过。")
            % {"s": "、".join(str(t) for t in failed)}
        )
    now = timezone.now()
    SectionResult.objects.bulk_create(
        [
            SectionResult(
                declaration=declaration,
                organization_id=declaration.holder_id,
                round=declaration.round,
                code=code,
                passed=True,
                reviewer=actor,
                updated_at=now,
            )
            for code in enabled_section_codes(declaration)
            if code not in results
        ]
    )
    _decide(
        declaration,
        actor=actor,
        action=Action.PASS,
        seen_status=seen_status,
        opinion=opinion,
    )
    return declaration


@transaction.atomic
def return_declaration(
    *, actor, declaration: Declaration, reason: str = "", seen_status: str | None = None
) -> Declaration:
    """退回修改: back to the applicant with the failed sections and their reasons; after the
    applicant resubmits it starts again at the declaring unit."""
    declaration = workflow.lock(declaration)
    workflow.check(declaration, Action.RETURN, actor, seen_status)
    reason = (reason or "").strip()
    results = _round_results(declaration)
    failed = [
        {"code": code, "title": str(SECTIONS[code].title), "reason": results[code].reason}
        for code in enabled_section_codes(declaration)
        if code in results and not results[code].passed
    ]
    if not failed and not reason:
        raise ValidationError(
            {"reason": _("请在需要修改的模块点击“不通过”并填写原因，或填写退回原因。")}
        )
    _decide(
        declaration,
        actor=actor,
        action=Action.RETURN,
        seen_status=seen_status,
        opinion=reason,
        sections=failed,
    )
    return declaration


@transaction.atomic
def reject_declaration(
    *, actor, declaration: Declaration, reason: str = "", seen_status: str | None = None
) -> Declaration:
    """不通过: final; the applicant is told why."""
    declaration = workflow.lock(declaration)
    workflow.check(declaration, Action.REJECT, actor, seen_status)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("审核不通过时必须填写原因。")})
    _decide(declaration, actor=actor, action=Action.REJECT, seen_status=seen_status, opinion=reason)
    return declaration


# --- public notice (公示) --------------------------------------------------------------------


def _shown(names, limit=10) -> str:
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


def _check_notice(*, organization, plan, starts_on, ends_on, ids) -> None:
    """The rules a notice's period and people follow, when it is recorded and when it is
    corrected: at least five working days (weekends and holidays excluded); only the unit's
    已通过待上报 declarations of the plan; not starting before the day the unit passed each
    person on it (S3: the unit publishes what it has passed); nobody with an objection that
    still waits to be handled."""
    from review.selectors import open_objection_names, pass_dates

    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    days = working_days(starts_on, ends_on)
    if days < MIN_NOTICE_WORKING_DAYS:
        raise ValidationError(
            {
                "ends_on": _(
                    "公示期不少于%(min)d个工作日；%(a)s至%(b)s只有%(n)d个工作日"
                    "（已扣除周末和节假日）。"
                )
                % {"min": MIN_NOTICE_WORKING_DAYS, "a": starts_on, "b": ends_on, "n": days}
            }
        )
    if not ids:
        raise ValidationError({"declarations": _("请选择公示人员。")})
    eligible = set(
        Declaration.objects.filter(
            pk__in=ids,
            plan=plan,
            holder=organization,
            status__in=workflow.sources_of(Action.REPORT),
        ).values_list("pk", flat=True)
    )
    if eligible != ids:
        raise ValidationError(
            _("有%(n)d份申报不是本单位“已通过待上报”的该计划申报，不能公示。请刷新页面。")
            % {"n": len(ids - eligible)}
        )
    passed = pass_dates(organization, ids)
    later = sorted((day, name) for name, day in passed.values() if day > starts_on)
    if later:
        raise ValidationError(
            {
                "starts_on": _(
                    "公示须在本单位审核通过之后开始：%(names)s于%(d)s审核通过，"
                    "公示开始日期不能早于%(d)s。"
                )
                % {"names": _shown([name for _day, name in later]), "d": later[-1][0]}
            }
        )
    objected = open_objection_names(organization, ids)
    if objected:
        raise ValidationError(
            {
                "declarations": _(
                    "%(names)s的公示异议尚未处理，不能再次公示。请先在原公示中登记异议处理结果，"
                    "或退回、不通过该申报。"
                )
                % {"names": _shown(objected)}
            }
        )


def _lock_running_notice(notice: PublicNotice, actor) -> PublicNotice:
    notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    access.require_member(actor, notice.organization)
    if not access.may(notice.organization, Cap.PUBLISH_NOTICE):
        raise PermissionDenied(_("公示由用人单位登记。"))
    if not notice.is_running:
        raise ValidationError(
            _("该公示的状态为“%(s)s”，不能再更正或撤销。请刷新页面。")
            % {"s": notice.get_outcome_display()}
        )
    return notice


@transaction.atomic
def record_notice(
    *,
    actor,
    organization,
    plan,
    starts_on: datetime.date,
    ends_on: datetime.date,
    place: str = "",
    declaration_ids,
) -> PublicNotice:
    """登记公示: the declarations this unit passed for the plan, published from starts_on to
    ends_on (see _check_notice for the rules)."""
    access.require_member(actor, organization)
    if not access.may(organization, Cap.PUBLISH_NOTICE):
        raise PermissionDenied(_("公示由用人单位登记。"))
    ids = {int(i) for i in declaration_ids}
    _check_notice(
        organization=organization, plan=plan, starts_on=starts_on, ends_on=ends_on, ids=ids
    )
    notice = PublicNotice.objects.create(
        organization=organization,
        plan=plan,
        starts_on=starts_on,
        ends_on=ends_on,
        place=(place or "").strip(),
        created_by=actor,
    )
    notice.declarations.add(*sorted(ids))
    record_audit(
        actor=actor,
        action=AuditAction.NOTICE_RECORDED,
        obj=notice,
        organization=organization,
        plan_id=plan.pk,
        starts_on=starts_on,
        ends_on=ends_on,
        place=notice.place,
        declaration_ids=sorted(ids),
    )
    return notice


@transaction.atomic
def correct_notice(
    *,
    actor,
    notice: PublicNotice,
    starts_on: datetime.date,
    ends_on: datetime.date,
    place: str = "",
    declaration_ids,
    reason: str,
) -> PublicNotice:
    """更正公示: change a running notice's period, place or people, with a reason; the same
    rules as a new notice apply, and the change (before and after) goes to the audit trail."""
    notice = _lock_running_notice(notice, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    ids = {int(i) for i in declaration_ids}
    _check_notice(
        organization=notice.organization,
        plan=notice.plan,
        starts_on=starts_on,
        ends_on=ends_on,
        ids=ids,
    )
    place = (place or "").strip()
    before_ids = set(notice.declarations.values_list("pk", flat=True))
    changes = {
        name: [str(old), str(new)]
        for name, old, new in (
            ("starts_on", notice.starts_on, starts_on),
            ("ends_on", notice.ends_on, ends_on),
            ("place", notice.place, place),
        )
        if old != new
    }
    if ids != before_ids:
        changes["added_ids"] = sorted(ids - before_ids)
        changes["removed_ids"] = sorted(before_ids - ids)
    if not changes:
        raise ValidationError(_("公示内容没有变化，无需更正。"))
    notice.starts_on, notice.ends_on, notice.place = starts_on, ends_on, place
    notice.corrected_at = timezone.now()
    notice.correction_reason = reason
    notice.save(
        update_fields=["starts_on", "ends_on", "place", "corrected_at", "correction_reason"]
    )
    if ids != before_ids:
        notice.declarations.set(sorted(ids))
    record_audit(
        actor=actor,
        action=AuditAction.NOTICE_CORRECTED,
        obj=notice,
        organization=notice.organization,
        reason=reason,
        **changes,
    )
    return notice


@transaction.atomic
def cancel_notice(*, actor, notice: PublicNotice, reason: str) -> PublicNotice:
    """撤销公示: a running notice is withdrawn, with a reason; its people count as not
    published (a new notice may list them)."""
    notice = _lock_running_notice(notice, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    notice.outcome = PublicNotice.Outcome.CANCELLED
    notice.outcome_note = reason
    notice.outcome_recorded_at = timezone.now()
    notice.save(update_fields=["outcome", "outcome_note", "outcome_recorded_at"])
    record_audit(
        actor=actor,
        action=AuditAction.NOTICE_CANCELLED,
        obj=notice,
        organization=notice.organization,
        reason=reason,
    )
    return notice


@transaction.atomic
def record_notice_outcome(
    *, actor, notice: PublicNotice, outcome: str, note: str = "", objected_ids=None
):
    """公示结果: once the notice has ended (from the day after its end date). An objection
    needs a note and names the people it is against (objected_ids; None: everyone on the
    notice); each of them stays unreportable until the unit records how it was handled."""
    notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    access.require_member(actor, notice.organization)
    if notice.outcome != PublicNotice.Outcome.PENDING:
        raise ValidationError(
            _("该公示结果已登记。")
            if notice.outcome != PublicNotice.Outcome.CANCELLED
            else _("该公示已撤销，不能登记公示结果。")
        )
    if outcome not in (PublicNotice.Outcome.NO_OBJECTION, PublicNotice.Outcome.OBJECTION):
        raise ValidationError({"outcome": _("请选择公示结果。")})
    if not notice.has_ended():
        raise ValidationError(
            _("公示尚未结束（%(d)s结束），结束后才能登记公示结果。") % {"d": notice.ends_on}
        )
    note = (note or "").strip()
    objected = []
    if outcome == PublicNotice.Outcome.OBJECTION:
        if not note:
            raise ValidationError({"note": _("有异议时必须填写异议情况及处理意见。")})
        people = set(notice.declarations.values_list("pk", flat=True))
        objected = sorted(people if objected_ids is None else {int(i) for i in objected_ids})
        if not objected:
            raise ValidationError({"objected": _("请勾选异议涉及的人员。")})
        if not set(objected) <= people:
            raise ValidationError({"objected": _("所选人员不在该公示中，请刷新页面。")})
    notice.outcome = outcome
    notice.outcome_note = note
    notice.outcome_recorded_at = timezone.now()
    notice.save(update_fields=["outcome", "outcome_note", "outcome_recorded_at"])
    NoticeObjection.objects.bulk_create(
        [NoticeObjection(notice=notice, declaration_id=pk) for pk in objected]
    )
    details = {"objected_ids": objected} if objected else {}
    record_audit(
        actor=actor,
        action=AuditAction.NOTICE_OUTCOME,
        obj=notice,
        organization=notice.organization,
        reason=note,
        outcome=outcome,
        **details,
    )
    return notice


@transaction.atomic
def record_objection_handling(*, actor, objection: NoticeObjection, note: str) -> NoticeObjection:
    """异议处理: the unit checked the objection against one person and found it unfounded
    (the note says how it was checked); the person may then be reported. A founded objection
    is handled by returning or rejecting the declaration on its review page instead."""
    objection = NoticeObjection.objects.select_for_update().get(pk=objection.pk)
    notice = PublicNotice.objects.select_related("organization").get(pk=objection.notice_id)
    access.require_member(actor, notice.organization)
    if not access.may(notice.organization, Cap.PUBLISH_NOTICE):
        raise PermissionDenied(_("公示由用人单位登记。"))
    if not objection.is_open:
        raise ValidationError(
            _("该异议已处理（%(h)s），请刷新页面。") % {"h": objection.get_handling_display()}
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写核查情况及处理意见。")})
    _close_objection(
        objection,
        notice=notice,
        actor=actor,
        handling=NoticeObjection.Handling.UNFOUNDED,
        note=note,
    )
    return objection


def _close_objection(objection, *, notice, actor, handling, note):
    objection.handling = handling
    objection.handling_note = note
    objection.handled_by = actor
    objection.handled_at = timezone.now()
    objection.save(update_fields=["handling", "handling_note", "handled_by", "handled_at"])
    record_audit(
        actor=actor,
        action=AuditAction.OBJECTION_HANDLED,
        obj=notice,
        organization=notice.organization,
        reason=note,
        declaration_id=objection.declaration_id,
        handling=handling,
    )


def close_objections_on_decision(*, declaration, organization, action, actor, reason=""):
    """The unit returned or rejected a declaration: the objections against it in the unit's
    notices are handled that way (inside the move's transaction)."""
    handling = {
        Action.RETURN: NoticeObjection.Handling.RETURNED,
        Action.REJECT: NoticeObjection.Handling.REJECTED,
    }[action]
    objections = NoticeObjection.objects.select_for_update(of=("self",)).filter(
        declaration_id=declaration.pk,
        notice__organization=organization,
        handling=NoticeObjection.Handling.OPEN,
    )
    for objection in objections.select_related("notice__organization"):
        _close_objection(
            objection, notice=objection.notice, actor=actor, handling=handling, note=reason
        )


# --- reporting (数据上报) --------------------------------------------------------------------


@transaction.atomic
def report_declarations(*, actor, organization, declaration_ids) -> list[ReportBatch]:
    """数据上报: the selected declarations this organization passed go in one batch per series
    and level to the destination of its effective path: the next department (待审核 there) or,
    from the reporting department, the committee (its office's inbox). All or nothing; bulk
    writes, so a batch of 1,000 is a handful of queries."""
    from institutions.selectors import missing_path_message
    from review.selectors import unnoticed_names  # (selectors import this module)

    rows = workflow.lock_many(
        declaration_ids, action=Action.REPORT, actor=actor, organization=organization
    )
    ids = [row.pk for row in rows]
    if access.may(organization, Cap.PUBLISH_NOTICE):
        names = unnoticed_names(organization, ids)
        if names:
            shown = "、".join(names[:10]) + ("等" if len(names) > 10 else "")
            raise ValidationError(
                _("以下%(n)d人尚未完成公示或公示结果不是“无异议”：%(names)s。请先登记公示及结果。")
                % {"n": len(names), "names": shown}
            )
    groups: dict[tuple[int, int], list[workflow.Locked]] = {}
    for row in rows:
        groups.setdefault((row.series_id, row.level_id), []).append(row)
    paths = {
        (p.series_id, p.level_id): p
        for p in RoutingPath.objects.select_related(
            "target", "committee__office", "series", "level"
        ).filter(
            Q(*[Q(series_id=s, level_id=lv) for s, lv in groups], _connector=Q.OR),
            organization=organization,
            status=RoutingPath.Status.EFFECTIVE,
        )
    }
    for key in groups:
        if key not in paths:
            message, url = missing_path_message(
                organization, Series.objects.get(pk=key[0]), Level.objects.get(pk=key[1])
            )
            raise ValidationError(message, code="no_path", params={"url": url})
    for key, members in groups.items():
        _check_committee(paths[key], members)
    now = timezone.now()
    return [
        _report_group(actor, organization, paths[key], members, now)
        for key, members in groups.items()
    ]


def _check_committee(path, members):
    """A report ends at the committee of each declaration's plan: a committee path leading to
    another committee (of another region, say) is refused, naming whom it concerns."""
    if path.committee_id is None:
        return
    strays = [row.pk for row in members if row.committee_id != path.committee_id]
    if not strays:
        return
    rows = (
        Declaration.objects.filter(pk__in=strays)
        .select_related("applicant", "plan__committee")
        .order_by("applicant__name", "pk")
    )
    committees = "、".join(dict.fromkeys(d.plan.committee.name for d in rows))
    names = [d.applicant.name for d in rows]
    shown = "、".join(names[:10]) + ("等" if len(names) > 10 else "")
    raise ValidationError(
        _(
            "本单位的评委会路径通往“%(c)s”，而以下%(n)d人的申报计划由“%(p)s”评审，"
            "不能上报至其他评审委员会：%(names)s。请核对本单位的评委会路径。"
        )
        % {"c": path.committee.name, "n": len(names), "p": committees, "names": shown},
        code="wrong_committee",
    )


def _report_group(actor, organization, path, members, now) -> ReportBatch:
    to_committee = path.committee_id is not None
    destination = path.committee.office if to_committee else path.target
    batch = ReportBatch.objects.create(
        from_organization=organization,
        to_organization=destination,
        committee=path.committee if to_committee else None,
        path=path,
        count=len(members),
        created_by=actor,
        created_at=now,
    )
    changes = {"holder": destination}
    if to_committee:
        changes["committee"] = path.committee
    extra = {"committee": path.committee.name} if to_committee else {}
    ids = workflow.perform_many(
        members,
        action=Action.REPORT_TO_COMMITTEE if to_committee else Action.REPORT,
        actor=actor,
        organization=organization,
        changes=changes,
        details=lambda pk, round_: {
            "batch": batch.pk,
            "from": organization.name,
            "round": round_,
            **extra,
        },
        now=now,
    )
    Review.objects.filter(declaration_id__in=ids, organization=organization).update(
        state=ReviewState.REPORTED, reported_at=now, batch=batch
    )
    Review.objects.bulk_create(
        [
            Review(
                declaration_id=row.pk,
                organization=destination,
                state=ReviewState.PENDING,
                round=row.round,
                arrived_at=now,
                received_from=organization,
            )
            for row in members
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["declaration", "organization"],
        update_fields=[
            "state",
            "round",
            "arrived_at",
            "received_from",
            "decided_by",
            "decided_at",
            "opinion",
            "reported_at",
            "batch",
        ],
    )
    return batch
