from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from core.hooks import add_panels
from core.query import QUERY_MAX_LENGTH, bounded_query
from core.views import administrator_required
from institutions import access, hooks, selectors, services
from institutions.forms import (
    OrganizationAccountForm,
    OrganizationProfileForm,
    PathApplicationForm,
    PathDecisionForm,
    PathFilterForm,
    PermissionDecisionForm,
    UnitCorrectionForm,
    UnitRegistrationForm,
)
from institutions.models import Organization, OrgKind, PermissionApplication, Region, RoutingPath

UNIT_REGISTRATION_SESSION_KEY = "pending_unit_registration"


@require_http_methods(["GET", "POST"])
def unit_register(request):
    if request.user.is_authenticated:
        return redirect("home")
    pending = request.session.get(UNIT_REGISTRATION_SESSION_KEY)
    initial = {}
    if pending and request.method == "GET":
        initial = {
            k: pending[k] for k in ("name", "uscc", "contact_name", "contact_phone", "username")
        }
        initial["region"] = pending["region_id"]
    form = UnitRegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        request.session[UNIT_REGISTRATION_SESSION_KEY] = form.to_registration().as_session()
        return redirect("institutions:unit_register_confirm")
    return render(request, "institutions/unit_register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def unit_register_confirm(request):
    pending = request.session.get(UNIT_REGISTRATION_SESSION_KEY)
    if not pending:
        messages.info(request, _("请先填写单位注册信息。"))
        return redirect("institutions:unit_register")
    registration = services.UnitRegistration.from_session(pending)
    if request.method == "POST":
        try:
            unit = services.register_unit(registration=registration)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("institutions:unit_register")
        del request.session[UNIT_REGISTRATION_SESSION_KEY]
        user = unit.memberships.get().user
        auth_login(request, user, backend="applicants.backends.MultiIdentifierBackend")
        messages.success(
            request,
            _("单位注册成功。请及时申请“职称评审”权限，获批后本单位人员才能选择本单位申报。"),
        )
        return redirect("institutions:dashboard")
    return render(
        request,
        "institutions/unit_register_confirm.html",
        {
            "registration": registration,
            "region": Region.objects.get(pk=registration.region_id),
        },
    )


@login_required
def dashboard(request):
    organization = access.require_organization(request.user)
    context = {"organization": organization}
    if access.may(organization, access.Capability.REQUEST_PERMISSION):
        context["applications"] = organization.permission_applications.select_related(
            "bureau", "decided_by"
        )[:10]
    if access.may(organization, access.Capability.APPROVE_UNITS):
        context["pending_permission_count"] = PermissionApplication.objects.filter(
            bureau=organization, status=PermissionApplication.Status.PENDING
        ).count()
    if access.may(organization, access.Capability.RECEIVE):
        context["committees"] = organization.committees.select_related("series", "level")
    # Cards of the apps above (review: the queue's counts per state).
    add_panels(context, hooks.dashboard_panels, request, organization)
    return render(request, "institutions/dashboard.html", context)


@login_required
@require_POST
def apply_permission(request):
    unit = access.require_organization(request.user, access.Capability.REQUEST_PERMISSION)
    try:
        application = services.apply_for_permission(actor=request.user, unit=unit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if application.status == PermissionApplication.Status.APPROVED:
            messages.success(
                request,
                _(
                    "权限申请已通过自动校验，本单位已获得职称评审权限，本单位人员现在可以选择本单位申报。"
                ),
            )
        else:
            messages.warning(
                request,
                _("权限申请未通过自动校验（%(p)s），已提交“%(b)s”审核，审核结果将以短信通知。")
                % {
                    "p": application.check_problems.replace("\n", " "),
                    "b": application.bureau.name,
                },
            )
    return redirect("institutions:dashboard")


@login_required
def permission_queue(request):
    bureau = access.require_organization(request.user, access.Capability.APPROVE_UNITS)
    status = request.GET.get("status", PermissionApplication.Status.PENDING)
    if status not in PermissionApplication.Status.values:
        status = ""
    counts = dict(
        PermissionApplication.objects.filter(bureau=bureau)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    page = Paginator(selectors.permission_queue(bureau, status or None), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "institutions/permission_queue.html",
        {
            "bureau": bureau,
            "page": page,
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0))
                for value, label in PermissionApplication.Status.choices
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def permission_decide(request, pk: int):
    application = selectors.get_application_for_bureau(request.user, pk)
    form = PermissionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_permission(
                actor=request.user,
                application=application,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("已处理“%(n)s”的权限申请。") % {"n": application.organization.name}
            )
            return redirect("institutions:permission_queue")
    return render(
        request,
        "institutions/permission_decide.html",
        {
            "application": application,
            "form": form,
        },
    )


# --- 单位管理: the HR bureau's units, corrections and password resets ----------------------------

UNITS_PER_PAGE = 20


@login_required
def managed_units(request):
    """The units the bureau looks after, searchable by name or code."""
    bureau = access.require_organization(request.user, access.Capability.MANAGE_UNITS)
    query = bounded_query(request.GET.get("q"))
    units = selectors.managed_units(bureau)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(uscc__iexact=query))
    page = Paginator(units.prefetch_related("memberships__user"), UNITS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "institutions/managed_units.html",
        {"bureau": bureau, "page": page, "q": query, "q_max": QUERY_MAX_LENGTH},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_correct(request, pk: int):
    """更正信息 in two steps: the form, then a page showing each change to confirm (the typed
    values travel in hidden fields; 返回修改 brings the form back with them)."""
    unit = selectors.get_managed_unit(request.user, pk)
    bureau = access.organization_of(request.user)
    initial = {f: getattr(unit, f) for f in services.UNIT_CORRECTABLE_FIELDS}
    form = UnitCorrectionForm(request.POST or None, initial=initial, bureau=bureau)
    if request.method == "POST" and "back" not in request.POST and form.is_valid():
        data = form.cleaned_data
        if "confirm" in request.POST:
            try:
                services.correct_unit(actor=request.user, unit=unit, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已更正“%(n)s”的单位信息。") % {"n": data["name"]})
                return redirect("institutions:managed_units")
        else:
            changes = [
                (form.fields[f].label, initial[f], data[f])
                for f in services.UNIT_CORRECTABLE_FIELDS
                if initial[f] != data[f]
            ]
            return render(
                request,
                "institutions/unit_correct_confirm.html",
                {"unit": unit, "form": form, "changes": changes},
            )
    return render(request, "institutions/unit_correct.html", {"unit": unit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def unit_password_reset(request, pk: int, user_pk: int):
    """重置密码: a confirmation page, then a temporary password by SMS to the unit's phone."""
    unit = selectors.get_managed_unit(request.user, pk)
    account = get_object_or_404(selectors.unit_accounts(unit), pk=user_pk)
    if request.method == "POST":
        try:
            phone = services.reset_unit_password(actor=request.user, unit=unit, account=account)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("已重置账号 %(u)s 的密码，临时密码已通过短信发送至 %(p)s。")
                % {"u": account.username, "p": f"{phone[:3]}****{phone[-4:]}"},
            )
        return redirect("institutions:managed_units")
    phone = services.unit_sms_phone(unit)
    return render(
        request,
        "institutions/unit_password_reset.html",
        {
            "unit": unit,
            "account": account,
            "masked_phone": f"{phone[:3]}****{phone[-4:]}" if phone else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_profile(request):
    organization = access.require_organization(request.user)
    initial = {
        "name": organization.name,
        "contact_name": organization.contact_name,
        "contact_phone": organization.contact_phone,
    }
    form = OrganizationProfileForm(request.POST or None, initial=initial, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization_contact(
                actor=request.user,
                organization=organization,
                contact_name=form.cleaned_data["contact_name"],
                contact_phone=form.cleaned_data["contact_phone"],
                name=None if organization.name_locked else form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("单位信息已保存。"))
            return redirect("institutions:organization_profile")
    return render(
        request,
        "institutions/organization_profile.html",
        {
            "organization": organization,
            "form": form,
        },
    )


@administrator_required
def admin_home(request):
    counts = dict(
        Organization.objects.order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return render(
        request,
        "institutions/admin_home.html",
        {
            "kinds": [(label, counts.get(value, 0)) for value, label in OrgKind.choices],
        },
    )


@administrator_required
def organization_list(request):
    kind = request.GET.get("kind", "")
    queryset = Organization.objects.select_related("region").order_by(
        "kind", "region__code", "name"
    )
    if kind in OrgKind.values:
        queryset = queryset.filter(kind=kind)
    query = bounded_query(request.GET.get("q"))
    if query:
        queryset = queryset.filter(name__icontains=query)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/organization_list.html",
        {
            "page": page,
            "kind": kind,
            "q": query,
            "q_max": QUERY_MAX_LENGTH,
            "kinds": OrgKind.choices,
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def create_organization_account(request):
    form = OrganizationAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from django.contrib.auth.hashers import make_password

        try:
            organization = services.create_organization_account(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                region=data["region"],
                username=data["username"],
                password_hash=make_password(data["password1"]),
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                uscc=data["uscc"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已创建“%(n)s”及其登录账号 %(u)s。")
                % {"n": organization.name, "u": data["username"]},
            )
            return redirect("institutions:organization_list")
    return render(request, "institutions/create_organization_account.html", {"form": form})


@login_required
def unit_search(request):
    """Fuzzy search among authorized units (htmx), for the declaring-unit field: within the
    plan's region (?region=) and, when the form's 是否是工作单位 (the field named by
    ?relation_field=) is 个人代理, among the county HR bureaus instead."""
    query = request.GET
    region_id = query.get("region", "")
    region = (
        Region.objects.filter(pk=region_id).first()
        if region_id.isdigit() and len(region_id) <= 9
        else None
    )
    relation_field = query.get("relation_field", "")
    personal_agency = bool(relation_field) and (
        query.get(relation_field) == selectors.PERSONAL_AGENCY
    )
    units = selectors.search_authorized_units(
        bounded_query(query.get("q")), region=region, personal_agency=personal_agency
    )
    return render(
        request,
        "institutions/_unit_options.html",
        {"units": units, "personal_agency": personal_agency},
    )


# --- routing paths (路径申请 / 路径审核) -------------------------------------------------------

PATHS_PER_PAGE = 20


@login_required
def path_list(request):
    """申报路径: the organization's own paths, filtered by series, level and 是否生效."""
    organization = access.require_organization(request.user, access.Capability.APPLY_PATH)
    filter_form = PathFilterForm(request.GET)
    paths = selectors.filter_paths(
        selectors.organization_paths(organization), **filter_form.filters()
    )
    page = Paginator(paths, PATHS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/path_list.html",
        {
            "organization": organization,
            "filter_form": filter_form,
            "page": page,
            "to_departments": bool(services.path_target_kinds(organization)),
        },
    )


def _prefill(query) -> dict:
    """series and level ids from the address; anything that is not a plausible id is ignored."""
    return {
        key: query[key]
        for key in ("series", "level")
        if query.get(key, "").isdigit() and len(query[key]) <= 9
    }


@login_required
@require_http_methods(["GET", "POST"])
def path_apply(request):
    """新增路径 (?series=&level= fill the form in, as the "no effective path" message links)."""
    organization = access.require_organization(request.user, access.Capability.APPLY_PATH)
    prefill = _prefill(request.GET)
    form = PathApplicationForm(request.POST or None, initial=prefill, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            path = services.apply_for_path(
                actor=request.user,
                organization=organization,
                series=form.cleaned_data["series"],
                level=form.cleaned_data["level"],
                **form.destination(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("路径申请已提交，等待“%(who)s”审核，生效后方可上报。")
                % {"who": selectors.path_decider_name(path)},
            )
            return redirect("institutions:path_list")
    existing = []
    if request.method == "GET" and len(prefill) == 2:
        existing = selectors.open_paths(organization, prefill["series"], prefill["level"])
    return render(
        request,
        "institutions/path_apply.html",
        {
            "organization": organization,
            "form": form,
            "existing": existing,
            "to_departments": bool(services.path_target_kinds(organization)),
        },
    )


@login_required
def path_queue(request):
    """路径审核: paths addressed to the department, the office's committees, or (administrators)
    every committee path. Pending first by default."""
    queue = selectors.path_queue_for(request.user)
    filter_form = PathFilterForm(request.GET, default_status=RoutingPath.Status.PENDING)
    filters = filter_form.filters()
    status = filters.pop("status", "")
    queue = selectors.filter_paths(queue, **filters)
    counts = dict(
        queue.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    page = Paginator(selectors.filter_paths(queue, status=status), PATHS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    keep = {key: request.GET[key] for key in ("series", "level") if request.GET.get(key)}
    tabs = [
        (value, label, counts.get(value, 0), urlencode({**keep, "status": value}))
        for value, label in RoutingPath.Status.choices
    ]
    tabs.append(("", _("全部"), sum(counts.values()), urlencode({**keep, "status": "all"})))
    return render(
        request,
        "institutions/path_queue.html",
        {
            "organization": (
                None if request.user.is_administrator else access.organization_of(request.user)
            ),
            "filter_form": filter_form,
            "page": page,
            "status": status,
            "tabs": tabs,
            "pending_count": counts.get(RoutingPath.Status.PENDING, 0),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def path_decide(request, pk: int):
    """One path with its 生效 / 不通过 buttons; the decision itself is a POST."""
    path = selectors.get_path_for_decider(request.user, pk)
    form = PathDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.decide_path(
                actor=request.user,
                path=path,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(o)s”的%(sl)s路径审核结果：%(s)s。")
                % {
                    "o": path.organization.name,
                    "sl": f"{path.series.name} {path.level.name}",
                    "s": decided.get_status_display(),
                },
            )
            return redirect("institutions:path_queue")
    return render(request, "institutions/path_decide.html", {"path": path, "form": form})
