"""无记名投票: the office opens the vote, each attending, non-recused expert casts 同意 / 不同意 /
弃权 once per declaration, the office closes the vote and the tally moves the declarations.

Secrecy: a Ballot holds the item and the choice only (random UUID key, no time, no expert);
VoteParticipation records only that the expert voted (unique per item and expert). Nobody sees
counts before the close: the office sees how many experts voted on each item.

Every cast and the close lock the meeting's row first, so a vote racing the close is either
counted (it committed before the close read the ballots) or refused (it sees the meeting
closed); two closes are one close and one refusal.

The tally, in exact fractions (fractions.Fraction; both shares are committee settings,
CommitteeRules, 2/3 by default):
- the meeting is valid when attending ≥ 2/3 of the committee's (active) members for the year
  of the meeting's date;
- a declaration passes when 同意 ≥ 2/3 of the experts attending *for that declaration*: the
  attending experts minus those recused from it (a recused expert neither sees nor votes on
  it, so counting them would make every recusal a vote against).
A valid meeting moves each declaration with EVALUATION_PASS / EVALUATION_FAIL; an invalid one
moves them all back to 已受理待评审 (LEAVE_MEETING), to be put on another meeting.
"""

from collections import defaultdict
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import (
    Ballot,
    CommitteeMember,
    CommitteeRules,
    Meeting,
    MeetingDeclaration,
    MeetingExpert,
    Recusal,
    VoteParticipation,
)
from committee.services.experts import require_office
from committee.services.meetings import lock_meeting
from declarations import workflow
from declarations.workflow import Action, DeclarationStatus
from documents.models import DocumentKind
from documents.services import queue_render
from institutions import access
from institutions.audit import AuditAction, record_audit

QUORUM = Fraction(2, 3)
PASS_SHARE = Fraction(2, 3)
OPINION_MAX_LENGTH = 500
# The result is the committee's until it is confirmed: 评委会意见 may be written while it stands.
OPINION_STATES = frozenset(
    {DeclarationStatus.EVALUATION_PASSED, DeclarationStatus.EVALUATION_FAILED}
)


def shares(committee) -> tuple[Fraction, Fraction]:
    """(quorum, pass share) of the committee: its CommitteeRules, else 2/3 and 2/3."""
    rules = CommitteeRules.objects.filter(committee=committee).first()
    if rules is None:
        return QUORUM, PASS_SHARE
    return (
        Fraction(rules.quorum_numerator, rules.quorum_denominator),
        Fraction(rules.pass_numerator, rules.pass_denominator),
    )


def meeting_is_valid(members: int, attending: int, quorum: Fraction = QUORUM) -> bool:
    return members > 0 and Fraction(attending, members) >= quorum


def item_passes(agree: int, attending: int, share: Fraction = PASS_SHARE) -> bool:
    return attending > 0 and Fraction(agree, attending) >= share


@transaction.atomic
def open_vote(*, actor, meeting) -> Meeting:
    """开始投票: after the draw and the attendance."""
    require_office(actor, meeting.committee.office)
    meeting = lock_meeting(meeting)
    if meeting.status != Meeting.Status.DRAWN:
        raise ValidationError(
            _("会议当前状态为“%(s)s”，不能开始投票。") % {"s": meeting.get_status_display()}
        )
    if not meeting.experts.filter(attended=True).exists():
        raise ValidationError(_("请先登记出席的专家。"))
    if not meeting.items.exists():
        raise ValidationError(_("会议没有申报，不能开始投票。"))
    meeting.status = Meeting.Status.VOTING
    meeting.vote_opened_at = timezone.now()
    meeting.save(update_fields=["status", "vote_opened_at"])
    record_audit(
        actor=actor,
        action=AuditAction.VOTE_OPENED,
        obj=meeting,
        organization=meeting.committee.office,
        attending=meeting.experts.filter(attended=True).count(),
        items=meeting.items.count(),
    )
    return meeting


