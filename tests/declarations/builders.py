"""Valid section data for the engineering plan, entered through the sections' own forms, and a
valid file in every required attachment slot."""

from functools import cache

from attachments import services as attachment_services
from declarations import services
from declarations.models import AttachmentSlot, Declaration
from tests.declarations.test_query_budgets import (
    ROW_SECTIONS,
    bound,
    prefixed,
    single_values,
    store,
    stored_rows,
)


@cache
def _photo():
    from tests.attachments.conftest import jpeg_bytes

    return jpeg_bytes((300, 420))


@cache
def _scan():
    from tests.attachments.conftest import pdf_bytes

    return pdf_bytes()


def upload_valid(declaration, slot, name=None):
    """Upload a file the slot accepts (a photo-sized JPEG or a one-page PDF) and run its check
    now, as the worker would after commit."""
    from tests.attachments.conftest import upload

    if slot.is_photo:
        file = upload(name or f"{slot.name}.jpg", _photo(), "image/jpeg")
    else:
        file = upload(name or f"{slot.name}.pdf", _scan(), "application/pdf")
    attachment = attachment_services.upload_attachment(
        actor=declaration.applicant, declaration=declaration, slot=slot, uploaded_file=file
    )
    return attachment_services.check_attachment(attachment_id=attachment.pk)


def upload_required_files(declaration):
    """One valid file in every required slot of the plan's enabled sections."""
    slots = AttachmentSlot.objects.filter(
        plan_section__plan_id=declaration.plan_id, plan_section__enabled=True, required=True
    ).select_related("plan_section")
    for slot in slots:
        attachment = upload_valid(declaration, slot)
        assert attachment.status == "valid", (slot.code, attachment.reason)


def fill_valid(declaration, unit, rows=1, files=True):
    """Save every section of the engineering plan with valid data; the unit is the declaring
    unit. Data goes through each form, so it is what a person could have saved; each required
    attachment slot gets one valid file (files=False: the data only)."""
    for code, values in single_values(declaration, unit).items():
        form = bound(declaration, code, prefixed(code, values))
        assert form.is_valid(), (code, form.errors)
        store(declaration, code, form.to_data())
    for code in ROW_SECTIONS:
        store(declaration, code, {"rows": stored_rows(declaration, code, rows)})
    Declaration.objects.filter(pk=declaration.pk).update(declaring_unit=unit)
    declaration.refresh_from_db()
    if files:
        upload_required_files(declaration)
        assert services.missing_items(declaration) == []
    return declaration
