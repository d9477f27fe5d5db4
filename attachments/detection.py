"""File type by content (magic bytes), never by name or Content-Type."""

import re

from django.utils.translation import gettext as _

SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
)

# What a refused file actually is, for a clearer message: (signature at the start, name).
_OTHER_BINARY = (
    (b"MZ", "exe"),
    (b"\x7fELF", "exe"),
    (b"\xcf\xfa\xed\xfe", "exe"),
    (b"\xce\xfa\xed\xfe", "exe"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"Rar!\x1a\x07", "zip"),
    (b"7z\xbc\xaf\x27\x1c", "zip"),
    (b"\x1f\x8b", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "office"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"#!", "script"),
)
_MARKUP = (
    (b"<svg", "svg"),
    (b"<!doctype html", "html"),
    (b"<html", "html"),
    (b"<script", "html"),
    (b"<?php", "script"),
    (b"<?xml", "xml"),
)


# The extensions each kind of content is known by; the first is the one given to a name that
# has none of them.
EXTENSIONS = {
    "jpeg": ("jpg", "jpeg"),
    "png": ("png",),
    "gif": ("gif",),
    "pdf": ("pdf",),
}
# What counts as an extension: a short run of ASCII letters and digits after the last dot.
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def name_for_kind(name: str, kind: str) -> str:
    """The name a file of this content is shown and downloaded under: it ends with an extension
    of the detected kind. A wrong trailing extension is dropped (double.pdf.exe with PDF content
    → double.pdf; x.html with PNG content → x.png), a missing one is added (scan → scan.pdf);
    a right one is kept as typed (证件照.JPG stays)."""
    extensions = EXTENSIONS.get(kind)
    if not extensions:
        return name
    match = _EXTENSION.search(name)
    if match is not None and match[1].lower() in extensions:
        return name
    stem = name[: match.start()] if match is not None else name
    match = _EXTENSION.search(stem)
    if match is not None and match[1].lower() in extensions:
        return stem
    return f"{stem or 'file'}.{extensions[0]}"


def detect_kind(head: bytes) -> str | None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def kind_name(kind: str) -> str:
    """The Chinese name of a kind of content, as used in the reasons of refusals."""
    return {
        "jpeg": _("JPEG 图片"),
        "png": _("PNG 图片"),
        "gif": _("GIF 图片"),
        "pdf": _("PDF 文档"),
        "exe": _("可执行程序"),
        "zip": _("压缩包"),
        "office": _("Office 文档"),
        "bmp": _("BMP 图片"),
        "tiff": _("TIFF 图片"),
        "webp": _("WebP 图片"),
        "heic": _("HEIC 图片"),
        "script": _("脚本代码"),
        "svg": _("SVG 矢量图"),
        "html": _("网页（HTML）代码"),
        "xml": _("XML 文档"),
    }.get(kind, "")


def describe(head: bytes) -> str:
    """What the first bytes of a file look like, in Chinese ("可执行程序", "网页（HTML）代码", …);
    empty when nothing is recognised."""
    kind = detect_kind(head)
    if kind is None:
        kind = next((name for signature, name in _OTHER_BINARY if head.startswith(signature)), None)
    if kind is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    if kind is None and head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1"):
        kind = "heic"
    if kind is None:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        kind = next((name for signature, name in _MARKUP if text.startswith(signature)), None)
        if kind == "xml" and b"<svg" in text:
            kind = "svg"
    return kind_name(kind or "")
