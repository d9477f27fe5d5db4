"""The expert packet (评审材料包) written as a stream: the evaluation form, then every file of the
round in section order, in one PDF with bookmarks per section, slot and file and page labels.

Memory stays bounded whatever the number of files: each object is written to the output file
as soon as it is read and only its offset is kept (the cross-reference table needs it), so
what is held at any time is one source file's parsed objects (a PDF, at most one upload) or one
image's header. PDFs are appended as they are: pypdf parses them and serializes their
objects, renumbered; their pages keep their own size and rotation. JPEG scans are embedded as
they are (DCTDecode, streamed from storage in chunks), PNGs without transparency likewise
(their zlib data with PNG predictors); other images are decoded once and compressed strip by
strip. An image is placed on an A4 page (landscape for a landscape image), kept upright (its
EXIF orientation applied by the page's transformation), fitted and never enlarged.

A file that cannot be read gets a page saying so instead of failing the whole packet.
"""

from __future__ import annotations

import datetime
import io
import logging
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from reportlab.lib.pagesizes import A4

from documents.content import PacketFile

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
IMAGE_MARGIN = 28.35  # 10 mm
DEFAULT_DPI = 96
STRIP_ROWS = 256
# Page keys not carried over: the page tree is ours, and article beads point into a thread
# structure of the source document that the packet does not have.
DROPPED_PAGE_KEYS = frozenset({"/Parent", "/B"})


