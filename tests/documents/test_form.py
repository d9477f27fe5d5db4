"""The evaluation form read back with pypdf: printed from the round's snapshot through the
reader, every section and level, an embedded CJK font, A4 pages with the number, the
watermark and 第 N 页 共 M 页, long content breaking across pages, and three copies."""

import datetime
import io
import logging
import re

import pytest
from pypdf import PdfReader

from declarations.models import DeclarationStatus as S
from declarations.services import save_section, submit_declaration
from demo import full
from documents import fonts, hooks, layout
from documents.content import form_content
from documents.form_pdf import render_form, three_copies
from documents.models import DocumentKind, DocumentStatus
from review import services as review_services
from tests.documents.conftest import (
    after_commit,
    document,
    not_embedded_fonts,
    outline_titles,
    read,
    text_of,
)

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)


def test_submission_draws_the_form_from_the_snapshot(submitted, committed_applicant):
    form = document(submitted)
    assert form.status == DocumentStatus.READY and form.rendered_generation == 1
    reader = read(form.file)
    text = text_of(reader)
    number = layout.declaration_number(submitted)
    for expected in (
        "专业技术职务任职资格评审表",
        committed_applicant.name,
        "潍坊华东机械制造有限公司",  # the unit
        "工程师",  # the declared title
        "潍坊市工程技术职务资格中级评审委员会",
        "山东大学",  # education
        "机械工程",
        "第1车间主任",  # admin posts
        "设备维修与改造",  # work experience
        "成果1：数控机床自动送料装置的改进",  # achievements
        "负责设备维修与技术改造",  # the statement
        "中国机械工程学会会员",  # societies
        "大学英语四级",  # language
        "近五年继续教育情况",
        "申报人承诺",
        "所在单位意见",
        "主管部门意见",
        "呈报部门意见",
        "（盖章）",
        "公示情况",
        "评审委员会评审意见",
        f"申报编号：{number}",
        str(layout.WATERMARK),
    ):
        assert expected in text, expected
    assert form.pages == len(reader.pages) >= 4
    assert form.size == len(read_bytes(form.file)) and len(form.sha256) == 64
    for index, page in enumerate(reader.pages):
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
        if index:
            assert f"第 {index + 1} 页" in page.extract_text()
            assert f"共 {len(reader.pages)} 页" in page.extract_text()


def read_bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_every_font_is_embedded(submitted):
    assert fonts.font_path().is_file(), "make test installs fonts-wqy-zenhei"
    for field in (document(submitted).file, document(submitted).print_file):
        reader = read(field)
        assert not_embedded_fonts(reader) == []
        names = {
            str(font.get_object()["/BaseFont"])
            for page in reader.pages
            for font in (page["/Resources"].get("/Font") or {}).values()
        }
        assert names and all("WenQuanYiZenHei" in name for name in names), names


def test_without_the_font_file_the_cid_font_is_used_with_a_warning(
    submitted, settings, tmp_path, caplog
):
    """The fallback the README describes: not embedded (the test above is what must hold)."""
    settings.DOCUMENTS_FONT = str(tmp_path / "missing.ttc")
    fonts.reset()
    try:
        with caplog.at_level(logging.WARNING, logger="documents.fonts"):
            content = form_content(submitted.pk, submitted.round)
            rendered = render_form(content)
        assert "fonts-wqy-zenhei" in caplog.text
        reader = PdfReader(io.BytesIO(rendered.data))
        assert not_embedded_fonts(reader) == ["/STSong-Light"]
        assert "专业技术职务任职资格评审表" in text_of(reader)
    finally:
        settings.DOCUMENTS_FONT = fonts.DEFAULT_PATH
        fonts.reset()


def test_the_outline_names_every_part_of_the_form(submitted):
    reader = read(document(submitted).file)
    titles = [title for title, _page, _children in outline_titles(reader)]
    assert titles[:4] == ["封面", "基本情况", "申报情况", "学历信息"]
    assert titles[-4:] == ["申报人承诺", "各级审核意见", "公示情况", "评审委员会评审意见"]
    pages = [page for _title, page, _children in outline_titles(reader)]
    assert pages == sorted(pages) and pages[0] == 0 and pages[1] == 1


def test_three_copies_are_three(submitted):
    form = document(submitted)
    single = read(form.file)
    copies = read(form.print_file)
    count = len(single.pages)
    # Each copy starts on a fresh sheet when printed on both sides.
    blank = count % 2
    assert len(copies.pages) == 3 * count + 2 * blank
    first = single.pages[1].extract_text()
    starts = [0, count + blank, 2 * (count + blank)]
    for start in starts:
        assert copies.pages[start + 1].extract_text() == first
    assert [title for title, _p, _c in outline_titles(copies)] == ["第1份", "第2份", "第3份"]
    assert [page for _t, page, _c in outline_titles(copies)] == starts
    assert copies.page_labels[starts[1]] == "第2份-1"
    assert not_embedded_fonts(copies) == []


