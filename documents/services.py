"""Every write of documents: queueing renders (on a declaration's moves, or on request), the
render itself (run by the Celery task), publishing its result, and the sweep for renders a
dead worker left behind.

Write, then publish: a render writes its PDF to a temporary file, stores it under a new,
unique name that nothing points at yet, and only then, in one short transaction, points the
document row at it and marks it ready (the file it replaces is deleted after commit). A worker
killed at any moment leaves the row as it was (its previous file, or none, is what is served)
and at most an orphan file that no row names, which later publishes delete. A render overtaken
by a newer request (a level decided while it ran) is thrown away, not published: the newer
request's task publishes.
"""

import hashlib
import logging
import tempfile
import uuid
from datetime import timedelta

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.models import Declaration, DeclarationEvent
from declarations.workflow import Action
from documents.content import ContentError, FormContent, form_content
from documents.models import DocumentKind, DocumentStatus, GeneratedDocument

logger = logging.getLogger(__name__)

#: A request still queued (never claimed: a lost message, a worker killed before it began) is
#: queued again after QUEUED_STUCK_AFTER; a render started (claimed) longer ago than a render
#: may run (documents.tasks.render_document's hard time_limit, RENDER_TIME_LIMIT) cannot still
#: be running (a killed worker) and is queued again after STUCK_AFTER. The sweep runs every
#: minute from beat.
RENDER_TIME_LIMIT = 660
QUEUED_STUCK_AFTER = timedelta(minutes=2)
STUCK_AFTER = timedelta(seconds=RENDER_TIME_LIMIT + 60)
ORPHANS_AFTER = timedelta(hours=1)
MAX_ATTEMPTS = 5

# The moves after which the round's evaluation form is drawn (again): the submission, each
# level's decision, and each report (the public notice is recorded before a unit reports).
FORM_ACTIONS = frozenset(
    {
        Action.SUBMIT,
        Action.PASS,
        Action.RETURN,
        Action.REJECT,
        Action.REPORT,
        Action.REPORT_TO_COMMITTEE,
        # The committee's result fills the form's last block once the vote is closed.
        Action.EVALUATION_PASS,
        Action.EVALUATION_FAIL,
    }
)


# ---------------------------------------------------------------- queueing


def _queue_tasks(rows) -> None:
    from documents.tasks import render_document

    for pk, generation in rows:
        transaction.on_commit(
            lambda pk=pk, generation=generation: render_document.delay(pk, generation)
        )


@transaction.atomic
def queue_render(*, declaration_id: int, round_: int, kind: str, force: bool = True):
    """Ask for the round's document to be drawn (again). force=False leaves a document that is
    already queued or being drawn as it is (a second click does not queue a second render)."""
    document, _created = GeneratedDocument.objects.get_or_create(
        declaration_id=declaration_id, round=round_, kind=kind
    )
    document = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
    if not force and document.in_progress and not _created:
        return document
    document.generation += 1
    document.status = DocumentStatus.PENDING
    document.error = ""
    document.parts_done = document.parts_total = 0
    document.requested_at = timezone.now()
    document.save(
        update_fields=[
            "generation",
            "status",
            "error",
            "parts_done",
            "parts_total",
            "requested_at",
            "updated_at",
        ]
    )
    _queue_tasks([(document.pk, document.generation)])
    return document


@transaction.atomic
def queue_many(targets, kind: str) -> list[tuple[int, int]]:
    """queue_render for many (declaration id, round) pairs at once (a batch report): a
    handful of queries for the whole batch."""
    targets = {(int(d), int(r)) for d, r in targets if d and r}
    if not targets:
        return []
    now = timezone.now()
    GeneratedDocument.objects.bulk_create(
        [GeneratedDocument(declaration_id=d, round=r, kind=kind) for d, r in targets],
        ignore_conflicts=True,
        batch_size=500,
    )
    wanted = [
        pk
        for pk, declaration_id, round_ in GeneratedDocument.objects.filter(
            declaration_id__in={d for d, _r in targets}, kind=kind
        ).values_list("pk", "declaration_id", "round")
        if (declaration_id, round_) in targets
    ]
    GeneratedDocument.objects.filter(pk__in=wanted).update(
        generation=F("generation") + 1,
        status=DocumentStatus.PENDING,
        error="",
        parts_done=0,
        parts_total=0,
        requested_at=now,
        updated_at=now,
    )
    rows = list(GeneratedDocument.objects.filter(pk__in=wanted).values_list("pk", "generation"))
    _queue_tasks(rows)
    return rows


