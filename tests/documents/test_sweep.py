"""The sweep of documents left behind (every minute from beat): a request never claimed is
queued again after 2 minutes; a render that was started is queued again only once it cannot
still be running (longer than the render's hard time limit); then MAX_ATTEMPTS gives up."""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from config.celery import app
from documents import services
from documents.models import DocumentStatus, GeneratedDocument
from tests.documents.conftest import document

pytestmark = pytest.mark.django_db


@contextmanager
def later(delta: timedelta):
    """Within the block Django's clock (timezone.now) is frozen at `delta` from now."""
    frozen = timezone.now() + delta
    with mock.patch.object(timezone, "now", lambda: frozen):
        yield


def left_behind(declaration, status):
    form = document(declaration)
    GeneratedDocument.objects.filter(pk=form.pk).update(
        status=status, generation=form.generation + 1, updated_at=timezone.now(), source_hash=""
    )
    return form


def test_a_lost_request_is_queued_again_after_two_minutes(submitted):
    form = left_behind(submitted, DocumentStatus.PENDING)
    with later(timedelta(seconds=110)):
        assert services.requeue_stuck_documents() == 0
    with later(timedelta(seconds=130)):
        assert services.requeue_stuck_documents() == 1
    form = document(submitted)
    assert form.status == DocumentStatus.READY and form.rendered_generation == form.generation


def test_a_started_render_is_queued_again_only_after_its_time_limit(submitted):
    left_behind(submitted, DocumentStatus.RENDERING)  # a worker killed mid-render
    for minutes in (3, 10):
        with later(timedelta(minutes=minutes)):
            assert services.requeue_stuck_documents() == 0
    assert document(submitted).status == DocumentStatus.RENDERING
    with later(services.STUCK_AFTER + timedelta(seconds=60)):
        assert services.requeue_stuck_documents() == 1
    assert document(submitted).status == DocumentStatus.READY


def test_the_sweep_runs_every_minute():
    entry = app.conf.beat_schedule["requeue-stuck-document-renders"]
    assert entry["task"] == "documents.tasks.requeue_stuck_documents"
    assert entry["schedule"] == 60 and entry["options"]["expires"] < 60
    assert services.STUCK_AFTER.total_seconds() > services.RENDER_TIME_LIMIT
