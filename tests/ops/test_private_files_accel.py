"""PRIVATE_FILES_ACCEL (core/files.py): once the view has checked permission, the bytes are
carried by nginx (X-Accel-Redirect, local disk) or by S3 (a short-lived signed URL), never by
Django; off, Django streams them as before. The permission checks do not move: whoever may
not have a file still gets 404 / 403 with the setting on."""

import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from django.urls import reverse

from attachments.models import Attachment
from documents.models import DocumentKind
from tests.attachments.test_s3_storage import (  # noqa: F401 - fixtures
    bucket,
    moto_endpoint,
    s3_storage,
)
from tests.declarations.builders import upload_valid
from tests.documents.conftest import chain, filled, submitted  # noqa: F401
from tests.documents.conftest import document as generated_document

pytestmark = pytest.mark.django_db

NAME = "2012年 学历备案表（张三）.pdf"


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


@pytest.fixture
def accel(settings, media):
    settings.PRIVATE_FILES_ACCEL = True
    return media


def slot(declaration, code):
    return declaration.plan.sections.get(slots__code=code).slots.get(code=code)


def scan_of(declaration, code="education_record", name=NAME):
    """A file that passed its check, uploaded by the applicant to the slot ``code``."""
    return upload_valid(declaration, slot(declaration, code), name=name)


def lifetime(query) -> int:
    """Seconds the signed URL stays valid, for either signature version the store may use."""
    if "X-Amz-Signature" in query:  # Signature Version 4
        return int(query["X-Amz-Expires"][0])
    assert "Signature" in query  # Version 2: an absolute expiry time
    return round(int(query["Expires"][0]) - time.time())


def as_user(client, user):
    client.force_login(user, backend="applicants.backends.MultiIdentifierBackend")
    return client


def download(attachment, query=""):
    return reverse("attachments:download", args=[attachment.pk]) + query


def test_on_the_download_is_an_empty_response_for_nginx(client, accel, engineering_declaration):
    scan = scan_of(engineering_declaration)
    response = as_user(client, engineering_declaration.applicant).get(download(scan))

    assert response.status_code == 200
    assert not response.streaming
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/_protected/{scan.file.name}"
    assert (accel / scan.file.name).is_file()  # where nginx's internal location looks
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"file.pdf\"; filename*=UTF-8''{quote(NAME, safe='')}"
    )
    # The view's own headers are still set (nginx copies them: deploy/nginx/zhicheng.conf).
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_on_the_thumbnail_goes_to_nginx_too(client, accel, engineering_declaration):
    photo = scan_of(engineering_declaration, "photo", "照片.jpg")
    response = as_user(client, engineering_declaration.applicant).get(
        reverse("attachments:thumbnail", args=[photo.pk])
    )
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_protected/{photo.thumbnail.name}"
    assert response["Content-Type"] == "image/jpeg"


def test_on_a_generated_pdf_goes_to_nginx(client, settings, submitted, committed_applicant):  # noqa: F811
    settings.PRIVATE_FILES_ACCEL = True
    form = generated_document(submitted, DocumentKind.FORM)
    response = as_user(client, committed_applicant).get(
        reverse("documents:download", args=[submitted.pk, DocumentKind.FORM])
    )
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_protected/{form.file.name}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; ")


def test_off_the_bytes_are_streamed_as_before(client, settings, media, engineering_declaration):
    settings.PRIVATE_FILES_ACCEL = False
    scan = scan_of(engineering_declaration)
    response = as_user(client, engineering_declaration.applicant).get(download(scan))
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == (media / scan.file.name).read_bytes()
    assert "X-Accel-Redirect" not in response


def test_on_permission_is_checked_first(client, accel, engineering_declaration, outsider):
    scan = scan_of(engineering_declaration)

    response = as_user(client, outsider).get(download(scan))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response

    client.logout()
    response = client.get(download(scan))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    # A file that did not pass its check is refused to its owner too (403 with the reason).
    Attachment.objects.filter(pk=scan.pk).update(
        status=Attachment.Status.REJECTED, reason="不是PDF"
    )
    response = as_user(client, engineering_declaration.applicant).get(download(scan))
    assert response.status_code == 403 and "X-Accel-Redirect" not in response


def test_on_a_missing_file_is_the_views_404(client, accel, engineering_declaration):
    scan = scan_of(engineering_declaration)
    (accel / scan.file.name).unlink()
    response = as_user(client, engineering_declaration.applicant).get(download(scan))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


# ---------------------------------------------------------------- S3


def test_on_s3_the_download_redirects_to_a_short_lived_signed_url(
    client,
    settings,
    s3_storage,  # noqa: F811
    engineering_declaration,
):
    settings.PRIVATE_FILES_ACCEL = True
    scan = scan_of(engineering_declaration)
    assert scan.status == Attachment.Status.VALID, scan.reason

    response = as_user(client, engineering_declaration.applicant).get(download(scan))

    assert response.status_code == 302
    assert not response.streaming and response.content == b""
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert urlsplit(location).path.endswith(f"/{scan.file.name}")
    assert 58 <= lifetime(query) <= 60
    assert query["response-content-type"] == ["application/pdf"]
    assert query["response-content-disposition"][0].startswith("attachment; ")
    assert response["Cache-Control"] == "private, no-store"

    # The store hands out the file under the signed name and type.
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == scan.file.open("rb").read()
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["Content-Disposition"].endswith(f"UTF-8''{quote(NAME, safe='')}")
    # (moto does not verify signatures, so a tampered URL cannot be tested here; MinIO and S3
    # refuse one, since the response-* parameters are part of what is signed.)
    assert "response-content-disposition" in query and "response-content-type" in query


def test_on_s3_the_url_can_point_at_the_proxy_in_front_of_the_store(
    client,
    settings,
    s3_storage,  # noqa: F811
    engineering_declaration,
    outsider,
):
    settings.PRIVATE_FILES_ACCEL = True
    settings.PRIVATE_FILES_S3_PUBLIC_URL = "/_s3"
    _client, bucket_name = s3_storage
    scan = scan_of(engineering_declaration)

    location = as_user(client, engineering_declaration.applicant).get(download(scan))["Location"]
    assert location.startswith(f"/_s3/{bucket_name}/{scan.file.name}?")
    assert 58 <= lifetime(parse_qs(urlsplit(location).query)) <= 60

    client.logout()
    response = as_user(client, outsider).get(download(scan))
    assert response.status_code == 404 and not response.has_header("Location")
