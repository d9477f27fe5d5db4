"""The expert's pages (评审任务): their meetings, the declarations of one meeting, one
declaration with its documents and every level's opinion, the secret vote and the declared
conflict. One column on a phone, big buttons."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committee.forms_meetings import ConflictForm, VoteForm
from committee.models import Ballot, Meeting
from committee.selectors import meetings as selectors
from committee.services import meetings as meeting_services
from committee.services import voting as services
from core.forms import add_service_errors
from declarations.reader import enabled_sections


@login_required
@require_GET
def expert_home(request):
    expert = selectors.expert_of(request.user)
    return render(
        request,
        "committee/expert_home.html",
        {"expert": expert, "seats": selectors.expert_meetings(expert)},
    )


@login_required
@require_GET
def expert_meeting(request, pk: int):
    expert, seat = selectors.get_expert_meeting(request.user, pk)
    items = selectors.expert_items(expert, seat.meeting)
    # One reverse() for the list instead of one per row.
    pattern = reverse("committee:expert_item", args=[_URL_PLACEHOLDER])
    for row in items:
        row.url = pattern.replace(str(_URL_PLACEHOLDER), str(row.pk))
    return render(
        request,
        "committee/vote_meeting.html",
        {"expert": expert, "seat": seat, "meeting": seat.meeting, "items": items},
    )


_URL_PLACEHOLDER = 987654321987


# What was submitted in a round never changes: the declaration as the expert reads it is
# rendered once and kept for a day, shared by every expert of the meeting. The key names the
# declaration, the item's round, the declaration's last submission (a declaration id reused
# after a database reset, or a later round, is another key), its plan and the language; the
# opinions, the vote and everything about the expert stay per request. The plan's sections
# are read on a miss only: a section switched off after the submission still shows what was
# submitted until the entry expires.
READING_TIMEOUT = 24 * 60 * 60
READING_VERSION = 1


def _reading_key(item) -> str:
    declaration = item.declaration
    submitted = declaration.submitted_at.isoformat() if declaration.submitted_at else ""
    identity = ":".join(
        [
            str(declaration.pk),
            str(item.round),
            submitted,
            str(declaration.plan_id),
            get_language() or "",
        ]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"committee:vote-reading:v{READING_VERSION}:{declaration.pk}:{digest}"


def _reading(item) -> str:
    """The declaration as submitted in the item's round, as HTML: from the cache, or read and
    rendered (and cached) now; empty when no snapshot was kept."""
    key = _reading_key(item)
    html = cache.get(key)
    if html is None:
        view = selectors.declaration_view(item, enabled_sections(item.declaration))
        # No snapshot of the round: kept empty too (a new submission is another key).
        html = (
            "" if view is None else render_to_string("committee/_vote_reading.html", {"view": view})
        )
        cache.set(key, html, READING_TIMEOUT)
    # Rendered by our own template above (escaped there).
    return mark_safe(html)


def _item_page(request, expert, seat, item, *, vote_form=None, conflict_form=None, status=200):
    meeting = item.meeting
    voted = item.has_voted
    return render(
        request,
        "committee/vote_item.html",
        {
            "expert": expert,
            "seat": seat,
            "meeting": meeting,
            "item": item,
            "declaration": item.declaration,
            "opinions": selectors.level_opinions(item.declaration_id, item.round),
            "reading": _reading(item),
            "voted": voted,
            "may_vote": meeting.status == Meeting.Status.VOTING and seat.attended and not voted,
            "may_recuse": meeting.status in (Meeting.Status.DRAWN, Meeting.Status.VOTING)
            and not voted,
            "documents_open": meeting.status in (Meeting.Status.DRAWN, Meeting.Status.VOTING),
            "choices": Ballot.Choice.choices,
            "vote_form": vote_form or VoteForm(),
            "conflict_form": conflict_form or ConflictForm(),
        },
        status=status,
    )


@login_required
@require_GET
def expert_item(request, pk: int):
    expert, seat, item = selectors.get_expert_item(request.user, pk)
    return _item_page(request, expert, seat, item)


@login_required
@require_POST
def vote(request, pk: int):
    expert, seat, item = selectors.get_expert_item(request.user, pk)
    form = VoteForm(request.POST)
    if form.is_valid():
        try:
            services.cast_ballot(
                actor=request.user, item_id=item.pk, choice=form.cleaned_data["choice"]
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("投票成功。"))
            return redirect("committee:expert_meeting", item.meeting_id)
    return _item_page(request, expert, seat, item, vote_form=form, status=400)


@login_required
@require_POST
def declare_conflict(request, pk: int):
    expert, seat, item = selectors.get_expert_item(request.user, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.declare_conflict(
                actor=request.user, item=item, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已申明回避该申报。"))
            return redirect("committee:expert_meeting", item.meeting_id)
    return _item_page(request, expert, seat, item, conflict_form=form, status=400)
