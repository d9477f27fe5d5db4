"""Generated files the attachment checks accept: a small ID photo (JPEG) and scans (PDF), which
the demo data (seed_demo) and the tests upload, and realistic 1–3 MB scans of each accepted type,
which benchmark_attachments checks. Nothing here is served to anyone else."""

import io
import random
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfWriter

SCAN_KINDS = ("jpeg", "png", "gif", "pdf")
EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "pdf": "pdf"}
A4_300_DPI = (2480, 3508)
A4_200_DPI = (1654, 2339)


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


def scanned_page(size, seed: int) -> Image.Image:
    """A grey-white page with sensor noise, lines of "text" and a red stamp."""
    rng = random.Random(seed)
    width, height = size
    noise = Image.effect_noise(size, rng.uniform(20, 60))
    page = Image.blend(Image.new("L", size, rng.randrange(228, 245)), noise, 0.25)
    draw = ImageDraw.Draw(page)
    y = height // 10
    while y < height * 0.9:
        x = width // 10
        while x < width * 0.9:
            word = rng.randrange(width // 40, width // 8)
            draw.rectangle((x, y, x + word, y + height // 140), fill=rng.randrange(20, 70))
            x += word + width // 60
        y += height // 45
    page = page.convert("RGB")
    centre_x, centre_y, radius = int(width * 0.7), int(height * 0.8), width // 10
    ImageDraw.Draw(page).ellipse(
        (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius),
        outline=(200, 30, 30),
        width=max(2, width // 150),
    )
    return page


def scan_file(kind: str, seed: int) -> bytes:
    """A realistic scan of 1–3 MB: a JPEG page at 300 dpi, a PNG or GIF page at 200 dpi, or a
    PDF of 2–3 pages at 200 dpi (a multi-page item scanned into one file)."""
    out = io.BytesIO()
    if kind == "jpeg":
        scanned_page(A4_300_DPI, seed).save(out, format="JPEG", quality=85)
    elif kind == "png":
        scanned_page(A4_200_DPI, seed).convert("L").save(out, format="PNG")
    elif kind == "gif":
        page = scanned_page(A4_200_DPI, seed)
        page.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(out, format="GIF")
    else:
        pages = [scanned_page(A4_200_DPI, seed * 10 + n) for n in range(2 + seed % 2)]
        pages[0].save(
            out, format="PDF", save_all=True, append_images=pages[1:], resolution=200, quality=80
        )
    return out.getvalue()


def write_scan(args) -> tuple[str, str, int]:
    """(kind, seed, directory) -> (kind, path, size): scan_file written to the directory; one
    argument, for a process pool's map."""
    kind, seed, directory = args
    data = scan_file(kind, seed)
    path = Path(directory) / f"{kind}-{seed:04d}.{EXTENSIONS[kind]}"
    path.write_bytes(data)
    return kind, str(path), len(data)


# ---------------------------------------------------------------- the packet benchmark's scans

A4_150_DPI = (1240, 1754)


@cache
def _base_page(size, seed: int) -> Image.Image:
    return scanned_page(size, seed)


def _stamped(size, seed: int, number: int) -> Image.Image:
    """A scanned page (one of a few generated once) with its own number written on it, so
    every file differs without generating a new page each time."""
    page = _base_page(size, seed % 3).copy()
    draw = ImageDraw.Draw(page)
    width, height = size
    draw.rectangle((width // 12, height // 30, width // 3, height // 14), fill=(255, 255, 255))
    draw.text((width // 11, height // 26), f"No. {number:04d}", fill=(0, 0, 0))
    return page


def jpeg_scan(number: int, quality: int = 85) -> bytes:
    """A 300 dpi A4 JPEG scan of about 2 MB."""
    out = io.BytesIO()
    _stamped(A4_300_DPI, number, number).save(out, format="JPEG", quality=quality, dpi=(300, 300))
    return out.getvalue()


def pdf_scan(number: int, pages: int = 10, quality: int = 45) -> bytes:
    """A PDF of `pages` grey A4 pages scanned at 150 dpi (about 2 MB for 10 pages)."""
    images = [
        _stamped(A4_150_DPI, number * 100 + n, number * 100 + n).convert("L") for n in range(pages)
    ]
    out = io.BytesIO()
    images[0].save(
        out, format="PDF", save_all=True, append_images=images[1:], resolution=150, quality=quality
    )
    return out.getvalue()


def clear_caches() -> None:
    """Free the scanned pages generated once and kept for the next files."""
    _base_page.cache_clear()
