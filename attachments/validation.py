"""Deep checks of an uploaded file, run in a Celery task (never in the request).

Images: the structure is walked first (JPEG segments, PNG chunks, GIF blocks) to find the pixel
size, the number of frames, the metadata and the end of the image, so that an oversized image
(a decompression bomb, a GIF with a huge canvas) is refused before anything is decoded, and a
file with another format hidden in its metadata or after its end (a JPEG/PDF polyglot, a PNG with
a trailing script) is refused too. Then every frame is fully decoded by Pillow with only the
JPEG/PNG/GIF decoders. The pixel limit is a parameter of each call and Pillow's global
Image.MAX_IMAGE_PIXELS is never changed, so concurrent checks do not interfere.

PDFs: parsed by pypdf and refused when incomplete, broken, encrypted, without pages, or carrying
JavaScript, automatic actions (OpenAction, AA), Launch, embedded files, XFA, or actions that
submit data, open other files or play media — wherever they are: catalog, pages, annotations,
form fields, or objects nothing refers to.

Every refusal carries a Chinese reason that names what is wrong.
"""

import hashlib
import io
import logging
import math
import re
import zlib
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject

from attachments.detection import describe, detect_kind, kind_name
from attachments.models import MAX_UPLOAD_BYTES

logger = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 50_000_000  # one frame: an A4 page at 600 dpi is 35 million pixels
MAX_DECODED_PIXELS = 200_000_000  # all frames of an animation together
MAX_FRAMES = 500
THUMBNAIL_SIZE = (240, 240)
# The photo rules of S3 (附件1 二.1), ends as worded there: "文件大于30K且小于1M" (both ends
# refused), "大于215*300（宽*高）像素" (215 wide or 300 high refused), "宽高比大于等于0.65且小于等于
# 0.8" (both ends allowed).
PHOTO_MIN_BYTES = 30 * 1024  # exclusive
PHOTO_MAX_BYTES = 1024 * 1024  # exclusive
PHOTO_MIN_SIZE = (215, 300)  # exclusive, width × height
# width / height, both ends allowed; exact fractions, so that the ends are exact.
PHOTO_RATIO = (Fraction("0.65"), Fraction("0.8"))
PILLOW_FORMATS = {"jpeg": ["JPEG"], "png": ["PNG"], "gif": ["GIF"]}
FORMAT_LABELS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "pdf": "PDF"}

# Content of other formats hidden in an image, searched (case-insensitively) in the first 1024
# bytes, in the metadata and after the end of the image — never in the compressed pixel data.
_HIDDEN_TEXT = (
    (b"%pdf-", "pdf"),
    (b"<script", "html"),
    (b"<html", "html"),
    (b"<!doctype", "html"),
    (b"<iframe", "html"),
    (b"<svg", "svg"),
    (b"<?php", "script"),
    (b"javascript:", "script"),
)
# Binary formats, searched only in what follows the end of the image.
_HIDDEN_BINARY = (
    (b"\x7felf", "exe"),
    (b"pk\x03\x04", "zip"),
    (b"pk\x05\x06", "zip"),
    (b"rar!\x1a\x07", "zip"),
    (b"7z\xbc\xaf\x27\x1c", "zip"),
)
_PADDING = b"\x00\t\n\r\x0c "
# Bytes after the end of an image (once searched for other formats): phones and cameras put
# more pictures and maker data after a JPEG; some old GIF writers leave a little junk; PNG
# writers never add anything.
_TRAILING_ALLOWANCE = {"jpeg": MAX_UPLOAD_BYTES, "gif": 1024, "png": 0}


@dataclass
class Result:
    ok: bool
    reason: str = ""
    sha256: str = ""
    page_count: int | None = None
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


class Refused(Exception):
    """A file that fails a check; the message is the reason shown to the applicant."""

    def __init__(self, reason: str, *, width: int | None = None, height: int | None = None):
        super().__init__(reason)
        self.reason, self.width, self.height = reason, width, height


