"""Deep checks of an uploaded file, run in a Celery task (never in the request).

Images are fully decoded by Pillow with only the JPEG/PNG/GIF decoders and a decompression-bomb
limit; PDFs are parsed by pypdf and refused when encrypted, broken, empty or active.
"""

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_IMAGE_PIXELS = 50_000_000
PHOTO_MIN_BYTES = 30 * 1024
PHOTO_MAX_BYTES = 1024 * 1024
PHOTO_MIN_SIZE = (215, 300)
PHOTO_RATIO = (0.65, 0.8)
PDF_ACTIVE_KEYS = (
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/Launch",
    "/EmbeddedFiles",
    "/XFA",
    "/AA",
    "/RichMedia",
)
PILLOW_FORMATS = {"jpeg": ["JPEG"], "png": ["PNG"], "gif": ["GIF"]}


@dataclass
class Result:
    ok: bool
    reason: str = ""
    sha256: str = ""
    page_count: int | None = None
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def inspect(handle, *, kind: str, photo: bool = False) -> Result:
    data = handle.read()
    digest = hashlib.sha256(data).hexdigest()
    result = _inspect_pdf(data) if kind == "pdf" else _inspect_image(data, kind=kind, photo=photo)
    result.sha256 = digest
    return result


def _inspect_image(data: bytes, *, kind: str, photo: bool) -> Result:
    if b"%PDF-" in data[:4096] or b"<script" in data[:4096].lower():
        return Result(False, _("图片文件中夹带了其他格式的内容，已拒绝。"))
    previous_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS[kind]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return Result(
                    False,
                    _("图片尺寸过大（%(w)d×%(h)d像素），请缩小后上传。")
                    % {"w": width, "h": height},
                )
            image.load()
            thumbnail = _thumbnail(image)
    except Image.DecompressionBombError:
        return Result(False, _("图片尺寸过大，可能是恶意文件，已拒绝。"))
    except (OSError, SyntaxError, ValueError):
        return Result(False, _("图片文件已损坏或不完整，无法打开，请重新扫描后上传。"))
    finally:
        Image.MAX_IMAGE_PIXELS = previous_limit
    if photo:
        problem = _photo_problem(len(data), width, height, kind)
        if problem:
            return Result(False, problem, width=width, height=height)
    return Result(True, width=width, height=height, thumbnail=thumbnail)


def _photo_problem(size: int, width: int, height: int, kind: str) -> str:
    if kind != "jpeg":
        return _("证件照须为 JPEG 格式。")
    if not PHOTO_MIN_BYTES <= size <= PHOTO_MAX_BYTES:
        return _("证件照文件大小应在30KB至1MB之间，当前为%(k)dKB。") % {"k": size // 1024}
    if width < PHOTO_MIN_SIZE[0] or height < PHOTO_MIN_SIZE[1]:
        return _("证件照像素不得小于215×300（宽×高），当前为%(w)d×%(h)d。") % {
            "w": width,
            "h": height,
        }
    ratio = width / height
    if not PHOTO_RATIO[0] <= ratio <= PHOTO_RATIO[1]:
        return _("证件照宽高比应在0.65至0.8之间（竖版），当前为%(r).2f。") % {"r": ratio}
    return ""


def _thumbnail(image) -> bytes:
    copy = image.convert("RGB")
    copy.thumbnail((240, 240))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _inspect_pdf(data: bytes) -> Result:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return Result(False, _("PDF 文件已加密或设置了密码，请取消加密后上传。"))
        pages = len(reader.pages)
        if pages == 0:
            return Result(False, _("PDF 文件没有页面。"))
        if _has_active_content(reader, data):
            return Result(
                False, _("PDF 文件含有脚本、自动操作或嵌入文件，已拒绝；请打印为普通 PDF 后上传。")
            )
        for page in reader.pages:
            page.get_contents()
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        return Result(False, _("PDF 文件已损坏，无法打开，请重新生成后上传。"))
    return Result(True, page_count=pages)


def _has_active_content(reader, data: bytes) -> bool:
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else {}
    if any(key in root for key in ("/OpenAction", "/AA")):
        return True
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        if "/JavaScript" in names or "/EmbeddedFiles" in names:
            return True
    acro = root.get("/AcroForm")
    if acro is not None and "/XFA" in acro.get_object():
        return True
    # Raw scan as a backstop for objects not reachable from the catalog.
    return any(
        key.encode() in data
        for key in ("/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia", "/XFA")
    )
