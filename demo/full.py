"""A full engineering declaration for the documents benchmark and tests: 15 achievements, 20
work rows, a 1,200-character statement and the photo, all entered through the section forms
(demo.fill), and optionally many large scans (demo.files: 2 MB JPEG pages and 10-page PDFs,
generated on the fly) stored as files the checks have accepted.

`manage.py benchmark_documents` uses it, and tests/documents reads the PDFs made from it.
"""

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from attachments.models import Attachment
from declarations import services
from declarations.models import AttachmentSlot, Declaration
from demo import fill
from demo.files import jpeg_scan, pdf_scan

# Sentences of a statement of work (任现职以来主要专业技术工作成绩及表现), used in turn.
STATEMENT_SENTENCES = (
    "任现职以来，主要从事数控加工设备的维修、改造与技术管理工作，负责全厂关键设备的预防性维护计划编制与实施。",
    "主持完成三条数控生产线的自动化改造，设备综合效率由百分之六十八提高到百分之八十五，年节约维修费用约一百二十万元。",
    "牵头编制《数控机床点检与保养规程》等企业标准五项，建立设备故障知识库，收录典型故障案例三百余条。",
    "针对进口加工中心主轴频繁故障的问题，组织技术攻关，改进润滑与冷却系统，使平均无故障时间延长一倍以上。",
    "参与完成市级科技计划项目两项，取得实用新型专利三项，在核心期刊发表专业论文四篇。",
    "注重技术传承，担任企业青年技术人员导师，累计培养技术骨干十二名，其中五人取得中级职称。",
    "积极参加继续教育和行业技术交流，每年完成规定学时，及时将新技术、新工艺应用于生产实践。",
    "严格执行安全生产规章制度，主持设备安全隐患排查整改四十余项，所负责设备连续五年未发生安全责任事故。",
)


def long_statement(chars: int = 1200) -> str:
    """A statement of exactly `chars` characters (the plan's limit), without a person's name."""
    text = ""
    index = 0
    while len(text) < chars:
        text += STATEMENT_SENTENCES[index % len(STATEMENT_SENTENCES)]
        index += 1
    return text[: chars - 1] + "。"


def _save_rows(declaration, code: str, rows: list[dict]) -> None:
    formset = fill.bound(declaration, code, fill.rows_data(code, rows))
    if not formset.is_valid():
        raise ValueError(f"the rows of {code} are refused: {formset.errors}")
    services.save_section(
        actor=declaration.applicant, declaration=declaration, code=code, data=formset.to_data()
    )


def _save_single(declaration, code: str, values: dict) -> None:
    form = fill.bound(declaration, code, fill.prefixed(code, values))
    if not form.is_valid():
        raise ValueError(f"the values of {code} are refused: {form.errors}")
    services.save_section(
        actor=declaration.applicant, declaration=declaration, code=code, data=form.to_data()
    )


def fill_full(
    declaration: Declaration,
    unit,
    *,
    achievements: int = 15,
    work_rows: int = 20,
    statement_chars: int = 1200,
) -> Declaration:
    """Every section of an engineering declaration with valid values and the most the plan
    allows: `achievements` achievements, `work_rows` work periods, a statement of
    `statement_chars` characters, two titles and posts, five assessments, and a valid file in
    every required slot (the photo included). Ready to submit."""
    fill.save_sections(declaration, unit, rows=1)
    _save_rows(declaration, "titles", fill.items("titles", 2))
    _save_rows(declaration, "admin_posts", fill.items("admin_posts", 2))
    _save_rows(
        declaration,
        "assessments",
        [fill.assessment_item(i, declaration.plan.year) for i in range(5)],
    )
    _save_rows(declaration, "work_experience", fill.items("work_experience", work_rows))
    _save_rows(declaration, "achievements", fill.items("achievements", achievements))
    _save_single(declaration, "performance", {"text": long_statement(statement_chars)})
    fill.upload_required_files(declaration)
    declaration.refresh_from_db()
    return declaration


def add_scans(declaration: Declaration, count: int = 50, *, pdf_pages: int = 10) -> list:
    """`count` large scans in the declaration's multi-file slots (in turn), half 2 MB JPEG pages
    and half `pdf_pages`-page PDFs, stored and recorded as files whose checks passed (as
    benchmark_attachments measures the checks themselves). The declaration must be editable;
    submit it afterwards for the files to be part of the round."""
    slots = list(
        AttachmentSlot.objects.filter(
            plan_section__plan_id=declaration.plan_id,
            plan_section__enabled=True,
            multiple=True,
            is_photo=False,
        ).order_by("plan_section__sort_order", "sort_order", "pk")
    )
    created = []
    now = timezone.now()
    for number in range(count):
        slot = slots[number % len(slots)]
        is_pdf = number % 2 == 1
        data = pdf_scan(number, pages=pdf_pages) if is_pdf else jpeg_scan(number)
        kind = Attachment.Kind.PDF if is_pdf else Attachment.Kind.JPEG
        attachment = Attachment(
            declaration=declaration,
            slot=slot,
            original_name=f"{slot.name}{number + 1:02d}.{'pdf' if is_pdf else 'jpg'}",
            size=len(data),
            kind=kind,
            status=Attachment.Status.VALID,
            sha256=hashlib.sha256(data).hexdigest(),
            page_count=pdf_pages if is_pdf else 1,
            uploaded_by=declaration.applicant,
            checked_at=now,
        )
        attachment.file.save("scan", ContentFile(data), save=False)
        attachment.save()
        created.append(attachment)
    return created
