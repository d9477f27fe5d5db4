"""The life of a declaration: its states, the one table of every allowed move, and the one
function that performs a move.

Every change of ``Declaration.status`` happens in :func:`perform` (one declaration) or
:func:`perform_many` (a batch report). Each locks the rows, checks the table (who may take the
move, from which states, and the state the actor's page showed), saves only the changed
fields, writes an append-only :class:`DeclarationEvent`, tells the apps above in the same
transaction (``declaration_moved``: the review app keeps its queues that way) and, after
commit, queues their consequences (``declaration_move_committed``: notifications).

Pages ask the same table which buttons to show (:func:`available`), and whether a declaration
is editable, withdrawable or reportable.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from core.prepared import prepared
from institutions import access


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _l("草稿")
    SUBMITTED = "submitted", _l("待审核")
    UNDER_REVIEW = "under_review", _l("审核中")
    RETURNED = "returned", _l("已退回")
    REJECTED = "rejected", pgettext_lazy("state", "不通过")
    PASSED = "passed", _l("已通过待上报")
    AT_COMMITTEE = "at_committee", _l("待评委会受理")
    # The committee stage (committee/): a declaration the office accepted waits for a meeting
    # (and, where the plan charges, for its fee: committee.Payment); a return by the office
    # goes back to the applicant as RETURNED and the chain restarts at the unit.
    NOT_ACCEPTED = "not_accepted", _l("不予受理")
    ACCEPTED = "accepted", _l("已受理待评审")
    IN_EVALUATION = "in_evaluation", _l("评审中")
    EVALUATION_PASSED = "evaluation_passed", _l("评审通过（公示中）")
    EVALUATION_FAILED = "evaluation_failed", _l("评审未通过")
    CONFIRMED = "confirmed", _l("评审通过")
    REVOKED = "revoked", _l("评审结果已撤销")


class Action(models.TextChoices):
    """What a DeclarationEvent records. Moves change the state; the others leave it."""

    CREATE = "create", _l("新增申报")
    REUSE = "reuse", _l("复用以往申报信息")
    EDIT = "edit", _l("修改申报")
    SUBMIT = "submit", _l("提交申报")
    WITHDRAW = "withdraw", _l("撤回申报")
    START_REVIEW = "review_start", _l("开始审核")
    PASS = "pass", _l("审核通过")
    RETURN = "return", _l("退回修改")
    REJECT = "reject", _l("审核不通过")
    REPORT = "report", _l("上报")
    REPORT_TO_COMMITTEE = "report_committee", _l("上报评委会")
    REVIEW_SECTION = "review_section", _l("审核模块")
    # The committee stage.
    ACCEPT = "accept", _l("受理")
    COMMITTEE_RETURN = "committee_return", _l("评委会退回修改")
    REFUSE = "refuse", _l("不予受理")
    ENTER_MEETING = "enter_meeting", _l("列入评审会议")
    LEAVE_MEETING = "leave_meeting", _l("移出评审会议")
    EVALUATION_PASS = "evaluation_pass", _l("评审通过")
    EVALUATION_FAIL = "evaluation_fail", _l("评审未通过")
    CONFIRM_RESULT = "confirm_result", _l("确认评审结果")
    REVOKE = "revoke", _l("撤销评审结果")


class Actor(models.TextChoices):
    APPLICANT = "applicant", _l("申报人本人")
    HOLDER = "holder", _l("当前持有申报的单位（部门）")
    # Besides the holder: the HR bureau responsible for the region of the declaration's
    # committee (institutions.selectors.responsible_bureau), which oversees the committee's
    # results without holding the declaration (撤销评审结果 for fraud).
    COMMITTEE_BUREAU = "committee_bureau", _l("评委会所在地区的人社部门")


S = DeclarationStatus


@dataclass(frozen=True)
class Move:
    label: str
    sources: frozenset
    # None: the move does not change the state (editing a draft).
    target: str | None
    actor: str
    # For HOLDER moves: what the holding organization must be able to do (institutions.access).
    capability: str | None = None
    # Further condition on the declaration: returns the refusal message, or None.
    guard: Callable | None = None
    # Whether the declaration changes hands: the organization of the event is the new holder.
    hands_over: bool = False
    # Message when the state does not allow the move (default: it may have been handled).
    state_message: str | None = None
    # The label where the holder is a level above the declaring unit (主管部门, 人社部门, 呈报部门
    # 审查 what units report, S3 附件2 二.3); None: the same label everywhere.
    upper_label: str | None = None
    # Another actor who may take this HOLDER move without holding the declaration
    # (Actor.COMMITTEE_BUREAU); the table stays the one authority on who may move what.
    also_by: str | None = None


def _review_not_started(declaration):
    if declaration.review_started_at is not None:
        return _("单位已开始审核，不能撤回。如需修改请联系单位退回。")
    return None


def _plan_takes_it(declaration):
    """Edit and submit only while the plan takes this declaration: a draft until the plan
    closes, a returned declaration until the plan's resubmission deadline (Plan.is_open_for)."""
    return declaration.plan.closed_message(declaration)


