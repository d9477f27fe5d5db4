"""Every write on attachments: upload (quick checks in the request), deep check (in a task),
delete, and the sweep that re-queues checks a dead worker left behind."""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments import validation
from attachments.detection import detect_kind, name_for_kind
from attachments.models import MAX_UPLOAD_BYTES, Attachment
from declarations import workflow
from declarations.models import AttachmentSlot, Declaration

logger = logging.getLogger(__name__)

#: A check takes seconds (a 2,000-page PDF about 1 s here) and is stopped at
#: CHECK_TIME_LIMIT, so a file whose check started (an attempt is counted) and that is still
#: "checking" STUCK_AFTER after its upload has lost its check (a killed worker): the sweep,
#: every minute from beat, queues it again. A file whose check never started is most likely
#: waiting in a busy queue; it is queued again only after UNSTARTED_STUCK_AFTER (a lost
#: message), so a backlog is not doubled every minute.
CHECK_TIME_LIMIT = 90
STUCK_AFTER = timedelta(minutes=2)
UNSTARTED_STUCK_AFTER = timedelta(minutes=10)
MAX_CHECK_ATTEMPTS = 5


def _editable_declaration(actor, declaration) -> Declaration:
    declaration = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=declaration.pk)
    )
    if actor.pk != declaration.applicant_id:
        raise PermissionDenied(_("只能修改本人的申报。"))
    if not workflow.is_editable(declaration):
        raise ValidationError(_("申报已提交，附件不能再上传、删除或替换。"))
    # The plan's one window rule: a returned declaration until its resubmission deadline.
    if not declaration.plan.is_open_for(declaration):
        raise ValidationError(
            _("附件不能修改：%(reason)s") % {"reason": declaration.plan.closed_message(declaration)}
        )
    return declaration


