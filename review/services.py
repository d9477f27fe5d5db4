"""Every write of the review chain: per-section results, pass / return / reject, public notices
and batch reporting along the effective routing path.

Each decision locks the declaration row, checks the state against REVIEW_TRANSITIONS (the same
table decides which buttons the review page shows), saves only the fields it changes, writes an
append-only DeclarationEvent and queues the applicant's notification after commit.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from declarations.models import Declaration, DeclarationEvent, DeclarationStatus
from declarations.sections import SECTIONS
from declarations.services import _record
from institutions.audit import AuditAction, record_audit
from institutions.models import Membership, OrgKind, RoutingPath
from review.models import PublicNotice, ReportBatch, Review, ReviewState, SectionResult
from review.workdays import working_days

S = DeclarationStatus

MIN_NOTICE_WORKING_DAYS = 5
REVIEWING_KINDS = (OrgKind.UNIT, OrgKind.SUPERVISING, OrgKind.REPORTING)


@dataclass(frozen=True)
class ReviewTransition:
    label: str
    sources: frozenset
    target: str
    review_state: str


REVIEW_TRANSITIONS = {
    "pass": ReviewTransition(
        _l("通过"), frozenset({S.SUBMITTED, S.UNDER_REVIEW}), S.PASSED, ReviewState.PASSED
    ),
    "return": ReviewTransition(
        _l("退回修改"),
        frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.PASSED}),
        S.RETURNED,
        ReviewState.RETURNED,
    ),
    "reject": ReviewTransition(
        _l("不通过"),
        frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.PASSED}),
        S.REJECTED,
        ReviewState.REJECTED,
    ),
    # The target is UNDER_REVIEW at the next department, or AT_COMMITTEE (see report_declarations).
    "report": ReviewTransition(
        _l("上报"), frozenset({S.PASSED}), S.UNDER_REVIEW, ReviewState.REPORTED
    ),
}
# Section results may be recorded while the declaration waits for this organization's decision.
SECTION_REVIEW_STATUSES = frozenset({S.SUBMITTED, S.UNDER_REVIEW})


def acting_organization_ids(actor) -> set[int]:
    return set(Membership.objects.filter(user=actor).values_list("organization_id", flat=True))


def can_review(declaration: Declaration, actor) -> bool:
    """The actor acts for the organization that holds the declaration, and that organization
    is on the reviewing part of the chain (not the committee office)."""
    return (
        declaration.holder_id is not None
        and declaration.holder.kind in REVIEWING_KINDS
        and declaration.holder_id in acting_organization_ids(actor)
    )


def available_review_actions(declaration: Declaration, actor) -> list[str]:
    """The decisions the review page shows as buttons (reporting is done in batches)."""
    if not can_review(declaration, actor):
        return []
    return [
        name
        for name, transition in REVIEW_TRANSITIONS.items()
        if name != "report" and declaration.status in transition.sources
    ]


def _lock(declaration: Declaration) -> Declaration:
    # Lock first, then read: a locking SELECT that joins the holder re-reads only the locked
    # row after waiting, so the joined holder could be the one from before a colleague's
    # report (PostgreSQL's EvalPlanQual), and the checks would judge a stale holder.
    Declaration.objects.select_for_update().filter(pk=declaration.pk).values_list("pk").get()
    return Declaration.objects.select_related(
        "plan__series", "plan__level", "applicant", "holder"
    ).get(pk=declaration.pk)


def _refuse(declaration: Declaration, actor, what) -> None:
    """Refuse an action on a declaration the actor's organization does not hold: someone who
    held it (a colleague just decided, or it moved on) is told so; anyone else is refused."""
    if Review.objects.filter(
        declaration=declaration, organization_id__in=acting_organization_ids(actor)
    ).exists():
        raise ValidationError(
            _(
                "该申报当前状态为“%(s)s”，已不在本单位待审核，不能%(a)s。可能已被其他审核人处理，请刷新页面。"
            )
            % {"s": declaration.get_status_display(), "a": what}
        )
    raise PermissionDenied(_("该申报不在本单位审核，不能操作。"))


def _check(declaration: Declaration, action: str, actor, seen_status=None) -> ReviewTransition:
    """seen_status: the state the reviewer's page showed; if a colleague has moved the
    declaration since (e.g. passed it while this reviewer was writing a return), the action
    is refused rather than applied on top of a decision the reviewer has not seen."""
    transition = REVIEW_TRANSITIONS[action]
    if not can_review(declaration, actor):
        _refuse(declaration, actor, transition.label)
    seen_moved = seen_status and seen_status != declaration.status
    if seen_moved or declaration.status not in transition.sources:
        raise ValidationError(
            _("该申报当前状态为“%(s)s”，不能%(a)s。可能已被其他审核人处理，请刷新页面。")
            % {"s": declaration.get_status_display(), "a": transition.label}
        )
    return transition


def _review_row(declaration: Declaration) -> Review:
    return Review.objects.select_for_update().get(
        declaration=declaration, organization_id=declaration.holder_id
    )


def _notify(event: DeclarationEvent) -> None:
    from review.tasks import notify_applicant

    transaction.on_commit(lambda: notify_applicant.delay(event.pk))


# --- arrival --------------------------------------------------------------------------------


def receive_submission(*, declaration: Declaration) -> Review:
    """The applicant submitted (again): the declaring unit's queue gets it as 待审核. Called by
    declarations.services.submit_declaration inside its transaction."""
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


def withdraw_submission(*, declaration: Declaration, organization_id: int) -> None:
    """The applicant took the declaration back before the unit started: it leaves the queue."""
    Review.objects.filter(
        declaration=declaration, organization_id=organization_id, state=ReviewState.PENDING
    ).update(state=ReviewState.WITHDRAWN)


# --- per-section review ---------------------------------------------------------------------


def _start_review(declaration: Declaration, actor) -> None:
    if declaration.review_started_at is None:
        declaration.review_started_at = timezone.now()
        declaration.save(update_fields=["review_started_at", "updated_at"])
    if declaration.status == S.SUBMITTED:
        declaration.status = S.UNDER_REVIEW
        declaration.save(update_fields=["status", "updated_at"])
        _record(
            declaration,
            action="review_start",
            actor=actor,
            from_status=S.SUBMITTED,
            organization=declaration.holder,
        )


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
    declaration = _lock(declaration)
    if not can_review(declaration, actor):
        _refuse(declaration, actor, _("审核模块"))
    if declaration.status not in SECTION_REVIEW_STATUSES:
        raise ValidationError(
            _("该申报当前状态为“%(s)s”，不能再审核模块。请刷新页面。")
            % {"s": declaration.get_status_display()}
        )
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
    _start_review(declaration, actor)
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


def _decide(declaration, *, actor, action, opinion="", **details) -> DeclarationEvent:
    """Move the declaration and this organization's review row, and write the audit row."""
    transition = REVIEW_TRANSITIONS[action]
    organization = declaration.holder
    from_status = declaration.status
    now = timezone.now()
    review = _review_row(declaration)
    review.state = transition.review_state
    review.decided_by = actor
    review.decided_at = now
    review.opinion = opinion
    review.save(update_fields=["state", "decided_by", "decided_at", "opinion"])
    declaration.status = transition.target
    fields = ["status", "updated_at"]
    if declaration.review_started_at is None:
        declaration.review_started_at = now
        fields.append("review_started_at")
    if action in ("return", "reject"):
        # Back with the applicant (return) or closed (reject): no organization holds it now.
        declaration.holder = None
        fields.append("holder")
    declaration.save(update_fields=fields)
    event = _record(
        declaration,
        action=action,
        actor=actor,
        from_status=from_status,
        organization=organization,
        reason=opinion,
        round=declaration.round,
        **details,
    )
    _notify(event)
    return event


