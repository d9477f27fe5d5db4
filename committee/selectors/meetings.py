"""Queries of the expert pool, committee members, meetings and the experts' own pages. One
fetch-with-permission helper per object: anyone else gets 404."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from applicants.models import AccountKind
from committee.models import (
    CommitteeMember,
    Expert,
    Meeting,
    MeetingDeclaration,
    MeetingExpert,
    Recusal,
    VoteParticipation,
)
from committee.selectors.acceptance import ready_for_meeting, title_names
from core.prepared import prepared
from declarations import workflow
from declarations.models import DeclarationEvent, Submission
from declarations.reader import DeclarationView, read_snapshot
from institutions import access
from institutions.models import Committee

Cap = access.Capability


def office_of(user):
    """The committee office the user acts for (EVALUATE); otherwise 403."""
    return access.require_organization(user, Cap.EVALUATE)


# --- experts and members --------------------------------------------------------------------


def pool(office, *, series_id=None, specialty_id=None, q: str = "", active_only=False):
    experts = (
        Expert.objects.filter(office=office)
        .select_related("level", "organization", "user")
        .prefetch_related("series", "specialties")
    )
    if active_only:
        experts = experts.filter(is_active=True)
    if series_id:
        experts = experts.filter(series__id=series_id)
    if specialty_id:
        experts = experts.filter(specialties__id=specialty_id)
    if q:
        q = q.strip()
        experts = experts.filter(Q(name__icontains=q) | Q(work_unit__icontains=q))
    return experts.distinct().order_by("name", "pk")


def get_expert(user, pk: int) -> Expert:
    office = office_of(user)
    expert = Expert.objects.filter(office=office, pk=pk).select_related("office").first()
    if expert is None:
        raise Http404(_("未找到该专家。"))
    return expert


def office_committees(office):
    return Committee.objects.filter(office=office).select_related("series", "level", "office")


def get_committee(user, pk) -> Committee:
    office = office_of(user)
    committee = office_committees(office).filter(pk=pk).first()
    if committee is None:
        raise Http404(_("未找到该评委会。"))
    return committee


def member_ids(committee, year: int) -> set[int]:
    return set(
        CommitteeMember.objects.filter(committee=committee, year=year).values_list(
            "expert_id", flat=True
        )
    )


# --- meetings (office) ------------------------------------------------------------------------


def office_meetings(office):
    return (
        Meeting.objects.filter(committee__office=office)
        .select_related("committee", "plan__series", "plan__level")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-held_on", "-pk")
    )


def get_meeting(user, pk: int) -> Meeting:
    office = office_of(user)
    meeting = (
        Meeting.objects.filter(committee__office=office, pk=pk)
        .select_related("committee__office", "committee__level", "plan__series", "plan__level")
        .first()
    )
    if meeting is None:
        raise Http404(_("未找到该会议。"))
    return meeting


@dataclass
class OfficeItem:
    item: MeetingDeclaration
    title: str
    voted: int
    # 评委会意见 after the close (set by the view): whether the office may write it now, and
    # the text and message of a refused save, shown again next to the row's field.
    opinion_open: bool = False
    opinion_text: str | None = None
    opinion_error: str = ""


def get_meeting_item(meeting, pk: int) -> MeetingDeclaration:
    """A declaration on the agenda of a meeting fetched with get_meeting(); else 404."""
    item = meeting.items.select_related("declaration__applicant").filter(pk=pk).first()
    if item is None:
        raise Http404(_("未找到该申报。"))
    return item


def meeting_page(meeting) -> dict:
    """Everything the office's meeting page shows, in a fixed number of queries."""
    items = list(
        meeting.items.select_related(
            "declaration__applicant", "declaration__declaring_unit"
        ).order_by("declaration__applicant__name", "pk")
    )
    titles = title_names(i.declaration_id for i in items)
    voted = dict(
        VoteParticipation.objects.filter(item__meeting=meeting)
        .order_by()
        .values_list("item_id")
        .annotate(n=Count("pk"))
    )
    seats = list(meeting.experts.select_related("expert__organization").order_by("draw_order"))
    recusals = list(
        Recusal.objects.filter(meeting=meeting)
        .select_related("expert", "declaration__applicant")
        .order_by("declaration_id", "expert_id")
    )
    members = CommitteeMember.objects.filter(
        committee=meeting.committee, year=meeting.held_on.year, expert__is_active=True
    ).count()
    ready = []
    if meeting.status in (Meeting.Status.PREPARING, Meeting.Status.DRAWN):
        ready = list(
            ready_for_meeting(meeting.committee, meeting.plan)
            .select_related("applicant", "declaring_unit")
            .order_by("applicant__name", "pk")
        )
    return {
        "items": [
            OfficeItem(i, titles.get(i.declaration_id, ""), voted.get(i.pk, 0)) for i in items
        ],
        "seats": seats,
        "recusals": recusals,
        "members": members,
        "attending": sum(1 for s in seats if s.attended),
        "ready": ready,
    }


