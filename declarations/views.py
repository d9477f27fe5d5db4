from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applicants import services as applicant_services
from core.hooks import add_panels
from core.views import administrator_required, personal_required
from declarations import continuing_education, hooks, selectors, services, workflow
from declarations.forms import SECTION_FORMS, form_for_section
from declarations.forms.ce_import import ContinuingEducationImportForm
from declarations.models import Plan
from declarations.sections import SECTIONS
from declarations.workflow import Action


def _returned_sections(event) -> list[dict]:
    """The sections a return sent back (code, title in the reader's language, reason)."""
    sections = []
    for item in (event.details or {}).get("sections", []):
        spec = SECTIONS.get(item.get("code"))
        sections.append(
            {
                "code": item.get("code"),
                "title": spec.title if spec else item.get("title", ""),
                "reason": item.get("reason", ""),
            }
        )
    return sections


def _current_return(declaration, saved_at=None):
    """While the declaration is returned: the return being worked on, with its sections.

    saved_at ({section code: when it was last saved}): a returned section saved since the
    return is marked fixed (the overview shows 已修改 instead of 需修改)."""
    event = selectors.latest_return(declaration)
    if event is not None:
        event.returned_sections = _returned_sections(event)
        saved_at = saved_at or {}
        for item in event.returned_sections:
            when = saved_at.get(item["code"])
            item["fixed"] = when is not None and when > event.created_at
        event.returned_codes = {item["code"] for item in event.returned_sections}
        event.fixed_codes = {item["code"] for item in event.returned_sections if item["fixed"]}
    return event


def _declaration_panels(request, declaration) -> dict:
    """The panels the apps above add to the declaration's pages (documents: the evaluation
    form), as context: panel_templates and each panel's own context."""
    return add_panels({}, hooks.declaration_panels, request, declaration)


@personal_required
def index(request):
    """专业技术职称: the first entry shows the commitment (承诺书) until it is agreed."""
    if not applicant_services.has_agreed_commitment(request.user):
        return redirect("declarations:commitment")
    declarations = list(selectors.declarations_for_applicant(request.user))
    taken = {d.plan_id for d in declarations}
    cells = {}
    for answer in hooks.certificate_cells.results(request, declarations):
        cells.update(answer or {})
    for declaration in declarations:
        declaration.certificate_cell = cells.get(declaration.pk)
    return render(
        request,
        "declarations/index.html",
        {
            "declarations": declarations,
            "plans": [p for p in selectors.open_plans() if p.pk not in taken],
        },
    )


@personal_required
@require_http_methods(["GET", "POST"])
def commitment(request):
    if request.method == "POST":
        if request.POST.get("agree") != "yes":
            messages.error(request, _("请阅读承诺书并勾选“我同意”后再继续。"))
        else:
            applicant_services.agree_commitment(
                actor=request.user, ip_address=request.META.get("REMOTE_ADDR")
            )
            messages.success(request, _("您已签署申报承诺书。"))
            return redirect("declarations:index")
    return render(
        request,
        "declarations/commitment.html",
        {
            "agreed": applicant_services.has_agreed_commitment(request.user),
        },
    )


