"""The figures of the page, each as a chart, its table and its spreadsheet: one builder per
figure from its selector. The page shows them all; the xlsx export writes one."""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from stats import charts, selectors
from stats.selectors import Scope, StatsFilter


@dataclass
class Figure:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    chart: SafeString | None = None
    note: str = ""
    # Further tables of the same figure: (caption, headers, rows).
    extra: list[tuple[str, list[str], list[list]]] = field(default_factory=list)


def _pct(value: float | None):
    return "—" if value is None else f"{value}%"


def _none(value):
    return "—" if value is None else value


def funnel(scope: Scope, f: StatsFilter) -> Figure:
    rows = selectors.funnel(scope, f)
    title = _("申报进展漏斗")
    return Figure(
        "funnel",
        title,
        [_("阶段"), _("到达人数"), _("停留在此阶段"), _("占全部申报")],
        [[r.label, r.reached, r.here, _pct(r.share)] for r in rows],
        charts.funnel_chart(
            title, [r.label for r in rows], [r.reached for r in rows], empty=_("暂无数据")
        ),
        _("到达人数：到达该阶段或其后阶段的申报数；停留在此阶段：目前最远到达该阶段的申报数。"),
    )


def _count_figure(key, title, first_header, rows) -> Figure:
    return Figure(
        key,
        title,
        [first_header, _("申报数"), _("已提交"), _("评审通过")],
        [[r.label, r.total, r.submitted, r.passed] for r in rows],
        charts.bar_chart(
            title,
            [r.short or r.label for r in rows],
            [
                (_("申报数"), [r.total for r in rows]),
                (_("评审通过"), [r.passed for r in rows]),
            ],
            empty=_("暂无数据"),
        ),
    )


def series_level(scope: Scope, f: StatsFilter) -> Figure:
    return _count_figure(
        "series_level",
        _("按系列和级别"),
        _("系列 级别"),
        selectors.by_series_level(scope, f),
    )


def region(scope: Scope, f: StatsFilter) -> Figure:
    return _count_figure(
        "region", _("按地区（申报单位所在地）"), _("地区"), selectors.by_region(scope, f)
    )


def returns(scope: Scope, f: StatsFilter) -> Figure:
    sections = selectors.returns_by_section(scope, f)
    reasons = selectors.top_reasons(scope, f, top=TOP_REASONS)
    title = _("退回原因：按模块")
    return Figure(
        "returns",
        title,
        [_("模块"), _("不通过次数"), _("涉及申报数")],
        [[r.section, r.failures, r.declarations] for r in sections],
        charts.bar_chart(
            title,
            [r.section for r in sections],
            [(_("不通过次数"), [r.failures for r in sections])],
            empty=_("暂无退回记录"),
        ),
        _("各级审核中被标记为“不通过”的模块次数（每轮审核分别计）。"),
        extra=[
            (
                _("最常见的不通过原因（前%(n)s条）") % {"n": TOP_REASONS},
                [_("模块"), _("原因"), _("次数")],
                [[r.section, r.reason, r.count] for r in reasons],
            )
        ],
    )


TOP_REASONS = 10


def days(scope: Scope, f: StatsFilter) -> Figure:
    rows = selectors.days_at_level(scope, f)
    title = _("各级审核用时（天）")
    return Figure(
        "days",
        title,
        [_("审核层级"), _("已办结件数"), _("中位数（天）"), _("90%分位数（天）")],
        [[r.level, r.count, _none(r.median), _none(r.p90)] for r in rows],
        charts.bar_chart(
            title,
            [r.level for r in rows],
            [(_("中位数"), [r.median for r in rows]), (_("90%分位数"), [r.p90 for r in rows])],
            suffix=_("天"),
            empty=_("暂无数据"),
        ),
        _("从收到申报到上报、退回或作出不通过决定的天数。"),
    )


def pass_rates(scope: Scope, f: StatsFilter) -> Figure:
    rows = selectors.pass_rates(scope, f)
    title = _("评委会评审通过率")
    return Figure(
        "pass_rates",
        title,
        [_("评委会"), _("年度"), _("参评人数"), _("通过人数"), _("通过率")],
        [[r.committee, r.year, r.evaluated, r.passed, _pct(r.rate)] for r in rows],
        charts.bar_chart(
            title,
            [r.label for r in rows],
            [(_("通过率"), [r.rate for r in rows])],
            suffix="%",
            empty=_("暂无评审结果"),
        ),
    )


FIGURES: dict[str, tuple[str, Callable[[Scope, StatsFilter], Figure]]] = {
    "funnel": (_l("申报进展漏斗"), funnel),
    "series_level": (_l("按系列和级别"), series_level),
    "region": (_l("按地区"), region),
    "returns": (_l("退回原因"), returns),
    "days": (_l("各级审核用时"), days),
    "pass_rates": (_l("评审通过率"), pass_rates),
}


def build_all(scope: Scope, f: StatsFilter) -> list[Figure]:
    return [build(scope, f) for _label, build in FIGURES.values()]


def workbook(figure: Figure, *, scope_label: str, filter_label: str) -> io.BytesIO:
    """The figure's tables as a spreadsheet (title, scope and filter lines, then each table)."""
    book = Workbook()
    sheet = book.active
    sheet.title = figure.title[:31]
    bold = Font(bold=True)
    sheet.append([figure.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("统计范围"), scope_label])
    sheet.append([_("筛选条件"), filter_label])
    sheet.append([])
    tables = [("", figure.headers, figure.rows), *figure.extra]
    for caption, headers, rows in tables:
        if caption:
            sheet.append([])
            sheet.append([caption])
            sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(headers)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in rows:
            sheet.append(row)
    for column in sheet.columns:
        width = max(
            (sum(2 if ord(ch) > 127 else 1 for ch in str(c.value or "")) for c in column[4:]),
            default=8,
        )
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
