"""评审会议: the office creates a meeting for a committee and plan with declarations ready for it
(committee.selectors.acceptance.ready_for_meeting), draws its experts at random from the
committee's members of the meeting's year, records who attended; recusals are automatic.

The draw. The pool is the committee's active members for the year of the meeting's date, in
expert id order. With by_specialty, the members whose specialties include a specialty of a
declaration on the agenda come first: the draw takes as many of them as it can (up to the
count), then fills the rest from the other members ("first", not "only": a committee without
enough specialists still seats the count). random.Random(seed) with a seed from secrets makes
the draw reproducible: the seed, the pool and the result are written to the audit trail, and
draw_order() with the same inputs gives the same experts. A redraw needs a reason and is
possible only before the vote opens.

Recusal (回避). An expert whose registered organization (Expert.organization) is the
applicant's declaring unit (SAME_UNIT) or any organization the declaration was handed to on its
way up (ON_PATH: events of workflow.handover_actions(); the committee office itself, which
holds every declaration, is not counted) never sees or votes on that declaration. The rows are
made when experts are drawn and when the agenda grows; an expert may also declare a conflict
(DECLARED, with a note) before voting on the item.
"""

import random
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import (
    CommitteeMember,
    Meeting,
    MeetingDeclaration,
    MeetingExpert,
    Recusal,
    VoteParticipation,
)
from committee.selectors.acceptance import ready_for_meeting
from committee.services.experts import require_office
from declarations import workflow
from declarations.models import DeclarationEvent, DeclarationSection
from declarations.workflow import Action
from institutions.audit import AuditAction, record_audit

BEFORE_VOTE = (Meeting.Status.PREPARING, Meeting.Status.DRAWN)


def lock_meeting(meeting) -> Meeting:
    """Lock the meeting's row and read it afresh (with its committee and office)."""
    pk = getattr(meeting, "pk", meeting)
    Meeting.objects.select_for_update().filter(pk=pk).values_list("pk").get()
    return Meeting.objects.select_related("committee__office", "committee__level", "plan").get(
        pk=pk
    )


def _require_before_vote(meeting: Meeting, what: str) -> None:
    if meeting.status not in BEFORE_VOTE:
        raise ValidationError(
            _("会议当前状态为“%(s)s”，不能再%(w)s。")
            % {"s": meeting.get_status_display(), "w": what}
        )


# --- the agenda --------------------------------------------------------------------------------