def inspect(
    handle, *, kind: str, photo: bool = False, max_pixels: int = MAX_IMAGE_PIXELS
) -> Result:
    """Check the file read from handle, of the kind detected at upload."""
    data = handle.read(MAX_UPLOAD_BYTES + 1)
    digest = hashlib.sha256(data).hexdigest()
    try:
        if not data:
            raise Refused(_("文件是空的（0字节），请重新选择文件上传。"))
        if len(data) > MAX_UPLOAD_BYTES:
            raise Refused(_("文件超过5MB的上限，请压缩或拆分后上传。"))
        actual = detect_kind(data[:16])
        if actual != kind:
            raise Refused(
                _("文件内容与上传时识别的类型不符（实际是%(what)s），已拒绝。")
                % {"what": describe(data[:1024]) or _("无法识别的格式")}
            )
        if kind == "pdf":
            result = _inspect_pdf(data)
        else:
            result = _inspect_image(data, kind=kind, photo=photo, max_pixels=max_pixels)
    except Refused as refused:
        result = Result(False, refused.reason, width=refused.width, height=refused.height)
    result.sha256 = digest
    return result


# Images ------------------------------------------------------------------------------------


@dataclass
class _Layout:
    """What walking the structure of an image found, without decoding any pixel."""

    width: int
    height: int
    frames: int
    end: int  # offset just after the end marker
    metadata: list  # bytes of segments, chunks and extensions that are not pixel data


def _inspect_image(data: bytes, *, kind: str, photo: bool, max_pixels: int) -> Result:
    label = FORMAT_LABELS[kind]
    if photo:
        _check_photo_file(kind, len(data))
    layout = _LAYOUT_WALKERS[kind](data, label=label, max_pixels=max_pixels)
    width, height = layout.width, layout.height
    if layout.frames > MAX_FRAMES:
        raise Refused(
            _("%(format)s 动画帧数过多（超过%(max)d帧），已拒绝；请上传单张图片。")
            % {"format": label, "max": MAX_FRAMES}
        )
    if layout.frames * width * height > MAX_DECODED_PIXELS:
        raise Refused(
            _("%(format)s 动画解码后过大（%(n)d帧，每帧%(w)d×%(h)d像素），已拒绝；请上传单张图片。")
            % {"format": label, "n": layout.frames, "w": width, "h": height}
        )
    trailing = data[layout.end :]
    hidden = _hidden_content(data[:1024], *layout.metadata, trailing=trailing)
    if hidden:
        raise Refused(
            _(
                "%(format)s 图片中夹带了%(what)s的内容，可能是伪装文件，已拒绝；"
                "请重新扫描或另存为普通图片后上传。"
            )
            % {"format": label, "what": hidden}
        )
    if len(trailing.strip(_PADDING)) > _TRAILING_ALLOWANCE[kind]:
        raise Refused(
            _(
                "%(format)s 图片在结束标记之后还有%(n)d字节的多余数据，已拒绝；"
                "请另存为普通图片后上传。"
            )
            % {"format": label, "n": len(trailing)}
        )
    thumbnail = _decode(data, kind=kind, label=label, max_pixels=max_pixels)
    if photo:
        _check_photo_size(width, height)
    return Result(True, width=width, height=height, thumbnail=thumbnail)