# --- the expert's pages ---------------------------------------------------------------------


def expert_of(user) -> Expert:
    """The expert profile of a signed-in expert account; otherwise 403/404."""
    if not getattr(user, "is_authenticated", False) or user.kind != AccountKind.EXPERT:
        raise Http404(_("未找到评审专家信息。"))
    expert = Expert.objects.filter(user=user, is_active=True).first()
    if expert is None:
        raise Http404(_("未找到评审专家信息。"))
    return expert


SHOWN_TO_EXPERTS = (Meeting.Status.DRAWN, Meeting.Status.VOTING, Meeting.Status.CLOSED)


def expert_meetings(expert):
    """The meetings the expert was drawn for, newest first, with their seat."""
    return list(
        MeetingExpert.objects.filter(expert=expert, meeting__status__in=SHOWN_TO_EXPERTS)
        .select_related("meeting__committee")
        .order_by("-meeting__held_on", "-meeting_id")
    )


@dataclass
class ExpertItem:
    """A row of the expert's list: the agenda item's id, the applicant, the declaring unit, the
    title applied for and whether the expert voted on it."""

    pk: int
    name: str
    unit: str
    title: str
    voted: bool
    url: str = ""


@prepared
def _expert_rows(*, meeting, expert):
    """expert_items' rows (compiled once: core.prepared)."""
    recused = Recusal.objects.filter(
        meeting_id=meeting, expert_id=expert, declaration_id=OuterRef("declaration_id")
    )
    voted = VoteParticipation.objects.filter(item=OuterRef("pk"), expert_id=expert)
    return (
        MeetingDeclaration.objects.filter(meeting_id=meeting)
        .exclude(Exists(recused))
        .annotate(has_voted=Exists(voted))
        .order_by("declaration__applicant__name", "pk")
        .values_list(
            "pk",
            "declaration_id",
            "declaration__applicant__name",
            "declaration__declaring_unit__name",
            "has_voted",
        )
    )


def expert_items(expert, meeting) -> list[ExpertItem]:
    """The declarations of the meeting the expert may see (not recused), with whether they voted:
    three queries for any size, reading only the columns the list shows."""
    rows = _expert_rows(meeting=meeting.pk, expert=expert.pk)
    titles = title_names(row[1] for row in rows)
    return [
        ExpertItem(pk, name, unit or "", titles.get(declaration_id, ""), has_voted)
        for pk, declaration_id, name, unit, has_voted in rows
    ]


def get_expert_meeting(user, pk: int) -> tuple[Expert, MeetingExpert]:
    """The user's active expert profile and their seat at the meeting (shown to experts), in
    one query; else 404."""
    if not getattr(user, "is_authenticated", False) or user.kind != AccountKind.EXPERT:
        raise Http404(_("未找到该会议。"))
    seats = _expert_seat(user=user.pk, meeting=int(pk))
    if not seats:
        raise Http404(_("未找到该会议。"))
    return seats[0].expert, seats[0]


@prepared
def _expert_seat(*, user, meeting):
    """get_expert_meeting's query (compiled once: core.prepared)."""
    return MeetingExpert.objects.filter(
        expert__user_id=user,
        expert__is_active=True,
        meeting_id=meeting,
        meeting__status__in=SHOWN_TO_EXPERTS,
    ).select_related("expert", "meeting__committee")[:1]