REVIEWING = frozenset({S.SUBMITTED, S.UNDER_REVIEW})
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
Cap = access.Capability

MOVES: dict[str, Move] = {
    Action.EDIT: Move(_l("修改申报"), EDITABLE, None, Actor.APPLICANT, guard=_plan_takes_it),
    Action.SUBMIT: Move(
        _l("提交申报"),
        EDITABLE,
        S.SUBMITTED,
        Actor.APPLICANT,
        guard=_plan_takes_it,
        hands_over=True,
    ),
    Action.WITHDRAW: Move(
        _l("撤回申报"),
        frozenset({S.SUBMITTED}),
        S.DRAFT,
        Actor.APPLICANT,
        guard=_review_not_started,
    ),
    Action.START_REVIEW: Move(
        _l("开始审核"), frozenset({S.SUBMITTED}), S.UNDER_REVIEW, Actor.HOLDER, Cap.REVIEW
    ),
    # Per-section results are recorded while the declaration waits for the holder's decision.
    Action.REVIEW_SECTION: Move(
        _l("审核模块"),
        REVIEWING,
        None,
        Actor.HOLDER,
        Cap.REVIEW,
        state_message=_l("该申报当前状态为“%(s)s”，不能再审核模块。请刷新页面。"),
    ),
    Action.PASS: Move(
        _l("通过"), REVIEWING, S.PASSED, Actor.HOLDER, Cap.REVIEW, upper_label=_l("审查通过")
    ),
    Action.RETURN: Move(
        _l("退回修改"), REVIEWING | {S.PASSED}, S.RETURNED, Actor.HOLDER, Cap.REVIEW
    ),
    Action.REJECT: Move(
        pgettext_lazy("action", "不通过"),
        REVIEWING | {S.PASSED},
        S.REJECTED,
        Actor.HOLDER,
        Cap.REVIEW,
        upper_label=_l("审查不通过"),
    ),
    Action.REPORT: Move(
        _l("上报"),
        frozenset({S.PASSED}),
        S.UNDER_REVIEW,
        Actor.HOLDER,
        Cap.REPORT,
        hands_over=True,
    ),
    Action.REPORT_TO_COMMITTEE: Move(
        _l("上报评委会"),
        frozenset({S.PASSED}),
        S.AT_COMMITTEE,
        Actor.HOLDER,
        Cap.REPORT,
        hands_over=True,
    ),
    # The committee office (受理, S1 五; 人社部令第40号).
    Action.ACCEPT: Move(
        _l("受理"), frozenset({S.AT_COMMITTEE}), S.ACCEPTED, Actor.HOLDER, Cap.RECEIVE
    ),
    Action.COMMITTEE_RETURN: Move(
        _l("退回修改"), frozenset({S.AT_COMMITTEE}), S.RETURNED, Actor.HOLDER, Cap.RECEIVE
    ),
    Action.REFUSE: Move(
        _l("不予受理"), frozenset({S.AT_COMMITTEE}), S.NOT_ACCEPTED, Actor.HOLDER, Cap.RECEIVE
    ),
    Action.ENTER_MEETING: Move(
        _l("列入评审会议"), frozenset({S.ACCEPTED}), S.IN_EVALUATION, Actor.HOLDER, Cap.EVALUATE
    ),
    # Taken off the agenda before the vote, or the meeting was not valid (quorum).
    Action.LEAVE_MEETING: Move(
        _l("移出评审会议"), frozenset({S.IN_EVALUATION}), S.ACCEPTED, Actor.HOLDER, Cap.EVALUATE
    ),
    Action.EVALUATION_PASS: Move(
        _l("评审通过"),
        frozenset({S.IN_EVALUATION}),
        S.EVALUATION_PASSED,
        Actor.HOLDER,
        Cap.EVALUATE,
    ),
    Action.EVALUATION_FAIL: Move(
        _l("评审未通过"),
        # A founded objection during the results notice overturns a pass.
        frozenset({S.IN_EVALUATION, S.EVALUATION_PASSED}),
        S.EVALUATION_FAILED,
        Actor.HOLDER,
        Cap.EVALUATE,
    ),
    Action.CONFIRM_RESULT: Move(
        _l("确认评审结果"),
        frozenset({S.EVALUATION_PASSED}),
        S.CONFIRMED,
        Actor.HOLDER,
        Cap.EVALUATE,
    ),
    # For fraud (弄虚作假), by the office or the HR bureau responsible for the committee's
    # region; both go through the declaration's row lock.
    Action.REVOKE: Move(
        _l("撤销评审结果"),
        frozenset({S.EVALUATION_PASSED, S.CONFIRMED}),
        S.REVOKED,
        Actor.HOLDER,
        Cap.EVALUATE,
        also_by=Actor.COMMITTEE_BUREAU,
    ),
}

