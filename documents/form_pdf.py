"""The evaluation form (评审表) drawn with reportlab's platypus from a FormContent.

Every section is a bordered table (documents.layout says which section goes where and how),
Chinese text wraps with reportlab's CJK line breaking, tables break between rows (a long
statement between lines) and repeat their heading on the next page. A4 pages carry a header
with the declaration number, a light watermark and 第 N 页 共 M 页; the text is set in the
embedded CJK font of documents.fonts.

render_form(content) -> RenderedForm (the PDF bytes, its page count and where each part
starts, for the packet's bookmarks). three_copies(pdf) -> the PDF three times, for printing.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps
from pypdf import PdfReader, PdfWriter
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from documents import fonts, layout
from documents.content import FormContent, Level

# Binary image streams: the ID photo's JPEG is embedded as it is (no ASCII85, 25% smaller).
rl_config.useA85 = 0

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = {side: value * mm for side, value in layout.PAGE_MARGINS.items()}
WIDTH = PAGE_WIDTH - MARGIN["left"] - MARGIN["right"]
LABEL = layout.LABEL_WIDTH * mm
LINE = 0.6
PADDING = 4
SHADE = colors.Color(0.92, 0.92, 0.92)
BLANK_DATE = "　　　　年　　月　　日"


@dataclass
class RenderedForm:
    data: bytes
    pages: int
    # (title, first page index) of each part of the form, in order.
    outline: list[tuple[str, int]] = field(default_factory=list)


# ---------------------------------------------------------------- text


class Styles:
    def __init__(self, font: str):
        def style(name, size, leading=None, align=TA_LEFT, **kwargs):
            return ParagraphStyle(
                name,
                fontName=font,
                fontSize=size,
                leading=leading or size * 1.45,
                alignment=align,
                wordWrap="CJK",
                **kwargs,
            )

        self.font = font
        self.body = style("body", 10)
        self.value = style("value", 10)
        self.label = style("label", 10, align=TA_CENTER)
        self.head = style("head", 9.5, align=TA_CENTER)
        self.small = style("small", 8.5)
        self.small_right = style("small_right", 9, align=TA_RIGHT)
        self.section = style("section", 11.5, leading=15)
        self.title = style("title", 24, leading=34, align=TA_CENTER)
        self.subtitle = style("subtitle", 14, leading=22, align=TA_CENTER)
        self.cover_label = style("cover_label", 13.5, leading=20, align=TA_RIGHT)
        self.cover_value = style("cover_value", 13.5, leading=20)
        self.cover_note = style("cover_note", 13, leading=20, align=TA_CENTER)
        self.statement = style("statement", 10.5, leading=17, firstLineIndent=21)


def text(value, style) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    value = "" if value is None else str(value)
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def fit(value, style, width: float):
    """A plain string when the value fits on one line of the cell (much faster to lay out),
    else a wrapping paragraph."""
    value = "" if value is None else str(value)
    if "\n" not in value and (
        stringWidth(value, style.fontName, style.fontSize) <= width - 2 * PADDING - 1
    ):
        return value
    return text(value, style)


def chinese_date(value: datetime.date | None) -> str:
    if value is None:
        return BLANK_DATE
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


# ---------------------------------------------------------------- flowables


class CJKTable(Table):
    """A table whose plain string cells (even empty ones) use the CJK font, not reportlab's
    default Helvetica, which a PDF would name without embedding it."""

    def __init__(self, data, *args, style=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.cjk_font())]))
        if style is not None:
            self.setStyle(style)


class FormTable(CJKTable):
    """A bordered table; outline_title names the form part it starts (kept on the first piece
    when the table breaks across pages)."""

    outline_title: str | None = None

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if parts and self.outline_title:
            parts[0].outline_title = self.outline_title
            for part in parts[1:]:
                part.outline_title = None
        return parts


class StampBox(Flowable):
    """The empty box a level stamps, （盖章） printed faintly in it."""

    def __init__(self, font: str, size: float = 30 * mm):
        super().__init__()
        self.font = font
        self.size = size

    def wrap(self, availWidth, availHeight):
        return self.size, self.size

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeGray(0.45)
        canvas.setLineWidth(0.5)
        canvas.setDash(2, 2)
        canvas.rect(0, 0, self.size, self.size)
        canvas.setFillGray(0.55)
        canvas.setFont(self.font, 9)
        canvas.drawCentredString(self.size / 2, self.size / 2 - 3, _("（盖章）"))
        canvas.restoreState()


def grid_style(extra=(), keep_rows: int = 1, font: str | None = None) -> TableStyle:
    """Borders and padding (and the font of plain string cells); the heading row(s) and the
    first row after them stay together."""
    fonts_of_strings = (
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("LEADING", (0, 0), (-1, -1), 14.5),
        ]
        if font
        else []
    )
    return TableStyle(
        [
            *fonts_of_strings,
            ("NOSPLIT", (0, 0), (-1, keep_rows)),
            ("GRID", (0, 0), (-1, -1), LINE, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
            *extra,
        ]
    )


def heading_row(columns: int) -> list:
    """The style of a section's heading row (row 0) over `columns` columns."""
    return [
        ("SPAN", (0, 0), (columns - 1, 0)),
        ("BACKGROUND", (0, 0), (columns - 1, 0), SHADE),
        ("TOPPADDING", (0, 0), (columns - 1, 0), 4),
        ("BOTTOMPADDING", (0, 0), (columns - 1, 0), 5),
    ]