@transaction.atomic
def pass_declaration(
    *, actor, declaration: Declaration, opinion: str = "", seen_status: str | None = None
) -> Declaration:
    """通过: every section is taken as passed unless one is marked failed, which must be
    returned (or changed) first."""
    declaration = _lock(declaration)
    _check(declaration, "pass", actor, seen_status)
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
    _decide(declaration, actor=actor, action="pass", opinion=(opinion or "").strip())
    return declaration


@transaction.atomic
def return_declaration(
    *, actor, declaration: Declaration, reason: str = "", seen_status: str | None = None
) -> Declaration:
    """退回修改: back to the applicant with the failed sections and their reasons; after the
    applicant resubmits it starts again at the declaring unit."""
    declaration = _lock(declaration)
    _check(declaration, "return", actor, seen_status)
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
    _decide(declaration, actor=actor, action="return", opinion=reason, sections=failed)
    return declaration


@transaction.atomic
def reject_declaration(
    *, actor, declaration: Declaration, reason: str = "", seen_status: str | None = None
) -> Declaration:
    """不通过: final; the applicant is told why."""
    declaration = _lock(declaration)
    _check(declaration, "reject", actor, seen_status)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("审核不通过时必须填写原因。")})
    _decide(declaration, actor=actor, action="reject", opinion=reason)
    return declaration


# --- public notice (公示) --------------------------------------------------------------------


