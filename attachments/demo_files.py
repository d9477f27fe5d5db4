"""Generated files the attachment checks accept: an ID photo (JPEG) and scans (PDF). The demo data
(seed_demo) and the tests upload them; nothing here is served to anyone else."""

import io
import random
from functools import cache

from PIL import Image
from pypdf import PdfWriter


def jpeg_bytes(size=(300, 420), quality=90, noise=True) -> bytes:
    """A JPEG of `size` pixels. With noise (the default) its texture keeps the file well above
    the photo rules' 30 KB at 300×420 (about 115 KB); the noise is the same on every call."""
    if noise:
        rng = random.Random(7)
        image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 210, 220))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def pdf_bytes(pages=1) -> bytes:
    """A PDF of blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def photo() -> bytes:
    """An ID photo that meets the photo rules: 300×420 (ratio 0.71), between 30 KB and 1 MB."""
    return jpeg_bytes((300, 420))


@cache
def scan() -> bytes:
    """A one-page PDF scan."""
    return pdf_bytes()