def section_heading(number: int, title: str, styles: Styles) -> Paragraph:
    return text(f"{_number(number)}、{title}", styles.section)


CHINESE_NUMBERS = "一二三四五六七八九十"


def _number(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    if n < 20:
        return "十" + CHINESE_NUMBERS[n - 11]
    tens, ones = divmod(n, 10)
    return CHINESE_NUMBERS[tens - 1] + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "")


# ---------------------------------------------------------------- sections


LABEL_SHADE = colors.Color(0.965, 0.965, 0.965)


def _pairs_rows(pairs, columns: int, styles: Styles, wide=(), value_width: float = 0):
    """Rows of label/value cells, `columns` pairs a row; a wide pair takes a whole row.
    Returns (rows, spans, labels): spans as (row, first column, last column), labels as the
    (row, column) of each label cell."""
    rows, spans, labels, pending = [], [], [], []

    def flush():
        if pending:
            row = []
            for label, value in pending:
                labels.append((len(rows), len(row)))
                row += [fit(label, styles.label, LABEL), fit(value, styles.value, value_width)]
            if len(row) < 2 * columns:
                # The last value of a short row runs to the end of the row.
                spans.append((len(rows), len(row) - 1, 2 * columns - 1))
            row += [""] * (2 * columns - len(row))
            rows.append(row)
            pending.clear()

    for name, label, value in pairs:
        if name in wide and columns > 1:
            flush()
            labels.append((len(rows), 0))
            rows.append(
                [fit(label, styles.label, LABEL), fit(value, styles.value, value_width)]
                + [""] * (2 * columns - 2)
            )
            spans.append((len(rows) - 1, 1, 2 * columns - 1))
            continue
        pending.append((label, value))
        if len(pending) == columns:
            flush()
    flush()
    return rows, spans, labels


def grid_table(
    section, style: layout.Grid, number: int, styles: Styles, *, pairs=None, title=None
) -> FormTable:
    columns = max(1, style.columns)
    value_width = (WIDTH - columns * LABEL) / columns
    if pairs is None:
        pairs = [(f.name, f.label, f.value) for f in section.fields if f.name not in style.skip]
    body, spans, labels = _pairs_rows(
        pairs, columns, styles, wide=style.wide, value_width=value_width
    )
    if not body:
        body = [[text(_("无"), styles.value)] + [""] * (2 * columns - 1)]
        spans.append((0, 0, 2 * columns - 1))
    title = title or section_title(section)
    data = [[section_heading(number, title, styles)] + [""] * (2 * columns - 1)]
    data += body
    commands = heading_row(2 * columns)
    for row, first, last in spans:
        commands.append(("SPAN", (first, row + 1), (last, row + 1)))
    for row, column in labels:
        commands.append(("BACKGROUND", (column, row + 1), (column, row + 1), LABEL_SHADE))
        commands.append(("ALIGN", (column, row + 1), (column, row + 1), "CENTER"))
    table = FormTable(
        data,
        colWidths=[LABEL, value_width] * columns,
        repeatRows=1,
        style=grid_style(commands, font=styles.font),
    )
    table.outline_title = title
    return table