def pdf_text(value: str) -> bytes:
    """A PDF text string (UTF-16BE with a byte order mark, as hex)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


@dataclass
class OutlineItem:
    title: str
    page: int  # index in the packet
    children: list[OutlineItem] = field(default_factory=list)


class PdfStreamWriter:
    """Writes a PDF object by object to a binary file; finish() adds the page tree, the
    outline, the page labels, the catalog and the cross-reference table."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.position = 0
        self.offsets: list[int | None] = [None]  # by object number; 0 is the free head
        self.page_numbers: list[int] = []
        self.labels: list[tuple[int, str]] = []  # (first page index, prefix)
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.pages_ref = self.reserve()

    # ------------------------------------------------------------ raw objects

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def reserve(self) -> int:
        self.offsets.append(None)
        return len(self.offsets) - 1

    def _begin(self, number: int) -> None:
        self.offsets[number] = self.position
        self._write(b"%d 0 obj\n" % number)

    def _end(self) -> None:
        self._write(b"\nendobj\n")

    def write_object(self, number: int, body: bytes) -> None:
        self._begin(number)
        self._write(body)
        self._end()

    def write_stream(self, number: int, entries: bytes, chunks: Iterable[bytes]) -> None:
        """A stream whose length is counted while its data is written (an indirect /Length
        written after it), so the data never has to be held whole."""
        length_ref = self.reserve()
        self._begin(number)
        self._write(b"<<" + entries + b"/Length %d 0 R>>\nstream\n" % length_ref)
        length = 0
        for chunk in chunks:
            if chunk:
                self._write(chunk)
                length += len(chunk)
        self._write(b"\nendstream")
        self._end()
        self.write_object(length_ref, b"%d" % length)

    def add_page(self, number: int) -> int:
        self.page_numbers.append(number)
        return len(self.page_numbers) - 1

    def rollback(self, page_count: int) -> None:
        """Forget the pages added after the first page_count (a file that failed half-way:
        its objects stay unreferenced)."""
        del self.page_numbers[page_count:]

    @property
    def page_count(self) -> int:
        return len(self.page_numbers)

    def label(self, first_page: int, prefix: str) -> None:
        self.labels.append((first_page, prefix))

    # ------------------------------------------------------------ copying a source PDF

    def append_pdf(self, reader: PdfReader) -> int:
        """Every page of the reader, with what they use; returns the first page's index."""
        first = self.page_count
        mapping: dict[tuple[int, int], int] = {}
        pages: set[tuple[int, int]] = set()
        queue: deque[tuple[tuple[int, int], IndirectObject]] = deque()
        for page in reader.pages:
            ref = page.indirect_reference
            key = (ref.idnum, ref.generation)
            number = self.reserve()
            mapping[key] = number
            pages.add(key)
            queue.append((key, ref))
            self.add_page(number)

        def reference(ref: IndirectObject) -> bytes:
            key = (ref.idnum, ref.generation)
            number = mapping.get(key)
            if number is None:
                target = ref.get_object()
                if isinstance(target, DictionaryObject) and target.get("/Type") in (
                    "/Page",
                    "/Pages",
                ):
                    # A page of the source that is not copied (or its page tree): nothing.
                    number = 0
                else:
                    number = self.reserve()
                    queue.append((key, ref))
                mapping[key] = number
            return b"null" if number == 0 else b"%d 0 R" % number

        while queue:
            key, ref = queue.popleft()
            number = mapping[key]
            obj = ref.get_object()
            if key in pages:
                entries = self._entries(obj, reference, skip=DROPPED_PAGE_KEYS)
                self.write_object(number, b"<<" + entries + b"/Parent %d 0 R>>" % self.pages_ref)
            elif isinstance(obj, StreamObject):
                entries = self._entries(obj, reference, skip={"/Length"})
                self.write_stream(number, entries, [obj._data])
            else:
                buffer = io.BytesIO()
                self._serialize(obj, buffer, reference)
                self.write_object(number, buffer.getvalue())
        return first

    def _entries(self, obj: DictionaryObject, reference, skip=frozenset()) -> bytes:
        buffer = io.BytesIO()
        for key, value in dict.items(obj):
            if key in skip:
                continue
            key.write_to_stream(buffer)
            buffer.write(b" ")
            self._serialize(value, buffer, reference)
            buffer.write(b"\n")
        return buffer.getvalue()

    def _serialize(self, obj, buffer: io.BytesIO, reference) -> None:
        if obj is None:
            buffer.write(b"null")
        elif isinstance(obj, IndirectObject):
            buffer.write(reference(obj))
        elif isinstance(obj, StreamObject):
            # A stream can only be an indirect object; a direct one is malformed: drop it.
            buffer.write(b"null")
        elif isinstance(obj, DictionaryObject):
            buffer.write(b"<<" + self._entries(obj, reference) + b">>")
        elif isinstance(obj, ArrayObject):
            buffer.write(b"[")
            for index, item in enumerate(list.__iter__(obj)):
                if index:
                    buffer.write(b" ")
                self._serialize(item, buffer, reference)
            buffer.write(b"]")
        else:
            obj.write_to_stream(buffer)

    # ------------------------------------------------------------ images

    def append_image(self, handle: BinaryIO, kind: str) -> int:
        """One image on an A4 page; returns the page's index."""
        with Image.open(handle) as image:
            width, height = image.size
            orientation = _orientation(image)
            dpi = _dpi(image)
            xobject = self.reserve()
            if kind == "jpeg" and image.mode in ("L", "RGB", "CMYK"):
                self._jpeg(xobject, image, handle, width, height)
                done = True
            else:
                done = kind == "png" and self._png(xobject, handle, width, height)
        if not done:
            handle.seek(0)
            with Image.open(handle) as image:
                self._decoded(xobject, image)
        shown_width, shown_height = (
            (height, width) if orientation in (5, 6, 7, 8) else (width, height)
        )
        natural = (shown_width * 72 / dpi, shown_height * 72 / dpi)
        page_width, page_height = A4 if natural[1] >= natural[0] else (A4[1], A4[0])
        scale = min(
            1.0,
            (page_width - 2 * IMAGE_MARGIN) / natural[0],
            (page_height - 2 * IMAGE_MARGIN) / natural[1],
        )
        drawn_width, drawn_height = natural[0] * scale, natural[1] * scale
        x = (page_width - drawn_width) / 2
        y = (page_height - drawn_height) / 2
        a, b, c, d, e, f = _placement(orientation, drawn_width, drawn_height)
        content = b"q %s cm /Im0 Do Q" % b" ".join(_number(v) for v in (a, b, c, d, e + x, f + y))
        content_ref = self.reserve()
        self.write_stream(content_ref, b"", [content])
        page = self.reserve()
        self.write_object(
            page,
            b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 %s %s]/Resources<</XObject<</Im0 %d 0 R>>>>"
            b"/Contents %d 0 R>>"
            % (self.pages_ref, _number(page_width), _number(page_height), xobject, content_ref),
        )
        return self.add_page(page)

    def _jpeg(self, number: int, image: Image.Image, handle: BinaryIO, width, height) -> None:
        space = {"L": b"/DeviceGray", "RGB": b"/DeviceRGB", "CMYK": b"/DeviceCMYK"}[image.mode]
        decode = b""
        if image.mode == "CMYK" and "adobe" in image.info:
            # Adobe's CMYK JPEGs store inverted values.
            decode = b"/Decode[1 0 1 0 1 0 1 0]"
        entries = b"/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace%s" % (
            width,
            height,
            space,
        )
        entries += b"/BitsPerComponent 8/Filter/DCTDecode" + decode
        handle.seek(0)
        self.write_stream(number, entries, _chunks(handle))

    def _png(self, number: int, handle: BinaryIO, width, height) -> bool:
        """A PNG without transparency or interlacing, its zlib data as it is; False when the
        PNG needs decoding instead."""
        handle.seek(0)
        if handle.read(8) != b"\x89PNG\r\n\x1a\n":
            return False
        header = palette = None
        start = handle.tell()
        # First pass: the header and the palette (they come before the image data).
        while True:
            length, chunk_type = _png_chunk(handle)
            if chunk_type is None or chunk_type in (b"IDAT", b"IEND"):
                break
            data = handle.read(length)
            handle.read(4)
            if chunk_type == b"IHDR":
                header = data
            elif chunk_type == b"PLTE":
                palette = data
            elif chunk_type == b"tRNS":
                return False
        if header is None or chunk_type != b"IDAT":
            return False
        bits, color_type, _compression, _filter, interlace = header[8:13]
        if interlace or color_type not in (0, 2, 3) or (color_type == 3 and not palette):
            return False
        colors = {0: 1, 2: 3, 3: 1}[color_type]
        if color_type == 0:
            space = b"/DeviceGray"
        elif color_type == 2:
            space = b"/DeviceRGB"
        else:
            space = b"[/Indexed/DeviceRGB %d <%s>]" % (
                len(palette) // 3 - 1,
                palette.hex().encode(),
            )
        entries = b"/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace%s" % (
            width,
            height,
            space,
        )
        entries += b"/BitsPerComponent %d/Filter/FlateDecode" % bits
        entries += b"/DecodeParms<</Predictor 15/Colors %d/BitsPerComponent %d/Columns %d>>" % (
            colors,
            bits,
            width,
        )

        def idat() -> Iterator[bytes]:
            handle.seek(start)
            while True:
                length, kind = _png_chunk(handle)
                if kind is None or kind == b"IEND":
                    return
                if kind == b"IDAT":
                    left = length
                    while left:
                        data = handle.read(min(CHUNK, left))
                        if not data:
                            return
                        left -= len(data)
                        yield data
                else:
                    handle.seek(length, io.SEEK_CUR)
                handle.read(4)

        self.write_stream(number, entries, idat())
        return True

    def _decoded(self, number: int, image: Image.Image) -> None:
        """Any other image: decoded once, compressed strip by strip (palette images keep their
        palette; transparency is laid on white)."""
        image.seek(0)
        transparent = "transparency" in image.info or image.mode in ("RGBA", "LA", "PA")
        if image.mode == "P" and not transparent:
            palette = (image.getpalette() or [])[: 3 * 256]
            count = len(palette) // 3
            space = b"[/Indexed/DeviceRGB %d <%s>]" % (count - 1, bytes(palette).hex().encode())
            convert = None
        elif image.mode in ("L", "1", "I;16", "I", "F") and not transparent:
            space, convert = b"/DeviceGray", "L"
        else:
            space, convert = b"/DeviceRGB", "RGB"
        width, height = image.size
        entries = b"/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace%s" % (
            width,
            height,
            space,
        )
        entries += b"/BitsPerComponent 8/Filter/FlateDecode"

        def strips() -> Iterator[bytes]:
            compressor = zlib.compressobj(6)
            for top in range(0, height, STRIP_ROWS):
                strip = image.crop((0, top, width, min(height, top + STRIP_ROWS)))
                if convert == "RGB" and transparent:
                    rgba = strip.convert("RGBA")
                    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                    strip = Image.alpha_composite(white, rgba).convert("RGB")
                elif convert and strip.mode != convert:
                    strip = strip.convert(convert)
                yield compressor.compress(strip.tobytes())
            yield compressor.flush()

        self.write_stream(number, entries, strips())

    # ------------------------------------------------------------ the end

    def finish(self, *, outline: list[OutlineItem], title: str) -> None:
        kids = b" ".join(b"%d 0 R" % n for n in self.page_numbers)
        self.write_object(
            self.pages_ref,
            b"<</Type/Pages/Kids[%s]/Count %d>>" % (kids, self.page_count),
        )
        outlines = self._outline(outline)
        nums = b" ".join(
            b"%d <</S/D/P%s>>" % (first, pdf_text(prefix)) for first, prefix in self.labels
        )
        catalog = self.reserve()
        self.write_object(
            catalog,
            b"<</Type/Catalog/Pages %d 0 R%s/PageLabels<</Nums[%s]>>/PageMode/%s>>"
            % (
                self.pages_ref,
                b"/Outlines %d 0 R" % outlines if outlines else b"",
                nums,
                b"UseOutlines" if outlines else b"UseNone",
            ),
        )
        info = self.reserve()
        now = datetime.datetime.now(datetime.UTC).strftime("D:%Y%m%d%H%M%SZ")
        self.write_object(
            info,
            b"<</Title%s/Producer%s/CreationDate(%s)>>"
            % (pdf_text(title), pdf_text(_("职称申报评审平台")), now.encode()),
        )
        xref = self.position
        count = len(self.offsets)
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % count)
        for offset in self.offsets[1:]:
            if offset is None:  # reserved and never written: a free entry
                self._write(b"0000000000 65535 f \n")
            else:
                self._write(b"%010d 00000 n \n" % offset)
        self._write(
            b"trailer\n<</Size %d/Root %d 0 R/Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n"
            % (count, catalog, info, xref)
        )

    def _outline(self, items: list[OutlineItem]) -> int | None:
        if not items:
            return None
        root = self.reserve()
        total = self._outline_level(items, root)
        first, last = items[0]._number, items[-1]._number
        self.write_object(
            root, b"<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>" % (first, last, total)
        )
        return root

    def _outline_level(self, items: list[OutlineItem], parent: int) -> int:
        """Write the items (and their children) under parent; returns how many are shown."""
        for item in items:
            item._number = self.reserve()
        shown = len(items)
        for index, item in enumerate(items):
            entries = b"/Title%s/Parent %d 0 R" % (pdf_text(item.title), parent)
            if index:
                entries += b"/Prev %d 0 R" % items[index - 1]._number
            if index < len(items) - 1:
                entries += b"/Next %d 0 R" % items[index + 1]._number
            if item.children:
                opened = self._outline_level(item.children, item._number)
                entries += b"/First %d 0 R/Last %d 0 R/Count %d" % (
                    item.children[0]._number,
                    item.children[-1]._number,
                    opened,
                )
                shown += opened
            page = self.page_numbers[min(item.page, self.page_count - 1)]
            entries += b"/Dest[%d 0 R/Fit]" % page
            self.write_object(item._number, b"<<" + entries + b">>")
        return shown


