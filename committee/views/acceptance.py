"""受理: the committee office's inbox by report batch, and its decisions (受理 / 退回修改 /
不予受理) on one or several declarations after a confirmation page naming them.

The review app's inbox (review:queue) stays the office's list of everything it received with
filters and exports; this page is where the formal check happens, batch by batch, which the
review queue (one row per declaration, built around reporting) has no place for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committee.forms_acceptance import DecisionConfirmForm, DecisionPickForm
from committee.models import Payment
from committee.selectors import acceptance as selectors
from committee.services import acceptance as services
from core.choices import labels
from core.html import format_html, format_html_join
from declarations.models import DeclarationStatus
from institutions import access
from review import rows

Cap = access.Capability
# The buttons' colours: 受理 green, 不予受理 red, 退回修改 amber.
DECISION_STYLES = {"accept": "success", "refuse": "danger"}
# Stands for the row's id in the decision buttons written once a page.
PK_PLACEHOLDER = 987654321


@login_required
@require_GET
def inbox(request):
    """The declarations reported to the office by batch (by default the batches with some still
    waiting), 30 a page, with a checkbox for those that may be decided."""
    office = selectors.office_of(request.user, Cap.RECEIVE)
    show_all = request.GET.get("show") == "all"
    # The paginator counts (kept) and numbers the pages; the page's ids are a prepared query.
    total = selectors.inbox_total(office, pending_only=not show_all)
    paginator = Paginator(range(total), selectors.INBOX_ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    start = (page.number - 1) * selectors.INBOX_ROWS_PER_PAGE
    page_ids = selectors.inbox_page_ids(
        office, start, start + selectors.INBOX_ROWS_PER_PAGE, pending_only=not show_all
    )
    groups = selectors.inbox_page(office, page_ids)
    # What each cell prints, worked out here once rather than by template lookups per cell.
    detail_url = rows.detail_url_pattern()
    pick_label = _("选择%(name)s")
    decisions = [
        (a, services.decision_label(a), DECISION_STYLES.get(a, "warning"))
        for a in services.DECISIONS
    ]
    # The decision buttons are the same on every row but for the declaration's id.
    buttons = format_html_join(
        "",
        '<button type="submit" name="pick" value="{}:{}" class="btn btn-sm btn-outline-{} '
        'me-1" data-testid="pick-{}">{}</button>',
        ((value, PK_PLACEHOLDER, style, value, label) for value, label, style in decisions),
    )
    status_labels, payment_labels = labels(DeclarationStatus), labels(Payment.Status)
    yuan = _("元")
    for group in groups:
        group.received_on = timezone.localtime(group.batch.created_at).strftime("%Y-%m-%d")
        for row in group.rows:
            declaration = row.declaration
            plan = declaration.plan
            row.name = declaration.applicant.name
            row.pick_label = pick_label % {"name": row.name}
            row.detail_url = detail_url.format(declaration.pk)
            row.unit_name = declaration.declaring_unit.name if declaration.declaring_unit_id else ""
            row.plan_label = f"{plan.series.name} / {plan.level.name}"
            row.status_label = status_labels[declaration.status]
            row.html = _inbox_row(row, group.received_on, buttons, payment_labels, yuan)
    return render(
        request,
        "committee/acceptance_inbox.html",
        {
            "office": office,
            "page": page,
            "groups": groups,
            "show_all": show_all,
            "counts": selectors.inbox_counts(office),
            "decisions": decisions,
        },
    )


def _inbox_row(row, received_on: str, page_buttons, payment_labels, yuan: str):
    """One inbox row's <tr>, written here: 30 rows of eight cells through the template engine
    cost more than the page's queries (issue 13). Every value is escaped by format_html."""
    pk = row.declaration.pk
    if row.decidable:
        pick = rows.pick_checkbox(pk, row.pick_label)
        # An int in place of an int: stays escaped.
        buttons = mark_safe(page_buttons.replace(f":{PK_PLACEHOLDER}", f":{int(pk)}"))
    else:
        pick = buttons = ""
    plan = format_html("{} / {}", row.plan_label, row.title) if row.title else row.plan_label
    if row.payment:
        payment = format_html(
            '<span data-testid="row-payment">{} {} · {}</span>',
            formats.localize(row.payment.amount),
            yuan,
            payment_labels[row.payment.status],
        )
    else:
        payment = "-"
    return format_html(
        '<tr data-testid="inbox-row" data-declaration="{}"><td>{}</td>'
        '<td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
        '<td><span class="badge bg-secondary" data-testid="row-status">{}</span></td>'
        '<td>{}</td><td class="text-nowrap">{}</td></tr>',
        pk,
        pick,
        row.detail_url,
        row.name,
        row.unit_name or "-",
        plan,
        received_on,
        row.status_label,
        payment,
        buttons,
    )


def _confirm(request, office, action, ids, form=None, error=None):
    declarations = selectors.require_received(office, ids)
    stale = [
        d
        for d in declarations
        if d.holder_id != office.pk or d.status != DeclarationStatus.AT_COMMITTEE
    ]
    form = form or DecisionConfirmForm(
        initial={"action": action, "ids": ",".join(str(d.pk) for d in declarations)}
    )
    return render(
        request,
        "committee/acceptance_confirm.html",
        {
            "office": office,
            "action": action,
            "label": services.decision_label(action),
            "needs_reason": action in services.NEEDS_REASON,
            "declarations": declarations,
            "titles": selectors.title_names(d.pk for d in declarations),
            "ids": ",".join(str(d.pk) for d in declarations),
            "stale": stale,
            "form": form,
            "error": error,
        },
        status=400 if error or form.errors else 200,
    )


@login_required
@require_POST
def decide_confirm(request):
    """The confirmation page: how many, and which, will be accepted / returned / refused."""
    office = selectors.office_of(request.user, Cap.RECEIVE)
    pick = DecisionPickForm(request.POST)
    if not pick.is_valid():
        for error in pick.errors.values():
            messages.error(request, " ".join(error))
        return redirect("committee:inbox")
    return _confirm(request, office, pick.cleaned_data["action"], pick.cleaned_data["ids"])


@login_required
@require_POST
def decide(request):
    """确认: all or nothing; a refusal (a stale page, a missing reason) stays on the
    confirmation page with the reason typed."""
    office = selectors.office_of(request.user, Cap.RECEIVE)
    form = DecisionConfirmForm(request.POST)
    if not form.is_valid():
        action = form.cleaned_data.get("action")
        ids = form.cleaned_data.get("ids")
        if not action or not ids:
            messages.error(request, _("所选申报无效，请刷新页面后重新选择。"))
            return redirect("committee:inbox")
        return _confirm(request, office, action, ids, form=form)
    action, ids = form.cleaned_data["action"], form.cleaned_data["ids"]
    selectors.require_received(office, ids)
    try:
        events = services.decide(
            actor=request.user,
            office=office,
            action=action,
            declaration_ids=ids,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        return _confirm(request, office, action, ids, form=form, error=" ".join(error.messages))
    messages.success(
        request,
        _("已%(a)s%(n)d份申报。") % {"a": services.decision_label(action), "n": len(events)},
    )
    return redirect(reverse("committee:inbox"))
