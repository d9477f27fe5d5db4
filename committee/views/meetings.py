"""评审会议 (office): list, create with ready declarations, the meeting page (agenda, draw,
attendance, recusals, vote progress and, after the close, the tally), and its actions."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committee.forms_meetings import DrawForm, MeetingForm, ReasonForm
from committee.models import Meeting
from committee.selectors import meetings as selectors
from committee.selectors.acceptance import office_plans, ready_for_meeting
from committee.services import meetings as services
from committee.services import voting
from committee.services.experts import minimum_members
from core.forms import add_service_errors


def _ids(values) -> list[int]:
    result = []
    for value in values:
        try:
            result.append(int(value))
        except (TypeError, ValueError):
            continue
    return result


@login_required
@require_GET
def meeting_list(request):
    office = selectors.office_of(request.user)
    return render(
        request,
        "committee/meeting_list.html",
        {
            "office": office,
            "meetings": list(selectors.office_meetings(office)[:200]),
            "plans": list(office_plans(office)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    """创建评审会议 for one plan (?plan=): tick the ready declarations."""
    office = selectors.office_of(request.user)
    plans = list(office_plans(office))
    source = request.POST if request.method == "POST" else request.GET
    plan = next((p for p in plans if str(p.pk) == source.get("plan", "")), None)
    if plan is None and plans and not source.get("plan"):
        plan = plans[0]
    if plan is None:
        return render(request, "committee/meeting_new.html", {"plans": plans, "plan": None})
    committee = plan.committee
    form = MeetingForm(
        request.POST or None,
        initial={
            "name": f"{plan.year}年度{committee.name}评审会议",
            "held_on": datetime.date.today(),
        },
    )
    ready = list(
        ready_for_meeting(committee, plan)
        .select_related("applicant", "declaring_unit")
        .order_by("applicant__name", "pk")
    )
    chosen = set(_ids(request.POST.getlist("declarations")))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(
                actor=request.user,
                committee=committee,
                plan=plan,
                name=form.cleaned_data["name"],
                held_on=form.cleaned_data["held_on"],
                declaration_ids=chosen,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已创建评审会议。"))
            return redirect("committee:meeting_detail", meeting.pk)
    return render(
        request,
        "committee/meeting_new.html",
        {"plans": plans, "plan": plan, "form": form, "ready": ready, "chosen": chosen},
    )


def _opinion_fields(meeting, rows, refused=None) -> None:
    """Mark the rows whose 评委会意见 the office may write (no query: the items carry their
    declaration); a refused save (item id, typed text, message) is shown on its row."""
    if meeting.status != Meeting.Status.CLOSED:
        return
    for row in rows:
        row.opinion_open = voting.opinion_refusal(meeting, row.item, row.item.declaration) is None
        if refused and refused[0] == row.item.pk:
            row.opinion_text, row.opinion_error = refused[1], refused[2]


def _page(request, meeting, *, opinion_refused=None, **extra):
    page = selectors.meeting_page(meeting)
    _opinion_fields(meeting, page["items"], opinion_refused)
    context = {
        "meeting": meeting,
        "draw_form": DrawForm(initial={"count": meeting.expert_count or ""}),
        "reason_form": ReasonForm(),
        "before_vote": meeting.status in services.BEFORE_VOTE,
        "minimum": minimum_members(meeting.committee),
        "opinion_max_length": voting.OPINION_MAX_LENGTH,
        **page,
    }
    context.update(extra)
    return render(request, "committee/meeting_detail.html", context)


@login_required
@require_GET
def meeting_detail(request, pk: int):
    return _page(request, selectors.get_meeting(request.user, pk))


def _done(request, meeting, message):
    messages.success(request, message)
    return redirect("committee:meeting_detail", meeting.pk)


def _failed(request, meeting, error, **extra):
    messages.error(request, " ".join(error.messages))
    return _page(request, meeting, **extra)


@login_required
@require_POST
def meeting_add(request, pk: int):
    meeting = selectors.get_meeting(request.user, pk)
    try:
        items = services.add_to_agenda(
            actor=request.user,
            meeting=meeting,
            declaration_ids=_ids(request.POST.getlist("declarations")),
        )
    except ValidationError as error:
        return _failed(request, meeting, error)
    return _done(request, meeting, _("已列入%(n)d份申报。") % {"n": len(items)})


@login_required
@require_POST
def meeting_remove(request, pk: int, declaration_id: int):
    meeting = selectors.get_meeting(request.user, pk)
    try:
        services.remove_from_agenda(
            actor=request.user,
            meeting=meeting,
            declaration_id=declaration_id,
            reason=request.POST.get("reason", "")[:500],
        )
    except ValidationError as error:
        return _failed(request, meeting, error)
    return _done(request, meeting, _("已移出会议，申报回到“已受理待评审”。"))


@login_required
@require_POST
def meeting_draw(request, pk: int):
    meeting = selectors.get_meeting(request.user, pk)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            drawn = services.draw_experts(
                actor=request.user,
                meeting=meeting,
                count=form.cleaned_data["count"],
                by_specialty=form.cleaned_data["by_specialty"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, meeting, _("已抽取%(n)d名专家。") % {"n": len(drawn)})
    meeting.refresh_from_db()
    return _page(request, meeting, draw_form=form)


@login_required
@require_POST
def meeting_attendance(request, pk: int):
    meeting = selectors.get_meeting(request.user, pk)
    try:
        n = services.record_attendance(
            actor=request.user, meeting=meeting, attended_ids=_ids(request.POST.getlist("attended"))
        )
    except ValidationError as error:
        return _failed(request, meeting, error)
    return _done(request, meeting, _("已登记出席专家%(n)d人。") % {"n": n})


@login_required
@require_POST
def meeting_open(request, pk: int):
    meeting = selectors.get_meeting(request.user, pk)
    try:
        voting.open_vote(actor=request.user, meeting=meeting)
    except ValidationError as error:
        return _failed(request, meeting, error)
    return _done(request, meeting, _("已开始投票。"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_close(request, pk: int):
    """结束投票并计票, after a confirmation page."""
    meeting = selectors.get_meeting(request.user, pk)
    if request.method == "POST":
        try:
            voting.close_vote(actor=request.user, meeting=meeting)
        except ValidationError as error:
            return _failed(request, meeting, error)
        return _done(request, meeting, _("投票已结束，计票完成。"))
    if meeting.status != Meeting.Status.VOTING:
        return redirect("committee:meeting_detail", meeting.pk)
    return render(
        request,
        "committee/meeting_close.html",
        {"meeting": meeting, **selectors.meeting_page(meeting)},
    )


@login_required
@require_POST
def meeting_opinion(request, pk: int, item_id: int):
    """填写评委会意见 of one declaration of the closed meeting; a refusal is shown next to the
    row's field with the typed text kept."""
    meeting = selectors.get_meeting(request.user, pk)
    item = selectors.get_meeting_item(meeting, item_id)
    text = request.POST.get("opinion", "")
    try:
        voting.record_opinion(actor=request.user, item_id=item.pk, opinion=text)
    except ValidationError as error:
        message = " ".join(error.messages)
        messages.error(
            request,
            _("%(name)s的评委会意见未保存：%(m)s")
            % {"name": item.declaration.applicant.name, "m": message},
        )
        return _page(request, meeting, opinion_refused=(item.pk, text, message))
    messages.success(
        request,
        _("已保存%(name)s的评委会意见。") % {"name": item.declaration.applicant.name},
    )
    url = reverse("committee:meeting_detail", args=[meeting.pk])
    return redirect(f"{url}#opinion-{item.pk}")