@transaction.atomic
def cast_ballot(*, actor, item_id: int, choice: str) -> None:
    """投票: the signed-in expert's one secret ballot on one declaration of their meeting."""
    if choice not in Ballot.Choice.values:
        raise ValidationError({"choice": _("请选择同意、不同意或弃权。")})
    meeting_id = (
        MeetingDeclaration.objects.filter(pk=item_id).values_list("meeting_id", flat=True).first()
    )
    if meeting_id is None:
        raise PermissionDenied(_("该申报不在您参加的会议中。"))
    meeting = lock_meeting(meeting_id)
    item = MeetingDeclaration.objects.get(pk=item_id)
    seat = MeetingExpert.objects.filter(meeting=meeting, expert__user=actor).first()
    if seat is None:
        raise PermissionDenied(_("该申报不在您参加的会议中。"))
    if meeting.status != Meeting.Status.VOTING:
        if meeting.status == Meeting.Status.CLOSED:
            raise ValidationError(_("投票已结束，不能再投票。"))
        raise ValidationError(_("投票尚未开始。"))
    if not seat.attended:
        raise PermissionDenied(_("您未登记出席本次会议，不能投票。"))
    if Recusal.objects.filter(
        meeting=meeting, expert_id=seat.expert_id, declaration_id=item.declaration_id
    ).exists():
        raise PermissionDenied(_("您已回避该申报，不能投票。"))
    if VoteParticipation.objects.filter(item=item, expert_id=seat.expert_id).exists():
        raise ValidationError(_("您已对该申报投过票，每人只能投一次。"))
    try:
        with transaction.atomic():
            VoteParticipation.objects.create(item=item, expert_id=seat.expert_id)
    except IntegrityError:
        raise ValidationError(_("您已对该申报投过票，每人只能投一次。")) from None
    Ballot.objects.create(item=item, choice=choice)


def vote_counts(meeting) -> dict[int, int]:
    """How many experts voted on each item (never how): what the office sees while voting."""
    return dict(
        VoteParticipation.objects.filter(item__meeting=meeting)
        .order_by()
        .values_list("item_id")
        .annotate(n=Count("pk"))
    )


@transaction.atomic
def close_vote(*, actor, meeting) -> Meeting:
    """结束投票并计票 (see the module's rules). A fixed number of queries for any meeting."""
    require_office(actor, meeting.committee.office)
    meeting = lock_meeting(meeting)
    if meeting.status != Meeting.Status.VOTING:
        if meeting.status == Meeting.Status.CLOSED:
            raise ValidationError(_("投票已结束并已计票。"))
        raise ValidationError(_("投票尚未开始，不能结束。"))
    members = CommitteeMember.objects.filter(
        committee=meeting.committee, year=meeting.held_on.year, expert__is_active=True
    ).count()
    attending_ids = set(meeting.experts.filter(attended=True).values_list("expert_id", flat=True))
    attending = len(attending_ids)
    quorum, pass_share = shares(meeting.committee)
    valid = meeting_is_valid(members, attending, quorum)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for item_id, choice, n in (
        Ballot.objects.filter(item__meeting=meeting)
        .order_by()
        .values_list("item_id", "choice")
        .annotate(n=Count("pk"))
    ):
        counts[item_id][choice] = n
    recused: dict[int, int] = defaultdict(int)
    for declaration_id, n in (
        Recusal.objects.filter(meeting=meeting, expert_id__in=attending_ids)
        .order_by()
        .values_list("declaration_id")
        .annotate(n=Count("pk"))
    ):
        recused[declaration_id] = n
    items = list(meeting.items.all())
    passed, failed = [], []
    for item in items:
        tally = counts.get(item.pk, {})
        item.agree = tally.get(Ballot.Choice.AGREE, 0)
        item.disagree = tally.get(Ballot.Choice.DISAGREE, 0)
        item.abstain = tally.get(Ballot.Choice.ABSTAIN, 0)
        if valid:
            item.passed = item_passes(
                item.agree, attending - recused[item.declaration_id], pass_share
            )
            (passed if item.passed else failed).append(item.declaration_id)
        else:
            item.passed = None
    MeetingDeclaration.objects.bulk_update(
        items, ["agree", "disagree", "abstain", "passed"], batch_size=500
    )
    office = meeting.committee.office
    moves = (
        [(Action.EVALUATION_PASS, passed), (Action.EVALUATION_FAIL, failed)]
        if valid
        else [(Action.LEAVE_MEETING, [i.declaration_id for i in items])]
    )
    for action, ids in moves:
        if not ids:
            continue
        rows = workflow.lock_many(ids, action=action, actor=actor, organization=office)
        workflow.perform_many(
            rows,
            action=action,
            actor=actor,
            organization=office,
            changes={},
            details=lambda pk, round_: {"round": round_, "meeting": meeting.pk},
        )
    meeting.status = Meeting.Status.CLOSED
    meeting.member_count = members
    meeting.attending_count = attending
    meeting.is_valid = valid
    meeting.closed_at = timezone.now()
    meeting.closed_by = actor
    meeting.save(
        update_fields=[
            "status",
            "member_count",
            "attending_count",
            "is_valid",
            "closed_at",
            "closed_by",
        ]
    )
    record_audit(
        actor=actor,
        action=AuditAction.VOTE_CLOSED,
        obj=meeting,
        organization=office,
        members=members,
        attending=attending,
        valid=valid,
        passed=passed,
        failed=failed,
    )
    return meeting


