"""Replacing the photo quickly (an applicant choosing one file after another into the one-file
photo slot): the check of a replaced file ends quietly, no thumbnail is written for a row that
is gone, and afterwards storage holds exactly the files that have rows (no orphaned upload or
thumbnail). Eagerly here, and on a real worker (PostgreSQL + Redis) in the last test."""

import logging
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from attachments import services, validation
from attachments.models import Attachment
from tests.attachments.conftest import jpeg_bytes, upload
from tests.integration.conftest import celery_workers, private_media, wait_for  # noqa: F401

REPLACEMENTS = 30


def photo_slot(declaration):
    return declaration.plan.sections.get(slots__code="photo").slots.get(code="photo")


def put_photo(declaration, number):
    return services.upload_attachment(
        actor=declaration.applicant,
        declaration=declaration,
        slot=photo_slot(declaration),
        # A slightly different photo each time (the check reads every one).
        uploaded_file=upload(f"照片{number}.jpg", jpeg_bytes((300, 420 + number % 7))),
    )


def stored_files() -> set[str]:
    root = Path(default_storage.location)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def files_with_rows() -> set[str]:
    names = set()
    for attachment in Attachment.objects.all():
        names.add(attachment.file.name)
        if attachment.thumbnail:
            names.add(attachment.thumbnail.name)
    return names


@pytest.mark.django_db
def test_thirty_replacements_leave_one_photo_and_no_orphan(
    engineering_declaration, django_capture_on_commit_callbacks
):
    for number in range(REPLACEMENTS):
        with django_capture_on_commit_callbacks(execute=True):
            put_photo(engineering_declaration, number)

    photo = Attachment.objects.get(declaration=engineering_declaration)
    assert photo.status == Attachment.Status.VALID, photo.reason
    assert photo.original_name == f"照片{REPLACEMENTS - 1}.jpg" and photo.thumbnail
    assert stored_files() == files_with_rows() == {photo.file.name, photo.thumbnail.name}


@pytest.mark.django_db
def test_photo_replaced_before_its_file_is_read_ends_the_check_quietly(
    engineering_declaration, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=False):
        first = put_photo(engineering_declaration, 1)

    def replace(attachment):
        # The applicant's next upload commits (and deletes the first file) mid-check.
        with django_capture_on_commit_callbacks(execute=True):
            put_photo(engineering_declaration, 2)

    with caplog.at_level(logging.INFO, logger="attachments"):
        assert services.check_attachment(attachment_id=first.pk, after_claim=replace) is None

    assert "replaced or deleted during its check" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    second = Attachment.objects.get(declaration=engineering_declaration)
    assert second.status == Attachment.Status.VALID and second.thumbnail
    assert stored_files() == files_with_rows() == {second.file.name, second.thumbnail.name}


@pytest.mark.django_db
def test_photo_replaced_while_it_is_read_gets_no_thumbnail(
    engineering_declaration, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    with django_capture_on_commit_callbacks(execute=False):
        first = put_photo(engineering_declaration, 1)
    real_inspect = validation.inspect

    def inspect_then_replaced(handle, **kwargs):
        result = real_inspect(handle, **kwargs)
        monkeypatch.setattr(validation, "inspect", real_inspect)
        with django_capture_on_commit_callbacks(execute=True):
            put_photo(engineering_declaration, 2)
        return result

    monkeypatch.setattr(validation, "inspect", inspect_then_replaced)
    with caplog.at_level(logging.INFO, logger="attachments"):
        assert services.check_attachment(attachment_id=first.pk) is None

    assert "replaced or deleted during its check" in caplog.text
    second = Attachment.objects.get(declaration=engineering_declaration)
    assert second.pk != first.pk and second.status == Attachment.Status.VALID
    # One thumbnail: the second photo's; none was written for the first.
    assert stored_files() == files_with_rows() == {second.file.name, second.thumbnail.name}


@pytest.mark.django_db
def test_deleting_a_file_read_before_its_check_finished_removes_its_thumbnail(
    engineering_declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        photo = put_photo(engineering_declaration, 1)
    stale = Attachment.objects.get(pk=photo.pk)  # read by the page before the check finished
    assert not stale.thumbnail
    services.check_attachment(attachment_id=photo.pk)
    photo.refresh_from_db()
    assert photo.thumbnail

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(actor=engineering_declaration.applicant, attachment=stale)

    assert not Attachment.objects.exists()
    assert stored_files() == set()


@pytest.mark.celery_worker
def test_thirty_replacements_on_a_real_worker(celery_workers, engineering_declaration):  # noqa: F811
    worker = celery_workers(pool="prefork")
    for number in range(REPLACEMENTS):
        put_photo(engineering_declaration, number)

    def settled():
        # Every check has run (30 task lines in the log) and the last photo is decided.
        done = worker.output(tail=1_000_000).count("succeeded in")
        photo = Attachment.objects.filter(declaration=engineering_declaration).first()
        return done >= REPLACEMENTS and photo and photo.status != Attachment.Status.CHECKING

    assert wait_for(settled, timeout=90), worker.output()
    log = worker.output(tail=1_000_000)
    assert "Traceback" not in log and "DoesNotExist" not in log, log
    photo = Attachment.objects.get(declaration=engineering_declaration)
    assert photo.status == Attachment.Status.VALID, photo.reason
    assert photo.original_name == f"照片{REPLACEMENTS - 1}.jpg"
    assert stored_files() == files_with_rows() == {photo.file.name, photo.thumbnail.name}
