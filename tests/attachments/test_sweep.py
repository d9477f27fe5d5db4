"""Reliability of the deep check: the sweep re-queues files stuck in "checking", gives up after
MAX_CHECK_ATTEMPTS with a reason, transient errors are retried, and a second check of a decided
file changes nothing. Tasks run eagerly here (SQLite or CI's eager PostgreSQL pass), but in the
last test, where a real worker is killed mid-check and the sweep recovers its file."""

import io
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from attachments import services, tasks
from attachments.models import Attachment
from config.celery import app
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, upload
from tests.integration.conftest import celery_workers, private_media  # noqa: F401


def slot(declaration, code):
    return declaration.plan.sections.get(slots__code=code).slots.get(code=code)


@pytest.fixture
def put(engineering_declaration):
    """Upload without running on-commit callbacks: the test transaction never commits, so the
    queued check never runs and the file stays "checking", as if its worker had died."""

    def _put(name="学历备案表.pdf", content=None, code="education_record", age=None):
        attachment = services.upload_attachment(
            actor=engineering_declaration.applicant,
            declaration=engineering_declaration,
            slot=slot(engineering_declaration, code),
            uploaded_file=upload(name, content if content is not None else pdf_bytes(1)),
        )
        if age is not None:
            Attachment.objects.filter(pk=attachment.pk).update(created_at=timezone.now() - age)
        attachment.refresh_from_db()
        return attachment

    return _put


STUCK = timedelta(minutes=11)


@contextmanager
def later(delta: timedelta):
    """Within the block Django's clock (timezone.now) is frozen at `delta` from now."""
    frozen = timezone.now() + delta
    with mock.patch.object(timezone, "now", lambda: frozen):
        yield


def test_stuck_file_is_requeued_and_becomes_valid(put):
    stuck = put(age=STUCK)
    assert stuck.status == Attachment.Status.CHECKING and stuck.check_attempts == 0

    assert tasks.requeue_stuck_checks() == 1

    stuck.refresh_from_db()
    assert stuck.status == Attachment.Status.VALID, stuck.reason
    assert stuck.check_attempts == 1 and stuck.page_count == 1 and len(stuck.sha256) == 64


def test_fresh_checking_file_is_left_alone(put):
    fresh = put(age=timedelta(seconds=100))

    assert services.requeue_stuck_checks() == 0

    fresh.refresh_from_db()
    assert fresh.status == Attachment.Status.CHECKING
    assert fresh.check_attempts == 0 and fresh.checked_at is None


def test_gives_up_after_max_attempts_with_a_reason(put):
    worn_out = put(name="a.pdf", age=STUCK)
    last_chance = put(name="b.pdf", age=STUCK)
    Attachment.objects.filter(pk=worn_out.pk).update(check_attempts=services.MAX_CHECK_ATTEMPTS)
    Attachment.objects.filter(pk=last_chance.pk).update(
        check_attempts=services.MAX_CHECK_ATTEMPTS - 1
    )

    assert services.requeue_stuck_checks() == 1

    worn_out.refresh_from_db()
    assert worn_out.status == Attachment.Status.REJECTED
    assert "多次检查未能完成" in worn_out.reason and worn_out.checked_at is not None
    assert worn_out.check_attempts == services.MAX_CHECK_ATTEMPTS  # not run again
    last_chance.refresh_from_db()
    assert last_chance.status == Attachment.Status.VALID
    assert last_chance.check_attempts == services.MAX_CHECK_ATTEMPTS


