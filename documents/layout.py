"""The evaluation form's layout, as data: which parts it has, which section goes where and how
each is laid out. The renderer (documents.form_pdf) draws these styles; nothing else decides
the order or the shape of the form.

A section of the plan that the layout does not list is printed after the listed ones, as a
grid of its fields or a table of its rows; a section the plan leaves out is not printed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _l

# ---------------------------------------------------------------- what each part looks like


@dataclass(frozen=True)
class Grid:
    """Label / value pairs, `columns` pairs a row; `wide` fields take a whole row, `skip`
    fields are printed elsewhere (or not at all)."""

    columns: int = 2
    wide: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()


@dataclass(frozen=True)
class Identity(Grid):
    """基本情况: the applicant's identity from the snapshot, the section's own fields and the
    ID photo (the photo slot's file) in the right-hand column."""

    photo_rows: int = 5


@dataclass(frozen=True)
class Rows:
    """A table of the section's rows with a 序号 column; the header repeats on every page."""

    numbered: bool = True


@dataclass(frozen=True)
class Text:
    """One long text (a statement) in a box at least `min_height` mm high; it breaks across
    pages between lines."""

    field: str = "text"
    min_height: float = 20


@dataclass(frozen=True)
class Hours:
    """Continuing education hours per year against the plan's requirement."""


# ---------------------------------------------------------------- the form

# The form's parts, top to bottom.
PARTS = (
    "cover",  # 封面: plan, committee, applicant, unit, declared title, date
    "sections",  # every section of the submission, in SECTIONS order
    "commitment",  # 申报人承诺 and signature line
    "opinions",  # each level's opinion with a stamp box and date line
    "notice",  # 公示情况
    "committee",  # 评审委员会评审意见 (filled once the committee has decided)
)

# Which section goes where on the form, and how (the paper form's order).
SECTIONS: tuple[tuple[str, object], ...] = (
    ("basic_info", Identity(columns=2, wide=("email",))),
    (
        "declaration_info",
        Grid(columns=2, wide=("declaring_unit", "work_unit"), skip=("year", "level", "series")),
    ),
    ("education", Grid(columns=2)),
    ("titles", Rows()),
    ("admin_posts", Rows()),
    ("assessments", Rows()),
    ("work_experience", Rows()),
    ("achievements", Rows()),
    ("continuing_education", Hours()),
    ("performance", Text(min_height=70)),
    ("societies", Text(min_height=14)),
    ("language_computer", Grid(columns=1)),
    ("other", Grid(columns=1)),
)

# Headings the form prints instead of the section's screen title.
FORM_TITLES = {
    "basic_info": _l("基本情况"),
    "declaration_info": _l("申报情况"),
    "continuing_education": _l("近五年继续教育情况"),
}

# The heading of each level's opinion box, by the kind of organization (a label only: who may
# do what is institutions.access's business).
LEVEL_TITLES = {
    "unit": _l("所在单位意见"),
    "supervising": _l("主管部门意见"),
    "reporting": _l("呈报部门意见"),
}

FORM_TITLE = _l("专业技术职务任职资格评审表")
WATERMARK = _l("仅供评审使用")

# Page geometry (mm): A4 with room for the header and the page numbers.
PAGE_MARGINS = {"left": 18, "right": 18, "top": 24, "bottom": 20}
LABEL_WIDTH = 30  # the label column of a grid
PHOTO_SIZE = (26, 36)  # 1-inch ID photo, width × height


def style_of(code: str, kind: str):
    """The layout of a section (a default for one the layout does not list)."""
    for listed, style in SECTIONS:
        if listed == code:
            return style
    if kind == "rows":
        return Rows()
    if kind == "readonly":
        return Hours() if code == "continuing_education" else None
    return Grid(columns=2)


def order_of(code: str) -> int:
    for index, (listed, _style) in enumerate(SECTIONS):
        if listed == code:
            return index
    return len(SECTIONS)


def declaration_number(declaration) -> str:
    """申报编号: the plan's year and the declaration's id (printed on every page)."""
    return f"{declaration.plan.year}-{declaration.pk:06d}"
