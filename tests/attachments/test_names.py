"""A file's name ends with the extension of what its content is: the client's extension does not
survive when it is wrong (double.pdf.exe holding a PDF is double.pdf; x.html holding a PNG is
x.png) — in the upload's answer, the section page, the review page, the download and the
snapshot's record."""

import importlib
from urllib.parse import quote

import pytest
from django.apps import apps
from django.urls import reverse

from attachments.detection import name_for_kind
from attachments.models import Attachment
from declarations import services as declaration_services
from declarations.models import AttachmentSlot, Submission
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, upload
from tests.declarations.builders import fill_valid

HTMX = {"HTTP_HX_REQUEST": "true"}


def png_bytes():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 210, 220)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("备案表.pdf", "pdf", "备案表.pdf"),  # right: kept as typed
        ("证件照.JPG", "jpeg", "证件照.JPG"),
        ("扫描.jpeg", "jpeg", "扫描.jpeg"),
        ("double.pdf.exe", "pdf", "double.pdf"),  # a wrong trailing extension is dropped
        ("x.html", "png", "x.png"),  # … and the right one added
        ("扫描件.pdf", "jpeg", "扫描件.jpg"),
        ("scan", "pdf", "scan.pdf"),  # none: added
        ("a.exe.html", "gif", "a.exe.gif"),
        ("报告.第二版", "pdf", "报告.第二版.pdf"),  # not an extension: kept, one added
    ],
)
def test_name_for_kind(name, kind, shown):
    assert name_for_kind(name, kind) == shown


def slot(declaration, code):
    return AttachmentSlot.objects.select_related("plan_section").get(
        plan_section__plan=declaration.plan, code=code
    )


def post(client, declaration, slot_code, name, content):
    return client.post(
        reverse("attachments:upload", args=[declaration.pk, slot(declaration, slot_code).pk]),
        {"file": upload(name, content)},
        **HTMX,
    )


@pytest.fixture
def declaration(engineering_declaration, unit):
    return fill_valid(engineering_declaration, unit)


@pytest.fixture
def applicant_client(login, declaration):
    return login(declaration.applicant)


@pytest.mark.parametrize(
    ("typed", "content", "shown", "wrong"),
    [
        ("double.pdf.exe", pdf_bytes, "double.pdf", "double.pdf.exe"),
        ("x.html", png_bytes, "x.png", "x.html"),
    ],
)
def test_a_wrong_extension_is_replaced_everywhere(
    applicant_client,
    login,
    declaration,
    unit_reviewer,
    django_capture_on_commit_callbacks,
    typed,
    content,
    shown,
    wrong,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(applicant_client, declaration, "other_attachments", typed, content())
    assert response.status_code == 200
    html = response.content.decode()
    assert shown in html and wrong not in html
    attachment = Attachment.objects.get(declaration=declaration, slot__code="other_attachments")
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert attachment.original_name == shown

    page = applicant_client.get(reverse("declarations:section", args=[declaration.pk, "other"]))
    assert shown in page.content.decode() and wrong not in page.content.decode()

    declaration_services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    [recorded] = [
        f
        for f in Submission.objects.get(declaration=declaration).snapshot["attachments"]
        if f["slot"] == "other_attachments"
    ]
    assert recorded["name"] == shown and recorded["id"] == attachment.pk

    reviewer = login(unit_reviewer)
    review = reviewer.get(reverse("review:detail", args=[declaration.pk])).content.decode()
    assert shown in review and wrong not in review
    download = reviewer.get(reverse("attachments:download", args=[attachment.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition == f'attachment; filename="{shown}"'


def test_a_right_extension_is_kept(
    applicant_client, declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(applicant_client, declaration, "other_attachments", "2020年 获奖证书.PDF", pdf_bytes())
    attachment = Attachment.objects.get(declaration=declaration, slot__code="other_attachments")
    assert attachment.original_name == "2020年 获奖证书.PDF"
    response = applicant_client.get(reverse("attachments:download", args=[attachment.pk]))
    assert (
        f"filename*=UTF-8''{quote('2020年 获奖证书.PDF', safe='')}"
        in (response["Content-Disposition"])
    )


def test_a_name_stored_before_the_fix_is_downloaded_with_the_right_extension(
    applicant_client, declaration
):
    attachment = Attachment.objects.filter(declaration=declaration, kind="pdf").first()
    Attachment.objects.filter(pk=attachment.pk).update(original_name="旧文件.pdf.exe")
    response = applicant_client.get(reverse("attachments:download", args=[attachment.pk]))
    assert f"filename*=UTF-8''{quote('旧文件.pdf', safe='')}" in response["Content-Disposition"]
    assert ".exe" not in response["Content-Disposition"]


def test_the_migration_renames_old_files_and_dates_submitted_ones(declaration):
    """Rows from before: wrong names are corrected; files a snapshot recorded (by section, slot
    and content: old snapshots have no ids) get the first round that recorded them."""
    migration = importlib.import_module("attachments.migrations.0002_attachment_submitted_round")
    declaration_services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    photo = Attachment.objects.get(declaration=declaration, slot__code="photo")
    draft_only = Attachment.objects.create(
        declaration=declaration,
        slot=slot(declaration, "other_attachments"),
        file="declarations/x/draft.jpg",
        original_name="草稿.html",
        size=10,
        kind="jpeg",
        status="valid",
        sha256="f" * 64,
        uploaded_by=declaration.applicant,
    )
    Attachment.objects.update(submitted_round=None)
    Attachment.objects.filter(pk=photo.pk).update(original_name="证件照.png")
    migration.forwards(apps, None)
    photo.refresh_from_db()
    draft_only.refresh_from_db()
    assert photo.original_name == "证件照.jpg" and photo.submitted_round == 1
    assert draft_only.original_name == "草稿.jpg" and draft_only.submitted_round is None
    assert not Attachment.objects.filter(declaration=declaration, submitted_round=None).exclude(
        pk=draft_only.pk
    )


def test_jpeg_content_named_pdf_becomes_jpg(applicant_client, declaration):
    response = post(applicant_client, declaration, "other_attachments", "扫描件.pdf", jpeg_bytes())
    assert response.status_code == 200
    assert "扫描件.jpg" in response.content.decode()
