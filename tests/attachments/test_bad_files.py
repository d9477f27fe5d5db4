"""A corpus of bad files, each generated here (nothing binary is committed).

Every bad file is refused: in the request (nothing stored) or by the deep check (status rejected
with a reason) — and none ever becomes valid. Hostile file names are stored under a generated
name, with only a cleaned original name kept for display. Valid files of every type, including
shapes that a too-eager check might refuse, become valid.
"""

import io
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from attachments import services, validation
from attachments.models import MAX_UPLOAD_BYTES, Attachment
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, upload

# Generators ---------------------------------------------------------------------------------


def image_bytes(fmt, size=(400, 300), mode="RGB", **options):
    image = Image.new(mode, size, "white" if mode != "P" else 0)
    if mode in ("RGB", "RGBA", "L"):
        image.paste(Image.linear_gradient("L").resize((size[0] // 2, size[1] // 2)), (10, 10))
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def png_chunk(chunk_type: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(chunk_type + payload)
    return struct.pack(">I", len(payload)) + chunk_type + payload + struct.pack(">I", crc)


def png_bomb(width=20_000, height=20_000) -> bytes:
    """A 1-bit greyscale PNG of 400 million pixels in about 50 KB."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    rows_per_chunk = 1000
    idat = b"".join(compressor.compress(row * rows_per_chunk) for _ in range(height // 1000))
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def gif_with_canvas(width=65_535, height=65_535) -> bytes:
    """A tiny GIF whose logical screen claims 65535×65535 pixels (4.3 billion)."""
    small = image_bytes("GIF", size=(1, 1), mode="P")
    return small[:6] + struct.pack("<HH", width, height) + small[10:]


def jpeg_with_huge_frame() -> bytes:
    """A small JPEG whose frame header claims 60000×60000 pixels."""
    data = bytearray(image_bytes("JPEG", size=(8, 8)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    return bytes(data)


def gif_animation(frames: int, size=(20, 20)) -> bytes:
    images = []
    for index in range(frames):
        image = Image.new("L", size, 255)
        image.putpixel((index % size[0], index // size[0] % size[1]), 0)  # no two frames alike
        images.append(image.convert("P"))
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=50)
    return out.getvalue()


def jpeg_pdf_polyglot() -> bytes:
    """A JPEG with a PDF header in a comment segment and a PDF body after its end."""
    jpeg, pdf = jpeg_bytes((300, 420)), pdf_bytes(1)
    header = pdf[: pdf.index(b"\n") + 1]
    comment = b"\xff\xfe" + struct.pack(">H", len(header) + 2) + header
    return jpeg[:2] + comment + jpeg[2:] + pdf[len(header) :]


def pdf_with(change: Callable[[PdfWriter], None]) -> Callable[[], bytes]:
    def make():
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        change(writer)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return make


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand (object 1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _name(value):
    return NameObject(value)


def _add_javascript(writer):
    writer.add_open_action(JavaScript("app.alert('hello');"))


def _add_open_action_uri(writer):
    writer._root_object[_name("/OpenAction")] = DictionaryObject(
        {_name("/S"): _name("/URI"), _name("/URI"): TextStringObject("https://evil.example/")}
    )


def _add_embedded_file(writer):
    writer.add_attachment("payload.exe", b"MZ" + b"\x00" * 64)


def _link(action: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Link"),
            _name("/Rect"): ArrayObject([FloatObject(v) for v in (50, 50, 200, 80)]),
            _name("/A"): action,
        }
    )


def _add_launch_link(writer):
    launch = DictionaryObject(
        {_name("/S"): _name("/Launch"), _name("/F"): TextStringObject("C:\\Windows\\cmd.exe")}
    )
    writer.add_annotation(0, _link(launch))


def _add_page_open_javascript(writer):
    action = DictionaryObject(
        {_name("/S"): _name("/JavaScript"), _name("/JS"): TextStringObject("app.alert(1)")}
    )
    writer.pages[0][_name("/AA")] = DictionaryObject({_name("/O"): action})


def _add_xfa(writer):
    xfa = DecodedStreamObject()
    xfa.set_data(b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>')
    writer._root_object[_name("/AcroForm")] = DictionaryObject(
        {_name("/Fields"): ArrayObject(), _name("/XFA"): writer._add_object(xfa)}
    )


def _encrypt(writer):
    writer.encrypt(user_password="123456", owner_password="owner")


def _add_uri_link(writer):
    uri = DictionaryObject(
        {_name("/S"): _name("/URI"), _name("/URI"): TextStringObject("https://www.example.cn/")}
    )
    writer.add_annotation(0, _link(uri))


def _open_at_first_page(writer):
    # What LibreOffice writes: a destination, not an action.
    writer._root_object[_name("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, _name("/Fit")]
    )


# The corpus ----------------------------------------------------------------------------------

REQUEST, CHECK = "request", "check"


@dataclass(frozen=True)
class Bad:
    id: str
    filename: str
    make: Callable[[], bytes]
    refused: str  # REQUEST or CHECK
    reason: str  # a part of the reason the applicant sees


BAD_FILES = [
    Bad(
        "windows_exe_named_jpg",
        "证件照.jpg",
        lambda: b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00" + b"\x00" * 200,
        REQUEST,
        "实际内容不是这些格式",
    ),
    Bad(
        "elf_named_jpg",
        "scan.jpg",
        lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 300,
        REQUEST,
        "实际内容不是这些格式",
    ),
    Bad(
        "html_named_pdf",
        "学历证书.pdf",
        lambda: b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
        REQUEST,
        "实际内容不是这些格式",
    ),
    Bad(
        "svg_named_png",
        "照片.png",
        lambda: (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b"<rect width='10' height='10'/></svg>"
        ),
        REQUEST,
        "实际内容不是这些格式",
    ),
    Bad(
        "zip_named_pdf",
        "材料.pdf",
        lambda: _zip_bytes(),
        REQUEST,
        "实际内容不是这些格式",
    ),
    Bad(
        "five_mb_plus_one_byte",
        "big.pdf",
        lambda: b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_BYTES + 1 - 9),
        REQUEST,
        "超过5MB",
    ),
    Bad("zero_bytes", "empty.pdf", lambda: b"", REQUEST, "0字节"),
    Bad(
        "truncated_jpeg",
        "scan.jpg",
        lambda: (data := jpeg_bytes((300, 420)))[: len(data) // 2],
        CHECK,
        "JPEG 图片不完整",
    ),
    Bad(
        "jpeg_cut_before_end_marker",
        "scan.jpg",
        lambda: jpeg_bytes((300, 420))[:-2],
        CHECK,
        "JPEG 图片不完整",
    ),
    Bad(
        "jpeg_frame_of_60000x60000",
        "scan.jpg",
        jpeg_with_huge_frame,
        CHECK,
        "JPEG 图片尺寸过大（60000×60000像素",
    ),
    Bad(
        "truncated_pdf",
        "scan.pdf",
        lambda: (data := pdf_bytes(3))[: len(data) * 2 // 3],
        CHECK,
        "PDF 文件不完整",
    ),
    Bad(
        "pdf_with_garbage_body",
        "scan.pdf",
        lambda: b"%PDF-1.4\nthis is not a pdf body\n%%EOF\n",
        CHECK,
        "PDF 文件已损坏",
    ),
    Bad(
        "png_decompression_bomb",
        "scan.png",
        png_bomb,
        CHECK,
        "PNG 图片尺寸过大（20000×20000像素",
    ),
    Bad(
        "gif_with_huge_canvas",
        "scan.gif",
        gif_with_canvas,
        CHECK,
        "GIF 图片尺寸过大（65535×65535像素",
    ),
    Bad(
        "gif_with_too_many_frames",
        "scan.gif",
        lambda: gif_animation(validation.MAX_FRAMES + 1),
        CHECK,
        "动画帧数过多",
    ),
    Bad(
        "png_with_bad_checksum",
        "scan.png",
        lambda: _corrupt_png_idat(),
        CHECK,
        "PNG 图片的数据校验失败（IDAT 块的 CRC 不符）",
    ),
    Bad("encrypted_pdf", "scan.pdf", pdf_with(_encrypt), CHECK, "PDF 文件已加密"),
    Bad("pdf_with_javascript", "scan.pdf", pdf_with(_add_javascript), CHECK, "JavaScript 脚本"),
    Bad(
        "pdf_with_open_action",
        "scan.pdf",
        pdf_with(_add_open_action_uri),
        CHECK,
        "打开文件时自动执行的操作（OpenAction）",
    ),
    Bad(
        "pdf_with_embedded_file",
        "scan.pdf",
        pdf_with(_add_embedded_file),
        CHECK,
        "嵌入的文件（EmbeddedFiles）",
    ),
    Bad(
        "pdf_with_launch_link",
        "scan.pdf",
        pdf_with(_add_launch_link),
        CHECK,
        "启动外部程序的操作（Launch）",
    ),
    Bad(
        "pdf_page_open_runs_javascript",
        "scan.pdf",
        pdf_with(_add_page_open_javascript),
        CHECK,
        "JavaScript 脚本、由页面或表单事件自动触发的操作（AA）",
    ),
    Bad("pdf_with_xfa_form", "scan.pdf", pdf_with(_add_xfa), CHECK, "XFA 动态表单"),
    Bad(
        "pdf_javascript_behind_escaped_name",
        "scan.pdf",
        lambda: raw_pdf(
            b"<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript 4 0 R >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Names [(x) << /S /J#61vaScript /J#53 (app.alert(1)) >>] >>",
        ),
        CHECK,
        "JavaScript 脚本",
    ),
    Bad(
        "pdf_javascript_in_unreferenced_object",
        "scan.pdf",
        lambda: raw_pdf(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /S /JavaScript /JS (app.alert(1)) >>",
        ),
        CHECK,
        "JavaScript 脚本",
    ),
    Bad(
        "pdf_without_pages",
        "scan.pdf",
        lambda: pdf_bytes(0),
        CHECK,
        "PDF 文件中没有任何页面",
    ),
    Bad(
        "jpeg_pdf_polyglot",
        "scan.jpg",
        jpeg_pdf_polyglot,
        CHECK,
        "JPEG 图片中夹带了PDF 文档的内容",
    ),
    Bad(
        "jpeg_followed_by_pdf",
        "scan.jpg",
        lambda: jpeg_bytes((300, 420)) + pdf_bytes(1),
        CHECK,
        "JPEG 图片中夹带了PDF 文档的内容",
    ),
    Bad(
        "jpeg_followed_by_zip",
        "scan.jpg",
        lambda: jpeg_bytes((300, 420)) + _zip_bytes(),
        CHECK,
        "JPEG 图片中夹带了压缩包的内容",
    ),
    Bad(
        "png_with_trailing_script",
        "scan.png",
        lambda: image_bytes("PNG") + b"<script>fetch('/api/').then(r=>r.text())</script>",
        CHECK,
        "PNG 图片中夹带了网页（HTML）代码的内容",
    ),
    Bad(
        "png_with_html_in_text_chunk",
        "scan.png",
        lambda: _png_with_chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script></html>"),
        CHECK,
        "PNG 图片中夹带了网页（HTML）代码的内容",
    ),
    Bad(
        "png_with_trailing_bytes",
        "scan.png",
        lambda: image_bytes("PNG") + b"\x01\x02\x03 hidden payload",
        CHECK,
        "PNG 图片在结束标记之后还有",
    ),
    Bad(
        "gif_with_trailing_html",
        "scan.gif",
        lambda: image_bytes("GIF", mode="P") + b"<html><body>hi</body></html>",
        CHECK,
        "GIF 图片中夹带了网页（HTML）代码的内容",
    ),
]


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("run.bat", "calc.exe")
    return out.getvalue()


def _png_with_chunk(chunk_type: bytes, payload: bytes) -> bytes:
    png = image_bytes("PNG")
    header_end = 8 + 25  # signature + IHDR
    return png[:header_end] + png_chunk(chunk_type, payload) + png[header_end:]


def _corrupt_png_idat() -> bytes:
    png = bytearray(image_bytes("PNG"))
    idat = png.index(b"IDAT")
    png[idat + 40] ^= 0xFF  # a flipped byte in the compressed pixels
    return bytes(png)


def education_slot(declaration):
    return declaration.plan.sections.get(slots__code="education_record").slots.get(
        code="education_record"
    )


def _upload(declaration, filename, content):
    return services.upload_attachment(
        actor=declaration.applicant,
        declaration=declaration,
        slot=education_slot(declaration),
        uploaded_file=upload(filename, content),
    )


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_corpus_has_at_least_15_kinds_of_bad_files():
    assert len({bad.id for bad in BAD_FILES}) == len(BAD_FILES) >= 15


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda bad: bad.id)
def test_bad_file_is_refused_with_its_reason(
    bad, engineering_declaration, django_capture_on_commit_callbacks, tmp_path
):
    content = bad.make()
    if bad.refused == REQUEST:
        with pytest.raises(ValidationError) as refusal:
            _upload(engineering_declaration, bad.filename, content)
        assert bad.reason in " ".join(refusal.value.messages)
        assert not Attachment.objects.exists()
        assert stored_files(tmp_path / "private") == []
        return
    assert 0 < len(content) <= MAX_UPLOAD_BYTES
    with django_capture_on_commit_callbacks(execute=True):
        attachment = _upload(engineering_declaration, bad.filename, content)
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.REJECTED
    assert bad.reason in attachment.reason, attachment.reason
    assert not attachment.thumbnail and len(attachment.sha256) == 64
    # A second run of the check (a retried task) leaves the decision as it is.
    services.check_attachment(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.REJECTED


@pytest.mark.parametrize(
    "bad", [bad for bad in BAD_FILES if bad.refused == CHECK], ids=lambda bad: bad.id
)
def test_deep_check_refuses_bad_file_whatever_the_slot(bad):
    """The check alone (as the sweep or a retry runs it) never lets a bad file through."""
    result = validation.inspect(io.BytesIO(bad.make()), kind=_kind(bad), photo=False)
    assert not result.ok and bad.reason in result.reason and result.thumbnail is None


def _kind(bad):
    return {"jpg": "jpeg", "png": "png", "gif": "gif", "pdf": "pdf"}[bad.filename.rsplit(".")[-1]]


# Hostile file names ------------------------------------------------------------------------

HOSTILE_NAMES = [
    ("path_traversal", "../../etc/passwd.pdf", "passwd.pdf"),
    ("windows_path", "C:\\Users\\张三\\Desktop\\学历证书.pdf", "学历证书.pdf"),
    ("control_characters", "sc\x00an\r\n\x1b[31m\x07.pdf", "scan[31m.pdf"),
    ("right_to_left_override", "invoice\u202efdp.pdf", "invoicefdp.pdf"),
    ("only_dots", "...", "file.pdf"),
    ("hidden_file", ".htaccess.pdf", "htaccess.pdf"),
]


@pytest.mark.parametrize(
    ("filename", "cleaned"), [case[1:] for case in HOSTILE_NAMES], ids=[c[0] for c in HOSTILE_NAMES]
)
def test_hostile_file_name_is_cleaned_and_never_used_for_storage(
    filename, cleaned, engineering_declaration, tmp_path
):
    attachment = _upload(engineering_declaration, filename, pdf_bytes(1))
    assert attachment.original_name == cleaned
    _assert_generated_storage_name(attachment, tmp_path)


@pytest.mark.parametrize(
    "filename",
    ["证" * 296 + ".pdf", "a" * 300, "a." + "b" * 298, "x" * 290 + ".jpg.pdf"],
    ids=["long_chinese", "long_without_extension", "dot_early_in_long_name", "double_extension"],
)
def test_very_long_file_name_is_cut_to_120_characters(filename, engineering_declaration, tmp_path):
    attachment = _upload(engineering_declaration, filename, pdf_bytes(1))
    assert len(attachment.original_name) <= 120
    # The content is a PDF: the name ends with .pdf, whatever it ended with.
    assert attachment.original_name.endswith(".pdf")
    assert not attachment.original_name.startswith(".")
    _assert_generated_storage_name(attachment, tmp_path)


def _assert_generated_storage_name(attachment, tmp_path):
    name = attachment.file.name
    directory, _, stored = name.rpartition("/")
    assert directory == f"declarations/{attachment.declaration_id}"
    assert len(stored) == len("0" * 32 + ".pdf") and stored.endswith(".pdf")
    assert ".." not in name and "\\" not in name
    (path,) = stored_files(tmp_path / "private")
    assert path.resolve().is_relative_to((tmp_path / "private").resolve())


# Valid files ----------------------------------------------------------------------------------


def _pdf_scan():
    out = io.BytesIO()
    pages = [Image.open(io.BytesIO(jpeg_bytes((300, 420)))) for _ in range(2)]
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=72)
    return out.getvalue()


def _jpeg_with_exif_rotation_and_trailer():
    image = Image.open(io.BytesIO(jpeg_bytes((300, 420))))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue() + b"\x00\x00SEFHmaker data written by some phones"


VALID_FILES = [
    ("jpg", "jpeg", lambda: jpeg_bytes((300, 420)), (300, 420), None),
    ("progressive_jpg", "jpeg", lambda: image_bytes("JPEG", progressive=True), (400, 300), None),
    ("cmyk_jpg", "jpeg", lambda: image_bytes("JPEG", mode="CMYK"), (400, 300), None),
    ("rotated_jpg_with_trailer", "jpeg", _jpeg_with_exif_rotation_and_trailer, (300, 420), None),
    ("png", "png", lambda: image_bytes("PNG"), (400, 300), None),
    ("transparent_png", "png", lambda: image_bytes("PNG", mode="RGBA"), (400, 300), None),
    ("bilevel_png", "png", lambda: image_bytes("PNG", mode="1"), (400, 300), None),
    ("gif", "gif", lambda: image_bytes("GIF", mode="P"), (400, 300), None),
    ("animated_gif", "gif", lambda: gif_animation(5), (20, 20), None),
    ("pdf", "pdf", lambda: pdf_bytes(3), None, 3),
    ("scanned_pdf", "pdf", _pdf_scan, None, 2),
    ("pdf_with_web_link", "pdf", pdf_with(_add_uri_link), None, 1),
    ("pdf_opening_at_first_page", "pdf", pdf_with(_open_at_first_page), None, 1),
]


@pytest.mark.parametrize(
    ("kind", "make", "size", "pages"),
    [case[1:] for case in VALID_FILES],
    ids=[c[0] for c in VALID_FILES],
)
def test_valid_file_becomes_valid(
    kind, make, size, pages, engineering_declaration, django_capture_on_commit_callbacks
):
    content = make()
    extension = {"jpeg": "jpg"}.get(kind, kind)
    with django_capture_on_commit_callbacks(execute=True):
        attachment = _upload(engineering_declaration, f"扫描件.{extension}", content)
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert attachment.kind == kind and attachment.reason == ""
    assert len(attachment.sha256) == 64
    if kind == "pdf":
        assert attachment.page_count == pages and not attachment.thumbnail
    else:
        assert (attachment.width, attachment.height) == size
        with attachment.thumbnail.open("rb") as handle, Image.open(handle) as thumbnail:
            assert thumbnail.format == "JPEG" and max(thumbnail.size) <= 240


# The pixel limit ------------------------------------------------------------------------------


def test_pixel_limit_is_per_call_and_leaves_pillow_alone():
    before = Image.MAX_IMAGE_PIXELS
    data = jpeg_bytes((300, 420))
    refused = validation.inspect(io.BytesIO(data), kind="jpeg", max_pixels=100_000)
    assert not refused.ok and "300×420像素，超过10万像素的上限" in refused.reason
    assert validation.inspect(io.BytesIO(data), kind="jpeg").ok
    assert before == Image.MAX_IMAGE_PIXELS


def test_concurrent_checks_keep_their_own_pixel_limit():
    data = image_bytes("PNG", size=(600, 400))
    outcomes = {}

    def check(name, limit):
        outcomes[name] = [
            validation.inspect(io.BytesIO(data), kind="png", max_pixels=limit).ok for _ in range(10)
        ]

    threads = [
        threading.Thread(target=check, args=(f"{name}{n}", limit))
        for n in range(3)
        for name, limit in (("strict", 1000), ("default", validation.MAX_IMAGE_PIXELS))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, results in outcomes.items():
        assert results == [not name.startswith("strict")] * 10


@pytest.mark.parametrize(
    ("content", "kind", "what"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "jpeg", "可执行程序"),
        (b"  <!DOCTYPE html><html></html>", "pdf", "网页（HTML）代码"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "png", "SVG 矢量图"),
        (image_bytes("PNG"), "jpeg", "PNG 图片"),
        (b"\x00\x01\x02\x03", "gif", "无法识别的格式"),
    ],
    ids=["exe", "html", "svg", "png_stored_as_jpeg", "unknown"],
)
def test_content_that_is_not_the_stored_kind_is_refused_naming_what_it_is(content, kind, what):
    """If the stored file is not what the upload detected (replaced in storage, a bug), the
    check refuses it and says what the content actually is."""
    result = validation.inspect(io.BytesIO(content), kind=kind)
    assert not result.ok
    assert f"文件内容与上传时识别的类型不符（实际是{what}）" in result.reason