def request_render(*, actor, declaration: Declaration, round_: int, kind: str):
    """生成 / 重新生成 on a page (the view has checked that the actor may see the document):
    a document already on its way is left alone."""
    return queue_render(declaration_id=declaration.pk, round_=round_, kind=kind, force=False)


def on_declaration_move_committed(*, action, event_ids, **kwargs):
    """Receiver of declarations.workflow.declaration_move_committed: draw the round's form
    again after each move that changes what it prints; build the packet when the declaration
    reaches the committee, and again when a new round of a declaration that had one is
    submitted. Never lets a problem here reach the page that made the move."""
    if action not in FORM_ACTIONS or not event_ids:
        return
    try:
        targets = []
        for declaration_id, round_, details in DeclarationEvent.objects.filter(
            pk__in=list(event_ids)
        ).values_list("declaration_id", "declaration__round", "details"):
            targets.append((declaration_id, (details or {}).get("round") or round_))
        queue_many(targets, DocumentKind.FORM)
        if action == Action.REPORT_TO_COMMITTEE:
            queue_many(targets, DocumentKind.PACKET)
        elif action == Action.SUBMIT:
            had_packet = set(
                GeneratedDocument.objects.filter(
                    declaration_id__in=[d for d, _r in targets], kind=DocumentKind.PACKET
                ).values_list("declaration_id", flat=True)
            )
            queue_many([(d, r) for d, r in targets if d in had_packet], DocumentKind.PACKET)
    except Exception:
        logger.exception("could not queue the documents of %s (events %s)", action, event_ids)


# ---------------------------------------------------------------- rendering


def _claim(document_id: int, generation: int):
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.generation != generation:
            return None  # gone, or superseded by a newer request (its own task renders)
        if document.status == DocumentStatus.READY and document.rendered_generation >= generation:
            return None  # done already (a message delivered twice)
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.started_at = timezone.now()
        document.parts_done = document.parts_total = 0
        document.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "parts_done",
                "parts_total",
                "updated_at",
            ]
        )
        return document


def render_document(*, document_id: int, generation: int, after_claim=None):
    """Draw one document (the task's body). Idempotent: a request already answered, or
    overtaken by a newer one, does nothing. Every failure is recorded on the row, with a
    reason the page shows, and never raised (the user may retry)."""
    document = _claim(document_id, generation)
    if document is None:
        return None
    if after_claim is not None:
        after_claim(document)
    try:
        content = form_content(document.declaration_id, document.round)
        source = content.fingerprint(with_files=document.kind == DocumentKind.PACKET)
        if document.file and document.source_hash == source:
            # Nothing it prints has changed since the published file: publish it again.
            return _publish(document, generation, {"source_hash": source})
        if document.kind == DocumentKind.PACKET:
            fields = _render_packet(document, generation, content)
        else:
            fields = _render_form(document, content)
        fields["source_hash"] = source
        return _publish(document, generation, fields)
    except Exception as error:
        if isinstance(error, ContentError):
            reason = str(error)
        else:
            logger.exception(
                "rendering document %s (generation %s) failed", document_id, generation
            )
            reason = _("生成时发生错误（%(e)s），请重新生成；如仍失败，请联系管理员。") % {
                "e": type(error).__name__
            }
        return _fail(document_id, generation, reason)


def _folder(document: GeneratedDocument) -> str:
    return f"documents/{document.declaration_id}/r{document.round}"


def _store(document: GeneratedDocument, label: str, content) -> str:
    """Store under a new name that nothing points at yet (published later)."""
    name = f"{_folder(document)}/{label}-{uuid.uuid4().hex}.pdf"
    return default_storage.save(name, content)


def _read(storage_name: str) -> bytes:
    with default_storage.open(storage_name, "rb") as handle:
        return handle.read()


def _photo(content: FormContent) -> bytes | None:
    if content.photo is None:
        return None
    try:
        return _read(content.photo.storage_name)
    except OSError:
        logger.warning("photo %s missing: the form shows an empty photo box", content.photo)
        return None


def _render_form(document: GeneratedDocument, content: FormContent) -> dict:
    from documents.form_pdf import render_form, three_copies

    rendered = render_form(content, photo_bytes=_photo(content))
    copies, _copy_pages = three_copies(rendered.data)
    name = _store(document, "form", ContentFile(rendered.data))
    print_name = _store(document, "form-3", ContentFile(copies))
    return {
        "file": name,
        "print_file": print_name,
        "sha256": hashlib.sha256(rendered.data).hexdigest(),
        "size": len(rendered.data),
        "pages": rendered.pages,
    }


class _HashingWriter:
    """A binary file that also computes the sha256 and size of what is written."""

    def __init__(self, handle):
        self.handle = handle
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self.handle.write(data)


