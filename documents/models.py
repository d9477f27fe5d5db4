"""Generated PDFs of a declaration: the evaluation form (评审表) and the expert packet
(评审材料包), one of each per submission round."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    FORM = "form", _("评审表")
    PACKET = "packet", _("评审材料包")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RENDERING = "rendering", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class GeneratedDocument(models.Model):
    """One generated PDF of one round of a declaration.

    A render request bumps ``generation`` and queues a task for that generation; the task
    renders into a temporary file, stores it under a new name and only then points ``file`` at
    it (publish), so a worker killed half-way never leaves a half file behind a download link,
    and a render overtaken by a newer request is thrown away instead of published."""

    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="documents"
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    kind = models.CharField(_("类型"), max_length=10, choices=DocumentKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    error = models.TextField(_("失败原因"), blank=True)
    # The published file (and, for the form, the three copies for printing).
    file = models.FileField(_("文件"), max_length=200, blank=True)
    print_file = models.FileField(_("打印文件（一式三份）"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    # What the published file was made from (documents.content): an unchanged source is not
    # rendered again.
    source_hash = models.CharField(max_length=64, blank=True)
    # Requests and the render that answered them.
    generation = models.PositiveIntegerField(default=0)
    rendered_generation = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    parts_done = models.PositiveIntegerField(default=0)
    parts_total = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(_("请求时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("生成的文件")
        verbose_name_plural = _("生成的文件")
        ordering = ["declaration", "-round", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "round", "kind"], name="one_document_per_round_and_kind"
            )
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="document_status_idx")]

    def __str__(self):
        return f"{self.declaration_id}#{self.round} {self.kind} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY and bool(self.file)

    @property
    def in_progress(self) -> bool:
        return self.status in (DocumentStatus.PENDING, DocumentStatus.RENDERING)

    @property
    def progress_percent(self) -> int:
        if not self.parts_total:
            return 0
        return min(100, round(100 * self.parts_done / self.parts_total))
