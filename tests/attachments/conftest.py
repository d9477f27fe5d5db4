import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.files import jpeg_bytes, pdf_bytes

__all__ = ["jpeg_bytes", "pdf_bytes", "upload"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
