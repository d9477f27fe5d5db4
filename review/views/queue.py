"""职称申报数据审核 / 数据上报: an organization's queue with its filters and state tabs, and
reporting the declarations it passed (ticked ones, or all that qualify) after a confirmation
page that shows where each series and level goes."""

from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.choices import labels
from core.db import unprepared
from core.html import format_html, format_html_join
from core.query import QUERY_MAX_LENGTH
from declarations import workflow
from declarations.models import DeclarationStatus
from institutions import access
from institutions.selectors import effective_path, missing_path_message
from review import hooks, rows, selectors, services
from review.forms import QueueFilterForm, ReportForm, ReportSelectionForm
from review.models import QUEUE_STATES, ReviewState

QUEUE_PER_PAGE = 20


def _queue_url(filters: QueueFilterForm) -> str:
    query = filters.query()
    return reverse("review:queue") + (f"?{query}" if query else "")


@login_required
@require_GET
def queue(request):
    """The organization's queue (a committee office's inbox): filters, tabs with counts per
    state, 20 rows a page; rows waiting to be reported get a checkbox."""
    organization = access.require_organization(request.user, *selectors.QUEUE_CAPABILITIES)
    catalog = selectors.catalog_options()
    filters = QueueFilterForm(request.GET, catalog=catalog)
    # A search is read as the accounts it matches first (selectors.resolve_search): the queries
    # below then take their ids, on prepared statements. A name search matching too many
    # accounts is matched in the queries themselves, planned with its text each time
    # (core.db.unprepared): a prepared statement's generic plan for it scans the whole queue.
    f = selectors.resolve_search(filters.to_filter())
    with unprepared() if f.matches_text else nullcontext():
        counts = selectors.queue_counts(organization, f)
        if f.state is None or f.state in counts:
            # The tabs' counts are taken under the same filters: no second COUNT for the pages,
            # and the paginator only numbers them (the page's keys are read below).
            total = counts[f.state] if f.state else sum(counts.values())
            paginator = Paginator(range(total), QUEUE_PER_PAGE)
        else:
            paginator = Paginator(selectors.queue_page_ids(organization, f), QUEUE_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        start = (page.number - 1) * QUEUE_PER_PAGE
        keys = selectors.queue_page_keys(organization, f, start, start + QUEUE_PER_PAGE)
    page.object_list = selectors.queue_page_rows(organization, keys)
    can_report = access.may(organization, access.Capability.REPORT)
    detail_url = rows.detail_url_pattern()
    is_inbox = access.may(organization, access.Capability.RECEIVE)
    state_labels = labels(DeclarationStatus if is_inbox else ReviewState)
    pick_label = _("选择%(name)s")
    for row in page:
        declaration = row.declaration
        plan = declaration.plan
        # What each cell prints, worked out here once (a template lookup per cell and row costs
        # more than the page's queries).
        row.name = declaration.applicant.name
        row.pick_label = pick_label % {"name": row.name}
        row.detail_url = detail_url.format(declaration.pk)
        row.masked_id = selectors.mask_id_number(declaration.applicant.id_number)
        row.plan_label = f"{plan.year} · {plan.series.name} · {plan.level.name}"
        row.unit_name = declaration.declaring_unit.name if declaration.declaring_unit_id else ""
        row.from_name = row.received_from.name if row.received_from_id else ""
        row.arrived = timezone.localtime(row.arrived_at).strftime("%Y-%m-%d %H:%M")
        row.state_label = state_labels[declaration.status if is_inbox else row.state]
        row.reportable = (
            can_report
            and row.state == ReviewState.PASSED
            and declaration.holder_id == organization.pk
            and workflow.is_reportable(declaration)
        )
        # The 公示 column concerns the declaring unit's own declarants only.
        row.needs_notice = declaration.declaring_unit_id == organization.pk
        # 审核 where this organization decides; 查看 elsewhere (and in a committee inbox).
        row.actionable = (
            can_report
            and row.state == ReviewState.PENDING
            and declaration.holder_id == organization.pk
        )
    # Links the apps above add to each row (documents: a committee office's expert packet).
    links = hooks.row_links(request, organization, [row.declaration_id for row in page])
    is_unit = access.may(organization, access.Capability.PUBLISH_NOTICE)
    cells = _row_cells(is_unit)
    for row in page:
        row.links = links.get(row.declaration_id, [])
        row.html = _queue_row(row, cells, can_report=can_report, is_unit=is_unit)
    series_options, level_options = catalog
    tabs = [("", _("全部"), sum(counts.values()), filters.query(state=""))]
    tabs += [(s.value, s.label, counts[s], filters.query(state=s.value)) for s in QUEUE_STATES]
    return render(
        request,
        "review/queue.html",
        {
            "organization": organization,
            "filters": filters,
            "filter_labels": {name: field.label for name, field in filters.fields.items()},
            "filter_values": {
                "year": filters.data.get("year", ""),
                "q": filters.data.get("q", ""),
                "q_max": QUERY_MAX_LENGTH,
            },
            "series_options": series_options,
            "level_options": level_options,
            "selected_series": f.series,
            "selected_level": f.level,
            # Filters set besides the state tab (the phone's 筛选 button counts them).
            "active_filters": len(filters.params(state="")),
            "state": f.state or "",
            "tabs": tabs,
            "page": page,
            "can_report": can_report,
            "is_unit": is_unit,
            "is_inbox": is_inbox,
            # What may be reported is among the passed: none passed, no query.
            "reportable_count": (
                _reportable_count(organization, f)
                if can_report and counts[ReviewState.PASSED]
                else 0
            ),
            "export_query": filters.query(),
        },
    )


def _row_cells(is_unit: bool) -> dict:
    """What every row of a page shares: the phone layout's cell labels (data-label), the
    buttons' words and the 公示 badges."""
    cells = {
        "id": _("身份证号"),
        "plan": _("申报计划/系列/级别"),
        "unit": _("申报单位"),
        "arrived": _("收到时间"),
        "from": _("来自"),
        "state": _("状态"),
        "review": _("审核"),
        "view": _("查看"),
        "own": _("个人提交"),
    }
    if is_unit:
        cells["notice"] = _("公示")
        cells["objection_open"] = format_html(
            '<span class="badge bg-danger">{}</span>', _("异议待处理")
        )
        cells["noticed"] = format_html('<span class="badge bg-success">{}</span>', _("公示无异议"))
        cells["notice_pending"] = format_html(
            '<span class="badge bg-warning text-dark">{}</span>', _("公示中")
        )
        cells["notice_new"] = reverse("review:notice_new")
        cells["unnoticed"] = _("未公示")
    return cells


def _notice_cell(row, cells):
    if not (row.state == ReviewState.PASSED and row.needs_notice):
        return "—"
    if row.objection_open:
        return cells["objection_open"]
    if row.noticed:
        return cells["noticed"]
    if row.notice_pending:
        return cells["notice_pending"]
    if row.reportable:
        return format_html(
            '<a class="small" href="{}?plan={}">{}</a>',
            cells["notice_new"],
            row.declaration.plan_id,
            cells["unnoticed"],
        )
    return "—"


def _download_attribute(link: dict) -> str:
    return " download" if link.get("download") else ""


def _queue_row(row, cells, *, can_report: bool, is_unit: bool):
    """One queue row's <tr>, written here: 20 rows of ten cells through the template engine
    cost more than the page's queries (issue 13). Every value is escaped by format_html."""
    pk = row.declaration.pk
    pick = ""
    if can_report:
        pick = format_html(
            '<td class="queue-pick">{}</td>',
            rows.pick_checkbox(pk, row.pick_label) if row.reportable else "",
        )
    name = (
        format_html('<label for="pick-{}">{}</label>', pk, row.name) if row.reportable else row.name
    )
    notice = (
        format_html('<td data-label="{}">{}</td>', cells["notice"], _notice_cell(row, cells))
        if is_unit
        else ""
    )
    links = format_html_join(
        "",
        ' <a class="btn btn-sm btn-outline-primary" href="{}" data-testid="{}"{}>{}</a>',
        (
            (link["url"], link["testid"], _download_attribute(link), link["label"])
            for link in row.links
        ),
    )
    return format_html(
        '<tr data-testid="queue-row">{}<td class="queue-name">{}</td>'
        '<td class="text-nowrap" data-label="{}">{}</td><td data-label="{}">{}</td>'
        '<td data-label="{}">{}</td><td class="text-nowrap" data-label="{}">{}</td>'
        '<td data-label="{}">{}</td><td data-label="{}">{}</td>{}'
        '<td class="queue-action"><a class="btn btn-sm {}" href="{}">{}</a>{}</td></tr>',
        pick,
        name,
        cells["id"],
        row.masked_id,
        cells["plan"],
        row.plan_label,
        cells["unit"],
        row.unit_name or "—",
        cells["arrived"],
        row.arrived,
        cells["from"],
        row.from_name or cells["own"],
        cells["state"],
        row.state_label,
        notice,
        "btn-primary" if row.actionable else "btn-outline-secondary",
        row.detail_url,
        cells["review"] if row.actionable else cells["view"],
        links,
    )


def _reportable_count(organization, f) -> int:
    with unprepared() if f.matches_text else nullcontext():
        return selectors.reportable_count(organization, f)


def _confirm_page(request, organization, ids, filters, *, requested=None, error=None, url=None):
    """What reporting these declarations would do: how many, grouped by series and level, the
    destination of each group's effective path (or why there is none), and for a unit who
    still lacks a 公示无异议 notice. Only what may still be reported is carried forward."""
    declarations = list(selectors.reportable_declarations(organization, ids))
    groups = {}
    for declaration in declarations:
        plan = declaration.plan
        key = (plan.series_id, plan.level_id)
        if key not in groups:
            groups[key] = {"series": plan.series, "level": plan.level, "people": []}
        groups[key]["people"].append(declaration)
    blocked = not declarations
    for group in groups.values():
        path = effective_path(organization, group["series"], group["level"])
        group["path"] = path
        if path is None:
            group["message"], group["url"] = missing_path_message(
                organization, group["series"], group["level"]
            )
            blocked = True
        elif path.committee_id:
            group["destination"] = path.committee.name
            strays = [d for d in group["people"] if d.plan.committee_id != path.committee_id]
            if strays:
                # Reports end at the plan's committee (services.report_declarations refuses).
                group["wrong_committee"] = _(
                    "以下%(n)d人的申报计划不由该评审委员会评审，不能上报：%(names)s。"
                    "请核对本单位的评委会路径。"
                ) % {"n": len(strays), "names": "、".join(d.applicant.name for d in strays[:10])}
                blocked = True
        else:
            group["destination"] = path.target.name
    unnoticed = []
    if access.may(organization, access.Capability.PUBLISH_NOTICE) and declarations:
        unnoticed = selectors.unnoticed_names(organization, [d.pk for d in declarations])
        blocked = blocked or bool(unnoticed)
    requested = len(ids) if requested is None else requested
    return render(
        request,
        "review/report_confirm.html",
        {
            "organization": organization,
            "declarations": declarations,
            "ids": ",".join(str(d.pk) for d in declarations),
            "groups": list(groups.values()),
            "stale": max(requested - len(declarations), 0),
            "unnoticed": unnoticed,
            "blocked": blocked,
            "error": error,
            "error_url": url,
            "filters": filters,
            "back_url": _queue_url(filters),
        },
    )


@login_required
@require_POST
def report_confirm(request):
    """上报选中 / 上报全部符合条件的: the confirmation page (reporting cannot be undone)."""
    organization = access.require_organization(request.user, access.Capability.REPORT)
    filters = QueueFilterForm(request.POST)
    selection = ReportSelectionForm(request.POST)
    if not selection.is_valid():
        for error in selection.errors.values():
            messages.error(request, " ".join(error))
        return redirect(_queue_url(filters))
    if selection.cleaned_data["scope"] == ReportSelectionForm.ALL:
        ids = selectors.reportable_ids(organization, filters.to_filter())
        if not ids:
            messages.error(request, _("当前查询条件下没有可以上报的申报。"))
            return redirect(_queue_url(filters))
    else:
        ids = selection.cleaned_data["ids"]
    return _confirm_page(request, organization, ids, filters)


@login_required
@require_POST
def report(request):
    """确认上报: all or nothing; a refusal is shown on the confirmation page."""
    organization = access.require_organization(request.user, access.Capability.REPORT)
    filters = QueueFilterForm(request.POST)
    form = ReportForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(_queue_url(filters))
    ids = form.cleaned_data["ids"]
    try:
        batches = services.report_declarations(
            actor=request.user, organization=organization, declaration_ids=ids
        )
    except ValidationError as error:
        params = getattr(error, "params", None) or {}
        url = params.get("url") if getattr(error, "code", None) == "no_path" else None
        return _confirm_page(
            request, organization, ids, filters, error=" ".join(error.messages), url=url
        )
    destinations = "、".join(
        dict.fromkeys(
            batch.committee.name if batch.committee_id else batch.to_organization.name
            for batch in batches
        )
    )
    messages.success(
        request,
        _("已上报%(n)d份申报至%(to)s。")
        % {"n": sum(batch.count for batch in batches), "to": destinations},
    )
    return redirect(_queue_url(filters))


def dashboard_card(request, organization) -> dict | None:
    """The organization home page's card: the queue's counts per state (registered on
    institutions.hooks.dashboard_panels)."""
    if not any(access.may(organization, c) for c in selectors.QUEUE_CAPABILITIES):
        return None
    counts = selectors.queue_counts(organization, selectors.QueueFilter())
    return {
        "template": "review/_dashboard_card.html",
        "is_inbox": access.may(organization, access.Capability.RECEIVE),
        "review_counts": [(state, ReviewState(state).label, n) for state, n in counts.items()],
    }