@prepared
def _expert_item(*, item, user):
    """get_expert_item's query (compiled once: core.prepared)."""
    seat = MeetingExpert.objects.filter(
        meeting_id=OuterRef("meeting_id"), expert__user_id=user, expert__is_active=True
    )
    return (
        MeetingDeclaration.objects.filter(pk=item, meeting__status__in=SHOWN_TO_EXPERTS)
        .annotate(
            seat_id=Subquery(seat.values("pk")[:1]),
            seat_expert_id=Subquery(seat.values("expert_id")[:1]),
            seat_draw_order=Subquery(seat.values("draw_order")[:1]),
            seat_attended=Subquery(seat.values("attended")[:1]),
            has_voted=Exists(
                VoteParticipation.objects.filter(item=OuterRef("pk"), expert__user_id=user)
            ),
        )
        .filter(seat_id__isnull=False)
        .exclude(
            Exists(
                Recusal.objects.filter(
                    meeting=OuterRef("meeting_id"),
                    expert__user_id=user,
                    declaration_id=OuterRef("declaration_id"),
                )
            )
        )
        .select_related(
            "meeting",
            "declaration__applicant",
            "declaration__declaring_unit",
            "declaration__plan__series",
            "declaration__plan__level",
        )[:1]
    )


def get_expert_item(user, pk: int) -> tuple[Expert, MeetingExpert, MeetingDeclaration]:
    """A declaration of a meeting the user's active expert profile was drawn for and is not
    recused from; else 404. One query: the item with its meeting, declaration and plan, the
    expert's seat (annotated, then built as a MeetingExpert) and whether they voted on it
    (item.has_voted). The Expert is loaded only if a caller uses it."""
    if not getattr(user, "is_authenticated", False) or user.kind != AccountKind.EXPERT:
        raise Http404(_("未找到该申报。"))
    rows = _expert_item(item=int(pk), user=user.pk)
    item = rows[0] if rows else None
    if item is None:
        raise Http404(_("未找到该申报。"))
    seat = MeetingExpert(
        pk=item.seat_id,
        meeting=item.meeting,
        expert_id=item.seat_expert_id,
        draw_order=item.seat_draw_order,
        attended=item.seat_attended,
    )
    seat._state.adding = False
    expert_id = item.seat_expert_id
    expert = SimpleLazyObject(lambda: Expert.objects.get(pk=expert_id))
    return expert, seat, item


def level_opinions(declaration_id: int, round_: int) -> list[DeclarationEvent]:
    """The decisions of every level on the round (review's decision records), in order: the
    declaration's decisions in one prepared query, the round picked here (a JSON key lookup's
    value is no plain parameter for core.prepared; a declaration has a few decisions)."""
    return [
        event
        for event in _decisions(declaration=int(declaration_id))
        if (event.details or {}).get("round") == round_
    ]


@prepared
def _decisions(*, declaration):
    return (
        DeclarationEvent.objects.filter(declaration_id=declaration, action__in=workflow.DECISIONS)
        .select_related("organization")
        .order_by("created_at", "pk")
    )


def declaration_view(item: MeetingDeclaration, sections=None) -> DeclarationView | None:
    """The declaration as submitted in the item's round (declarations.reader, as the review
    page reads it), or None when no snapshot was kept. sections: the plan's enabled sections,
    if the caller has them."""
    snapshot = (
        Submission.objects.filter(declaration_id=item.declaration_id, round=item.round)
        .values_list("snapshot", flat=True)
        .first()
    )
    if snapshot is None:
        return None
    return read_snapshot(item.declaration, snapshot, round=item.round, sections=sections)


def document_round_for_expert(user, declaration_id: int) -> int | None:
    """documents' grant for experts: the round of a declaration on a meeting (drawn, voting)
    the expert was drawn for and is not recused from; else None."""
    if not getattr(user, "is_authenticated", False) or user.kind != AccountKind.EXPERT:
        return None
    return (
        MeetingDeclaration.objects.filter(
            declaration_id=declaration_id,
            meeting__status__in=(Meeting.Status.DRAWN, Meeting.Status.VOTING),
            meeting__experts__expert__user=user,
            meeting__experts__expert__is_active=True,
        )
        .exclude(
            Exists(
                Recusal.objects.filter(
                    meeting=OuterRef("meeting_id"),
                    expert__user=user,
                    declaration_id=OuterRef("declaration_id"),
                )
            )
        )
        .values_list("round", flat=True)
        .first()
    )