@pytest.mark.parametrize(
    ("name", "content", "code", "expected"),
    [
        ("照片.jpg", None, "photo", Attachment.Status.VALID),
        ("宽照片.jpg", "wide", "photo", Attachment.Status.REJECTED),
    ],
)
def test_second_check_of_a_decided_file_changes_nothing(put, name, content, code, expected):
    data = jpeg_bytes((420, 300)) if content == "wide" else jpeg_bytes((300, 420))
    attachment = put(name=name, content=data, code=code)
    tasks.check_attachment.delay(attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status == expected, attachment.reason
    fields = ["status", "reason", "sha256", "page_count", "width", "height", "checked_at"]
    before = {f: getattr(attachment, f) for f in fields}
    before["thumbnail"] = attachment.thumbnail.name
    before["check_attempts"] = attachment.check_attempts

    # Again through the task, through the service, and through the sweep once it is old.
    tasks.check_attachment.delay(attachment.pk)
    services.check_attachment(attachment_id=attachment.pk)
    Attachment.objects.filter(pk=attachment.pk).update(created_at=timezone.now() - STUCK)
    assert services.requeue_stuck_checks() == 0

    attachment.refresh_from_db()
    after = {f: getattr(attachment, f) for f in fields}
    after["thumbnail"] = attachment.thumbnail.name
    after["check_attempts"] = attachment.check_attempts
    assert after == before


def test_check_of_a_deleted_attachment_is_a_no_op(put):
    attachment = put()
    pk = attachment.pk
    Attachment.objects.filter(pk=pk).delete()
    assert services.check_attachment(attachment_id=pk) is None
    assert tasks.check_attachment.delay(pk).get() is None


def _retry_eagerly(monkeypatch):
    # An eager task that propagates its errors raises celery's Retry instead of retrying;
    # without propagation the eager retries run at once, one after the other.
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def test_transient_error_is_retried_and_the_file_ends_valid(put, monkeypatch):
    attachment = put()
    real_inspect = services.validation.inspect
    calls = []

    def flaky(handle, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("NFS hiccup")
        return real_inspect(handle, **kwargs)

    monkeypatch.setattr(services.validation, "inspect", flaky)
    _retry_eagerly(monkeypatch)
    assert tasks.check_attachment.delay(attachment.pk).get() == Attachment.Status.VALID

    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID
    assert attachment.check_attempts == 2 and len(calls) == 2


def test_persistent_error_ends_rejected_by_the_sweep(put, monkeypatch):
    attachment = put()

    def broken(handle, **kwargs):
        raise OSError("storage unavailable")

    monkeypatch.setattr(services.validation, "inspect", broken)
    _retry_eagerly(monkeypatch)
    result = tasks.check_attachment.delay(attachment.pk)
    assert result.failed() and isinstance(result.result, OSError)
    attachment.refresh_from_db()
    # The first run and its retries: MAX_CHECK_ATTEMPTS attempts, still "checking".
    assert attachment.status == Attachment.Status.CHECKING
    assert attachment.check_attempts == services.MAX_CHECK_ATTEMPTS

    Attachment.objects.filter(pk=attachment.pk).update(created_at=timezone.now() - STUCK)
    assert services.requeue_stuck_checks() == 0
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.REJECTED
    assert "多次检查未能完成" in attachment.reason


def test_command_prints_how_many_it_requeued(put):
    first = put(name="a.pdf", age=STUCK)
    second = put(name="b.pdf", age=timedelta(hours=3))
    fresh = put(name="c.pdf")
    out = io.StringIO()

    call_command("requeue_stuck_attachments", stdout=out)

    assert "已重新排队2个" in out.getvalue()
    for attachment, status in [
        (first, Attachment.Status.VALID),
        (second, Attachment.Status.VALID),
        (fresh, Attachment.Status.CHECKING),
    ]:
        attachment.refresh_from_db()
        assert attachment.status == status

    out = io.StringIO()
    call_command("requeue_stuck_attachments", "--older-than-minutes", "0", stdout=out)
    assert "已重新排队1个" in out.getvalue()
    fresh.refresh_from_db()
    assert fresh.status == Attachment.Status.VALID


def test_task_is_late_acked_retried_with_backoff_and_swept_by_beat():
    task = tasks.check_attachment
    assert task.acks_late and task.reject_on_worker_lost
    assert OSError in task.autoretry_for and task.retry_backoff and task.retry_jitter
    assert task.max_retries == services.MAX_CHECK_ATTEMPTS - 1
    entry = app.conf.beat_schedule["requeue-stuck-attachment-checks"]
    assert (
        entry["task"] == tasks.requeue_stuck_checks.name == "attachments.tasks.requeue_stuck_checks"
    )
    assert entry["schedule"] == 60 and entry["options"]["expires"] < 60


def test_test_only_delay_is_off_by_default(monkeypatch):
    monkeypatch.delenv(tasks.TEST_DELAY_ENV, raising=False)
    slept = []
    monkeypatch.setattr(tasks.time, "sleep", slept.append)
    tasks._test_delay(Attachment(pk=1))
    monkeypatch.setenv(tasks.TEST_DELAY_ENV, "0.5")
    tasks._test_delay(Attachment(pk=1))
    assert slept == [0.5]


def test_check_interrupted_by_a_killed_worker_is_requeued_within_three_minutes(put):
    """A worker killed mid-check: the attempt is counted, the file stays "checking" and its
    message is unacknowledged until the broker's visibility timeout (30 minutes). The sweep,
    every minute, takes it up once the file is STUCK_AFTER (2 minutes) old."""
    attachment = put()
    Attachment.objects.filter(pk=attachment.pk).update(check_attempts=1)  # killed mid-check

    # The sweeps of the first two minutes leave it alone (a live check may still be running).
    for seconds in (30, 60, 90, 119):
        with later(timedelta(seconds=seconds)):
            assert services.requeue_stuck_checks() == 0
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.CHECKING and attachment.check_attempts == 1

    # The first sweep after two minutes (at most one schedule interval later) checks it again.
    with later(services.STUCK_AFTER + timedelta(seconds=60)):
        assert tasks.requeue_stuck_checks() == 1
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert attachment.check_attempts == 2

    # Later sweeps, and the original message redelivered after the visibility timeout, change
    # nothing.
    with later(timedelta(minutes=31)):
        assert services.requeue_stuck_checks() == 0
        tasks.check_attachment.delay(attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID and attachment.check_attempts == 2


def test_a_check_that_never_started_waits_longer_so_a_busy_queue_is_not_doubled(put):
    """A file whose check has not started (no attempt counted) is most likely waiting in a
    busy queue: the sweep leaves it for UNSTARTED_STUCK_AFTER (a lost message), not 2 minutes."""
    waiting = put()
    for minutes in (3, 6, 9):
        with later(timedelta(minutes=minutes)):
            assert services.requeue_stuck_checks() == 0
    with later(services.UNSTARTED_STUCK_AFTER + timedelta(seconds=30)):
        assert services.requeue_stuck_checks() == 1
    waiting.refresh_from_db()
    assert waiting.status == Attachment.Status.VALID and waiting.check_attempts == 1


def test_the_sweep_threshold_outlasts_the_longest_check_and_recovery_beats_redelivery():
    from django.conf import settings

    from documents import services as document_services
    from documents import tasks as document_tasks

    task = tasks.check_attachment
    # No check can still be running when the sweep takes its file up again.
    assert task.time_limit == services.CHECK_TIME_LIMIT < services.STUCK_AFTER.total_seconds()
    assert task.soft_time_limit < task.time_limit
    # Queued again within 2-3 minutes: the threshold plus one beat interval.
    interval = app.conf.beat_schedule["requeue-stuck-attachment-checks"]["schedule"]
    assert services.STUCK_AFTER.total_seconds() + interval <= 180
    # The visibility timeout outlasts the longest task (a render) and the longest retry
    # countdown a worker holds, so a healthy task is never delivered twice.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.broker_transport_options["visibility_timeout"] == visibility
    render = document_tasks.render_document
    assert render.time_limit == document_services.RENDER_TIME_LIMIT
    assert visibility > render.time_limit + 600


@pytest.mark.celery_worker
def test_a_killed_workers_check_is_recovered_by_the_sweep_not_the_visibility_timeout(
    celery_workers,  # noqa: F811
    engineering_declaration,
):
    """A real worker killed mid-check (PostgreSQL + Redis): its message stays unacknowledged for
    the visibility timeout (30 minutes, left as configured here). The first sweep after two
    minutes queues the check again and a new worker finishes it."""
    from tests.integration.conftest import wait_for

    first = celery_workers(env={tasks.TEST_DELAY_ENV: "60"})
    attachment = services.upload_attachment(
        actor=engineering_declaration.applicant,
        declaration=engineering_declaration,
        slot=slot(engineering_declaration, "education_record"),
        uploaded_file=upload("学历备案表.pdf", pdf_bytes(1)),
    )

    def started():
        attachment.refresh_from_db()
        return attachment.check_attempts == 1

    assert wait_for(started, timeout=20, interval=0.05), first.output()
    first.kill()
    second = celery_workers()

    with later(timedelta(seconds=60)):
        assert services.requeue_stuck_checks() == 0  # a live check may still be running
    with later(services.STUCK_AFTER + timedelta(seconds=60)):
        assert tasks.requeue_stuck_checks() == 1

    def decided():
        attachment.refresh_from_db()
        return attachment.status != Attachment.Status.CHECKING

    assert wait_for(decided, timeout=30), second.output()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert attachment.check_attempts == 2