@personal_required
@require_POST
def create(request, plan_pk: int):
    plan = get_object_or_404(Plan, pk=plan_pk)
    try:
        declaration = services.create_declaration(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("declarations:index")
    messages.success(request, _("已新增申报，请逐项填写并保存。"))
    return redirect("declarations:overview", pk=declaration.pk)


# Stands for a section's code in the overview's one reverse() of the section page.
_CODE = "section-code"


@personal_required
def overview(request, pk: int):
    declaration = selectors.get_declaration_for_applicant(request.user, pk)
    # The plan's sections and the saved sections, read once for the page and missing_items.
    selectors.load_sections(declaration)
    saved_at = {s.code: s.updated_at for s in declaration.section_data.all()}
    saved = set(saved_at)
    # Each section's link from one reverse() a page (a slug in place of the placeholder).
    section_url = reverse("declarations:section", args=[declaration.pk, _CODE]).replace(_CODE, "{}")
    continuing_url = reverse("declarations:continuing_education", args=[declaration.pk])
    sections = [
        {
            "code": s.code,
            "title": SECTIONS[s.code].title,
            "saved": s.code in saved,
            "readonly": SECTIONS[s.code].kind == "readonly",
            "available": s.code in SECTION_FORMS,
            "url": continuing_url
            if s.code == "continuing_education"
            else section_url.format(s.code),
        }
        for s in selectors.enabled_sections(declaration)
        if s.code in SECTIONS
    ]
    return render(
        request,
        "declarations/overview.html",
        {
            "declaration": declaration,
            "sections": sections,
            "missing": services.missing_items(declaration, cached=True)
            if declaration.is_editable
            else [],
            "previous": services.previous_declaration(declaration)
            if declaration.is_editable
            else None,
            "actions": services.available_actions(declaration, request.user),
            "returned": _current_return(declaration, saved_at),
            **_declaration_panels(request, declaration),
        },
    )


@personal_required
@require_http_methods(["GET", "POST"])
def section(request, pk: int, code: str):
    declaration = selectors.get_declaration_for_applicant(request.user, pk)
    if code == "continuing_education":
        return redirect("declarations:continuing_education", pk=declaration.pk)
    plan_section = next(
        (s for s in selectors.enabled_sections(declaration) if s.code == code), None
    )
    if plan_section is None or code not in SECTION_FORMS:
        raise Http404(_("该申报没有这个模块。"))
    saved = next(iter(selectors.saved_section(declaration=declaration.pk, code=code)), None)
    saved_data = saved.data if saved else {}
    # Whether the applicant may edit now: the state, and the plan's window (Plan.is_open_for).
    edit_refusal = workflow.edit_refusal(declaration)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        if "add_row" in data:
            # Re-render with one more empty row, keeping everything typed so far.
            total = f"{code}-TOTAL_FORMS"
            data[total] = str(int(data.get(total, 0)) + 1)
        elif data.get("remove_row", "").isdigit():
            # Mark the row deleted and re-render; the deletion is stored with the next save.
            data[f"{code}-{data['remove_row']}-DELETE"] = "on"
    editing_rows = request.method == "POST" and (
        "add_row" in request.POST or "remove_row" in request.POST
    )
    form = form_for_section(
        code, declaration=declaration, plan_section=plan_section, data=data, saved=saved_data
    )
    is_rows = isinstance(form, BaseFormSet)
    if request.method == "POST" and not editing_rows and form.is_valid():
        extra = {}
        if code == "declaration_info":
            extra["declaring_unit"] = form.cleaned_data["declaring_unit"]
        try:
            services.save_section(
                actor=request.user,
                declaration=declaration,
                code=code,
                data=form.to_data(),
                **extra,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(t)s”已保存。") % {"t": SECTIONS[code].title})
            return redirect("declarations:overview", pk=declaration.pk)
    context = {
        "declaration": declaration,
        "form": form,
        "is_rows": is_rows,
        "code": code,
        "title": SECTIONS[code].title,
        "editable": edit_refusal is None,
        "edit_refusal": edit_refusal,
    }
    if request.htmx:
        return render(request, "declarations/_section_form.html", context)
    # Panels the apps above add under the form (attachments: the section's upload slots).
    add_panels(
        context, hooks.section_panels, request, declaration, plan_section, context["editable"]
    )
    returned = _current_return(declaration, {code: saved.updated_at} if saved else None)
    if returned is not None:
        context["returned"] = returned
        context["returned_section"] = next(
            (item for item in returned.returned_sections if item["code"] == code), None
        )
    return render(request, "declarations/section.html", context)


@personal_required
@require_POST
def submit(request, pk: int):
    declaration = selectors.get_declaration_for_applicant(request.user, pk)
    try:
        services.submit_declaration(actor=request.user, declaration=declaration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("申报已提交至申报单位，请及时联系单位审核。"))
    return redirect("declarations:overview", pk=declaration.pk)


@personal_required
@require_POST
def withdraw(request, pk: int):
    declaration = selectors.get_declaration_for_applicant(request.user, pk)
    try:
        services.withdraw_declaration(actor=request.user, declaration=declaration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("申报已撤回，可以修改后重新提交。"))
    return redirect("declarations:overview", pk=declaration.pk)


@personal_required
def continuing_education_section(request, pk: int):
    """近五年继续教育: read-only, hours per year against the plan's requirement."""
    declaration = selectors.get_declaration_for_applicant(request.user, pk)
    code = "continuing_education"
    if not any(s.code == code for s in selectors.enabled_sections(declaration)):
        raise Http404(_("该申报没有这个模块。"))
    return render(
        request,
        "declarations/continuing_education.html",
        {
            "declaration": declaration,
            "title": SECTIONS[code].title,
            "summary": continuing_education.summary_for(declaration),
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def continuing_education_import(request):
    """The administrator imports hours from a CSV file; a bad row refuses the whole file."""
    form = ContinuingEducationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = continuing_education.import_records(
                form.cleaned_data["text"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("已导入%(n)d条：新增%(c)d条，更新%(u)d条。")
                % {"n": result.total, "c": result.created, "u": result.updated},
            )
            return redirect("declarations:ce_import")
    return render(request, "declarations/ce_import.html", {"form": form})


@personal_required
def timeline(request, pk: int):
    declaration = selectors.get_declaration_for_applicant(request.user, pk)
    steps = selectors.timeline_steps(declaration)
    for step in steps:
        if step.event.action == Action.RETURN:
            step.event.returned_sections = _returned_sections(step.event)
    # The certificate level of the chain: what the committee says of the certificate (the
    # 证书状态 hook of the list of declarations).
    certificate = None
    if declaration.status == workflow.DeclarationStatus.CONFIRMED:
        for answer in hooks.certificate_cells.results(request, [declaration]):
            certificate = (answer or {}).get(declaration.pk, certificate)
    chain = selectors.status_chain(
        declaration, [step.event for step in steps], certificate=certificate
    )
    return render(
        request,
        "declarations/timeline.html",
        {
            "declaration": declaration,
            "steps": steps,
            "chain": chain,
            **_declaration_panels(request, declaration),
        },
    )


@personal_required
@require_POST
def reuse(request, pk: int):
    declaration = selectors.get_declaration_for_applicant(request.user, pk)
    try:
        copied, refused = services.reuse_previous(actor=request.user, declaration=declaration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if copied:
            messages.success(
                request,
                _("已复用：%(s)s。") % {"s": "、".join(str(SECTIONS[c].title) for c in copied)},
            )
        if refused:
            messages.warning(
                request,
                _("以下模块不符合本计划的要求，未复用，请重新填写：%(s)s。")
                % {"s": "、".join(str(SECTIONS[c].title) for c in refused)},
            )
    return redirect("declarations:overview", pk=declaration.pk)


def dashboard_card(request) -> dict:
    """The applicant's home page card: their declarations with the current step of each
    (registered on applicants.hooks.dashboard_panels)."""
    return {
        "template": "declarations/_dashboard_card.html",
        "declarations": selectors.declarations_for_applicant(request.user),
    }
