"""Spreadsheet exports of the review chain: a unit's 公示表 (the people of one public notice) and
an organization's 一览表 (its queue under the current filters, every page).

Section data lives in DeclarationSection.data as the section forms stored it (ids for choices),
so the catalog names every row refers to are read together, one query per catalog table
(declarations.reader.Lookup, which the declaration reader uses too), and every row is resolved
from memory: an export is a fixed number of queries whatever its length. The workbook is
write-only (rows go straight to a temporary file) and the file is streamed back as an
attachment. Its title rows span the table and its columns are as wide as their content.
"""

import tempfile
import unicodedata
from dataclasses import dataclass

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from catalog.models import DeclarationMethod, Specialty, Title
from declarations.models import Declaration, DeclarationSection
from declarations.reader import Lookup
from review.models import PublicNotice, ReviewState
from review.workdays import working_days

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECTION_CODES = ("declaration_info", "education", "titles")
NO_TITLE_WORDS = ("无", "其他")
# Characters Excel does not allow in a sheet name.
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass
class Person:
    """One declaration as the exports print it."""

    declaration: Declaration
    name: str
    id_number: str
    gender: str
    birth: str
    work_unit: str
    declaring_unit: str
    specialty: str
    year: int
    series: str
    level: str
    title: str
    method: str
    education: str
    school: str
    major: str
    current_title: str
    first_work_date: str
    professional_years: str


def _month(value) -> str:
    return value.strftime("%Y.%m") if value else ""


def _education(data: dict) -> tuple[str, str, str]:
    """学历, 毕业院校, 所学专业 of the 评审依据学历 (the full-time one when that is blank)."""
    for prefix in ("review", "full_time"):
        education = data.get(f"{prefix}_education") or ""
        if education:
            degree = data.get(f"{prefix}_degree") or ""
            if degree and degree != "无":
                education = f"{education}（{degree}）"
            return education, data.get(f"{prefix}_school") or "", data.get(f"{prefix}_major") or ""
    return "", "", ""


def _current_title(rows) -> str:
    titles = [
        (row.get("title") or "").strip()
        for row in rows
        if isinstance(row, dict) and (row.get("title") or "").strip() not in ("", *NO_TITLE_WORDS)
    ]
    return "、".join(dict.fromkeys(titles)) or "无"


def describe(declarations, id_source) -> list[Person]:
    """The exported fields of the declarations (loaded with applicant, plan series and level
    and declaring unit). id_source is a query of their ids: sections come in one query."""
    declarations = list(declarations)
    sections: dict[tuple[int, str], dict] = {}
    for declaration_id, code, data in DeclarationSection.objects.filter(
        declaration_id__in=id_source, code__in=SECTION_CODES
    ).values_list("declaration_id", "code", "data"):
        sections[(declaration_id, code)] = data if isinstance(data, dict) else {}
    # The catalog entries the declaration_info sections name (one query per table).
    infos = [sections.get((d.pk, "declaration_info"), {}) for d in declarations]
    catalog = Lookup()
    for model, name in ((DeclarationMethod, "method"), (Specialty, "specialty"), (Title, "title")):
        catalog.want(model, (info.get(name) for info in infos))
    people = []
    for declaration in declarations:
        info = sections.get((declaration.pk, "declaration_info"), {})
        education, school, major = _education(sections.get((declaration.pk, "education"), {}))
        title_rows = sections.get((declaration.pk, "titles"), {}).get("rows") or []
        applicant = declaration.applicant
        unit_name = declaration.declaring_unit.name if declaration.declaring_unit_id else ""
        method = catalog.name(DeclarationMethod, info.get("method"))
        if method and info.get("exception_kind"):
            method = f"{method}（{info['exception_kind']}）"
        years = info.get("professional_years")
        people.append(
            Person(
                declaration=declaration,
                name=applicant.name,
                id_number=applicant.id_number or "",
                gender=applicant.get_gender_display(),
                birth=_month(applicant.birth_date),
                work_unit=(info.get("work_unit") or "").strip() or unit_name,
                declaring_unit=unit_name,
                specialty=catalog.name(Specialty, info.get("specialty")),
                year=declaration.plan.year,
                series=declaration.plan.series.name,
                level=declaration.plan.level.name,
                title=catalog.name(Title, info.get("title")),
                method=method,
                education=education,
                school=school,
                major=major,
                current_title=_current_title(title_rows),
                first_work_date=(info.get("first_work_date") or "")[:7].replace("-", "."),
                professional_years="" if years in (None, "") else str(years),
            )
        )
    return people


# --- workbook ---------------------------------------------------------------------------------