# ---------------------------------------------------------------- helpers


def _number(value: float) -> bytes:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    while True:
        data = handle.read(CHUNK)
        if not data:
            return
        yield data


def _png_chunk(handle: BinaryIO) -> tuple[int, bytes | None]:
    head = handle.read(8)
    if len(head) < 8:
        return 0, None
    return int.from_bytes(head[:4], "big"), head[4:]


def _orientation(image: Image.Image) -> int:
    try:
        value = int(image.getexif().get(0x0112, 1))
    except Exception:
        return 1
    return value if 1 <= value <= 8 else 1


def _dpi(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 50 <= value <= 1200 else DEFAULT_DPI


def _placement(orientation: int, width: float, height: float) -> tuple[float, ...]:
    """The matrix that draws the stored image (the unit square, its first row at the top) as
    a width × height picture the right way up, for each EXIF orientation."""
    w, h = width, height
    return {
        1: (w, 0, 0, h, 0, 0),
        2: (-w, 0, 0, h, w, 0),  # mirrored left-right
        3: (-w, 0, 0, -h, w, h),  # upside down
        4: (w, 0, 0, -h, 0, h),  # mirrored top-bottom
        5: (0, -h, -w, 0, w, h),  # transposed
        6: (0, -h, w, 0, 0, h),  # to be turned 90° clockwise
        7: (0, h, w, 0, 0, 0),  # transversed
        8: (0, h, -w, 0, w, 0),  # to be turned 90° anticlockwise
    }[orientation]


# ---------------------------------------------------------------- the packet


@dataclass
class PacketResult:
    pages: int
    files: int
    unreadable: list[str]


def write_packet(
    out: BinaryIO,
    *,
    form_pdf: bytes,
    form_outline: list[tuple[str, int]],
    files: list[PacketFile],
    open_file: Callable[[PacketFile], BinaryIO],
    placeholder: Callable[[PacketFile, str], bytes],
    title: str,
    progress: Callable[[int, int], None] | None = None,
) -> PacketResult:
    """The packet into `out`: the form, then each file (opened with open_file, closed after);
    `placeholder(file, reason)` makes the page that stands for a file that cannot be read."""
    writer = PdfStreamWriter(out)
    total = len(files) + 1
    writer.label(0, _("评审表-"))
    writer.append_pdf(PdfReader(io.BytesIO(form_pdf)))
    form_item = OutlineItem(
        _("评审表"), 0, [OutlineItem(name, page) for name, page in form_outline]
    )
    outline = [form_item]
    if progress:
        progress(1, total)
    sections: dict[str, OutlineItem] = {}
    slots: dict[tuple[str, str], OutlineItem] = {}
    unreadable = []
    for number, item in enumerate(files, start=1):
        first = writer.page_count
        writer.label(first, _("附件%(n)d-") % {"n": number})
        try:
            handle = open_file(item)
            try:
                if item.kind == "pdf":
                    writer.append_pdf(PdfReader(handle))
                else:
                    writer.append_image(handle, item.kind)
            finally:
                handle.close()
        except Exception as error:  # one bad file must not cost the whole packet
            writer.rollback(first)
            logger.warning("packet: %s (%s) left out: %r", item.name, item.storage_name, error)
            reason = _("文件无法读取（%(e)s）") % {"e": type(error).__name__}
            if writer.page_count == first:
                writer.append_pdf(PdfReader(io.BytesIO(placeholder(item, reason))))
            unreadable.append(item.name)
        section = sections.get(item.section_code)
        if section is None:
            section = sections[item.section_code] = OutlineItem(item.section_title, first)
            outline.append(section)
        slot = slots.get((item.section_code, item.slot_code))
        if slot is None:
            slot = slots[(item.section_code, item.slot_code)] = OutlineItem(item.slot_name, first)
            section.children.append(slot)
        slot.children.append(OutlineItem(item.name, first))
        if progress:
            progress(number + 1, total)
    writer.finish(outline=outline, title=title)
    return PacketResult(pages=writer.page_count, files=len(files), unreadable=unreadable)