def _enter(meeting: Meeting, actor, declaration_ids) -> list[MeetingDeclaration]:
    ids = sorted({int(i) for i in declaration_ids})
    if not ids:
        raise ValidationError(_("请选择要列入会议的申报。"))
    ready = set(
        ready_for_meeting(meeting.committee, meeting.plan)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    if ready != set(ids):
        raise ValidationError(
            _("有%(n)d份申报不是本会议计划中已受理（且已缴费）待评审的申报，请刷新后重试。")
            % {"n": len(set(ids) - ready)}
        )
    office = meeting.committee.office
    try:
        rows = workflow.lock_many(
            ids, action=Action.ENTER_MEETING, actor=actor, organization=office
        )
    except ValidationError:
        raise ValidationError(_("所选申报已被他人处理，请刷新后重试。")) from None
    workflow.perform_many(
        rows,
        action=Action.ENTER_MEETING,
        actor=actor,
        organization=office,
        changes={},
        details=lambda pk, round_: {"round": round_, "meeting": meeting.pk},
    )
    items = MeetingDeclaration.objects.bulk_create(
        [MeetingDeclaration(meeting=meeting, declaration_id=r.pk, round=r.round) for r in rows]
    )
    if meeting.status == Meeting.Status.DRAWN:
        make_recusals(meeting, declaration_ids=[r.pk for r in rows])
    return items


@transaction.atomic
def create_meeting(*, actor, committee, plan, name: str, held_on, declaration_ids) -> Meeting:
    """创建评审会议 of a committee for one of its plans, with declarations ready for it."""
    require_office(actor, committee.office)
    if plan.committee_id != committee.pk:
        raise ValidationError({"plan": _("该申报计划不由本评委会评审。")})
    if not name.strip():
        raise ValidationError({"name": _("请填写“会议名称”。")})
    meeting = Meeting.objects.create(
        committee=committee, plan=plan, name=name.strip(), held_on=held_on, created_by=actor
    )
    meeting = lock_meeting(meeting)
    items = _enter(meeting, actor, declaration_ids)
    record_audit(
        actor=actor,
        action=AuditAction.MEETING_CREATED,
        obj=meeting,
        organization=committee.office,
        declaration_ids=[i.declaration_id for i in items],
    )
    return meeting


@transaction.atomic
def add_to_agenda(*, actor, meeting, declaration_ids) -> list[MeetingDeclaration]:
    """列入会议: more ready declarations, before the vote opens."""
    require_office(actor, meeting.committee.office)
    meeting = lock_meeting(meeting)
    _require_before_vote(meeting, _("调整会议申报"))
    return _enter(meeting, actor, declaration_ids)


@transaction.atomic
def remove_from_agenda(*, actor, meeting, declaration_id: int, reason: str = "") -> None:
    """移出会议: back to 已受理待评审, before the vote opens."""
    require_office(actor, meeting.committee.office)
    meeting = lock_meeting(meeting)
    _require_before_vote(meeting, _("调整会议申报"))
    item = MeetingDeclaration.objects.filter(meeting=meeting, declaration_id=declaration_id).first()
    if item is None:
        raise ValidationError(_("该申报不在本次会议中。"))
    declaration = workflow.lock(declaration_id)
    workflow.perform(
        declaration,
        action=Action.LEAVE_MEETING,
        actor=actor,
        reason=reason,
        details={"round": item.round, "meeting": meeting.pk},
    )
    Recusal.objects.filter(meeting=meeting, declaration_id=declaration_id).delete()
    item.delete()


# --- the draw --------------------------------------------------------------------------------


def draw_order(pool: list[int], preferred: set[int], count: int, seed: str) -> list[int]:
    """The experts drawn (ids in draw order): `count` of the pool (ids sorted), the preferred
    ones first. Pure: the same inputs always give the same result."""
    rng = random.Random(seed)
    pool = sorted(pool)
    first = [pk for pk in pool if pk in preferred]
    rest = [pk for pk in pool if pk not in preferred]
    chosen = rng.sample(first, min(count, len(first)))
    return chosen + rng.sample(rest, count - len(chosen))


def member_ids(committee, year: int) -> list[int]:
    return sorted(
        CommitteeMember.objects.filter(
            committee=committee, year=year, expert__is_active=True
        ).values_list("expert_id", flat=True)
    )


def agenda_specialties(meeting) -> set[int]:
    """The specialties (现从事专业) of the declarations on the agenda."""
    result = set()
    for data in DeclarationSection.objects.filter(
        declaration__meeting_items__meeting=meeting, code="declaration_info"
    ).values_list("data", flat=True):
        value = (data or {}).get("specialty")
        if value not in (None, ""):
            try:
                result.add(int(value))
            except (TypeError, ValueError):
                continue
    return result


def specialists(expert_ids, specialty_ids) -> set[int]:
    from committee.models import Expert

    if not specialty_ids:
        return set()
    return set(
        Expert.specialties.through.objects.filter(
            expert_id__in=list(expert_ids), specialty_id__in=list(specialty_ids)
        ).values_list("expert_id", flat=True)
    )


@transaction.atomic
def draw_experts(
    *, actor, meeting, count: int, by_specialty: bool = False, reason: str = ""
) -> list[int]:
    """随机抽取评审专家 (or 重新抽取, which needs a reason); returns the expert ids drawn."""
    require_office(actor, meeting.committee.office)
    meeting = lock_meeting(meeting)
    _require_before_vote(meeting, _("抽取专家"))
    redraw = meeting.status == Meeting.Status.DRAWN
    reason = (reason or "").strip()
    if redraw and not reason:
        raise ValidationError({"reason": _("重新抽取须填写原因。")})
    if not meeting.items.exists():
        raise ValidationError(_("会议还没有申报，请先列入申报再抽取专家。"))
    year = meeting.held_on.year
    pool = member_ids(meeting.committee, year)
    if not pool:
        raise ValidationError(
            _("评委会%(y)d年度没有委员，请先在“评委会委员”中确定委员。") % {"y": year}
        )
    if count < 1 or count > len(pool):
        raise ValidationError(
            {"count": _("抽取人数须在1至%(n)d（本年度委员人数）之间。") % {"n": len(pool)}}
        )
    specialties = agenda_specialties(meeting) if by_specialty else set()
    preferred = specialists(pool, specialties) if by_specialty else set()
    seed = secrets.token_hex(16)
    chosen = draw_order(pool, preferred, count, seed)
    previous = list(meeting.experts.values_list("expert_id", flat=True))
    meeting.experts.all().delete()
    Recusal.objects.filter(meeting=meeting).exclude(reason=Recusal.Reason.DECLARED).delete()
    Recusal.objects.filter(meeting=meeting).exclude(expert_id__in=chosen).delete()
    MeetingExpert.objects.bulk_create(
        [
            MeetingExpert(meeting=meeting, expert_id=pk, draw_order=order)
            for order, pk in enumerate(chosen, start=1)
        ]
    )
    meeting.status = Meeting.Status.DRAWN
    meeting.draw_seed = seed
    meeting.drawn_at = timezone.now()
    meeting.expert_count = count
    meeting.by_specialty = by_specialty
    meeting.save(update_fields=["status", "draw_seed", "drawn_at", "expert_count", "by_specialty"])
    make_recusals(meeting)
    record_audit(
        actor=actor,
        action=AuditAction.EXPERTS_REDRAWN if redraw else AuditAction.EXPERTS_DRAWN,
        obj=meeting,
        organization=meeting.committee.office,
        reason=reason,
        seed=seed,
        year=year,
        count=count,
        by_specialty=by_specialty,
        pool=pool,
        preferred=sorted(preferred),
        specialties=sorted(specialties),
        drawn=chosen,
        previous=previous if redraw else [],
    )
    return chosen


# --- recusal ---------------------------------------------------------------------------------


def make_recusals(meeting, declaration_ids=None) -> int:
    """The automatic recusals (SAME_UNIT / ON_PATH) of the meeting's drawn experts for its
    declarations (or only these): a fixed number of queries. Returns how many were made."""
    experts = dict(
        meeting.experts.filter(expert__organization__isnull=False).values_list(
            "expert_id", "expert__organization_id"
        )
    )
    if not experts:
        return 0
    items = MeetingDeclaration.objects.filter(meeting=meeting)
    if declaration_ids is not None:
        items = items.filter(declaration_id__in=list(declaration_ids))
    units = dict(items.values_list("declaration_id", "declaration__declaring_unit_id"))
    paths: dict[int, set[int]] = {pk: set() for pk in units}
    office_id = meeting.committee.office_id
    for declaration_id, organization_id in DeclarationEvent.objects.filter(
        declaration_id__in=list(units),
        action__in=workflow.handover_actions(),
        organization_id__isnull=False,
    ).values_list("declaration_id", "organization_id"):
        if organization_id != office_id:
            paths[declaration_id].add(organization_id)
    rows = []
    for declaration_id, unit_id in units.items():
        for expert_id, organization_id in experts.items():
            if organization_id == unit_id:
                reason = Recusal.Reason.SAME_UNIT
            elif organization_id in paths[declaration_id]:
                reason = Recusal.Reason.ON_PATH
            else:
                continue
            rows.append(
                Recusal(
                    meeting=meeting,
                    expert_id=expert_id,
                    declaration_id=declaration_id,
                    reason=reason,
                )
            )
    Recusal.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def declare_conflict(*, actor, item: MeetingDeclaration, note: str) -> Recusal:
    """专家申明回避: the signed-in expert recuses themselves from one declaration of a meeting they
    were drawn for, before voting on it."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写回避原因。")})
    meeting = lock_meeting(item.meeting_id)
    seat = (
        MeetingExpert.objects.filter(meeting=meeting, expert__user=actor)
        .select_related("expert")
        .first()
    )
    if seat is None:
        raise PermissionDenied(_("您不是本次会议的评审专家。"))
    if meeting.status not in (Meeting.Status.DRAWN, Meeting.Status.VOTING):
        raise ValidationError(_("会议已结束，不能再申明回避。"))
    if VoteParticipation.objects.filter(item=item, expert=seat.expert).exists():
        raise ValidationError(_("您已对该申报投票，不能再申明回避。"))
    recusal, created = Recusal.objects.get_or_create(
        meeting=meeting,
        expert=seat.expert,
        declaration_id=item.declaration_id,
        defaults={"reason": Recusal.Reason.DECLARED, "note": note[:200]},
    )
    if not created:
        raise ValidationError(_("您已回避该申报。"))
    record_audit(
        actor=actor,
        action=AuditAction.CONFLICT_DECLARED,
        obj=meeting,
        organization=meeting.committee.office,
        reason=note,
        expert=seat.expert_id,
        declaration=item.declaration_id,
    )
    return recusal


@transaction.atomic
def record_attendance(*, actor, meeting, attended_ids) -> int:
    """登记出席: which drawn experts attend (before the vote opens). Returns how many attend."""
    require_office(actor, meeting.committee.office)
    meeting = lock_meeting(meeting)
    if meeting.status != Meeting.Status.DRAWN:
        raise ValidationError(_("只能在抽取专家之后、开始投票之前登记出席。"))
    attended = {int(i) for i in attended_ids}
    seats = dict(meeting.experts.values_list("expert_id", "pk"))
    if not attended <= set(seats):
        raise ValidationError(_("所选专家不是本次会议抽取的专家，请刷新后重试。"))
    meeting.experts.update(attended=False)
    meeting.experts.filter(expert_id__in=attended).update(attended=True)
    record_audit(
        actor=actor,
        action=AuditAction.ATTENDANCE_RECORDED,
        obj=meeting,
        organization=meeting.committee.office,
        attended=sorted(attended),
        absent=sorted(set(seats) - attended),
    )
    return len(attended)