# The decisions a reviewer takes one declaration at a time on the review page.
DECISIONS = (Action.PASS, Action.RETURN, Action.REJECT)
# Actions after which no organization holds the declaration (back with the applicant, or
# closed).
RELEASES_HOLDER = frozenset(
    {Action.WITHDRAW, Action.RETURN, Action.REJECT, Action.COMMITTEE_RETURN, Action.REFUSE}
)

# Sent inside the transaction of a move: receivers keep their own rows in step (atomically).
# Arguments: declaration (None for a batch), declaration_ids, action, events, actor.
declaration_moved = Signal()
# Sent after the transaction committed: receivers queue notifications and other tasks.
# Arguments: action, event_ids.
declaration_move_committed = Signal()


# --- questions asked of the table ------------------------------------------------------------


def sources_of(action: str) -> frozenset:
    return MOVES[action].sources


def held_above_declaring_unit(declaration) -> bool:
    """Whether the holder is a level above the declaring unit (it received the declaration by a
    report): there decisions are 审查 (审查通过 needs an opinion, S3 附件2 二.3), while the
    declaring unit (a unit, or the HR bureau of a freelancer) keeps 通过 / 退回修改 / 不通过."""
    return declaration.holder_id is not None and (
        declaration.holder_id != declaration.declaring_unit_id
    )


def label_for(action: str, declaration) -> str:
    """The move's label as the holder of this declaration sees it (buttons, confirmations)."""
    move = MOVES[action]
    if move.upper_label is not None and held_above_declaring_unit(declaration):
        return move.upper_label
    return move.label


def is_editable(declaration) -> bool:
    """Whether the declaration's state lets the applicant edit it (draft or returned); the
    plan's window is edit_refusal()'s question."""
    return declaration.status in MOVES[Action.EDIT].sources


