"""The expert packet read back with pypdf: the form, then every valid file of the round in
section order, bookmarks per section, slot and file, page labels, images placed upright and
fitted on A4 pages, PDFs appended as they are, an unreadable file standing as a page."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from attachments import services as attachment_services
from attachments.models import Attachment
from declarations.services import submit_declaration
from documents import services
from documents.content import PacketFile, form_content
from documents.form_pdf import placeholder_page, render_form
from documents.models import DocumentKind, DocumentStatus
from documents.packet_pdf import write_packet
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

A4 = (595.2756, 841.8898)


def test_reaching_the_committee_builds_the_packet(at_committee):
    packet = document(at_committee, DocumentKind.PACKET)
    assert packet.status == DocumentStatus.READY
    reader = read(packet.file)
    form = read(document(at_committee).file)
    files = list(
        Attachment.objects.filter(declaration=at_committee, status=Attachment.Status.VALID)
    )
    # The form, then one page per image and every page of every PDF.
    expected = len(form.pages) + sum(
        1 if f.kind != Attachment.Kind.PDF else f.page_count for f in files
    )
    assert packet.pages == len(reader.pages) == expected
    assert packet.parts_total == packet.parts_done == len(files) + 1
    assert text_of(reader).count("专业技术职务任职资格评审表") >= 1
    assert not_embedded_fonts(reader) == []

    outline = outline_titles(reader)
    title, page, parts = outline[0]
    assert (title, page) == ("评审表", 0)
    assert [t for t, _p, _c in parts][:2] == ["封面", "基本情况"]
    content = form_content(at_committee.pk, at_committee.round)
    sections = [t for t, _p, _c in outline[1:]]
    assert sections == list(dict.fromkeys(f.section_title for f in content.files))
    assert sections[:2] == ["基本信息", "学历信息"]
    assert sum(len(slot[2]) for _t, _p, slots in outline[1:] for slot in slots) == len(files)
    basic = outline[1][2]
    assert [t for t, _p, _c in basic] == ["身份信息", "照片", "社保明细"]
    assert [t for t, _p, _c in basic[1][2]] == ["照片.jpg"]
    first_file = basic[0][2][0][1]
    assert first_file == len(form.pages)
    # Page labels: the form's pages, then each file's.
    assert reader.page_labels[0] == "评审表-1"
    assert reader.page_labels[first_file] == "附件1-1"


def test_only_the_rounds_valid_files_go_in(
    filled, committed_applicant, django_capture_on_commit_callbacks
):
    slot = filled.plan.sections.get(code="education").slots.get(code="degree_report")
    broken = attachment_services.upload_attachment(
        actor=committed_applicant,
        declaration=filled,
        slot=slot,
        uploaded_file=SimpleUploadedFile("学位认证报告.pdf", b"%PDF-1.7\n1 0 obj\n<<" + b"\0" * 64),
    )
    broken = attachment_services.check_attachment(attachment_id=broken.pk)
    assert broken.status == Attachment.Status.REJECTED
    after_commit(
        django_capture_on_commit_callbacks,
        submit_declaration,
        actor=committed_applicant,
        declaration=filled,
    )
    content = form_content(filled.pk, 1)
    names = [f.name for f in content.files]
    assert "学位认证报告.pdf" not in names
    assert (
        len(names)
        == Attachment.objects.filter(declaration=filled, status=Attachment.Status.VALID).count()
    )
    # In the form's section order, each slot's files in upload order.
    assert names[:3] == ["身份信息.pdf", "照片.jpg", "社保明细.pdf"]


def test_a_new_round_builds_a_new_packet(
    submitted, unit_reviewer, committed_applicant, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    after_commit(
        capture,
        services.queue_render,
        declaration_id=submitted.pk,
        round_=1,
        kind=DocumentKind.PACKET,
    )
    assert document(submitted, DocumentKind.PACKET).status == DocumentStatus.READY
    after_commit(
        capture,
        review_services.return_declaration,
        actor=unit_reviewer,
        declaration=submitted,
        reason="请重新上传年度考核表",
    )
    after_commit(capture, submit_declaration, actor=committed_applicant, declaration=submitted)
    submitted.refresh_from_db()
    assert submitted.round == 2
    second = document(submitted, DocumentKind.PACKET, round_=2)
    assert second.status == DocumentStatus.READY
    assert "第2次提交" in text_of(read(second.file))
    assert document(submitted, DocumentKind.PACKET, round_=1).is_ready


# ---------------------------------------------------------------- files on pages


def jpeg(size, *, orientation=None, dpi=None, color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, (255, 255, 255))
    # A dark block in the stored image's top-left corner: where it lands shows the rotation.
    image.paste(color, (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    kwargs = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif
    if dpi:
        kwargs["dpi"] = (dpi, dpi)
    image.save(out, format="JPEG", quality=90, **kwargs)
    return out.getvalue()


def png(size, mode="RGB", **kwargs) -> bytes:
    image = Image.new(mode, size, (10, 120, 240, 128) if mode == "RGBA" else (10, 120, 240))
    out = io.BytesIO()
    image.save(out, format="PNG", **kwargs)
    return out.getvalue()


def pdf(pages, size=(595, 842)) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=size[0], height=size[1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def item(name, kind, slot="achievement_materials", section="achievements"):
    return PacketFile(
        section_code=section,
        section_title="任现职以来代表性成果",
        slot_code=slot,
        slot_name="成果材料",
        name=name,
        kind=kind,
        storage_name=name,
        size=0,
        sha256="",
    )


def packet(files: dict[str, bytes], kinds: dict[str, str] | None = None):
    """A packet of a one-page form and the given files, read back."""
    kinds = kinds or {}
    form = pdf(1)
    out = io.BytesIO()
    items = [item(name, kinds.get(name) or name.rsplit(".", 1)[1]) for name in files]
    result = write_packet(
        out,
        form_pdf=form,
        form_outline=[("封面", 0)],
        files=items,
        open_file=lambda f: io.BytesIO(files[f.name]),
        placeholder=placeholder_page,
        title="测试材料包",
    )
    return result, PdfReader(io.BytesIO(out.getvalue()), strict=True)


def placement(page) -> list[float]:
    """The image matrix of an image page (a b c d e f)."""
    content = page.get_contents().get_data().decode()
    numbers = re.search(r"q ([-\d. ]+) cm /Im0 Do Q", content).group(1).split()
    return [float(n) for n in numbers]


def test_a_small_image_is_not_enlarged_and_a_large_one_is_fitted():
    result, reader = packet(
        {"小.jpeg": jpeg((300, 420), dpi=72), "大.jpeg": jpeg((2480, 3508), dpi=300)}
    )
    assert result.pages == 3 == len(reader.pages)
    small, large = reader.pages[1], reader.pages[2]
    for page in (small, large):
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == (
            595.28,
            841.89,
        )
    a, b, c, d, e, _f = placement(small)
    assert (a, b, c, d) == (300, 0, 0, 420)  # 72 dpi: one pixel, one point
    assert e == pytest.approx((595.2756 - 300) / 2, abs=0.01)
    a, b, c, d, _e, _f = placement(large)
    assert b == c == 0
    assert a <= 595.28 - 2 * 28.35 + 0.01 and d <= 841.89 - 2 * 28.35 + 0.01
    assert a / d == pytest.approx(2480 / 3508, rel=1e-3)
    # The JPEG is embedded as it is.
    xobject = large["/Resources"]["/XObject"]["/Im0"].get_object()
    assert xobject["/Filter"] == "/DCTDecode" and xobject["/Width"] == 2480


def test_an_image_is_kept_upright_by_its_exif_orientation():
    # Stored 400×300 (landscape), EXIF 6: shown turned 90° clockwise, i.e. portrait 300×400.
    _result, reader = packet({"转.jpeg": jpeg((400, 300), orientation=6, dpi=72)})
    page = reader.pages[1]
    assert float(page.mediabox.height) > float(page.mediabox.width)
    a, b, c, d, e, f = placement(page)
    # The unit square's top-left corner (the stored image's first pixel) lands top-right.
    x, y = a * 0 + c * 1 + e, b * 0 + d * 1 + f
    left, bottom = (595.2756 - 300) / 2, (841.8898 - 400) / 2
    assert (round(x, 2), round(y, 2)) == (round(left + 300, 2), round(bottom + 400, 2))
    # Its bottom-left corner lands top-left.
    assert (round(e, 2), round(f, 2)) == (round(left, 2), round(bottom + 400, 2))


def test_a_landscape_image_gets_a_landscape_page():
    _result, reader = packet({"横.jpeg": jpeg((900, 600), dpi=72)})
    page = reader.pages[1]
    assert float(page.mediabox.width) > float(page.mediabox.height)


def test_png_and_gif_images():
    palette = io.BytesIO()
    Image.new("P", (64, 48), 3).save(palette, format="GIF")
    _result, reader = packet(
        {
            "扫描.png": png((120, 80)),
            "透明.png": png((120, 80), mode="RGBA"),
            "交错.png": png((120, 80), optimize=False),
            "图.gif": palette.getvalue(),
        }
    )
    assert len(reader.pages) == 5
    rgb = reader.pages[1]["/Resources"]["/XObject"]["/Im0"].get_object()
    # A PNG without transparency keeps its zlib data and predictors.
    assert rgb["/Filter"] == "/FlateDecode" and rgb["/DecodeParms"]["/Predictor"] == 15
    assert reader.pages[1].images[0].image.getpixel((5, 5)) == (10, 120, 240)
    # Transparency is laid on white.
    transparent = reader.pages[2].images[0].image.convert("RGB").getpixel((5, 5))
    assert transparent == (132, 187, 247) or abs(transparent[0] - 132) <= 2
    gif = reader.pages[4]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert gif["/ColorSpace"][0] == "/Indexed"


def test_pdfs_are_appended_as_they_are():
    rotated = PdfWriter()
    rotated.add_blank_page(width=842, height=595)
    rotated.pages[0].rotate(90)
    out = io.BytesIO()
    rotated.write(out)
    result, reader = packet({"三页.pdf": pdf(3), "横向.pdf": out.getvalue()})
    assert result.pages == 1 + 3 + 1 == len(reader.pages)
    last = reader.pages[4]
    assert (float(last.mediabox.width), float(last.mediabox.height)) == (842, 595)
    assert last.rotation == 90
    outline = outline_titles(reader)
    assert outline[1][0] == "任现职以来代表性成果"
    assert [name for name, _p, _c in outline[1][2][0][2]] == ["三页.pdf", "横向.pdf"]
    assert [page for _n, page, _c in outline[1][2][0][2]] == [1, 4]
    assert reader.page_labels[1:5] == ["附件1-1", "附件1-2", "附件1-3", "附件2-1"]


def test_an_unreadable_file_stands_as_a_page_and_the_rest_follows():
    result, reader = packet({"坏.pdf": b"%PDF-1.7 broken", "好.pdf": pdf(2)})
    assert result.unreadable == ["坏.pdf"]
    assert len(reader.pages) == 1 + 1 + 2
    assert "此附件无法合并到材料包" in reader.pages[1].extract_text()
    assert "坏.pdf" in reader.pages[1].extract_text()
    assert not_embedded_fonts(reader) == []


def test_the_packet_form_is_the_round_form(at_committee):
    """The packet's first pages are the form as drawn now (same text, same page count)."""
    content = form_content(at_committee.pk, at_committee.round)
    rendered = render_form(content, photo_bytes=services._photo(content))
    reader = read(document(at_committee, DocumentKind.PACKET).file)
    assert (
        reader.pages[1].extract_text()
        == PdfReader(io.BytesIO(rendered.data)).pages[1].extract_text()
    )