def _too_large(label: str, width: int, height: int, max_pixels: int) -> Refused:
    return Refused(
        _(
            "%(format)s 图片尺寸过大（%(w)d×%(h)d像素，超过%(limit)d万像素的上限），"
            "可能是恶意文件，未解码即拒绝；请缩小后上传。"
        )
        % {"format": label, "w": width, "h": height, "limit": max_pixels // 10_000},
        width=width,
        height=height,
    )


def _incomplete(label: str) -> Refused:
    return Refused(
        _(
            "%(format)s 图片不完整（文件在结束标记之前就中断了），可能上传中断或文件已损坏，"
            "请重新扫描后上传。"
        )
        % {"format": label}
    )


def _broken(label: str) -> Refused:
    return Refused(
        _("%(format)s 图片的文件结构已损坏，无法打开，请重新扫描后上传。") % {"format": label}
    )


def _check_dimensions(label, width, height, max_pixels):
    if width <= 0 or height <= 0:
        raise Refused(
            _("%(format)s 图片的尺寸无效（%(w)d×%(h)d像素），无法打开。")
            % {"format": label, "w": width, "h": height}
        )
    if width * height > max_pixels:
        raise _too_large(label, width, height, max_pixels)


_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# The end of entropy-coded data: 0xFF followed by neither a stuffed 0x00 nor a restart marker.
_ENTROPY_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def _jpeg_layout(data: bytes, *, label: str, max_pixels: int) -> _Layout:
    size = len(data)
    metadata = []
    width = height = None
    pos = 2  # after SOI
    while True:
        marker_at = data.find(b"\xff", pos)
        if marker_at < 0:
            raise _incomplete(label)
        if marker_at > pos:  # stray bytes between segments: tolerated, but searched
            metadata.append(data[pos:marker_at])
        pos = marker_at
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            raise _incomplete(label)
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            break
        if marker in (0x00, 0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # no length field
            continue
        if pos + 2 > size:
            raise _incomplete(label)
        length = int.from_bytes(data[pos : pos + 2])
        if length < 2:
            raise _broken(label)
        start, pos = pos + 2, pos + length
        if pos > size:
            raise _incomplete(label)
        if marker in _SOF_MARKERS:
            if length < 8:
                raise _broken(label)
            if width is None:
                height = int.from_bytes(data[start + 1 : start + 3])
                width = int.from_bytes(data[start + 3 : start + 5])
                _check_dimensions(label, width, height, max_pixels)
        else:
            metadata.append(data[start:pos])
        if marker == 0xDA:  # SOS: skip the entropy-coded data that follows
            if width is None:
                raise _broken(label)
            end_of_scan = _ENTROPY_END.search(data, pos)
            if end_of_scan is None:
                raise _incomplete(label)
            pos = end_of_scan.start()
    if width is None:
        raise _broken(label)
    return _Layout(width, height, 1, pos, metadata)


def _png_layout(data: bytes, *, label: str, max_pixels: int) -> _Layout:
    size = len(data)
    metadata = []
    width = height = None
    animation_frames = frame_controls = 0
    view = memoryview(data)
    pos = 8
    while True:
        if pos + 8 > size:
            raise _incomplete(label)
        length = int.from_bytes(data[pos : pos + 4])
        chunk_type = data[pos + 4 : pos + 8]
        start, end = pos + 8, pos + 8 + length
        if length > 0x7FFFFFFF or (width is None and chunk_type != b"IHDR"):
            raise _broken(label)
        if end + 4 > size:
            raise _incomplete(label)
        if zlib.crc32(view[pos + 4 : end]) != int.from_bytes(data[end : end + 4]):
            raise Refused(
                _(
                    "%(format)s 图片的数据校验失败（%(chunk)s 块的 CRC 不符），文件已损坏，"
                    "请重新扫描后上传。"
                )
                % {"format": label, "chunk": chunk_type.decode("latin-1")}
            )
        if chunk_type == b"IHDR":
            if length != 13 or width is not None:
                raise _broken(label)
            width = int.from_bytes(data[start : start + 4])
            height = int.from_bytes(data[start + 4 : start + 8])
            _check_dimensions(label, width, height, max_pixels)
        elif chunk_type == b"acTL" and length >= 4:
            animation_frames = int.from_bytes(data[start : start + 4])
        elif chunk_type == b"fcTL":
            frame_controls += 1
        elif chunk_type not in (b"IDAT", b"fdAT", b"IEND"):
            metadata.append(data[start:end])
        pos = end + 4  # after the CRC
        if chunk_type == b"IEND":
            break
    frames = max(1, animation_frames, frame_controls)
    return _Layout(width, height, frames, pos, metadata)


def _gif_layout(data: bytes, *, label: str, max_pixels: int) -> _Layout:
    size = len(data)
    if size < 13:
        raise _incomplete(label)
    width = int.from_bytes(data[6:8], "little")
    height = int.from_bytes(data[8:10], "little")
    # The logical screen is what Pillow allocates: refuse a huge one before anything else.
    _check_dimensions(label, width, height, max_pixels)
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    metadata = []
    frames = 0

    def sub_blocks(pos, keep):
        """Skip (or collect) data sub-blocks up to the terminator; return the position after."""
        parts = []
        while True:
            if pos >= size:
                raise _incomplete(label)
            length = data[pos]
            pos += 1
            if length == 0:
                if keep:
                    metadata.append(b"".join(parts))
                return pos
            if keep:
                parts.append(data[pos : pos + length])
            pos += length

    while True:
        if pos >= size:
            if frames and pos == size:  # some old writers leave out the trailer
                break
            raise _incomplete(label)
        block = data[pos]
        if block == 0x3B:  # trailer
            pos += 1
            break
        if block == 0x21:  # extension: comment, application and plain text are searched
            if pos + 2 > size:
                raise _incomplete(label)
            pos = sub_blocks(pos + 2, keep=data[pos + 1] in (0x01, 0xFE, 0xFF))
        elif block == 0x2C:  # image descriptor
            if pos + 10 > size:
                raise _incomplete(label)
            left = int.from_bytes(data[pos + 1 : pos + 3], "little")
            top = int.from_bytes(data[pos + 3 : pos + 5], "little")
            frame_width = int.from_bytes(data[pos + 5 : pos + 7], "little")
            frame_height = int.from_bytes(data[pos + 7 : pos + 9], "little")
            # A frame outside the logical screen makes Pillow grow the canvas.
            width, height = max(width, left + frame_width), max(height, top + frame_height)
            _check_dimensions(label, width, height, max_pixels)
            image_flags = data[pos + 9]
            pos += 10 + (3 << ((image_flags & 7) + 1) if image_flags & 0x80 else 0)
            pos = sub_blocks(pos + 1, keep=False)  # after the LZW minimum code size
            frames += 1
            if frames > MAX_FRAMES:
                break
        else:
            raise _broken(label)
    if frames == 0:
        raise _broken(label)
    return _Layout(width, height, frames, pos, metadata)


_LAYOUT_WALKERS = {"jpeg": _jpeg_layout, "png": _png_layout, "gif": _gif_layout}


def _hidden_content(*regions: bytes, trailing: bytes) -> str:
    """The name of another format found in the searched regions of an image, or ""."""
    text = b"\x00".join((*regions, trailing)).lower()
    for signature, name in _HIDDEN_TEXT:
        if signature in text:
            return kind_name(name)
    tail = trailing.lower()
    if tail.lstrip(_PADDING).startswith(b"mz"):
        return kind_name("exe")
    for signature, name in _HIDDEN_BINARY:
        if signature in tail:
            return kind_name(name)
    return ""


def _decode(data: bytes, *, kind: str, label: str, max_pixels: int) -> bytes | None:
    """Decode every frame; return the thumbnail of the first."""
    try:
        with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS[kind]) as image:
            frames = getattr(image, "n_frames", 1)
            for index in range(frames):
                image.seek(index)
                width, height = image.size
                if width * height > max_pixels:
                    raise _too_large(label, width, height, max_pixels)
                image.load()
            if frames > 1:
                image.seek(0)
                image.load()
            return _thumbnail(image)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(
            _("%(format)s 图片尺寸过大，可能是恶意文件，已拒绝；请缩小后上传。") % {"format": label}
        ) from None
    except Exception:  # any decoder failure on a hostile file is a refusal
        raise Refused(
            _("%(format)s 图片无法完整解码（数据已损坏或不完整），请重新扫描后上传。")
            % {"format": label}
        ) from None


def _thumbnail(image) -> bytes | None:
    """A small JPEG of a decoded image; made in place so that no full-size copy is kept."""
    try:
        if image.mode == "1" or (image.mode == "P" and image.width * image.height <= 12_000_000):
            image = image.convert("RGBA" if image.mode == "P" else "L")
        image.thumbnail(THUMBNAIL_SIZE)
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "PA", "P"):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, (255, 255, 255))
            image.paste(rgba, mask=rgba.getchannel("A"))
        elif image.mode != "RGB":
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80)
        return out.getvalue()
    except Exception:  # a valid image without a thumbnail is still a valid image
        logger.exception("thumbnail failed for a %s image", image.mode)
        return None