def edit_refusal(declaration) -> str | None:
    """Why the applicant cannot edit the declaration now (its state, or the plan's window),
    or None when they can."""
    move = MOVES[Action.EDIT]
    if declaration.status not in move.sources:
        return _("申报已提交（%(s)s），不能修改。") % {"s": declaration.get_status_display()}
    return move.guard(declaration)


def is_reportable(declaration) -> bool:
    return declaration.status in MOVES[Action.REPORT].sources


def held_for_q(organization, action: str, prefix: str = "") -> models.Q:
    """Declarations `organization` holds in a state `action` starts from, as a filter on
    Declaration (prefix "") or on a model pointing at one ("declaration__"): e.g. the
    reportable ones are held_for_q(unit, Action.REPORT)."""
    return models.Q(
        **{f"{prefix}holder": organization, f"{prefix}status__in": MOVES[action].sources}
    )


def reviewing_statuses() -> frozenset:
    """States in which the holder records per-section results (before its decision)."""
    return MOVES[Action.REVIEW_SECTION].sources


def handover_actions() -> tuple[str, ...]:
    """Actions whose event names the organization that received the declaration."""
    return tuple(action for action, move in MOVES.items() if move.hands_over)


def acts_for_committee_bureau(declaration, actor) -> bool:
    """Whether the actor acts for the HR bureau responsible for the region of the
    declaration's committee (no query unless the actor acts for an HR bureau at all)."""
    from institutions.models import OrgKind
    from institutions.selectors import responsible_bureau

    if not any(o.kind == OrgKind.HR_BUREAU for o in access.organizations_of(actor)):
        return False
    committee = declaration.committee or declaration.plan.committee
    bureau = responsible_bureau(committee.region) if committee is not None else None
    return bureau is not None and access.acts_for(actor, bureau.pk)


def _actor_may(declaration, move: Move, actor) -> bool:
    if move.actor == Actor.APPLICANT:
        return actor.pk == declaration.applicant_id
    holder = declaration.holder
    if (
        holder is not None
        and access.may(holder, move.capability)
        and access.acts_for(actor, holder.pk)
    ):
        return True
    return move.also_by == Actor.COMMITTEE_BUREAU and acts_for_committee_bureau(declaration, actor)


def allowed(declaration, action: str, actor) -> bool:
    move = MOVES[action]
    return (
        declaration.status in move.sources
        and _actor_may(declaration, move, actor)
        and (move.guard is None or move.guard(declaration) is None)
    )


def available(declaration, actor, actions: Iterable[str] | None = None) -> list[str]:
    """The moves (among `actions`, default all) this actor may take now: pages show these."""
    names = MOVES if actions is None else actions
    return [a for a in names if MOVES[a].target is not None and allowed(declaration, a, actor)]


# --- performing a move ---------------------------------------------------------------------


def _models():
    from declarations.models import Declaration, DeclarationEvent

    return Declaration, DeclarationEvent


def lock(declaration):
    """Lock the declaration's row, then read it afresh with what the checks need.

    Lock first, then read: a locking SELECT that joins the holder re-reads only the locked
    row after waiting, so the joined holder could be the one from before a colleague's report
    (PostgreSQL's EvalPlanQual), and the checks would judge a stale holder. Only the
    declaration row is locked: locking the plan would serialise every submission to it."""
    pk = getattr(declaration, "pk", declaration)
    if not transaction.get_connection().in_atomic_block:
        # What select_for_update() says when it is compiled, which a prepared query is once.
        raise transaction.TransactionManagementError("lock() runs inside a transaction")
    if not _lock_row(declaration=pk):
        raise _models()[0].DoesNotExist("Declaration matching query does not exist.")
    [locked] = _read_locked(declaration=pk)
    return locked


