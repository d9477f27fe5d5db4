"""公示: a unit records the public notice of the declarations it passed (at least 5 working days,
not before it passed them), may correct or cancel it while it runs, records its outcome once it
has ended and how each objection was handled; and the spreadsheet exports (公示表 of a notice,
一览表 of a queue)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from institutions import access
from review import exports, selectors, services
from review.forms import (
    NoticeCancelForm,
    NoticeCorrectionForm,
    NoticeForm,
    NoticeOutcomeForm,
    ObjectionHandlingForm,
    QueueFilterForm,
)
from review.models import ReviewState
from review.workdays import working_days

NOTICES_PER_PAGE = 20


@login_required
@require_GET
def notice_list(request):
    """The unit's notices, and the plans that still have declarations to publish."""
    unit = access.require_organization(request.user, access.Capability.PUBLISH_NOTICE)
    page = Paginator(selectors.notices_for(unit), NOTICES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "review/notice_list.html",
        {
            "organization": unit,
            "page": page,
            "plans": list(selectors.notice_plans(unit)),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    """登记公示 (?plan= chooses the plan; changing it reloads the people list via htmx)."""
    unit = access.require_organization(request.user, access.Capability.PUBLISH_NOTICE)
    if request.method == "POST" and request.POST.get("reload"):
        # 加载该计划的人员 (no htmx): the chosen plan's people, the typed values kept.
        form = NoticeForm(
            organization=unit,
            plan_id=request.POST.get("plan"),
            initial={k: request.POST.get(k, "") for k in ("starts_on", "ends_on", "place")},
        )
        return render(request, "review/notice_form.html", {"organization": unit, "form": form})
    form = NoticeForm(
        request.POST if request.method == "POST" else None,
        organization=unit,
        plan_id=request.GET.get("plan"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.record_notice(
                actor=request.user,
                organization=unit,
                plan=data["plan"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                place=data["place"],
                declaration_ids=[d.pk for d in data["declarations"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已登记公示（%(a)s至%(b)s，%(n)d人）。公示结束后请登记公示结果。")
                % {
                    "a": notice.starts_on.isoformat(),
                    "b": notice.ends_on.isoformat(),
                    "n": len(data["declarations"]),
                },
            )
            return redirect("review:notice_detail", pk=notice.pk)
    return render(request, "review/notice_form.html", {"organization": unit, "form": form})


def _detail(request, notice, *, outcome_form=None, cancel_form=None, handling_errors=None):
    """The notice page: its people, its 公示表, and what may be done now: while it runs,
    更正 and 撤销 (and, once it has ended, its outcome); after an objection, how each one was
    handled. A refused form comes back with its errors and what was typed."""
    people = exports.describe(selectors.notice_people(notice), notice.declarations.values("pk"))
    states = dict(ReviewState.choices)
    for person in people:
        person.masked_id = selectors.mask_id_number(person.id_number)
        person.state_label = states.get(person.declaration.unit_state, "")
    objections = selectors.notice_objections(notice)
    handling_errors = handling_errors or {}
    for objection in objections:
        objection.form = handling_errors.get(objection.pk) or ObjectionHandlingForm(
            prefix=f"objection-{objection.pk}"
        )
    running = notice.is_running
    ended = notice.has_ended()
    return render(
        request,
        "review/notice_detail.html",
        {
            "organization": notice.organization,
            "notice": notice,
            "people": people,
            "form": outcome_form or NoticeOutcomeForm(notice=notice),
            "cancel_form": cancel_form or NoticeCancelForm(),
            "objections": objections,
            "working_days": working_days(notice.starts_on, notice.ends_on),
            "pending": running,
            "ended": ended,
            "may_record_outcome": running and ended,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_detail(request, pk: int):
    """One notice: its people, its 公示表, and (once it has ended) its outcome."""
    notice = selectors.get_notice_for_unit(request.user, pk)
    form = NoticeOutcomeForm(request.POST if request.method == "POST" else None, notice=notice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_notice_outcome(
                actor=request.user,
                notice=notice,
                outcome=data["outcome"],
                note=data["note"],
                objected_ids=[d.pk for d in data["objected"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("公示结果已登记。"))
            return redirect("review:notice_detail", pk=notice.pk)
    return _detail(request, notice, outcome_form=form)


@login_required
@require_POST
def notice_cancel(request, pk: int):
    """撤销公示 (a running notice, with a reason)."""
    notice = selectors.get_notice_for_unit(request.user, pk)
    form = NoticeCancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_notice(
                actor=request.user, notice=notice, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("公示已撤销。如需公示，请重新登记。"))
            return redirect("review:notice_detail", pk=notice.pk)
    return _detail(request, notice, cancel_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def notice_correct(request, pk: int):
    """更正公示: a running notice's period, place or people, with a reason."""
    notice = selectors.get_notice_for_unit(request.user, pk)
    if not notice.is_running:
        messages.error(
            request,
            _("该公示的状态为“%(s)s”，不能再更正。") % {"s": notice.get_outcome_display()},
        )
        return redirect("review:notice_detail", pk=notice.pk)
    form = NoticeCorrectionForm(request.POST if request.method == "POST" else None, notice=notice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_notice(
                actor=request.user,
                notice=notice,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                place=data["place"],
                declaration_ids=[d.pk for d in data["declarations"]],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("公示已更正。"))
            return redirect("review:notice_detail", pk=notice.pk)
    return render(
        request,
        "review/notice_correct.html",
        {"organization": notice.organization, "notice": notice, "form": form},
    )


@login_required
@require_POST
def objection_handle(request, pk: int, objection_pk: int):
    """异议不成立: record how the objection against one person on the notice was checked."""
    notice = selectors.get_notice_for_unit(request.user, pk)
    objection = get_object_or_404(notice.objections, pk=objection_pk)
    form = ObjectionHandlingForm(request.POST, prefix=f"objection-{objection.pk}")
    if form.is_valid():
        try:
            services.record_objection_handling(
                actor=request.user, objection=objection, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("异议处理结果已登记。"))
            return redirect("review:notice_detail", pk=notice.pk)
    return _detail(request, notice, handling_errors={objection.pk: form})


@login_required
@require_GET
def notice_export(request, pk: int):
    """公示表 of one notice (xlsx)."""
    notice = selectors.get_notice_for_unit(request.user, pk)
    people = exports.describe(selectors.notice_people(notice), notice.declarations.values("pk"))
    return exports.xlsx_response(
        exports.notice_workbook(notice, people), exports.notice_filename(notice)
    )


@login_required
@require_GET
def summary_export(request):
    """一览表: the organization's queue under the current filters, every page (xlsx)."""
    organization = access.require_organization(request.user, *selectors.QUEUE_CAPABILITIES)
    filters = QueueFilterForm(request.GET)
    reviews = selectors.queue(organization, filters.to_filter())
    return exports.xlsx_response(
        exports.summary_workbook(organization, reviews, filters.describe()),
        exports.summary_filename(organization),
    )
