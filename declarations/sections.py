"""The sections (模块) a declaration can have. A plan switches them on and off and chooses which
of each section's optional fields are required; the forms live in declarations.forms."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    # single: one form; rows: a formset of rows; readonly: shown, not edited by the applicant.
    kind: str = "single"
    # Fields a plan may make required (the rest are always required or always optional).
    optional_fields: tuple[str, ...] = field(default_factory=tuple)
    # How many rows a row section needs to be complete (a plan may set its own: PlanSection).
    min_rows: int = 0


SECTION_LIST = [
    SectionSpec("basic_info", _("基本信息"), optional_fields=("email", "ethnicity")),
    SectionSpec("declaration_info", _("申报信息"), optional_fields=("specialty",)),
    SectionSpec("education", _("学历信息"), optional_fields=("full_time_degree", "review_degree")),
    # No row (or a "无" row) means no current title, which the declared method must allow.
    SectionSpec(
        "titles",
        _("现专业技术职称及职业资格"),
        kind="rows",
        optional_fields=("appointed_on",),
    ),
    SectionSpec("admin_posts", _("现任（含兼任）行政职务"), kind="rows"),
    SectionSpec("assessments", _("任现职以来考核情况"), kind="rows", min_rows=1),
    SectionSpec("language_computer", _("外语/计算机水平")),
    SectionSpec("continuing_education", _("近五年继续教育"), kind="readonly"),
    SectionSpec(
        "work_experience", _("工作经历"), kind="rows", min_rows=1, optional_fields=("summary",)
    ),
    SectionSpec(
        "achievements",
        _("任现职以来代表性成果"),
        kind="rows",
        min_rows=1,
        optional_fields=("verify_url",),
    ),
    SectionSpec("performance", _("任现职以来主要专业技术工作成绩及表现")),
    SectionSpec("societies", _("学术团体及社会兼职")),
    SectionSpec("other", _("其他附件"), optional_fields=("note",)),
]

SECTIONS = {spec.code: spec for spec in SECTION_LIST}
SECTION_CHOICES = [(spec.code, spec.title) for spec in SECTION_LIST]