# Compiled once (core.prepared): every transition and every saved section runs them.
@prepared
def _lock_row(*, declaration):
    Declaration, _DeclarationEvent = _models()
    return Declaration.objects.select_for_update().filter(pk=declaration).values_list("pk")


@prepared
def _read_locked(*, declaration):
    Declaration, _DeclarationEvent = _models()
    return Declaration.objects.select_related(
        "plan__series", "plan__level", "plan__region", "applicant", "holder"
    ).filter(pk=declaration)


def _stale(declaration, move) -> ValidationError:
    message = move.state_message or _(
        "该申报当前状态为“%(s)s”，不能%(a)s。可能已被其他审核人处理，请刷新页面。"
    )
    return ValidationError(str(message) % {"s": declaration.get_status_display(), "a": move.label})


def _has_held(declaration, actor) -> bool:
    """Whether an organization the actor acts for received the declaration at some point."""
    _Declaration, DeclarationEvent = _models()
    return DeclarationEvent.objects.filter(
        declaration_id=declaration.pk,
        action__in=handover_actions(),
        organization_id__in=access.organization_ids_of(actor),
    ).exists()


def check(declaration, action: str, actor, seen_status: str | None = None) -> Move:
    """Refuse the move unless the table allows it for this actor and state.

    seen_status: the state the actor's page showed; if someone has moved the declaration
    since (e.g. a colleague passed it while this reviewer was writing a return), the move is
    refused rather than applied on top of a decision the actor has not seen."""
    move = MOVES[action]
    if move.actor == Actor.APPLICANT:
        if actor.pk != declaration.applicant_id:
            raise PermissionDenied(_("只能操作本人的申报。"))
        if declaration.status not in move.sources:
            raise ValidationError(
                _("当前状态为“%(s)s”，不能%(a)s。")
                % {"s": declaration.get_status_display(), "a": move.label}
            )
    else:
        if not _actor_may(declaration, move, actor):
            # Someone who held it (a colleague just decided, or it moved on) is told so;
            # anyone else is refused.
            if _has_held(declaration, actor):
                raise ValidationError(
                    _(
                        "该申报当前状态为“%(s)s”，已不在本单位待审核，不能%(a)s。"
                        "可能已被其他审核人处理，请刷新页面。"
                    )
                    % {"s": declaration.get_status_display(), "a": move.label}
                )
            raise PermissionDenied(_("该申报不在本单位审核，不能操作。"))
        if (seen_status and seen_status != declaration.status) or (
            declaration.status not in move.sources
        ):
            raise _stale(declaration, move)
    if move.guard is not None:
        message = move.guard(declaration)
        if message:
            raise ValidationError(message)
    return move


def record(
    declaration, *, action, actor, from_status=None, organization=None, reason="", **details
):
    """Write the append-only event of an action that does not move the declaration (create,
    reuse). Moves write theirs in perform()."""
    _Declaration, DeclarationEvent = _models()
    return DeclarationEvent.objects.create(
        declaration=declaration,
        action=action,
        actor=actor,
        from_status=from_status or declaration.status,
        to_status=declaration.status,
        organization=organization,
        reason=reason,
        details=details,
    )


def _after_commit(action, event_ids):
    transaction.on_commit(
        lambda: declaration_move_committed.send(
            sender=DeclarationStatus, action=action, event_ids=event_ids
        )
    )