def clean_original_name(name: str) -> str:
    """Keep only the last path component, without control characters, at most 120 characters."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if not name:
        return "file"
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        # A long "extension" (a dot early in a long name) is not one: cut the whole name.
        keep = dot and stem and len(extension) <= 10
        name = (stem[: 120 - len(extension) - 1] + dot + extension) if keep else name[:120]
    return name


@transaction.atomic
def upload_attachment(*, actor, declaration, slot: AttachmentSlot, uploaded_file) -> Attachment:
    """Refuse what is plainly wrong at once; store the rest as "checking" and queue the check."""
    declaration = _editable_declaration(actor, declaration)
    if slot.plan_section.plan_id != declaration.plan_id:
        raise PermissionDenied(_("该附件栏目不属于本申报。"))
    size = uploaded_file.size
    if size == 0:
        raise ValidationError(_("文件是空的（0字节），请重新选择。"))
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("文件大小为%(s).1fMB，超过5MB的上限，请压缩或拆分后上传。")
            % {"s": size / 1024 / 1024}
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    kind = detect_kind(head)
    if kind is None:
        raise ValidationError(
            _("只支持 jpg、png、gif、pdf 格式的文件；该文件的实际内容不是这些格式。")
        )
    if slot.is_photo and kind != "jpeg":
        raise ValidationError(_("证件照须为 JPEG（.jpg）格式。"))
    existing = Attachment.objects.filter(declaration=declaration, slot=slot)
    if not slot.multiple:
        # One file only: the new file replaces the old one. Its row is locked before its file
        # names are read, so a check finishing at the same moment either wrote its thumbnail
        # first (read here and deleted with the file) or waits and then finds the row gone.
        for old in existing.select_for_update():
            _delete_files(old)
        existing.delete()
    attachment = Attachment(
        declaration=declaration,
        slot=slot,
        # Shown and downloaded under a name that ends with the detected type's extension.
        original_name=clean_original_name(
            name_for_kind(clean_original_name(uploaded_file.name), kind)
        ),
        size=size,
        kind=kind,
        uploaded_by=actor,
    )
    attachment.file.save("upload", uploaded_file, save=False)
    attachment.save()
    queue_check(attachment)
    return attachment


def record_submitted_files(sender=None, *, declaration=None, action=None, **kwargs):
    """Receiver of declarations.workflow.declaration_moved: on a submission, every file that
    has only been in the draft becomes part of the round just submitted (and of every later
    round while it exists), which decides who else may see it."""
    if action != workflow.Action.SUBMIT or declaration is None:
        return
    Attachment.objects.filter(declaration_id=declaration.pk, submitted_round__isnull=True).update(
        submitted_round=declaration.round
    )


def queue_check(attachment: Attachment):
    from attachments.tasks import check_attachment

    transaction.on_commit(lambda: check_attachment.delay(attachment.pk))


def _delete_files(attachment: Attachment):
    for field in (attachment.file, attachment.thumbnail):
        if field:
            transaction.on_commit(lambda f=field.name, s=field.storage: s.delete(f))


@transaction.atomic
def delete_attachment(*, actor, attachment: Attachment):
    _editable_declaration(actor, attachment.declaration)
    # The row as it is now, locked: a thumbnail the check wrote after the caller read the row
    # is deleted too.
    current = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
    if current is None:
        return
    _delete_files(current)
    current.delete()


def _gone(attachment_id: int, stage: str) -> None:
    logger.info(
        "attachment %s was replaced or deleted during its check (%s): nothing to do",
        attachment_id,
        stage,
    )


def check_attachment(*, attachment_id: int, after_claim=None) -> Attachment | None:
    """The deep check. Idempotent: a file already decided is left as it is. A file replaced or
    deleted while it was being checked (a quick second upload into a one-file slot) ends the
    check quietly (logged at info): no error, no retry, and no thumbnail written for it.

    ``after_claim(attachment)`` runs once the attempt is counted and before the file is read
    (the task uses it for a test-only delay, so a test can kill a worker mid-check)."""
    with transaction.atomic():
        # Lock the attachment row only (of=self): locking the joined slot too would make the
        # check wait for, or with skip_locked silently skip, any upload into the same slot.
        attachment = (
            Attachment.objects.select_for_update(of=("self",))
            .select_related("slot")
            .filter(pk=attachment_id)
            .first()
        )
        if attachment is None:
            _gone(attachment_id, "before it started")
            return None
        if attachment.status != Attachment.Status.CHECKING:
            return attachment
        attachment.check_attempts += 1
        attachment.save(update_fields=["check_attempts"])
    if after_claim is not None:
        after_claim(attachment)
    try:
        with attachment.file.open("rb") as handle:
            result = validation.inspect(
                handle, kind=attachment.kind, photo=attachment.slot.is_photo
            )
    except Exception:
        # The file may have been deleted with its row (replaced meanwhile): then there is
        # nothing to retry. Otherwise the error is the task's to retry.
        if not Attachment.objects.filter(
            pk=attachment_id, status=Attachment.Status.CHECKING
        ).exists():
            _gone(attachment_id, "while its file was read")
            return None
        raise
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().filter(pk=attachment_id).first()
        if attachment is None:
            # Replaced or deleted while the file was read: no thumbnail for a row that is gone.
            _gone(attachment_id, "before its result was saved")
            return None
        if attachment.status != Attachment.Status.CHECKING:
            return attachment
        attachment.status = Attachment.Status.VALID if result.ok else Attachment.Status.REJECTED
        attachment.reason = result.reason[:300]
        attachment.sha256 = result.sha256
        attachment.page_count = result.page_count
        attachment.width, attachment.height = result.width, result.height
        attachment.checked_at = timezone.now()
        fields = ["status", "reason", "sha256", "page_count", "width", "height", "checked_at"]
        if result.thumbnail:
            # Written under the row's lock, so a replacement waits for it and then deletes it
            # with the file; removed again if the row cannot be saved.
            attachment.thumbnail.save("thumb.jpg", ContentFile(result.thumbnail), save=False)
            fields.append("thumbnail")
        try:
            attachment.save(update_fields=fields)
        except Exception:
            if "thumbnail" in fields:
                attachment.thumbnail.storage.delete(attachment.thumbnail.name)
            raise
    return attachment


def requeue_stuck_checks(
    *, older_than: timedelta = STUCK_AFTER, unstarted_older_than: timedelta | None = None
) -> int:
    """Files left "checking" (a worker died, the broker lost the message) are queued again;
    after MAX_CHECK_ATTEMPTS they are rejected with a reason rather than retried for ever.
    A file whose check started counts as stuck after ``older_than``, one whose check never
    started after ``unstarted_older_than`` (default UNSTARTED_STUCK_AFTER, at least
    ``older_than``)."""
    if unstarted_older_than is None:
        unstarted_older_than = max(older_than, UNSTARTED_STUCK_AFTER)
    now = timezone.now()
    stuck = Attachment.objects.filter(status=Attachment.Status.CHECKING).filter(
        Q(check_attempts__gt=0, created_at__lt=now - older_than)
        | Q(check_attempts=0, created_at__lt=now - unstarted_older_than)
    )
    given_up = stuck.filter(check_attempts__gte=MAX_CHECK_ATTEMPTS).update(
        status=Attachment.Status.REJECTED,
        reason=_("文件多次检查未能完成，请重新上传。"),
        checked_at=timezone.now(),
    )
    if given_up:
        logger.warning("gave up checking %d attachments", given_up)
    from attachments.tasks import check_attachment

    ids = list(stuck.filter(check_attempts__lt=MAX_CHECK_ATTEMPTS).values_list("pk", flat=True))
    for pk in ids:
        check_attachment.delay(pk)
    return len(ids)