def identity_table(content: FormContent, section, style: layout.Identity, number, styles, photo):
    """基本情况 with the photo in the right-hand column."""
    photo_width = layout.PHOTO_SIZE[0] * mm + 8
    value_width = (WIDTH - 2 * LABEL - photo_width) / 2
    person = content.applicant
    fields = {f.name: f for f in section.fields} if section else {}
    pairs = [
        ("name", _("姓名"), person["name"]),
        ("gender", _("性别"), person["gender"]),
        ("birth", _("出生年月"), person["birth"]),
        ("ethnicity", _("民族"), fields["ethnicity"].value if "ethnicity" in fields else ""),
        ("id_type", _("证件类型"), person["id_type"]),
        ("phone", _("手机号码"), person["phone"]),
        ("id_number", _("证件号码"), person["id_number"]),
    ]
    shown = {"ethnicity", "phone"}
    pairs += [
        (f.name, f.label, f.value)
        for f in (section.fields if section else [])
        if f.name not in shown and f.name not in style.skip
    ]
    wide = set(style.wide) | {"id_number"}
    body, spans, labels = _pairs_rows(pairs, 2, styles, wide=wide, value_width=value_width)
    # The photo column spans the first rows (at least photo_rows rows, added empty if needed).
    photo_rows = max(style.photo_rows, 1)
    while len(body) < photo_rows:
        body.append(["", "", "", ""])
    for row in body:
        row.append("")
    body[0][-1] = photo
    data = [[section_heading(number, _("基本情况"), styles), "", "", "", ""], *body]
    commands = heading_row(5)
    commands.append(("SPAN", (4, 1), (4, photo_rows)))
    commands.append(("ALIGN", (4, 1), (4, photo_rows), "CENTER"))
    for row, first, last in spans:
        # A wide field next to the photo stops at the photo column.
        last = min(last, 3) if row < photo_rows else 4
        commands.append(("SPAN", (first, row + 1), (last, row + 1)))
    for row in range(photo_rows, len(body)):
        if not any(r == row for r, _f, _l in spans):
            commands.append(("SPAN", (3, row + 1), (4, row + 1)))
    for row, column in labels:
        commands.append(("BACKGROUND", (column, row + 1), (column, row + 1), LABEL_SHADE))
        commands.append(("ALIGN", (column, row + 1), (column, row + 1), "CENTER"))
    photo_height = layout.PHOTO_SIZE[1] * mm + 8
    row_height = photo_height / photo_rows
    table = FormTable(
        data,
        colWidths=[LABEL, value_width, LABEL, value_width, photo_width],
        repeatRows=1,
        minRowHeights=[0] + [row_height] * photo_rows + [0] * (len(body) - photo_rows),
        style=grid_style(commands, keep_rows=photo_rows, font=styles.font),
    )
    table.outline_title = _("基本情况")
    return table


def photo_flowable(photo_bytes: bytes | None, styles: Styles):
    """The ID photo fitted in the 1-inch box (kept upright), or an empty 照片 box."""
    width, height = layout.PHOTO_SIZE[0] * mm, layout.PHOTO_SIZE[1] * mm
    if not photo_bytes:
        return text(_("照片"), styles.label)
    try:
        with PILImage.open(io.BytesIO(photo_bytes)) as image:
            orientation = image.getexif().get(0x0112, 1)
            if orientation not in (1, None):
                image = ImageOps.exif_transpose(image).convert("RGB")
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=90)
                photo_bytes = out.getvalue()
            pixel_width, pixel_height = image.size
    except Exception:
        return text(_("照片"), styles.label)
    scale = min(width / pixel_width, height / pixel_height)
    return Image(io.BytesIO(photo_bytes), width=pixel_width * scale, height=pixel_height * scale)


