"""收费设定 and 缴费登记: the office sets each plan's fee, marks payments paid (one or several,
after a confirmation) or imports a list of paid ID numbers; the applicant's panels show the
fee and its state (declaration pages, home page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committee import payments as backends
from committee.forms_acceptance import FeeForm, PaymentImportForm, PaymentSelectForm
from committee.models import Payment
from committee.selectors import acceptance as selectors
from committee.services import fees as fee_services
from committee.services import payments as payment_services
from core.forms import add_service_errors
from institutions import access

Cap = access.Capability


@login_required
@require_GET
def fee_list(request):
    office = selectors.office_of(request.user, Cap.EVALUATE)
    return render(
        request,
        "committee/fees_list.html",
        {"office": office, "rows": selectors.fee_rows(office)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fee_edit(request, plan_pk: int):
    office, plan = selectors.get_plan_for_office(request.user, plan_pk)
    setting = selectors.fee_setting(plan.committee_id, plan.pk)
    initial = {"charging": FeeForm.FREE, "required_before_evaluation": True}
    if setting is not None:
        initial = {
            "charging": FeeForm.CHARGED if setting.charged else FeeForm.FREE,
            "amount": setting.amount if setting.charged else None,
            "required_before_evaluation": setting.required_before_evaluation,
        }
    form = FeeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fee_services.set_fee(
                actor=request.user,
                plan=plan,
                charged=form.charged,
                amount=form.cleaned_data["amount"],
                required_before_evaluation=form.cleaned_data["required_before_evaluation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存“%(plan)s”的收费设定。") % {"plan": plan})
            return redirect("committee:fee_list")
    return render(
        request,
        "committee/fees_edit.html",
        {"office": office, "plan": plan, "form": form},
        status=400 if form.errors else 200,
    )


def _payments_context(request, office, **extra):
    status = request.GET.get("status", "")
    if status not in Payment.Status.values:
        status = ""
    q = (request.GET.get("q") or "").strip()[:50]
    page = Paginator(
        selectors.office_payments(office, status=status, q=q), selectors.PAYMENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return {
        "office": office,
        "page": page,
        "status": status,
        "q": q,
        "statuses": Payment.Status.choices,
        "office_records": backends.get_backend().office_records,
        "import_form": PaymentImportForm(),
        **extra,
    }


@login_required
@require_GET
def payment_list(request):
    office = selectors.office_of(request.user, Cap.EVALUATE)
    return render(request, "committee/fees_payments.html", _payments_context(request, office))


@login_required
@require_POST
def payment_confirm(request):
    """The confirmation of 登记为已缴费: names each selected person and amount."""
    office = selectors.office_of(request.user, Cap.EVALUATE)
    form = PaymentSelectForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("committee:payment_list")
    payments = selectors.office_payments_by_ids(office, form.cleaned_data["ids"])
    return render(
        request,
        "committee/fees_payment_confirm.html",
        {
            "office": office,
            "payments": payments,
            "ids": ",".join(str(p.pk) for p in payments),
            "form": form,
        },
    )


@login_required
@require_POST
def payment_record(request):
    office = selectors.office_of(request.user, Cap.EVALUATE)
    form = PaymentSelectForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("committee:payment_list")
    payments = selectors.office_payments_by_ids(office, form.cleaned_data["ids"])
    try:
        recorded = payment_services.record_payments(
            actor=request.user,
            office=office,
            payment_ids=form.cleaned_data["ids"],
            reference=form.cleaned_data["reference"],
        )
    except ValidationError as error:
        return render(
            request,
            "committee/fees_payment_confirm.html",
            {
                "office": office,
                "payments": payments,
                "ids": ",".join(str(p.pk) for p in payments),
                "form": form,
                "error": " ".join(error.messages),
            },
            status=400,
        )
    messages.success(request, _("已登记%(n)d人已缴费。") % {"n": len(recorded)})
    return redirect("committee:payment_list")


@login_required
@require_POST
def payment_import(request):
    """导入缴费名单: all rows match a pending payment of the office, or nothing is recorded and
    the page lists each bad row."""
    office = selectors.office_of(request.user, Cap.EVALUATE)
    form = PaymentImportForm(request.POST, request.FILES)
    bad_rows = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = payment_services.read_rows(upload.read())
            recorded = payment_services.import_paid(
                actor=request.user, office=office, rows=rows, filename=upload.name
            )
        except payment_services.ImportRefused as refused:
            bad_rows = refused.bad_rows
            form.add_error(None, refused.messages)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(
                request, _("已导入缴费名单，登记%(n)d人已缴费。") % {"n": len(recorded)}
            )
            return redirect("committee:payment_list")
    context = _payments_context(request, office, import_form=form, bad_rows=bad_rows)
    return render(request, "committee/fees_payments.html", context, status=400)


# --- the applicant's panels ---------------------------------------------------------------------


def declaration_panel(request, declaration) -> dict | None:
    """declarations.hooks.declaration_panels: the fee of the current round, where there is one
    (the applicant's overview and timeline, the organizations' review page)."""
    payment = selectors.payment_of(declaration)
    if payment is None:
        return None
    return {"template": "committee/fees_panel.html", "committee_payment": payment}


def dashboard_card(request) -> dict | None:
    """applicants.hooks.dashboard_panels: the applicant's fees (待缴费 / 已缴费)."""
    payments = selectors.payments_for_applicant(request.user)
    if not payments:
        return None
    return {"template": "committee/fees_dashboard_card.html", "committee_payments": payments}
