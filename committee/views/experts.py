"""评审专家库 and 评委会委员: the committee office adds, edits, imports and deactivates experts and
chooses a committee's members for a year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalog.models import Series, Specialty
from committee.forms_meetings import ExpertForm, ImportForm, ReasonForm
from committee.selectors import meetings as selectors
from committee.services import experts as services
from core.forms import add_service_errors


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def expert_list(request):
    office = selectors.office_of(request.user)
    series_id, specialty_id = _int(request.GET.get("series")), _int(request.GET.get("specialty"))
    experts = list(
        selectors.pool(
            office, series_id=series_id, specialty_id=specialty_id, q=request.GET.get("q", "")
        )
    )
    # The one-time password of an expert just added (shown once, then gone from the session).
    created = request.session.pop("committee_new_expert_passwords", None)
    return render(
        request,
        "committee/expert_list.html",
        {
            "office": office,
            "experts": experts,
            "series": Series.objects.all(),
            "specialties": Specialty.objects.select_related("series"),
            "series_id": series_id,
            "specialty_id": specialty_id,
            "q": request.GET.get("q", ""),
            "created": created,
        },
    )


def _remember_passwords(request, pairs):
    request.session["committee_new_expert_passwords"] = [
        {"name": expert.name, "username": expert.user.username, "password": password}
        for expert, password in pairs
    ]


@login_required
@require_http_methods(["GET", "POST"])
def expert_new(request):
    office = selectors.office_of(request.user)
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert, password = services.add_expert(
                actor=request.user, office=office, data=form.data_object()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _remember_passwords(request, [(expert, password)])
            messages.success(request, _("已新增评审专家“%(n)s”。") % {"n": expert.name})
            return redirect("committee:expert_list")
    return render(
        request, "committee/expert_form.html", {"office": office, "form": form, "expert": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk: int):
    expert = selectors.get_expert(request.user, pk)
    initial = {
        "name": expert.name,
        "id_number": expert.id_number,
        "phone": expert.phone,
        "work_unit": expert.work_unit,
        "organization": expert.organization_id,
        "title": expert.title,
        "level": expert.level_id,
        "series": list(expert.series.values_list("pk", flat=True)),
        "specialties": list(expert.specialties.values_list("pk", flat=True)),
    }
    form = ExpertForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_expert(actor=request.user, expert=expert, data=form.data_object())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存专家“%(n)s”的信息。") % {"n": expert.name})
            return redirect("committee:expert_list")
    return render(request, "committee/expert_form.html", {"form": form, "expert": expert})


@login_required
@require_http_methods(["GET", "POST"])
def expert_deactivate(request, pk: int):
    """停用 with a confirmation page."""
    expert = selectors.get_expert(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deactivate_expert(
                actor=request.user, expert=expert, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已停用专家“%(n)s”。") % {"n": expert.name})
            return redirect("committee:expert_list")
    return render(request, "committee/expert_deactivate.html", {"form": form, "expert": expert})


@login_required
@require_http_methods(["GET", "POST"])
def expert_import(request):
    office = selectors.office_of(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.IMPORT_MAX_BYTES:
                raise ValidationError({"file": _("文件不能超过2MB。")})
            report = services.import_experts(
                actor=request.user, office=office, content=upload.read()
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                error = ValidationError({"file": error.messages})
            add_service_errors(form, error)
        else:
            if report.ok:
                _remember_passwords(request, report.created)
                messages.success(request, _("已导入%(n)d名评审专家。") % {"n": len(report.created)})
                return redirect("committee:expert_list")
    return render(
        request,
        "committee/expert_import.html",
        {"office": office, "form": form, "report": report, "columns": services.IMPORT_COLUMNS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request):
    """评委会委员: the office ticks the experts of its pool who are members of a committee for a
    year (filter by series and specialty); a committee below the legal minimum is flagged."""
    office = selectors.office_of(request.user)
    committees = list(selectors.office_committees(office))
    source = request.POST if request.method == "POST" else request.GET
    committee_id = _int(source.get("committee")) or (committees[0].pk if committees else None)
    committee = next((c for c in committees if c.pk == committee_id), None)
    if committee_id and committee is None:
        committee = selectors.get_committee(request.user, committee_id)
    year = _int(source.get("year")) or timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    series_id, specialty_id = _int(request.GET.get("series")), _int(request.GET.get("specialty"))
    error = None
    if request.method == "POST" and committee is not None:
        # A filtered page shows part of the pool: members not shown stay members.
        shown = {pk for pk in (_int(v) for v in request.POST.getlist("shown")) if pk}
        ticked = {pk for pk in (_int(v) for v in request.POST.getlist("experts")) if pk}
        chosen = sorted((selectors.member_ids(committee, year) - shown) | ticked)
        try:
            services.appoint_members(
                actor=request.user, committee=committee, year=year, expert_ids=chosen
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("已保存%(y)d年度委员（%(n)d人）。") % {"y": year, "n": len(chosen)}
            )
            return redirect(f"{request.path}?committee={committee.pk}&year={year}")
    current = selectors.member_ids(committee, year) if committee else set()
    minimum = services.minimum_members(committee) if committee else 0
    return render(
        request,
        "committee/expert_members.html",
        {
            "office": office,
            "committees": committees,
            "committee": committee,
            "year": year,
            "experts": list(
                selectors.pool(
                    office, series_id=series_id, specialty_id=specialty_id, active_only=True
                )
            ),
            "current": current,
            "minimum": minimum,
            "below_minimum": committee is not None and len(current) < minimum,
            "series": Series.objects.all(),
            "specialties": Specialty.objects.select_related("series"),
            "series_id": series_id,
            "specialty_id": specialty_id,
            "error": error,
        },
    )