def _column_widths(
    columns: list[str], rows: list[list[str]], available: float, font: str
) -> list[float]:
    """Widths in proportion to each column's typical text (CJK counts 2), each at least as
    wide as its longest short Latin value (a date, a rank: never broken) when that fits."""

    def length(value: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in value or "")

    def atomic(value: str) -> float:
        if not value or len(value) > 16 or any(ord(ch) > 0x2E80 for ch in value):
            return 0.0
        return stringWidth(value, font, 10) + 2 * PADDING + 2

    weights, minimums = [], []
    for index, label in enumerate(columns):
        values = [row[index] for row in rows if index < len(row)]
        typical = max((length(v) for v in values), default=0)
        weights.append(min(max(typical, length(label) * 0.75, 6), 36))
        minimums.append(max([atomic(v) for v in values] + [2 * 10 + 2 * PADDING + 2]))
    if sum(minimums) >= available:
        return [available * m / sum(minimums) for m in minimums]
    widths = [available * w / sum(weights) for w in weights]
    # Raise the columns below their minimum, taking the difference from the others.
    for _round in range(len(widths)):
        short = [i for i, w in enumerate(widths) if w < minimums[i] - 0.01]
        if not short:
            break
        for i in short:
            widths[i] = minimums[i]
        fixed = sum(widths[i] for i in range(len(widths)) if widths[i] <= minimums[i] + 0.01)
        flexible = [i for i in range(len(widths)) if widths[i] > minimums[i] + 0.01]
        left = available - fixed
        total = sum(weights[i] for i in flexible)
        for i in flexible:
            widths[i] = left * weights[i] / total
    return widths


def rows_table(section, style: layout.Rows, number: int, styles: Styles) -> FormTable:
    columns = list(section.columns)
    rows = [list(row) for row in section.rows]
    numbered = style.numbered
    index_width = 11 * mm if numbered else 0
    if not columns:
        columns = [""]
    widths = _column_widths(columns, rows, WIDTH - index_width, styles.font)
    header = ([_("序号")] if numbered else []) + [
        fit(c, styles.head, width) for c, width in zip(columns, widths, strict=True)
    ]
    count = len(header)
    data = [[section_heading(number, section_title(section), styles)] + [""] * (count - 1), header]
    commands = [
        *heading_row(count),
        ("BACKGROUND", (0, 1), (-1, 1), LABEL_SHADE),
        ("ALIGN", (0, 1), (-1, 1), "CENTER"),
        ("ALIGN", (0, 2), (0, -1), "CENTER") if numbered else ("ALIGN", (0, 2), (0, 2), "LEFT"),
    ]
    for n, row in enumerate(rows, start=1):
        cells = [str(n)] if numbered else []
        cells += [
            fit(value, styles.value, width) for value, width in zip(row, widths, strict=False)
        ]
        data.append(cells + [""] * (count - len(cells)))
    if not rows:
        data.append([text(_("无"), styles.value)] + [""] * (count - 1))
        commands.append(("SPAN", (0, 2), (-1, 2)))
    table = FormTable(
        data,
        colWidths=([index_width] if numbered else []) + widths,
        repeatRows=2,
        style=grid_style(commands, keep_rows=2, font=styles.font),
    )
    table.outline_title = section_title(section)
    return table