def _cell(sheet, value, font=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Text typed by a person is never a formula (no spreadsheet formula injection).
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


# Column widths in characters (a CJK character counts two): from the widest value of the column
# (its header included), plus a margin, kept between these bounds.
MIN_WIDTH, MAX_WIDTH, WIDTH_MARGIN = 6, 60, 2


def display_width(value) -> int:
    """How many character columns the value takes in a cell: wide and fullwidth characters
    (Chinese, fullwidth punctuation) count two, others one."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_widths(headers, rows) -> list[int]:
    """A width for each column that fits its header and every value in it."""
    widths = [display_width(header) for header in headers]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], display_width(value))
    return [min(max(width + WIDTH_MARGIN, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _workbook(sheet_name: str, heading: str, lines, headers, rows):
    """A write-only workbook saved to a temporary file (rewound, ready to stream): the heading
    and the lines under it each merged across the table's columns, then the header row and the
    rows, in columns as wide as their content. The rows (already in memory) are read twice: once
    for the widths, which a write-only sheet must have before its first row, and once to write."""
    rows = [list(row) for row in rows]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_name.translate(_SHEET_FORBIDDEN)[:31] or "Sheet1")
    for index, width in enumerate(column_widths(headers, rows)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    last = get_column_letter(len(headers))
    sheet.freeze_panes = f"A{len(lines) + 3}"
    title = _cell(sheet, heading, Font(bold=True, size=14))
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.append([title])
    for line in lines:
        sheet.append([_cell(sheet, line)])
    # Merged cells are written after the rows: the title rows span the table.
    for row_number in range(1, len(lines) + 2):
        sheet.merged_cells.add(f"A{row_number}:{last}{row_number}")
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _cell(sheet, header, bold)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    # Closed by the FileResponse that streams it (or by the garbage collector on error).
    file = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(file)
    file.seek(0)
    return file


def xlsx_response(file, filename: str) -> FileResponse:
    """Stream the workbook as an attachment; a Chinese filename goes in filename* (RFC 5987)."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


# --- 公示表 -------------------------------------------------------------------------------------


def notice_headers() -> list[str]:
    return [
        _("序号"),
        _("姓名"),
        _("性别"),
        _("出生年月"),
        _("工作单位"),
        _("现从事专业"),
        _("申报系列"),
        _("申报级别"),
        _("申报职称（资格名称）"),
        _("申报方式"),
        _("学历"),
        _("现专业技术职称"),
    ]


def notice_workbook(notice: PublicNotice, people: list[Person]):
    plan = notice.plan
    heading = _("%(unit)s 专业技术职称申报人员公示表") % {"unit": notice.organization.name}
    lines = [
        _("申报计划：%(plan)s") % {"plan": plan},
        _("公示时间：%(a)s 至 %(b)s（%(n)d个工作日）　公示方式：%(place)s")
        % {
            "a": notice.starts_on.isoformat(),
            "b": notice.ends_on.isoformat(),
            "n": working_days(notice.starts_on, notice.ends_on),
            "place": notice.place or "—",
        },
    ]
    rows = (
        [
            number,
            p.name,
            p.gender,
            p.birth,
            p.work_unit,
            p.specialty,
            p.series,
            p.level,
            p.title,
            p.method,
            p.education,
            p.current_title,
        ]
        for number, p in enumerate(people, start=1)
    )
    return _workbook(_("公示表"), heading, lines, notice_headers(), rows)


def notice_filename(notice: PublicNotice) -> str:
    plan = notice.plan
    return _("%(unit)s_%(year)s年度%(series)s%(level)s_公示表_%(date)s.xlsx") % {
        "unit": notice.organization.name,
        "year": plan.year,
        "series": plan.series.name,
        "level": plan.level.name,
        "date": notice.starts_on.strftime("%Y%m%d"),
    }


# --- 一览表 -------------------------------------------------------------------------------------


def summary_headers() -> list[str]:
    return [
        _("序号"),
        _("姓名"),
        _("身份证号"),
        _("性别"),
        _("出生年月"),
        _("工作单位"),
        _("申报单位"),
        _("现从事专业"),
        _("申报年度"),
        _("申报系列"),
        _("申报级别"),
        _("申报职称（资格名称）"),
        _("申报方式"),
        _("学历"),
        _("毕业院校"),
        _("所学专业"),
        _("现专业技术职称"),
        _("参加工作时间"),
        _("专业工作年限"),
        _("来自"),
        _("收到时间"),
        _("状态"),
    ]


def summary_workbook(organization, reviews, describe_filter: str):
    """The 一览表 of the queue rows (a query of the organization's Review rows)."""
    id_source = reviews.order_by().values("declaration_id")
    reviews = list(reviews)
    people = describe([r.declaration for r in reviews], id_source)
    states = dict(ReviewState.choices)
    now = timezone.localtime()
    heading = _("%(org)s 职称申报一览表") % {"org": organization.name}
    lines = [
        _("查询条件：%(f)s　导出时间：%(t)s　共%(n)d人")
        % {"f": describe_filter, "t": now.strftime("%Y-%m-%d %H:%M"), "n": len(reviews)}
    ]
    rows = (
        [
            number,
            p.name,
            p.id_number,
            p.gender,
            p.birth,
            p.work_unit,
            p.declaring_unit,
            p.specialty,
            p.year,
            p.series,
            p.level,
            p.title,
            p.method,
            p.education,
            p.school,
            p.major,
            p.current_title,
            p.first_work_date,
            p.professional_years,
            review.received_from.name if review.received_from_id else _("个人提交"),
            timezone.localtime(review.arrived_at).strftime("%Y-%m-%d %H:%M"),
            str(states.get(review.state, review.state)),
        ]
        for number, (review, p) in enumerate(zip(reviews, people, strict=True), start=1)
    )
    return _workbook(_("一览表"), heading, lines, summary_headers(), rows)


def summary_filename(organization) -> str:
    return _("%(org)s_职称申报一览表_%(date)s.xlsx") % {
        "org": organization.name,
        "date": timezone.localdate().strftime("%Y%m%d"),
    }
