"""The review page (审核) and its decisions.

detail: the declaration as submitted, section by section in plan order, with its files, this
organization's result of each section (通过 / 不通过 with what to fix), the results of earlier
rounds and of other organizations, what changed since the returned round, and the decision
buttons REVIEW_TRANSITIONS allows now. section_result records one section's result (htmx: the
section's result fragment comes back; without JavaScript: redirect to the section's anchor).
decide: the confirmation page of 通过 / 退回修改 / 不通过 (GET), and the decision (POST).

Every view fetches the declaration with get_declaration_for_reviewer (another organization's,
an applicant's or an outsider's request is not found); every POST goes through a service,
which checks the permission and the state again under a row lock.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from applicants.forms import add_service_errors
from declarations.sections import SECTIONS
from review import selectors, services
from review.display import (
    SectionCard,
    SectionView,
    failed_sections,
    plan_sections,
    review_page,
)
from review.forms_decision import DECISION_FORMS, SectionResultForm
from review.models import SectionResult


def _queue_url() -> str:
    return reverse("review:queue")


def _detail_url(declaration, code: str | None = None) -> str:
    url = reverse("review:detail", args=[declaration.pk])
    return f"{url}#section-{code}" if code else url


def _current_results(declaration, review) -> dict[str, SectionResult]:
    return selectors.round_results(declaration, review.organization)


def _page_context(request, declaration, review, *, bound_form=None) -> dict:
    """The review page; each section the organization may review now gets its result form
    (the bound one with its errors for the section just posted)."""
    page = review_page(declaration, review, request.user)
    if page.can_record:
        for card in page.sections:
            if bound_form is not None and bound_form.prefix == card.code:
                card.form = bound_form
            else:
                card.form = SectionResultForm.for_result(card.result, prefix=card.code)
    return {
        "declaration": declaration,
        "review": review,
        "applicant": declaration.applicant,
        "sections": page.sections,
        "actions": page.actions,
        "action_labels": {a: services.REVIEW_TRANSITIONS[a].label for a in page.actions},
        "can_record": page.can_record,
        "read_only_reason": page.read_only_reason,
        "returned_round": page.returned_round,
        "diff": page.diff,
        "failed": page.failed,
        "ce_summary": page.ce_summary,
        "queue_url": _queue_url(),
    }


@login_required
@require_safe
def detail(request, pk: int):
    declaration, review = selectors.get_declaration_for_reviewer(request.user, pk)
    return render(request, "review/detail.html", _page_context(request, declaration, review))


def _result_fragment(request, declaration, review, code, form, *, saved=False):
    """The section's result part after an htmx POST and, out of band, the status badge and the
    decision panel (its list of failed sections, and its buttons, which carry the state the
    page shows: the first result moves 待审核 to 审核中)."""
    results = _current_results(declaration, review)
    declaration.refresh_from_db(fields=["status"])
    actions = services.available_review_actions(declaration, request.user)
    return render(
        request,
        "review/_section_result_response.html",
        {
            "declaration": declaration,
            "s": SectionCard(
                code=code,
                title=SECTIONS[code].title,
                view=SectionView(code=code, title=str(SECTIONS[code].title), kind="", saved=True),
                result=results.get(code),
                form=form,
            ),
            "can_record": True,
            "saved": saved,
            "failed": failed_sections(plan_sections(declaration), results),
            "action_labels": {a: services.REVIEW_TRANSITIONS[a].label for a in actions},
        },
    )


@login_required
@require_POST
def section_result(request, pk: int, code: str):
    """Record one section's 通过 / 不通过 (with what to fix)."""
    declaration, review = selectors.get_declaration_for_reviewer(request.user, pk)
    if code not in {s.code for s in plan_sections(declaration)}:
        message = _("该申报没有这个模块。")
        if request.htmx:
            return HttpResponse(message, status=400)
        messages.error(request, message)
        return redirect(_detail_url(declaration))
    form = SectionResultForm(request.POST, prefix=code)
    if form.is_valid():
        try:
            services.record_section_result(
                actor=request.user,
                declaration=declaration,
                code=code,
                passed=form.passed,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if not request.htmx and not hasattr(error, "error_dict"):
                # The declaration moved on (a colleague decided, or it was reported).
                messages.error(request, " ".join(error.messages))
                return redirect(_detail_url(declaration, code))
            add_service_errors(form, error)
        else:
            if request.htmx:
                fresh = SectionResultForm.for_result(
                    _current_results(declaration, review).get(code), prefix=code
                )
                return _result_fragment(request, declaration, review, code, fresh, saved=True)
            messages.success(request, _("“%(t)s”的审核结果已保存。") % {"t": SECTIONS[code].title})
            return redirect(_detail_url(declaration, code))
    if request.htmx:
        return _result_fragment(request, declaration, review, code, form)
    context = _page_context(request, declaration, review, bound_form=form)
    return render(request, "review/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk: int, action: str):
    """通过 / 退回修改 / 不通过: GET shows what will happen, POST decides."""
    declaration, review = selectors.get_declaration_for_reviewer(request.user, pk)
    form_class = DECISION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("没有这个审核操作。"))
    transition = services.REVIEW_TRANSITIONS[action]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            decide_service = {
                "pass": services.pass_declaration,
                "return": services.return_declaration,
                "reject": services.reject_declaration,
            }[action]
            try:
                decide_service(actor=request.user, declaration=declaration, **form.kwargs())
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # Decided by a colleague meanwhile, or not possible in this state.
                    messages.error(request, " ".join(error.messages))
                    return redirect(_detail_url(declaration))
                add_service_errors(form, error)
            else:
                messages.success(request, _done_message(action, declaration))
                return redirect(_queue_url())
    else:
        seen = request.GET.get("seen")
        if (seen and seen != declaration.status) or action not in (
            services.available_review_actions(declaration, request.user)
        ):
            # Decided (or started) by a colleague since the review page was loaded.
            messages.error(
                request,
                _("该申报当前状态为“%(s)s”，本单位不能%(a)s。可能已被其他审核人处理。")
                % {"s": declaration.get_status_display(), "a": transition.label},
            )
            return redirect(_detail_url(declaration))
        form = form_class(initial={"seen_status": declaration.status})
    sections = plan_sections(declaration)
    return render(
        request,
        "review/decide.html",
        {
            "declaration": declaration,
            "review": review,
            "applicant": declaration.applicant,
            "action": action,
            "label": transition.label,
            "form": form,
            "failed": failed_sections(sections, _current_results(declaration, review)),
        },
    )


def _done_message(action: str, declaration) -> str:
    name = declaration.applicant.name
    if action == "pass":
        return _("已审核通过“%(n)s”的申报。") % {"n": name}
    if action == "return":
        return _("已将“%(n)s”的申报退回申报人修改。") % {"n": name}
    return _("已将“%(n)s”的申报审核为不通过。") % {"n": name}
