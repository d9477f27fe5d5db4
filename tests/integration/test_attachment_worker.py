"""The deep check of uploads on a real Celery worker process (Redis + PostgreSQL), including a
worker killed in the middle of a check: the file still ends valid, with no manual step."""

import json
import os
import signal
import threading

import pytest
from django.db import connection, connections

from attachments import services
from attachments.models import Attachment
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, upload
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.celery_worker

# Redis gives an unacknowledged message (its worker died) to another worker after
# visibility_timeout seconds; a few seconds here, and restore sweeps every second.
FAST_REDELIVERY = {
    "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
        {"visibility_timeout": 2, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    )
}


def slot(declaration, code):
    return declaration.plan.sections.get(slots__code=code).slots.get(code=code)


def put(declaration, code, name, content):
    return services.upload_attachment(
        actor=declaration.applicant,
        declaration=declaration,
        slot=slot(declaration, code),
        uploaded_file=upload(name, content),
    )


def decided(attachment):
    def _decided():
        attachment.refresh_from_db()
        return attachment.status != Attachment.Status.CHECKING

    return _decided


def test_worker_checks_uploads_valid_and_rejected(celery_workers, engineering_declaration):
    worker = celery_workers()
    good = put(engineering_declaration, "education_record", "学历备案表.pdf", pdf_bytes(2))
    bad = put(
        engineering_declaration,
        "education_record",
        "坏文件.pdf",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R" + b"\x00" * 64,
    )
    photo = put(engineering_declaration, "photo", "照片.jpg", jpeg_bytes((300, 420)))
    for attachment in (good, bad, photo):
        assert attachment.status == Attachment.Status.CHECKING

    for attachment in (good, bad, photo):
        assert wait_for(decided(attachment)), f"not checked within 30 s:\n{worker.output()}"

    assert good.status == Attachment.Status.VALID, good.reason
    assert good.page_count == 2 and len(good.sha256) == 64 and good.check_attempts == 1
    assert bad.status == Attachment.Status.REJECTED
    assert bad.reason and bad.check_attempts == 1
    assert photo.status == Attachment.Status.VALID, photo.reason
    # The worker wrote the thumbnail where this process reads it (the same MEDIA_ROOT).
    assert photo.thumbnail and photo.thumbnail.storage.exists(photo.thumbnail.name)


def test_worker_killed_mid_check_is_redelivered_to_a_new_worker(
    celery_workers, engineering_declaration
):
    # A slow check (test-only delay after the attempt is counted), so the kill lands mid-task.
    first = celery_workers(env={"ATTACHMENT_CHECK_TEST_DELAY": "60", **FAST_REDELIVERY})
    attachment = put(engineering_declaration, "education_record", "学历备案表.pdf", pdf_bytes(1))

    def started():
        attachment.refresh_from_db()
        return attachment.check_attempts == 1

    assert wait_for(started, timeout=20, interval=0.05), first.output()
    first.kill()
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.CHECKING and attachment.check_attempts == 1

    # A new worker, without the delay: Redis hands it the unacknowledged message.
    second = celery_workers(env=FAST_REDELIVERY)
    assert wait_for(decided(attachment), timeout=30), second.output()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert attachment.check_attempts == 2 and attachment.page_count == 1


def test_pool_process_killed_mid_check_is_requeued_by_reject_on_worker_lost(
    celery_workers, engineering_declaration
):
    # Prefork: SIGKILL the pool process running the check; the parent sees WorkerLostError and,
    # because of acks_late + reject_on_worker_lost, puts the message back at once.
    worker = celery_workers(env={"ATTACHMENT_CHECK_TEST_DELAY": "3"}, pool="prefork")
    attachment = put(engineering_declaration, "education_record", "学历备案表.pdf", pdf_bytes(1))

    def started():
        attachment.refresh_from_db()
        return attachment.check_attempts == 1

    assert wait_for(started, timeout=20, interval=0.05), worker.output()
    children = worker.pool_children()
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.CHECKING and attachment.check_attempts == 1

    assert wait_for(decided(attachment), timeout=30), worker.output()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert attachment.check_attempts == 2


def test_check_is_not_skipped_while_another_upload_holds_the_slot(
    transactional_db, private_media, engineering_declaration, monkeypatch
):
    """An upload into the same slot, still uncommitted, holds a FOR KEY SHARE lock on the slot
    row (its foreign key). The check locks only the attachment row, so it neither waits for
    that upload nor skips the file."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    monkeypatch.setattr(services, "queue_check", lambda attachment: None)  # checked below
    attachment = put(engineering_declaration, "education_record", "学历备案表.pdf", pdf_bytes(1))
    assert attachment.status == Attachment.Status.CHECKING
    holding, release = threading.Event(), threading.Event()

    def other_upload():
        try:
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT id FROM declarations_attachmentslot WHERE id = %s FOR KEY SHARE",
                    [attachment.slot_id],
                )
                holding.set()
                release.wait(20)
                cursor.execute("ROLLBACK")
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_upload)
    thread.start()
    try:
        assert holding.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        services.check_attachment(attachment_id=attachment.pk)
    finally:
        release.set()
        thread.join(20)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert attachment.check_attempts == 1