def _check_photo_file(kind: str, size: int):
    if kind != "jpeg":
        raise Refused(
            _("证件照须为 JPEG（.jpg）格式，当前文件是%(what)s。") % {"what": kind_name(kind)}
        )
    if size <= PHOTO_MIN_BYTES:
        raise Refused(
            _(
                "证件照文件太小（%(kb).1fKB，%(bytes)d字节），应大于30KB（30720字节）；"
                "请上传更清晰的照片。"
            )
            % {"kb": math.floor(size * 10 / 1024) / 10, "bytes": size}
        )
    if size >= PHOTO_MAX_BYTES:
        raise Refused(
            _("证件照文件太大（%(bytes)d字节），应小于1MB（1048576字节）；请适当压缩后上传。")
            % {"bytes": size}
        )


def _check_photo_size(width: int, height: int):
    if width <= PHOTO_MIN_SIZE[0] or height <= PHOTO_MIN_SIZE[1]:
        raise Refused(
            _("证件照像素应大于215×300（宽×高），即宽至少216、高至少301像素，当前为%(w)d×%(h)d。")
            % {"w": width, "h": height},
            width=width,
            height=height,
        )
    low, high = PHOTO_RATIO
    if not low <= Fraction(width, height) <= high:
        raise Refused(
            _("证件照宽高比应在%(low)s至%(high)s之间（竖版），当前为%(w)d×%(h)d，宽高比%(r).3f。")
            % {
                "low": float(low),
                "high": float(high),
                "w": width,
                "h": height,
                "r": width / height,
            },
            width=width,
            height=height,
        )