def test_three_copies_of_an_even_form_need_no_blank_page():
    writer_pdf = _blank_pdf(2)
    data, pages = three_copies(writer_pdf)
    assert pages == 6 and len(PdfReader(io.BytesIO(data)).pages) == 6
    data, pages = three_copies(_blank_pdf(3))
    assert pages == 11


def _blank_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_form_prints_the_snapshot_not_the_live_draft(
    submitted, unit_reviewer, committed_applicant, django_capture_on_commit_callbacks
):
    """After a return the applicant edits the draft: round 1's form keeps what was submitted;
    the resubmission draws round 2 with the new value."""
    after_commit(
        django_capture_on_commit_callbacks,
        review_services.return_declaration,
        actor=unit_reviewer,
        declaration=submitted,
        reason="请补充学术团体情况",
    )
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    save_section(
        actor=committed_applicant,
        declaration=submitted,
        code="societies",
        data={"text": "中国机械工程学会高级会员、山东省机械工程学会理事"},
    )
    first = text_of(read(document(submitted, round_=1).file))
    assert "中国机械工程学会会员" in first and "理事" not in first
    # The return's opinion is on round 1's form.
    assert "退回修改" in first and "请补充学术团体情况" in first

    after_commit(
        django_capture_on_commit_callbacks,
        submit_declaration,
        actor=committed_applicant,
        declaration=submitted,
    )
    submitted.refresh_from_db()
    second = text_of(read(document(submitted, round_=2).file))
    assert "山东省机械工程学会理事" in second
    assert "第2次提交" in second and "退回修改" not in second
    # Round 1's file is still there, unchanged.
    assert "理事" not in text_of(read(document(submitted, round_=1).file))


def test_each_level_adds_its_opinion_and_the_notice_result(at_committee, reporting_reviewer):
    text = text_of(read(document(at_committee).file))
    for expected in (
        "审核通过",
        "该同志业绩突出，同意推荐。",
        "经审核，材料属实，同意上报。",
        "同意报送评审委员会。",
        reporting_reviewer.name,
        "公示无异议",
        "单位公告栏",
        "个工作日",
    ):
        assert expected in text, expected
    today = datetime.date.today()
    assert f"{today.year}年{today.month}月{today.day}日" in text
    # The form was drawn again after each decision and report.
    assert document(at_committee).rendered_generation >= 5


def test_the_committee_block_fills_once_a_result_exists(at_committee):
    content = form_content(at_committee.pk, at_committee.round)
    empty = text_of(PdfReader(io.BytesIO(render_form(content).data)))
    assert "应到 人，实到 人" in empty and "评审结论：\n" in empty

    def result(declaration, round_):
        return {
            "result": "通过",
            "votes": {"expected": 25, "present": 23, "approve": 20, "oppose": 2, "abstain": 1},
            "decided_on": datetime.date(2026, 12, 18),
        }

    hooks.committee_result.register(result)
    try:
        content = form_content(at_committee.pk, at_committee.round)
        filled = text_of(PdfReader(io.BytesIO(render_form(content).data)))
    finally:
        hooks.committee_result._functions.remove(result)
    assert "评审结论：通过" in filled
    assert "应到25人，实到23人；同意20票，不同意2票，弃权1票" in filled
    assert "2026年12月18日" in filled


def test_long_content_breaks_across_pages(
    engineering_declaration, unit, chain, committed_applicant
):
    """15 achievements, 20 work rows and a 1,200-character statement: every row and every
    character is printed, the tables repeat their heading on the next page."""
    declaration = full.fill_full(engineering_declaration, unit)
    submit_declaration(actor=committed_applicant, declaration=declaration)
    declaration.refresh_from_db()
    rendered = render_form(form_content(declaration.pk, declaration.round))
    reader = PdfReader(io.BytesIO(rendered.data))
    text = text_of(reader).replace("\n", "")
    for n in range(1, 16):
        assert f"成果{n}：数控机床自动送料装置的改进" in text
    for n in range(1, 21):
        assert f"设备{n}科" in text
    statement = full.long_statement(1200)
    assert len(statement) == 1200
    for sentence in full.STATEMENT_SENTENCES:
        assert sentence in text
    assert rendered.pages >= 8
    assert len(rendered.data) < 300 * 1024
    # The 20 work rows break across pages and the table's column headings repeat on each.
    pages_with_heading = [
        i for i, page in enumerate(reader.pages) if "单位-部门-岗位" in (page.extract_text() or "")
    ]
    assert len(pages_with_heading) >= 2
    pages_with_rows = [
        i
        for i, page in enumerate(reader.pages)
        if re.search(r"设备\d+科", (page.extract_text() or "").replace("\n", ""))
    ]
    assert len(pages_with_rows) >= 2
    assert set(pages_with_rows) <= set(pages_with_heading)
    assert not_embedded_fonts(reader) == []


def test_the_photo_is_on_the_form(submitted):
    reader = read(document(submitted).file)
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    assert images[0].image.size == (300, 420)


@pytest.mark.parametrize("kind", [DocumentKind.FORM])
def test_the_form_is_a_small_file(submitted, kind):
    assert document(submitted, kind).size < 300 * 1024