def perform(
    declaration,
    *,
    action: str,
    actor,
    seen_status: str | None = None,
    reason: str = "",
    changes: dict | None = None,
    details: dict | None = None,
):
    """Move a declaration that the caller locked with lock() inside its transaction.

    changes: other fields the move sets (holder, round, submitted_at, committee, …).
    Returns the event written."""
    _Declaration, DeclarationEvent = _models()
    move = check(declaration, action, actor, seen_status)
    from_status = declaration.status
    organization_before = declaration.holder
    fields = {"status": move.target, **(changes or {})}
    if action in RELEASES_HOLDER:
        fields["holder"] = None
    if action in (Action.START_REVIEW, *DECISIONS) and declaration.review_started_at is None:
        fields["review_started_at"] = timezone.now()
    for name, value in fields.items():
        setattr(declaration, name, value)
    declaration.save(update_fields=[*fields, "updated_at"])
    event = DeclarationEvent.objects.create(
        declaration=declaration,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=declaration.status,
        organization=declaration.holder if move.hands_over else organization_before,
        reason=reason,
        details=details or {},
    )
    declaration_moved.send(
        sender=DeclarationStatus,
        declaration=declaration,
        declaration_ids=[declaration.pk],
        action=action,
        events=[event],
        actor=actor,
        organization=organization_before,
    )
    _after_commit(action, [event.pk])
    return event


class Locked(NamedTuple):
    pk: int
    round: int
    status: str
    series_id: int
    level_id: int
    # The committee of the declaration's plan (where its reports must end).
    committee_id: int | None = None


def lock_many(ids: Iterable[int], *, action: str, actor, organization) -> list[Locked]:
    """Lock a batch of declarations that `organization` holds and may move by `action`;
    all or nothing. Returns them by pk."""
    Declaration, _DeclarationEvent = _models()
    move = MOVES[action]
    access.require_member(actor, organization)
    if not access.may(organization, move.capability):
        raise PermissionDenied(_("本单位不能%(a)s申报。") % {"a": move.label})
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise ValidationError(_("请选择要%(a)s的申报。") % {"a": move.label})
    rows = list(
        Declaration.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, holder=organization, status__in=move.sources)
        .order_by("pk")
        .values_list(
            "pk", "round", "status", "plan__series_id", "plan__level_id", "plan__committee_id"
        )
    )
    if len(rows) != len(ids):
        raise ValidationError(
            _("有%(n)d份申报不是本单位“%(s)s”的申报（可能已被他人处理），请刷新后重试。")
            % {"n": len(ids) - len(rows), "s": sources_label(action)}
        )
    return [Locked(*row) for row in rows]


def sources_label(action: str) -> str:
    """The states a move starts from, as the office's pages name them (e.g. 已通过待上报 for
    上报; several joined by “/” in the order of DeclarationStatus)."""
    sources = MOVES[action].sources
    return "/".join(str(status.label) for status in DeclarationStatus if status in sources)


def perform_many(
    rows: list[Locked],
    *,
    action: str,
    actor,
    organization,
    changes: dict,
    details: Callable[[int, int], dict],
    now=None,
    reason: str = "",
) -> list[int]:
    """The batch variant of perform() for rows locked and checked by lock_many(): one UPDATE
    for all, one INSERT of their events, the same signals. A batch of 1,000 is a handful of
    queries. details(pk, round) gives each event's details; reason is every event's."""
    Declaration, DeclarationEvent = _models()
    move = MOVES[action]
    now = now or timezone.now()
    ids = [row.pk for row in rows]
    fields = {"status": move.target, **changes, "updated_at": now}
    if action in RELEASES_HOLDER:
        fields["holder"] = None
    Declaration.objects.filter(pk__in=ids).update(**fields)
    events = DeclarationEvent.objects.bulk_create(
        [
            DeclarationEvent(
                declaration_id=row.pk,
                action=action,
                actor=actor,
                organization=changes.get("holder") if move.hands_over else organization,
                from_status=row.status,
                to_status=move.target,
                reason=reason,
                details=details(row.pk, row.round),
                created_at=now,
            )
            for row in rows
        ],
        batch_size=500,
    )
    declaration_moved.send(
        sender=DeclarationStatus,
        declaration=None,
        declaration_ids=ids,
        action=action,
        events=events,
        actor=actor,
        organization=organization,
    )
    # bulk_create returns primary keys on PostgreSQL and SQLite.
    _after_commit(action, [e.pk for e in events if e.pk is not None])
    return ids