def text_table(section, style: layout.Text, number: int, styles: Styles) -> FormTable:
    fields = {f.name: f for f in section.fields}
    field_view = fields.get(style.field)
    value = field_view.value if field_view else "\n".join(f.value for f in section.fields)
    others = [f for f in section.fields if f.name != style.field and f.value]
    paragraphs = [text(line, styles.statement) for line in (value or "").splitlines() if line]
    data = [[section_heading(number, section_title(section), styles)]]
    # One row per paragraph, so a long statement breaks between them (and inside one).
    for paragraph in paragraphs or [text("", styles.statement)]:
        data.append([paragraph])
    for extra in others:
        data.append([text(f"{extra.label}：{extra.value}", styles.value)])
    heights = [0] * len(data)
    rows_for_text = max(len(paragraphs), 1)
    heights[rows_for_text] = max(0, style.min_height * mm - 16 * (rows_for_text - 1))
    commands = [
        ("BACKGROUND", (0, 0), (0, 0), SHADE),
        ("BOX", (0, 0), (-1, -1), LINE, colors.black),
        ("LINEBELOW", (0, 0), (0, 0), LINE, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]
    table = FormTable(
        data,
        colWidths=[WIDTH],
        repeatRows=1,
        splitInRow=1,
        minRowHeights=heights,
        style=TableStyle(commands),
    )
    table.outline_title = section_title(section)
    return table


def hours_table(section, number: int, styles: Styles) -> FormTable:
    header = [_("年度"), _("公需科目（学时）"), _("专业科目（学时）"), _("合计（学时）")]
    header += [_("要求（学时）"), _("是否达标")]
    data = [
        [section_heading(number, section_title(section), styles)] + [""] * (len(header) - 1),
        [fit(h, styles.head, WIDTH / len(header)) for h in header],
    ]
    summary = section.summary
    years = getattr(summary, "years", None) or []
    for year in years:
        data.append(
            [
                str(year.year),
                f"{year.public:g}",
                f"{year.professional:g}",
                f"{year.total:g}",
                str(year.required),
                _("达标") if year.meets else _("未达标"),
            ]
        )
    commands = [
        *heading_row(len(header)),
        ("BACKGROUND", (0, 1), (-1, 1), LABEL_SHADE),
    ]
    if not years:
        data.append([text(_("无"), styles.value)] + [""] * (len(header) - 1))
        commands.append(("SPAN", (0, 2), (-1, 2)))
    table = FormTable(
        data,
        colWidths=[WIDTH / len(header)] * len(header),
        repeatRows=2,
        style=grid_style(
            [*commands, ("ALIGN", (0, 1), (-1, -1), "CENTER")], keep_rows=2, font=styles.font
        ),
    )
    table.outline_title = section_title(section)
    return table


def files_line(section, styles: Styles):
    """附件: the section's slots with files, as one line under its table."""
    named = [
        _("%(slot)s（%(n)d个文件）") % {"slot": slot.name, "n": len(slot.files)}
        for slot in section.slots
        if slot.files
    ]
    if not named:
        return None
    return text(_("附件材料：") + "；".join(named), styles.small)


def section_title(section) -> str:
    title = layout.FORM_TITLES.get(section.code)
    return str(title) if title else section.title


# ---------------------------------------------------------------- the other parts


def cover(content: FormContent, styles: Styles) -> list:
    rows = [
        (_("姓　　名"), content.applicant["name"]),
        (_("工作单位"), content.unit),
        (_("申报系列"), content.series),
        (_("申报资格"), f"{content.declared_title}（{content.level}）"),
        (_("评审委员会"), content.committee),
        (_("申报计划"), content.plan),
    ]
    table = CJKTable(
        [
            [text(label + "：", styles.cover_label), text(value, styles.cover_value)]
            for label, value in rows
        ],
        colWidths=[38 * mm, 104 * mm],
        style=TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), LINE, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 11),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
    )
    return [
        text(_("申报编号：%(n)s") % {"n": content.number}, styles.small_right),
        Spacer(1, 36 * mm),
        text(str(layout.FORM_TITLE), styles.title),
        Spacer(1, 6 * mm),
        text(
            _("（%(year)s年度 %(series)s %(level)s）")
            % {"year": content.year, "series": content.series, "level": content.level},
            styles.subtitle,
        ),
        Spacer(1, 30 * mm),
        table,
        Spacer(1, 34 * mm),
        text(_("填表日期：%(d)s") % {"d": chinese_date(content.submitted_on)}, styles.cover_note),
        Spacer(1, 16 * mm),
        text(
            _("本表根据申报人第%(n)d次提交的申报材料生成，须经各级审核盖章后有效。")
            % {"n": content.round},
            ParagraphStyle("cover_foot", parent=styles.small, alignment=TA_CENTER),
        ),
    ]