# PDFs --------------------------------------------------------------------------------------

# Action types (/S) that are never accepted anywhere in a PDF.
_ACTION_PROBLEMS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "remote",
    "/ImportData": "remote",
    "/GoToR": "remote",
    "/GoToE": "remote",
    "/RichMediaExecute": "media",
    "/Rendition": "media",
    "/Movie": "media",
    "/Sound": "media",
    "/GoTo3DView": "media",
}
_ANNOTATION_PROBLEMS = {
    "/FileAttachment": "embedded",
    "/RichMedia": "media",
    "/Screen": "media",
    "/Movie": "media",
    "/Sound": "media",
    "/3D": "media",
}
_PROBLEM_ORDER = ("javascript", "launch", "embedded", "xfa", "openaction", "aa", "remote", "media")


def _pdf_problem_names():
    return {
        "javascript": _("JavaScript 脚本"),
        "launch": _("启动外部程序的操作（Launch）"),
        "embedded": _("嵌入的文件（EmbeddedFiles）"),
        "xfa": _("XFA 动态表单"),
        "openaction": _("打开文件时自动执行的操作（OpenAction）"),
        "aa": _("由页面或表单事件自动触发的操作（AA）"),
        "remote": _("提交数据或打开其他文件的操作"),
        "media": _("多媒体或 3D 内容"),
    }


def _pdf_broken() -> Refused:
    return Refused(_("PDF 文件已损坏，无法解析，请重新生成或扫描后上传。"))


