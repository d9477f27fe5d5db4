"""Pages of results: the office publishes a closed meeting's results (评审结果公示), records
objections and their handling, confirms (批准文号); the HR bureau registers (备案); the office or
the bureau revokes for fraud; the public reads the notices without signing in; the applicant
sees their result on the home page and on the declaration's pages (panels)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committee.forms_results import (
    CancelNoticeForm,
    ConfirmForm,
    HandlingForm,
    ObjectionForm,
    PublishForm,
    RevokeForm,
)
from committee.models import ResultsNotice, ResultsObjection
from committee.selectors import results as selectors
from committee.services import results as services
from committee.services import revocation
from core.forms import add_service_errors
from declarations import workflow
from declarations.models import Declaration
from declarations.workflow import Action
from declarations.workflow import DeclarationStatus as S
from institutions import access
from institutions.models import OrgKind

# --- the public --------------------------------------------------------------------------------


def public_list(request):
    notices = selectors.public_notices().order_by("-starts_on", "-pk")[:100]
    return render(request, "committee/results_public_list.html", {"notices": notices})


def public_notice(request, pk: int):
    notice = selectors.get_public_notice(pk)
    return render(
        request,
        "committee/results_public_notice.html",
        {"notice": notice, "rows": selectors.notice_rows(notice)},
    )


# --- the committee office ---------------------------------------------------------------------


@login_required
def office_index(request):
    office = selectors.office_of(request.user)
    return render(
        request,
        "committee/results_office_index.html",
        {
            "meetings": selectors.closed_meetings_without_notice(office),
            "notices": selectors.office_notices(office),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, meeting_pk: int):
    meeting = selectors.get_meeting_for_office(request.user, meeting_pk)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.publish_results(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已发布评审结果公示。"))
            return redirect("committee:results_office_notice", pk=notice.pk)
    return render(request, "committee/results_publish.html", {"meeting": meeting, "form": form})


def _office_page(request, notice, **forms):
    rows = selectors.notice_rows(notice)
    context = {
        "notice": notice,
        "rows": rows,
        "objections": selectors.objections_of(notice),
        "ended": selectors.has_ended(notice),
        "objection_form": forms.get("objection_form") or ObjectionForm(rows=rows),
        "handling_form": forms.get("handling_form") or HandlingForm(),
        "handling_for": forms.get("handling_for"),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "running": notice.status == ResultsNotice.Status.RUNNING,
        "public_url": request.build_absolute_uri(
            reverse("committee:results_public_notice", args=[notice.pk])
        ),
    }
    status = (
        400
        if any(f is not None and f.errors for f in forms.values() if hasattr(f, "errors"))
        else 200
    )
    return render(request, "committee/results_office_notice.html", context, status=status)


@login_required
def office_notice(request, pk: int):
    notice = selectors.get_notice_for_office(request.user, pk)
    return _office_page(request, notice)


@login_required
@require_POST
def add_objection(request, pk: int):
    notice = selectors.get_notice_for_office(request.user, pk)
    form = ObjectionForm(request.POST, rows=selectors.notice_rows(notice))
    if form.is_valid():
        try:
            services.record_objection(
                actor=request.user,
                notice=notice,
                declaration_id=form.cleaned_data["declaration"],
                content=form.cleaned_data["content"],
                received_on=form.cleaned_data["received_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记异议。"))
            return redirect("committee:results_office_notice", pk=notice.pk)
    return _office_page(request, notice, objection_form=form)


@login_required
@require_POST
def handle_objection(request, pk: int, objection_pk: int):
    notice = selectors.get_notice_for_office(request.user, pk)
    try:
        objection = ResultsObjection.objects.get(pk=objection_pk, notice=notice)
    except ResultsObjection.DoesNotExist:
        raise Http404(_("未找到该异议。")) from None
    form = HandlingForm(request.POST)
    if form.is_valid():
        try:
            services.handle_objection(
                actor=request.user,
                objection=objection,
                founded=form.cleaned_data["founded"],
                handling=form.cleaned_data["handling"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记异议处理情况。"))
            return redirect("committee:results_office_notice", pk=notice.pk)
    return _office_page(request, notice, handling_form=form, handling_for=objection.pk)


@login_required
@require_POST
def confirm(request, pk: int):
    notice = selectors.get_notice_for_office(request.user, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.confirm_results(
                actor=request.user,
                notice=notice,
                approval_document_number=form.cleaned_data["approval_document_number"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已确认评审结果，电子证书已发放。"))
            return redirect("committee:results_office_notice", pk=notice.pk)
    return _office_page(request, notice, confirm_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    """撤销公示: a confirmation page (the notice, how many people, the reason); a refusal
    stays on the page with the reason typed."""
    notice = selectors.get_notice_for_office(request.user, pk)
    if notice.status != ResultsNotice.Status.RUNNING and request.method == "GET":
        messages.error(
            request,
            _("该公示的状态为“%(s)s”，不能撤销。") % {"s": notice.get_status_display()},
        )
        return redirect("committee:results_office_notice", pk=notice.pk)
    form = CancelNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_results_notice(
                actor=request.user, notice=notice, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("公示已撤销。名单中的人员可重新发布公示。"))
            return redirect("committee:results_office_notice", pk=notice.pk)
    return render(
        request,
        "committee/results_cancel.html",
        {"notice": notice, "count": notice.entries.count(), "form": form},
        status=400 if form.errors else 200,
    )


# --- the HR bureau ----------------------------------------------------------------------------


def _bureau(user):
    organization = access.organization_of(user)
    if organization is None or organization.kind != OrgKind.HR_BUREAU:
        raise PermissionDenied(_("您的账号无权访问此页面。"))
    return organization


@login_required
def bureau_index(request):
    bureau = _bureau(request.user)
    return render(
        request,
        "committee/results_registry.html",
        {"notices": selectors.bureau_notices(bureau)},
    )


@login_required
def bureau_notice(request, pk: int):
    _bureau(request.user)
    notice = selectors.get_notice_for_bureau(request.user, pk)
    return render(
        request,
        "committee/results_registry_notice.html",
        {"notice": notice, "rows": selectors.notice_rows(notice)},
    )


@login_required
@require_POST
def register(request, pk: int):
    _bureau(request.user)
    notice = selectors.get_notice_for_bureau(request.user, pk)
    try:
        services.register_results(actor=request.user, notice=notice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已备案。"))
    return redirect("committee:results_registry_notice", pk=notice.pk)


# --- revocation -------------------------------------------------------------------------------


def get_revocable(user, pk: int) -> Declaration:
    """A declaration whose result the user may revoke now (the office holding it, or the HR
    bureau responsible for its committee's region); 404 otherwise."""
    try:
        declaration = Declaration.objects.select_related(
            "applicant",
            "plan__series",
            "plan__level",
            "plan__committee__region",
            "holder",
            "committee__region",
        ).get(pk=pk)
    except Declaration.DoesNotExist:
        raise Http404(_("未找到该申报。")) from None
    may = workflow.allowed(declaration, Action.REVOKE, user) or (
        declaration.status == S.REVOKED
        and (
            access.acts_for(user, declaration.holder_id)
            or workflow.acts_for_committee_bureau(declaration, user)
        )
    )
    if not may:
        raise Http404(_("未找到该申报。"))
    return declaration


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    declaration = get_revocable(request.user, pk)
    if declaration.status == S.REVOKED:
        messages.info(request, _("该评审结果已撤销。"))
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ban = revocation.revoke_result(
                actor=request.user,
                declaration=declaration,
                reason=form.cleaned_data["reason"],
                seen_status=request.POST.get("seen_status") or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已撤销%(n)s的评审结果，%(d)s之前不得申报。")
                % {"n": declaration.applicant.name, "d": ban.until},
            )
            return redirect("committee:results_revoke", pk=declaration.pk)
    return render(
        request,
        "committee/results_revoke.html",
        {
            "declaration": declaration,
            "form": form,
            "title": selectors.declared_title(declaration),
            "can_revoke": declaration.status != S.REVOKED,
        },
        status=400 if form.errors else 200,
    )


# --- the applicant's panels -------------------------------------------------------------------


def declaration_panel(request, declaration) -> dict | None:
    """The result on the applicant's overview and timeline (declarations.hooks
    .declaration_panels): passed / confirmed with the certificate, or, for one who did not
    pass, the committee's opinion and the vote counts."""
    if request.user.pk != declaration.applicant_id:
        return None
    outcome = selectors.outcome_of(declaration)
    if outcome is None:
        return None
    return {"template": "committee/results_panel.html", "result": outcome}


def dashboard_panel(request) -> dict | None:
    """The applicant's home page: each declaration with a committee result."""
    declarations = list(selectors.applicant_results(request.user))
    if not declarations:
        return None
    outcomes = selectors.outcomes_of(declarations)
    return {
        "template": "committee/results_dashboard_card.html",
        "results": [(declaration, outcomes[declaration.pk]) for declaration in declarations],
    }


def certificate_cells(request, declarations) -> dict[int, dict]:
    """证书状态 on the applicant's list of declarations: 下载证书, 证书已撤销, or nothing."""
    ids = [d.pk for d in declarations if d.status in (S.CONFIRMED, S.REVOKED)]
    cells = {}
    for declaration_id, certificate in selectors.certificates_of(ids).items():
        if certificate.revoked_at is not None:
            cells[declaration_id] = {"label": _("证书已撤销"), "url": None}
        else:
            cells[declaration_id] = {
                "label": _("下载证书"),
                "url": reverse("committee:certificate_download", args=[certificate.pk]),
            }
    return cells


def menu_items(user, role, organization) -> list:
    if organization is None:
        return []
    if access.may(organization, access.Capability.EVALUATE):
        return [(_("评审结果公示"), reverse("committee:results_office"), _("评审组织"))]
    if organization.kind == OrgKind.HR_BUREAU:
        return [(_("评审结果备案"), reverse("committee:results_registry"))]
    return []