def commitment(number: int, styles: Styles) -> FormTable:
    data = [
        [section_heading(number, _("申报人承诺"), styles)],
        [
            text(
                _(
                    "本人承诺：以上所填内容及所提交的申报材料真实、准确、完整，"
                    "如有虚假，本人愿承担相应责任。"
                ),
                styles.statement,
            )
        ],
        [text(_("申报人（签名）：　　　　　　　　") + BLANK_DATE, styles.small_right)],
    ]
    table = FormTable(
        data,
        colWidths=[WIDTH],
        style=TableStyle(
            [
                ("NOSPLIT", (0, 0), (-1, -1)),
                ("BACKGROUND", (0, 0), (0, 0), SHADE),
                ("BOX", (0, 0), (-1, -1), LINE, colors.black),
                ("LINEBELOW", (0, 0), (0, 0), LINE, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 2), (0, 2), 12),
            ]
        ),
    )
    table.outline_title = _("申报人承诺")
    return table


def signature_block(lines: list[str], styles: Styles, font: str) -> Table:
    """Who and when on the left, the stamp box on the right."""
    return CJKTable(
        [[text("\n".join(lines), styles.body), StampBox(font)]],
        colWidths=[None, 34 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def level_cell(level: Level, styles: Styles, font: str) -> list:
    decision = level.decision or ""
    cell = [
        text(_("审核结果：") + decision, styles.body),
        text(_("审核意见：") + (level.opinion or ""), styles.body),
        Spacer(1, 4 * mm),
        signature_block(
            [
                _("审核人：") + (level.reviewer or ""),
                _("日期：") + chinese_date(level.decided_on),
            ],
            styles,
            font,
        ),
    ]
    return cell


def opinions(content: FormContent, number: int, styles: Styles) -> FormTable:
    data = [[section_heading(number, _("各级审核意见"), styles), ""]]
    levels = content.levels or [Level(title=_("所在单位意见"), organization=content.unit)]
    for level in levels:
        data.append(
            [
                text(f"{level.title}\n（{level.organization}）", styles.label),
                level_cell(level, styles, styles.font),
            ]
        )
    table = FormTable(
        data,
        colWidths=[36 * mm, WIDTH - 36 * mm],
        repeatRows=1,
        minRowHeights=[0] + [46 * mm] * len(levels),
        style=grid_style(
            [
                *heading_row(2),
                ("VALIGN", (1, 1), (1, -1), "TOP"),
                ("TOPPADDING", (1, 1), (1, -1), 6),
                ("BOTTOMPADDING", (1, 1), (1, -1), 6),
                ("RIGHTPADDING", (1, 1), (1, -1), 8),
            ]
        ),
    )
    table.outline_title = _("各级审核意见")
    return table


def notice(content: FormContent, number: int, styles: Styles) -> FormTable:
    record = content.notice
    if record is None:
        pairs = [
            ("organization", _("公示单位"), ""),
            ("period", _("公示时间"), ""),
            ("place", _("公示方式"), ""),
            ("outcome", _("公示结果"), _("尚未登记公示")),
        ]
    else:
        pairs = [
            ("organization", _("公示单位"), record.organization),
            (
                "period",
                _("公示时间"),
                _("%(a)s 至 %(b)s（%(n)d个工作日）")
                % {"a": record.starts_on, "b": record.ends_on, "n": record.working_days},
            ),
            ("place", _("公示方式"), record.place),
            ("outcome", _("公示结果"), record.outcome),
        ]
        if record.note:
            pairs.append(("note", _("情况说明"), record.note))
    return grid_table(
        None, layout.Grid(columns=1), number, styles, pairs=pairs, title=_("公示情况")
    )


def committee(content: FormContent, number: int, styles: Styles) -> FormTable:
    result = content.committee_result
    votes = (result.votes if result else "") or _(
        "应到　　人，实到　　人；同意　　票，不同意　　票，弃权　　票"
    )
    body = [
        text(_("评审委员会：") + content.committee, styles.body),
        text(_("评审结论：") + (result.result if result else ""), styles.body),
        text(_("表决情况：") + votes, styles.body),
    ]
    if result and result.note:
        body.append(text(_("备注：") + result.note, styles.body))
    body += [
        Spacer(1, 4 * mm),
        signature_block(
            [_("日期：") + chinese_date(result.decided_on if result else None)],
            styles,
            styles.font,
        ),
    ]
    data = [[section_heading(number, _("评审委员会评审意见"), styles)], [body]]
    table = FormTable(
        data,
        colWidths=[WIDTH],
        minRowHeights=[0, 52 * mm],
        style=TableStyle(
            [
                ("NOSPLIT", (0, 0), (-1, -1)),
                ("BACKGROUND", (0, 0), (0, 0), SHADE),
                ("BOX", (0, 0), (-1, -1), LINE, colors.black),
                ("LINEBELOW", (0, 0), (0, 0), LINE, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        ),
    )
    table.outline_title = _("评审委员会评审意见")
    return table


# ---------------------------------------------------------------- pages


class _FormDocument(BaseDocTemplate):
    def __init__(self, buffer, content: FormContent, styles: Styles):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN["left"],
            rightMargin=MARGIN["right"],
            topMargin=MARGIN["top"],
            bottomMargin=MARGIN["bottom"],
            title=f"{layout.FORM_TITLE} {content.applicant['name']} {content.number}",
            author=content.unit,
            subject=content.plan,
            creator=_("职称申报评审平台"),
            pageCompression=1,
        )
        self.content = content
        self.styles = styles
        self.outline: list[tuple[str, int]] = []
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPage=self._cover_page),
                PageTemplate("body", [frame], onPage=self._body_page),
            ]
        )

    def afterFlowable(self, flowable):
        """A bookmark where each part of the form starts."""
        title = getattr(flowable, "outline_title", None)
        if title:
            key = f"part{len(self.outline)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(str(title), key, level=0)
            self.outline.append((str(title), self.page - 1))

    def handle_documentBegin(self):
        super().handle_documentBegin()
        self.canv.bookmarkPage("cover")
        self.canv.addOutlineEntry(_("封面"), "cover", level=0)
        self.canv.showOutline()

    def _page_number(self, canvas):
        """第 N 页 共 M 页 around the centre; M is a form drawn once the last page is known."""
        canvas.saveState()
        canvas.setFont(self.styles.font, 9)
        canvas.setFillGray(0.2)
        y = MARGIN["bottom"] / 2
        canvas.drawRightString(
            PAGE_WIDTH / 2 - 3, y, _("第 %(n)d 页") % {"n": canvas.getPageNumber()}
        )
        canvas.doForm("page_total")
        canvas.restoreState()

    def _draw_total(self):
        canvas = self.canv
        canvas.beginForm("page_total")
        canvas.setFont(self.styles.font, 9)
        canvas.setFillGray(0.2)
        canvas.drawString(
            PAGE_WIDTH / 2 + 3, MARGIN["bottom"] / 2, _("共 %(m)d 页") % {"m": self.page}
        )
        canvas.endForm()

    def _watermark(self, canvas):
        """The light diagonal 申报编号 仅供评审使用, drawn once (a form) and used on every page,
        under the page's content."""
        canvas.doForm("watermark")

    def _draw_watermark(self):
        canvas = self.canv
        canvas.beginForm("watermark")
        canvas.setFont(self.styles.font, 17)
        canvas.setFillGray(0.9)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(33)
        mark = f"{self.content.number}  {layout.WATERMARK}"
        for row in range(-4, 5):
            for column in range(-1, 2):
                canvas.drawCentredString(column * 290 + (row % 2) * 145, row * 150, mark)
        canvas.endForm()

    def _cover_page(self, canvas, doc):
        self._watermark(canvas)

    def _body_page(self, canvas, doc):
        self._watermark(canvas)
        self._page_number(canvas)
        canvas.saveState()
        canvas.setFont(self.styles.font, 9)
        canvas.setFillGray(0.2)
        top = PAGE_HEIGHT - MARGIN["top"] + 7 * mm
        canvas.drawString(MARGIN["left"], top, str(layout.FORM_TITLE))
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN["right"],
            top,
            _("申报编号：%(n)s　第%(r)d次提交")
            % {"n": self.content.number, "r": self.content.round},
        )
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN["left"], top - 2.5 * mm, PAGE_WIDTH - MARGIN["right"], top - 2.5 * mm)
        canvas.restoreState()