def committee_result(declaration, round_: int) -> dict | None:
    """documents.hooks.committee_result: the closed, valid meeting's result of the round."""
    item = (
        MeetingDeclaration.objects.filter(
            declaration_id=declaration.pk,
            round=round_,
            meeting__status=Meeting.Status.CLOSED,
            meeting__is_valid=True,
        )
        .select_related("meeting")
        .order_by("-meeting__closed_at", "-pk")
        .first()
    )
    if item is None:
        return None
    meeting = item.meeting
    return {
        "result": _("评审通过") if item.passed else _("评审未通过"),
        "votes": {
            "expected": meeting.member_count,
            "present": meeting.attending_count,
            "approve": item.agree,
            "oppose": item.disagree,
            "abstain": item.abstain,
        },
        "decided_on": timezone.localdate(meeting.closed_at),
        "note": item.opinion,
    }


# --- 评委会意见 --------------------------------------------------------------------------------


def opinion_refusal(meeting: Meeting, item: MeetingDeclaration, declaration) -> str | None:
    """Why the office may not write the item's 评委会意见 now (None: it may). Allowed once the
    vote of a valid meeting is closed, while the declaration's result of that meeting stands
    unconfirmed (评审通过（公示中） / 评审未通过)."""
    if meeting.status != Meeting.Status.CLOSED:
        return _("投票结束并计票后才能填写评委会意见。")
    if not meeting.is_valid or item.passed is None:
        return _("会议出席人数不足、会议无效，没有评审结论，不能填写评委会意见。")
    if declaration.status == DeclarationStatus.CONFIRMED:
        return _("评审结果已确认，不能再填写或修改评委会意见。")
    if declaration.status == DeclarationStatus.REVOKED:
        return _("评审结果已撤销，不能再填写或修改评委会意见。")
    if declaration.status not in OPINION_STATES or declaration.round != item.round:
        return _("该申报当前状态为“%(s)s”，不能填写评委会意见。") % {
            "s": declaration.get_status_display()
        }
    return None


@transaction.atomic
def record_opinion(*, actor, item_id: int, opinion: str) -> MeetingDeclaration:
    """填写评委会意见 of one declaration of a closed meeting: what an applicant who did not pass
    reads as the reason (committee.selectors.results) and what the evaluation form prints in
    the committee's block (committee_result → "note"; the round's form is queued to be drawn
    again after commit).

    Who: a member of the meeting's committee office; anyone who acts for no committee office
    is refused (PermissionDenied); another office's item is not found (DoesNotExist), as its
    pages answer 404. When: opinion_refusal(). The item's row and then the declaration's
    (workflow.lock, the row confirmation and revocation lock) are locked, so a confirmation
    racing the write either waits for it or is seen.

    The trail: the audit entry VOTE_CLOSED (结束投票并计票) on the item, with
    details step="opinion", the text and the one it replaced. The opinion completes the
    closed vote's record of that item (its tally and conclusion), which VOTE_CLOSED is about;
    there is no closer AuditAction, and a new one would need an institutions migration. The
    declaration's own events were considered and rejected: the applicant's timeline prints
    every DeclarationEvent under its action's label, and none reads right (修改申报 is the
    applicant's edit; a second 评审未通过 would claim a second evaluation, and the results and
    notifications code reads those events as the outcome)."""
    if not any(access.may(o, access.Capability.EVALUATE) for o in access.organizations_of(actor)):
        raise PermissionDenied(_("只有评委会办事机构可以填写评委会意见。"))
    office_id = (
        MeetingDeclaration.objects.filter(pk=item_id)
        .values_list("meeting__committee__office_id", flat=True)
        .first()
    )
    if office_id is None or not access.acts_for(actor, office_id):
        raise MeetingDeclaration.DoesNotExist(_("未找到该申报。"))
    item = MeetingDeclaration.objects.select_for_update().get(pk=item_id)
    meeting = Meeting.objects.select_related("committee__office").get(pk=item.meeting_id)
    require_office(actor, meeting.committee.office)
    declaration = workflow.lock(item.declaration_id)
    refusal = opinion_refusal(meeting, item, declaration)
    if refusal:
        raise ValidationError(refusal)
    text = (opinion or "").strip()
    if not text:
        raise ValidationError({"opinion": _("请填写评委会意见。")})
    if len(text) > OPINION_MAX_LENGTH:
        raise ValidationError(
            {
                "opinion": _("评委会意见不能超过%(m)d个字（现为%(n)d个字）。")
                % {"m": OPINION_MAX_LENGTH, "n": len(text)}
            }
        )
    if text == item.opinion:
        return item
    previous = item.opinion
    item.opinion = text
    item.save(update_fields=["opinion"])
    record_audit(
        actor=actor,
        action=AuditAction.VOTE_CLOSED,
        obj=item,
        organization=meeting.committee.office,
        step="opinion",
        meeting=meeting.pk,
        declaration=declaration.pk,
        round=item.round,
        opinion=text,
        previous=previous,
    )
    queue_render(declaration_id=declaration.pk, round_=item.round, kind=DocumentKind.FORM)
    return item
