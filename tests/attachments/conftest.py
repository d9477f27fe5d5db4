import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


def jpeg_bytes(size=(300, 420), quality=90, noise=True):
    image = Image.new("RGB", size, (200, 210, 220))
    if noise:
        # Some texture so the file is not tiny (photos must be at least 30 KB).
        import random

        rng = random.Random(7)
        pixels = image.load()
        for x in range(0, size[0], 1):
            for y in range(0, size[1], 1):
                pixels[x, y] = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def pdf_bytes(pages=1):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