def _require_member(actor, organization) -> None:
    if organization.pk not in acting_organization_ids(actor):
        raise PermissionDenied(_("只能操作本单位的数据。"))


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
    ends_on, which must hold at least five working days (weekends and holidays excluded)."""
    _require_member(actor, organization)
    if organization.kind != OrgKind.UNIT:
        raise PermissionDenied(_("公示由用人单位登记。"))
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
    ids = {int(i) for i in declaration_ids}
    if not ids:
        raise ValidationError(_("请选择公示人员。"))
    eligible = set(
        Declaration.objects.filter(
            pk__in=ids, plan=plan, holder=organization, status=S.PASSED
        ).values_list("pk", flat=True)
    )
    if eligible != ids:
        raise ValidationError(
            _("有%(n)d份申报不是本单位“已通过待上报”的该计划申报，不能公示。请刷新页面。")
            % {"n": len(ids - eligible)}
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
def record_notice_outcome(*, actor, notice: PublicNotice, outcome: str, note: str = ""):
    """公示结果: once the notice has ended; an objection needs a note."""
    notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    _require_member(actor, notice.organization)
    if notice.outcome != PublicNotice.Outcome.PENDING:
        raise ValidationError(_("该公示结果已登记。"))
    if outcome not in (PublicNotice.Outcome.NO_OBJECTION, PublicNotice.Outcome.OBJECTION):
        raise ValidationError({"outcome": _("请选择公示结果。")})
    today = timezone.localdate()
    if today < notice.ends_on:
        raise ValidationError(
            _("公示尚未结束（%(d)s结束），结束后才能登记公示结果。") % {"d": notice.ends_on}
        )
    note = (note or "").strip()
    if outcome == PublicNotice.Outcome.OBJECTION and not note:
        raise ValidationError({"note": _("有异议时必须填写异议情况及处理意见。")})
    notice.outcome = outcome
    notice.outcome_note = note
    notice.outcome_recorded_at = timezone.now()
    notice.save(update_fields=["outcome", "outcome_note", "outcome_recorded_at"])
    record_audit(
        actor=actor,
        action=AuditAction.NOTICE_OUTCOME,
        obj=notice,
        organization=notice.organization,
        reason=note,
        outcome=outcome,
    )
    return notice


# --- reporting (数据上报) --------------------------------------------------------------------


@transaction.atomic
def report_declarations(*, actor, organization, declaration_ids) -> list[ReportBatch]:
    """数据上报: the selected declarations this organization passed go in one batch per series
    and level to the destination of its effective path: the next department (待审核 there) or,
    from the reporting department, the committee (its office's inbox). All or nothing; bulk
    writes, so a batch of 1,000 is a handful of queries."""
    from institutions.selectors import missing_path_message
    from review.selectors import unnoticed_names  # (selectors import this module)

    _require_member(actor, organization)
    if organization.kind not in REVIEWING_KINDS:
        raise PermissionDenied(_("本单位不能上报申报。"))
    ids = sorted({int(i) for i in declaration_ids})
    if not ids:
        raise ValidationError(_("请选择要上报的申报。"))
    rows = list(
        Declaration.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, holder=organization, status=S.PASSED)
        .values_list("pk", "round", "plan__series_id", "plan__level_id")
    )
    if len(rows) != len(ids):
        raise ValidationError(
            _("有%(n)d份申报不是本单位“已通过待上报”的申报（可能已被他人处理），请刷新后重试。")
            % {"n": len(ids) - len(rows)}
        )
    if organization.kind == OrgKind.UNIT:
        names = unnoticed_names(organization, ids)
        if names:
            shown = "、".join(names[:10]) + ("等" if len(names) > 10 else "")
            raise ValidationError(
                _("以下%(n)d人尚未完成公示或公示结果不是“无异议”：%(names)s。请先登记公示及结果。")
                % {"n": len(names), "names": shown}
            )
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for pk, round_, series_id, level_id in rows:
        groups.setdefault((series_id, level_id), []).append((pk, round_))
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
            from catalog.models import Level, Series

            message, url = missing_path_message(
                organization, Series.objects.get(pk=key[0]), Level.objects.get(pk=key[1])
            )
            raise ValidationError(message, code="no_path", params={"url": url})
    now = timezone.now()
    batches = []
    for key, members in groups.items():
        path = paths[key]
        batches.append(_report_group(actor, organization, path, members, now))
    return batches


def _report_group(actor, organization, path, members, now) -> ReportBatch:
    to_committee = path.committee_id is not None
    destination = path.committee.office if to_committee else path.target
    target_status = S.AT_COMMITTEE if to_committee else S.UNDER_REVIEW
    ids = [pk for pk, _round in members]
    batch = ReportBatch.objects.create(
        from_organization=organization,
        to_organization=destination,
        committee=path.committee if to_committee else None,
        path=path,
        count=len(ids),
        created_by=actor,
        created_at=now,
    )
    update = {"status": target_status, "holder": destination, "updated_at": now}
    if to_committee:
        update["committee"] = path.committee
    Declaration.objects.filter(pk__in=ids).update(**update)
    Review.objects.filter(declaration_id__in=ids, organization=organization).update(
        state=ReviewState.REPORTED, reported_at=now, batch=batch
    )
    Review.objects.bulk_create(
        [
            Review(
                declaration_id=pk,
                organization=destination,
                state=ReviewState.PENDING,
                round=round_,
                arrived_at=now,
                received_from=organization,
            )
            for pk, round_ in members
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
    DeclarationEvent.objects.bulk_create(
        [
            DeclarationEvent(
                declaration_id=pk,
                action="report",
                actor=actor,
                organization=destination,
                from_status=S.PASSED,
                to_status=target_status,
                details={
                    "batch": batch.pk,
                    "from": organization.name,
                    "round": round_,
                    **({"committee": path.committee.name} if to_committee else {}),
                },
                created_at=now,
            )
            for pk, round_ in members
        ],
        batch_size=500,
    )
    return batch