def story(content: FormContent, styles: Styles, photo_bytes: bytes | None) -> list:
    parts = []
    number = 0
    for part in layout.PARTS:
        if part == "cover":
            parts += cover(content, styles)
            parts += [NextPageTemplate("body"), PageBreak()]
        elif part == "sections":
            for section in content.sections:
                style = layout.style_of(section.code, section.kind)
                if style is None:
                    continue
                number += 1
                if isinstance(style, layout.Identity):
                    info = content.view.section(section.code)
                    table = identity_table(
                        content, info, style, number, styles, photo_flowable(photo_bytes, styles)
                    )
                elif isinstance(style, layout.Rows):
                    table = rows_table(section, style, number, styles)
                elif isinstance(style, layout.Text):
                    table = text_table(section, style, number, styles)
                elif isinstance(style, layout.Hours):
                    table = hours_table(section, number, styles)
                else:
                    table = grid_table(section, style, number, styles)
                parts.append(table)
                line = files_line(section, styles)
                if line is not None:
                    parts += [Spacer(1, 1.2 * mm), line]
                parts.append(Spacer(1, 4 * mm))
        elif part == "commitment":
            number += 1
            parts += [commitment(number, styles), Spacer(1, 4 * mm)]
        elif part == "opinions":
            number += 1
            parts += [opinions(content, number, styles), Spacer(1, 4 * mm)]
        elif part == "notice":
            number += 1
            parts += [notice(content, number, styles), Spacer(1, 4 * mm)]
        elif part == "committee":
            number += 1
            parts.append(committee(content, number, styles))
    return parts


