"""Queueing and publishing renders: after commit, again after each decision, never twice for one
request, a render overtaken by a newer request thrown away, a failure recorded with its reason
and retried, and a worker killed half-way leaving no half file behind a download."""

import logging
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.services import submit_declaration
from documents import form_pdf, services
from documents.models import DocumentKind, DocumentStatus, GeneratedDocument
from review import services as review_services
from tests.documents.conftest import after_commit, document, read, text_of
from tests.review.builders import build_queue

pytestmark = pytest.mark.django_db


def files_in(folder) -> list[str]:
    try:
        return sorted(default_storage.listdir(folder)[1])
    except FileNotFoundError:
        return []


def folder(declaration, round_=1):
    return f"documents/{declaration.pk}/r{round_}"


def test_the_form_is_queued_after_commit_only(
    filled, committed_applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_declaration(actor=committed_applicant, declaration=filled)
    # Nothing is drawn while the submission's transaction is open.
    assert not GeneratedDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    form = GeneratedDocument.objects.get()
    assert (form.kind, form.round, form.status) == (DocumentKind.FORM, 1, DocumentStatus.READY)
    assert form.generation == form.rendered_generation == 1 and form.attempts == 1
    assert files_in(folder(filled)) == sorted(
        [os.path.basename(form.file.name), os.path.basename(form.print_file.name)]
    )


def test_a_decision_draws_the_form_again_and_removes_the_old_file(
    submitted, unit_reviewer, django_capture_on_commit_callbacks
):
    before = document(submitted)
    old_names = {before.file.name, before.print_file.name}
    after_commit(
        django_capture_on_commit_callbacks,
        review_services.pass_declaration,
        actor=unit_reviewer,
        declaration=submitted,
        opinion="同意推荐",
    )
    after = document(submitted)
    assert after.generation == after.rendered_generation == 2
    assert {after.file.name, after.print_file.name}.isdisjoint(old_names)
    assert "同意推荐" in text_of(read(after.file))
    # The replaced files are gone; only the published ones are left.
    assert files_in(folder(submitted)) == sorted(
        os.path.basename(n) for n in (after.file.name, after.print_file.name)
    )


def test_a_request_delivered_twice_is_drawn_once(submitted):
    form = document(submitted)
    assert services.render_document(document_id=form.pk, generation=1) is None
    again = document(submitted)
    assert (again.file.name, again.attempts) == (form.file.name, 1)


def test_an_unchanged_declaration_is_not_drawn_again(submitted, django_capture_on_commit_callbacks):
    form = document(submitted)
    after_commit(
        django_capture_on_commit_callbacks,
        services.queue_render,
        declaration_id=submitted.pk,
        round_=1,
        kind=DocumentKind.FORM,
    )
    again = document(submitted)
    assert again.status == DocumentStatus.READY and again.rendered_generation == 2
    assert again.file.name == form.file.name and again.sha256 == form.sha256


def test_a_render_overtaken_by_a_newer_request_is_thrown_away(
    submitted, monkeypatch, django_capture_on_commit_callbacks
):
    form = document(submitted)
    GeneratedDocument.objects.filter(pk=form.pk).update(source_hash="changed since")
    with django_capture_on_commit_callbacks(execute=False):
        services.queue_render(declaration_id=submitted.pk, round_=1, kind=DocumentKind.FORM)
    real = services._render_form
    newer = []

    def render_while_a_level_decides(document, content):
        fields = real(document, content)
        if not newer:
            # A newer request arrives (once) while this render is drawing.
            newer.append(
                services.queue_render(declaration_id=submitted.pk, round_=1, kind=DocumentKind.FORM)
            )
        return fields

    monkeypatch.setattr(services, "_render_form", render_while_a_level_decides)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        result = services.render_document(document_id=form.pk, generation=2)
    assert result.generation == 3 and result.status == DocumentStatus.PENDING
    # Not published: the row still names the earlier file.
    assert result.file.name == form.file.name
    # After commit: the thrown-away files are deleted, and the newer request is drawn.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    done = document(submitted)
    assert done.status == DocumentStatus.READY and done.rendered_generation == 3
    assert done.file.name != form.file.name
    assert files_in(folder(submitted)) == sorted(
        os.path.basename(n) for n in (done.file.name, done.print_file.name)
    )


def test_a_failed_render_says_why_and_can_be_retried(
    submitted, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    form = document(submitted)
    GeneratedDocument.objects.filter(pk=form.pk).update(source_hash="")

    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(form_pdf, "render_form", broken)
    with caplog.at_level(logging.ERROR, logger="documents.services"):
        failed = after_commit(
            django_capture_on_commit_callbacks,
            services.queue_render,
            declaration_id=submitted.pk,
            round_=1,
            kind=DocumentKind.FORM,
        )
    failed = document(submitted)
    assert failed.status == DocumentStatus.FAILED
    assert "生成时发生错误（MemoryError）" in failed.error
    assert "rendering document" in caplog.text
    # The file published before stays (it is not served while the row is not ready).
    assert failed.file.name == form.file.name and default_storage.exists(form.file.name)

    monkeypatch.undo()
    after_commit(
        django_capture_on_commit_callbacks,
        services.request_render,
        actor=submitted.applicant,
        declaration=submitted,
        round_=1,
        kind=DocumentKind.FORM,
    )
    retried = document(submitted)
    assert retried.status == DocumentStatus.READY and retried.error == ""
    assert retried.attempts == 3


def test_a_request_while_one_is_on_its_way_queues_nothing(submitted):
    GeneratedDocument.objects.filter(declaration=submitted).update(
        status=DocumentStatus.RENDERING, generation=5
    )
    services.request_render(
        actor=submitted.applicant, declaration=submitted, round_=1, kind=DocumentKind.FORM
    )
    assert document(submitted).generation == 5


class WorkerKilled(BaseException):
    """What the worker process dying looks like to the code it was running: nothing after it
    runs (not even an except Exception)."""


def test_a_worker_killed_while_storing_leaves_no_half_file_served(
    submitted, monkeypatch, django_capture_on_commit_callbacks
):
    form = document(submitted)
    GeneratedDocument.objects.filter(pk=form.pk).update(source_hash="")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.queue_render(declaration_id=submitted.pk, round_=1, kind=DocumentKind.FORM)
    real_save = default_storage.save

    def save_half_then_die(name, content, **kwargs):
        data = content.read()
        half = real_save(name, type(content)(data[: len(data) // 2]))
        os.utime(default_storage.path(half), (time.time() - 7200, time.time() - 7200))
        raise WorkerKilled

    monkeypatch.setattr(default_storage, "save", save_half_then_die)
    with pytest.raises(WorkerKilled):
        services.render_document(document_id=form.pk, generation=2)
    monkeypatch.undo()
    stuck = document(submitted)
    assert stuck.status == DocumentStatus.RENDERING
    # The row still names the complete earlier file; the half file is named by nothing.
    assert stuck.file.name == form.file.name
    assert read(stuck.file).pages
    assert len(files_in(folder(submitted))) == 3

    # The message comes again (acks_late): the same request is drawn and published, and the
    # orphan (over an hour old) is removed.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    done = document(submitted)
    assert done.status == DocumentStatus.READY and done.rendered_generation == 2
    assert files_in(folder(submitted)) == sorted(
        os.path.basename(n) for n in (done.file.name, done.print_file.name)
    )


def test_stuck_renders_are_queued_again_then_given_up(
    submitted, django_capture_on_commit_callbacks
):
    form = document(submitted)
    old = form.updated_at.replace(year=form.updated_at.year - 1)
    GeneratedDocument.objects.filter(pk=form.pk).update(
        status=DocumentStatus.RENDERING, generation=2, updated_at=old, source_hash=""
    )
    assert services.requeue_stuck_documents() == 1
    assert document(submitted).status == DocumentStatus.READY
    GeneratedDocument.objects.filter(pk=form.pk).update(
        status=DocumentStatus.PENDING, generation=3, updated_at=old, attempts=5
    )
    assert services.requeue_stuck_documents() == 0
    given_up = document(submitted)
    assert given_up.status == DocumentStatus.FAILED and "多次生成" in given_up.error


def test_a_batch_queues_in_a_few_queries_and_a_missing_snapshot_is_a_reason(
    unit, engineering_plan, django_capture_on_commit_callbacks
):
    declarations = build_queue(unit, engineering_plan, 30, sections=False)
    pairs = [(d.pk, 1) for d in declarations]
    capture = django_capture_on_commit_callbacks
    with CaptureQueriesContext(connection) as one, capture(execute=False):
        services.queue_many(pairs[:1], DocumentKind.FORM)
    with CaptureQueriesContext(connection) as many, capture(execute=False) as queued:
        services.queue_many(pairs[1:], DocumentKind.FORM)
    assert len(many) == len(one)
    assert len(queued) == 29
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    failed = GeneratedDocument.objects.filter(status=DocumentStatus.FAILED).get()
    assert failed.error == "第1次提交的快照不存在。"


def test_a_problem_queueing_never_breaks_the_move(
    filled, committed_applicant, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "queue_many", broken)
    with caplog.at_level(logging.ERROR, logger="documents.services"):
        after_commit(
            django_capture_on_commit_callbacks,
            submit_declaration,
            actor=committed_applicant,
            declaration=filled,
        )
    filled.refresh_from_db()
    assert filled.round == 1 and filled.status == "submitted"
    assert "could not queue the documents" in caplog.text
