import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def private_upload_path(instance, filename):
    """A generated name; the person's file name is kept only in original_name."""
    extension = {"jpeg": "jpg", "png": "png", "gif": "gif", "pdf": "pdf"}.get(instance.kind, "bin")
    return f"declarations/{instance.declaration_id}/{uuid.uuid4().hex}.{extension}"


def thumbnail_path(instance, filename):
    return f"thumbnails/{instance.declaration_id}/{uuid.uuid4().hex}.jpg"


class Attachment(models.Model):
    """An uploaded scan in one attachment slot of one declaration."""

    class Kind(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        GIF = "gif", "GIF"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        CHECKING = "checking", _("检查中")
        VALID = "valid", _("有效")
        REJECTED = "rejected", _("不合格")

    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="attachments"
    )
    slot = models.ForeignKey(
        "declarations.AttachmentSlot", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to=private_upload_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.CHECKING, db_index=True
    )
    reason = models.CharField(_("不合格原因"), max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    # The first submission round this file was part of (None while it has only been in the
    # draft). A file is never changed, only deleted or replaced by a new row, so it belongs to
    # every round from this one on: an organization handed round R may see it when R ≥ this.
    submitted_round = models.PositiveSmallIntegerField(_("首次提交轮次"), null=True, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["slot_id", "created_at", "pk"]
        indexes = [models.Index(fields=["declaration", "slot"])]

    def __str__(self):
        return self.original_name