def render_form(content: FormContent, *, photo_bytes: bytes | None = None) -> RenderedForm:
    """The evaluation form as PDF bytes, with a bookmark where each part starts."""
    styles = Styles(fonts.cjk_font())
    buffer = io.BytesIO()
    document = _FormDocument(buffer, content, styles)
    document.build(story(content, styles, photo_bytes), canvasmaker=_total_canvas(document))
    outline = [(_("封面"), 0), *document.outline]
    return RenderedForm(data=buffer.getvalue(), pages=document.page, outline=outline)


class CJKCanvas(Canvas):
    """A canvas whose initial font is the CJK font: no page names a standard (not embedded)
    font, not even the one reportlab sets at the top of every page."""

    def __init__(self, *args, **kwargs):
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.cjk_font()
        super().__init__(*args, **kwargs)


def _total_canvas(document: _FormDocument):
    """A canvas class that draws the page total (a form used on every page) before saving."""

    class TotalCanvas(CJKCanvas):
        def save(self):
            document._draw_total()
            document._draw_watermark()
            super().save()

    return TotalCanvas


def three_copies(data: bytes) -> tuple[bytes, int]:
    """The form three times in one PDF (一式三份), each copy starting on a fresh sheet when
    printed on both sides; a bookmark and page labels per copy."""
    reader = PdfReader(io.BytesIO(data))
    count = len(reader.pages)
    writer = PdfWriter()
    start = 0
    for copy in range(1, 4):
        writer.append(reader, import_outline=False)
        label = _("第%(n)d份-") % {"n": copy}
        writer.set_page_label(start, start + count - 1, style="/D", prefix=label)
        writer.add_outline_item(title=_("第%(n)d份") % {"n": copy}, page_number=start)
        start += count
        if count % 2 and copy < 3:
            box = reader.pages[-1].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
            writer.set_page_label(start, start, prefix=label)
            start += 1
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def placeholder_page(item, reason: str) -> bytes:
    """The page that stands in the packet for a file that cannot be read."""
    styles = Styles(fonts.cjk_font())
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN["left"],
        rightMargin=MARGIN["right"],
        topMargin=MARGIN["top"],
        bottomMargin=MARGIN["bottom"],
    )
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height)
    document.addPageTemplates([PageTemplate("page", [frame])])
    document.build(
        [
            Spacer(1, 60 * mm),
            text(_("此附件无法合并到材料包"), styles.subtitle),
            Spacer(1, 10 * mm),
            text(f"{item.section_title} · {item.slot_name}", styles.cover_note),
            text(item.name, styles.cover_note),
            Spacer(1, 6 * mm),
            text(reason, styles.cover_note),
            text(_("请在系统中查看该附件的原文件。"), styles.cover_note),
        ],
        canvasmaker=CJKCanvas,
    )
    return buffer.getvalue()
