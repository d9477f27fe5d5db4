"""Upload into a slot: plain refusals in the request, the deep check after commit."""

import pytest
from django.core.exceptions import ValidationError

from attachments import services
from attachments.models import Attachment
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, upload


def slot(declaration, code):
    return declaration.plan.sections.get(slots__code=code).slots.get(code=code)


def test_pdf_upload_is_checked_and_becomes_valid(
    engineering_declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.upload_attachment(
            actor=engineering_declaration.applicant,
            declaration=engineering_declaration,
            slot=slot(engineering_declaration, "education_record"),
            uploaded_file=upload("2012 学历备案表.pdf", pdf_bytes(2)),
        )
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID
    assert attachment.page_count == 2 and len(attachment.sha256) == 64
    assert attachment.original_name == "2012 学历备案表.pdf"
    assert "学历" not in attachment.file.name and attachment.file.name.endswith(".pdf")


def test_type_is_decided_by_content_not_name(engineering_declaration):
    with pytest.raises(ValidationError, match="实际内容不是这些格式"):
        services.upload_attachment(
            actor=engineering_declaration.applicant,
            declaration=engineering_declaration,
            slot=slot(engineering_declaration, "education_record"),
            uploaded_file=upload("scan.jpg", b"MZ\x90\x00" + b"\x00" * 100, "image/jpeg"),
        )
    assert not Attachment.objects.exists()


def test_more_than_5_mb_refused_in_the_request(engineering_declaration):
    with pytest.raises(ValidationError, match="超过5MB"):
        services.upload_attachment(
            actor=engineering_declaration.applicant,
            declaration=engineering_declaration,
            slot=slot(engineering_declaration, "education_record"),
            uploaded_file=upload("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 - 8)),
        )
    assert not Attachment.objects.exists()


def test_photo_rules(engineering_declaration, django_capture_on_commit_callbacks):
    photo_slot = slot(engineering_declaration, "photo")
    with django_capture_on_commit_callbacks(execute=True):
        good = services.upload_attachment(
            actor=engineering_declaration.applicant,
            declaration=engineering_declaration,
            slot=photo_slot,
            uploaded_file=upload("照片.jpg", jpeg_bytes((300, 420))),
        )
    good.refresh_from_db()
    assert good.status == Attachment.Status.VALID, good.reason
    with django_capture_on_commit_callbacks(execute=True):
        wide = services.upload_attachment(
            actor=engineering_declaration.applicant,
            declaration=engineering_declaration,
            slot=photo_slot,
            uploaded_file=upload("照片.jpg", jpeg_bytes((420, 310))),
        )
    wide.refresh_from_db()
    assert wide.status == Attachment.Status.REJECTED and "宽高比" in wide.reason
    # One file only: the second replaced the first.
    assert list(Attachment.objects.filter(slot=photo_slot)) == [wide]
