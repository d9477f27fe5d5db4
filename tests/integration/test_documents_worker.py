"""The evaluation form and the expert packet drawn by a real Celery worker process (Redis +
PostgreSQL): queued after the submission commits, published when complete; a worker killed in
the middle of a render leaves the previous state served and the render is done again by the
next worker, with no manual step."""

import io
import json

import pytest
from pypdf import PdfReader

from declarations.services import submit_declaration
from documents import services
from documents.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.declarations.builders import fill_valid
from tests.documents.conftest import not_embedded_fonts, outline_titles
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.celery_worker

FAST_REDELIVERY = {
    "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
        {"visibility_timeout": 2, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    )
}


def ready(declaration, kind):
    def _ready():
        document = GeneratedDocument.objects.filter(declaration=declaration, kind=kind).first()
        return document is not None and document.status in (
            DocumentStatus.READY,
            DocumentStatus.FAILED,
        )

    return _ready


def reader_of(document) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def test_worker_draws_the_form_and_the_packet(
    celery_workers, engineering_declaration, unit, committed_applicant
):
    worker = celery_workers()
    fill_valid(engineering_declaration, unit)
    submit_declaration(actor=committed_applicant, declaration=engineering_declaration)

    assert wait_for(ready(engineering_declaration, DocumentKind.FORM), timeout=60), worker.output()
    form = GeneratedDocument.objects.get(declaration=engineering_declaration, kind="form")
    assert form.status == DocumentStatus.READY, form.error
    reader = reader_of(form)
    text = "".join(page.extract_text() for page in reader.pages)
    assert committed_applicant.name in text and "山东大学" in text
    assert not_embedded_fonts(reader) == []
    assert len(reader.pages) == form.pages

    services.queue_render(
        declaration_id=engineering_declaration.pk, round_=1, kind=DocumentKind.PACKET
    )
    assert wait_for(ready(engineering_declaration, DocumentKind.PACKET), timeout=90), (
        worker.output()
    )
    packet = GeneratedDocument.objects.get(declaration=engineering_declaration, kind="packet")
    assert packet.status == DocumentStatus.READY, packet.error
    reader = reader_of(packet)
    assert len(reader.pages) == packet.pages > form.pages
    titles = [title for title, _page, _children in outline_titles(reader)]
    assert titles[0] == "评审表" and "基本信息" in titles
    assert packet.parts_done == packet.parts_total > 1


def test_worker_killed_mid_render_is_redelivered_to_a_new_worker(
    celery_workers, engineering_declaration, unit, committed_applicant
):
    first = celery_workers(env={"DOCUMENT_RENDER_TEST_DELAY": "60", **FAST_REDELIVERY})
    fill_valid(engineering_declaration, unit)
    submit_declaration(actor=committed_applicant, declaration=engineering_declaration)

    def started():
        document = GeneratedDocument.objects.filter(declaration=engineering_declaration).first()
        return document is not None and document.status == DocumentStatus.RENDERING

    assert wait_for(started, timeout=30, interval=0.05), first.output()
    first.kill()
    document = GeneratedDocument.objects.get(declaration=engineering_declaration)
    # Nothing is served: no file was published.
    assert document.status == DocumentStatus.RENDERING and not document.file

    second = celery_workers(env=FAST_REDELIVERY)
    assert wait_for(ready(engineering_declaration, DocumentKind.FORM), timeout=60), second.output()
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    assert document.attempts == 2 and document.rendered_generation == 1
    assert reader_of(document).pages