def _placeholder(item, reason: str) -> bytes:
    from documents.form_pdf import placeholder_page

    return placeholder_page(item, reason)


def _render_packet(document: GeneratedDocument, generation: int, content: FormContent) -> dict:
    from documents.form_pdf import render_form
    from documents.packet_pdf import write_packet

    rendered = render_form(content, photo_bytes=_photo(content))

    def progress(done: int, total: int) -> None:
        GeneratedDocument.objects.filter(pk=document.pk, generation=generation).update(
            parts_done=done, parts_total=total, updated_at=timezone.now()
        )

    with tempfile.TemporaryFile(suffix=".pdf") as handle:
        writer = _HashingWriter(handle)
        result = write_packet(
            writer,
            form_pdf=rendered.data,
            form_outline=rendered.outline,
            files=content.files,
            open_file=lambda item: default_storage.open(item.storage_name, "rb"),
            placeholder=_placeholder,
            title=_("评审材料包 %(name)s %(number)s")
            % {"name": content.applicant["name"], "number": content.number},
            progress=progress,
        )
        del rendered
        handle.seek(0)
        name = _store(document, "packet", File(handle, name="packet.pdf"))
    return {
        "file": name,
        "print_file": "",
        "sha256": writer.hash.hexdigest(),
        "size": writer.size,
        "pages": result.pages,
    }


def _delete_later(names) -> None:
    for name in names:
        if name:
            transaction.on_commit(lambda name=name: _delete_quietly(name))


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        logger.warning("could not delete %s", name, exc_info=True)


def _publish(document: GeneratedDocument, generation: int, fields: dict):
    new_names = {fields.get("file"), fields.get("print_file")} - {None, ""}
    with transaction.atomic():
        current = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if current.generation != generation:
            # Overtaken by a newer request while drawing: its task publishes, not this one.
            kept = {current.file.name, current.print_file.name}
            _delete_later(new_names - kept)
            return current
        old_names = {current.file.name, current.print_file.name} - {""} - new_names
        for name, value in fields.items():
            setattr(current, name, value)
        current.status = DocumentStatus.READY
        current.error = ""
        current.rendered_generation = generation
        current.rendered_at = timezone.now()
        if current.parts_total:
            current.parts_done = current.parts_total
        current.save()
        if "file" in fields:
            _delete_later(old_names)
    _delete_orphans(current)
    return current


def _fail(document_id: int, generation: int, reason: str):
    with transaction.atomic():
        current = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if current is None or current.generation != generation:
            return current
        current.status = DocumentStatus.FAILED
        current.error = reason[:1000]
        current.save(update_fields=["status", "error", "updated_at"])
        return current


def _delete_orphans(document: GeneratedDocument) -> None:
    """Files of the document's folder that no row names and that are older than an hour
    (left by a worker killed while storing, or by a render overtaken by a newer one)."""
    folder = _folder(document)
    try:
        _dirs, names = default_storage.listdir(folder)
    except (OSError, NotImplementedError):
        return
    kept = set(
        GeneratedDocument.objects.filter(
            declaration_id=document.declaration_id, round=document.round
        ).values_list("file", "print_file")
    )
    kept = {name for pair in kept for name in pair if name}
    cutoff = timezone.now() - ORPHANS_AFTER
    for base in names:
        name = f"{folder}/{base}"
        if name in kept:
            continue
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (OSError, NotImplementedError):
            continue


def requeue_stuck_documents(
    *, older_than: timedelta = STUCK_AFTER, queued_older_than: timedelta = QUEUED_STUCK_AFTER
) -> int:
    """Renders queued or started long ago and never finished (a dead worker, a lost message)
    are queued again; after MAX_ATTEMPTS the document fails with a reason instead. A queued
    request counts as stuck after ``queued_older_than``, a started one after ``older_than``
    (longer than a render may run). Each re-queue stamps updated_at, so a request waiting
    behind a long queue is queued again at most once per threshold."""
    now = timezone.now()
    stuck = GeneratedDocument.objects.filter(
        Q(status=DocumentStatus.PENDING, updated_at__lt=now - queued_older_than)
        | Q(status=DocumentStatus.RENDERING, updated_at__lt=now - older_than)
    )
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=DocumentStatus.FAILED,
        error=_("多次生成未能完成，请重新生成；如仍失败，请联系管理员。"),
        updated_at=timezone.now(),
    )
    rows = list(stuck.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", "generation"))
    from documents.tasks import render_document

    for pk, generation in rows:
        GeneratedDocument.objects.filter(pk=pk).update(updated_at=timezone.now())
        render_document.delay(pk, generation)
    return len(rows)