def _inspect_pdf(data: bytes) -> Result:
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise Refused(
            _("PDF 文件不完整（缺少文件结束标记），可能上传中断或生成失败，请重新生成后上传。")
        )
    trailing = data[end + 5 :].strip(_PADDING)
    if len(trailing) > 1024 or _hidden_content(trailing=trailing):
        raise Refused(
            _("PDF 文件在结束标记之后还有%(n)d字节的多余数据，已拒绝；请重新生成后上传。")
            % {"n": len(trailing)}
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Refused(_("PDF 文件已加密（设置了打开密码或权限密码），请取消加密后重新上传。"))
        pages = len(reader.pages)
        if pages == 0:
            raise Refused(_("PDF 文件中没有任何页面，请重新生成后上传。"))
        problems = _pdf_problems(reader)
        if problems:
            names = _pdf_problem_names()
            raise Refused(
                _(
                    "PDF 文件含有%(items)s，已拒绝；请用“打印为 PDF”或重新扫描，"
                    "生成不含脚本和附件的普通 PDF 后上传。"
                )
                % {"items": "、".join(names[code] for code in _PROBLEM_ORDER if code in problems)}
            )
        for page in reader.pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
    except Refused:
        raise
    except LimitReachedError:
        raise Refused(_("PDF 文件中的内容解压后过大，可能是恶意文件，已拒绝。")) from None
    except Exception:  # any parser failure on a hostile file is a refusal
        raise _pdf_broken() from None
    return Result(True, page_count=pages)


def _pdf_problems(reader) -> set:
    """Every kind of active or hidden content in the PDF: first in what the trailer reaches
    (a failure there means the file is broken), then in any other object of the
    cross-reference table (failures there are ignored: nothing uses those objects)."""
    problems = set()
    seen = set()
    _walk_pdf(reader.trailer, seen, problems, strict=True)
    for generation, table in reader.xref.items():
        for number in table:
            _walk_pdf(IndirectObject(number, generation, reader), seen, problems, strict=False)
    for number in reader.xref_objStm:
        _walk_pdf(IndirectObject(number, 0, reader), seen, problems, strict=False)
    return problems


def _walk_pdf(start, seen: set, problems: set, *, strict: bool):
    stack = [start]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except Exception:
                if strict:
                    raise
                continue
        if isinstance(item, DictionaryObject):  # stream objects too
            _dictionary_problems(item, problems)
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))


def _dictionary_problems(dictionary, problems: set):
    keys = set(dictionary.keys())
    if keys & {"/JS", "/JavaScript"}:
        problems.add("javascript")
    if keys & {"/EmbeddedFiles", "/EF"} or _name(dictionary, "/Type") == "/EmbeddedFile":
        problems.add("embedded")
    if "/XFA" in keys:
        problems.add("xfa")
    if keys & {"/RichMediaContent", "/RichMediaSettings"}:
        problems.add("media")
    action = _ACTION_PROBLEMS.get(_name(dictionary, "/S"))
    if action:
        problems.add(action)
    annotation = _ANNOTATION_PROBLEMS.get(_name(dictionary, "/Subtype"))
    if annotation and (_name(dictionary, "/Type") in ("", "/Annot")):
        problems.add(annotation)
    # Actions that run by themselves: only a jump inside the document is accepted.
    if "/OpenAction" in keys and not _is_internal_jump(_value(dictionary, "/OpenAction")):
        problems.add("openaction")
    if "/AA" in keys:
        triggers = _value(dictionary, "/AA")
        if not isinstance(triggers, DictionaryObject) or not all(
            _is_internal_jump(_value(triggers, trigger)) for trigger in triggers
        ):
            problems.add("aa")


def _value(dictionary, key):
    """The value under key, with an indirect reference resolved (dict.get does not)."""
    value = dict.get(dictionary, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _name(dictionary, key) -> str:
    value = _value(dictionary, key)
    return value if isinstance(value, str) else ""


def _is_internal_jump(action, depth=0) -> bool:
    """A destination (an array or a name) or a chain of /GoTo actions."""
    if isinstance(action, IndirectObject):
        action = action.get_object()
    if action is None or isinstance(action, NullObject | ArrayObject | str | bytes):
        return True
    if not isinstance(action, DictionaryObject) or depth > 20:
        return False
    if _name(action, "/S") != "/GoTo":
        return False
    following = _value(action, "/Next")
    if following is None or isinstance(following, NullObject):
        return True
    following = list.__iter__(following) if isinstance(following, ArrayObject) else [following]
    return all(_is_internal_jump(item, depth + 1) for item in following)
