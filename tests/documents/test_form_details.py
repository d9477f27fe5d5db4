"""The evaluation form read back in detail (pypdf): its fonts are embedded TrueType subsets,
each section prints its own data, each level's reviewer and date stand with the opinion, and
the header with the declaration number is on every page."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from declarations import workflow
from declarations.models import DeclarationEvent, Submission
from declarations.services import save_section, submit_declaration
from documents import layout
from documents.content import form_content
from documents.form_pdf import render_form
from tests.documents.conftest import _fonts, after_commit, document, read, text_of

pytestmark = pytest.mark.django_db

OTHER_NOTE = "2019年获潍坊市技术能手称号，证书编号WF2019-0815"


def squashed(text: str) -> str:
    """The text without line breaks and spaces (table cells wrap inside words)."""
    return re.sub(r"\s+", "", text)


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def rendered(declaration) -> PdfReader:
    """The round's form drawn again now (after the test moved dates about)."""
    content = form_content(declaration.pk, declaration.round)
    return PdfReader(io.BytesIO(render_form(content).data))


def test_every_font_is_a_truetype_subset(submitted):
    for field in (document(submitted).file, document(submitted).print_file):
        reader = read(field)
        seen, fonts = set(), []
        for page in reader.pages:
            fonts.extend(_fonts(page.get("/Resources"), seen))
        assert fonts
        for font in fonts:
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font.get("/BaseFont")  # TrueType glyphs
            # A subset carries a six-letter tag: ABCDEF+Name.
            assert re.fullmatch(r"/[A-Z]{6}\+.+", str(font["/BaseFont"])), font["/BaseFont"]
            assert str(descriptor["/FontName"]) == str(font["/BaseFont"])


@pytest.fixture
def with_other(filled, committed_applicant, django_capture_on_commit_callbacks):
    """Submitted with a note in 其他; the submission dated 2026-03-02 (the form's 填表日期)."""
    save_section(
        actor=committed_applicant, declaration=filled, code="other", data={"note": OTHER_NOTE}
    )
    after_commit(
        django_capture_on_commit_callbacks,
        submit_declaration,
        actor=committed_applicant,
        declaration=filled,
    )
    filled.refresh_from_db()
    Submission.objects.filter(declaration=filled, round=filled.round).update(
        submitted_at=noon(datetime.date(2026, 3, 2))
    )
    return filled


def test_each_section_prints_its_own_data_and_the_cover_its_plan_and_date(with_other):
    reader = rendered(with_other)
    text = squashed(text_of(reader))
    plan = with_other.plan
    # 现专业技术职称: the demo's current title (助理工程师, 初级) with its dates and
    # qualification, none of which is the declared title (工程师, 中级).
    assert "初级工程技术助理工程师1990-01-101990-03-01" in text
    assert "注册安全工程师1990-05-01" in text
    # 考核情况: the row, cell after cell.
    assert f"1{plan.year - 1}工程师优秀潍坊华东机械制造有限公司" in text
    # 其他.
    other = text.split("十三、其他")[1].split("十四、")[0]
    assert squashed(OTHER_NOTE) in other
    # The cover: the plan and the submission's date as 填表日期.
    cover = squashed(reader.pages[0].extract_text())
    assert f"申报计划：{squashed(str(plan))}" in cover
    assert "填表日期：2026年3月2日" in cover


def test_each_level_prints_its_reviewer_and_date_with_its_opinion(
    at_committee,
    unit,
    unit_reviewer,
    supervising_department,
    department_reviewer,
    reporting_department,
    reporting_reviewer,
):
    levels = (
        (unit, unit_reviewer, "该同志业绩突出，同意推荐。", datetime.date(2026, 3, 5)),
        (
            supervising_department,
            department_reviewer,
            "经审核，材料属实，同意上报。",
            datetime.date(2026, 3, 12),
        ),
        (
            reporting_department,
            reporting_reviewer,
            "同意报送评审委员会。",
            datetime.date(2026, 3, 19),
        ),
    )
    for organization, _reviewer, _opinion, day in levels:
        moved = DeclarationEvent.objects.filter(
            declaration=at_committee,
            organization=organization,
            action__in=workflow.DECISIONS,
        ).update(created_at=noon(day))
        assert moved == 1
    text = text_of(rendered(at_committee))
    opinions = text.split("各级审核意见")[1].split("公示情况")[0]
    boxes = [squashed(box) for box in opinions.split("（盖章）")]
    assert len(boxes) == 4  # three boxes, then what follows the last stamp
    for box, (_organization, reviewer, opinion, day) in zip(boxes, levels, strict=False):
        signed = f"审核人：{reviewer.name}日期：{day.year}年{day.month}月{day.day}日"
        assert f"审核意见：{opinion}{signed}" in box
    assert len({reviewer.name for _o, reviewer, _op, _d in levels}) == 3


def test_the_header_with_the_number_is_on_every_page(with_other):
    form = document(with_other)
    number = layout.declaration_number(with_other)
    for field in (form.file, form.print_file):
        reader = read(field)
        assert len(reader.pages) >= 4
        for index, page in enumerate(reader.pages):
            if field == form.print_file and not (page.extract_text() or "").strip():
                continue  # the blank page that starts a copy on a fresh sheet
            assert f"申报编号：{number}" in page.extract_text(), index
