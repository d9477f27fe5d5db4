"""The review chain: each organization's handling of a declaration, per-section results, public
notices, report batches and the working-day calendar."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from declarations.sections import SECTION_CHOICES


class ReviewState(models.TextChoices):
    PENDING = "pending", _("待审核")
    PASSED = "passed", _("已通过待上报")
    REPORTED = "reported", _("已上报")
    RETURNED = "returned", _("已退回")
    REJECTED = "rejected", pgettext_lazy("state", "不通过")
    WITHDRAWN = "withdrawn", _("已撤回")


# The states an organization's queue filters by, in the order the tabs show them.
QUEUE_STATES = (
    ReviewState.PENDING,
    ReviewState.PASSED,
    ReviewState.REPORTED,
    ReviewState.RETURNED,
    ReviewState.REJECTED,
)


class Review(models.Model):
    """审核: one organization's custody of a declaration. Created when the declaration reaches
    the organization (submission to the unit, or a report from below) and updated as the
    organization decides; it is what the organization's queue lists, and what lets an
    organization keep seeing a declaration it has held."""

    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="reviews"
    )
    organization = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("审核单位"),
    )
    state = models.CharField(
        _("审核状态"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    # The declaration's submission round when it last arrived here.
    round = models.PositiveSmallIntegerField(_("轮次"))
    arrived_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    # Who reported it here (None: the applicant submitted it to this unit).
    received_from = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上报单位"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    opinion = models.TextField(_("审核意见"), blank=True)
    reported_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    batch = models.ForeignKey(
        "ReportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("上报批次"),
    )

    class Meta:
        verbose_name = _("审核")
        verbose_name_plural = _("审核")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "organization"], name="one_review_per_organization"
            )
        ]
        # Both carry what a queue page reads of the rows (queue_page_ids: the id and the
        # declaration; the state it filters on) so that PostgreSQL answers a page, page N's
        # thousands of skipped rows included, from the index alone (INCLUDE; SQLite ignores it).
        indexes = [
            # A state tab's page in the queue's order, and the counts per state (its prefix).
            models.Index(
                fields=["organization", "state", "-arrived_at", "-id"],
                name="review_queue_state_order_idx",
                include=["declaration"],
            ),
            # The queue's order: page 1 of 10,000 rows without sorting them all.
            models.Index(
                fields=["organization", "-arrived_at", "-id"],
                name="review_queue_order_idx",
                include=["state", "declaration"],
            ),
        ]

    def __str__(self):
        return f"{self.organization} · {self.declaration_id} ({self.get_state_display()})"


class SectionResult(models.Model):
    """One organization's pass / fail of one section in one round. Rows of earlier rounds stay:
    every round's reasons are kept."""

    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="section_results"
    )
    organization = models.ForeignKey(
        "institutions.Organization", on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    code = models.CharField(_("模块"), max_length=30, choices=SECTION_CHOICES)
    passed = models.BooleanField(_("通过"))
    reason = models.TextField(_("不通过原因"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    class Meta:
        verbose_name = _("模块审核结果")
        verbose_name_plural = _("模块审核结果")
        ordering = ["declaration", "round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "organization", "round", "code"],
                name="one_result_per_section_round",
            ),
            models.CheckConstraint(
                condition=models.Q(passed=True) | ~models.Q(reason=""),
                name="failed_section_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.declaration_id}#{self.round} {self.code}: {self.passed}"


class Holiday(models.Model):
    """The working-day calendar: a listed date is a holiday (休) or, for the weekends that
    become working days when holidays are moved (调休), a working day (班)."""

    date = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=50)
    is_workday = models.BooleanField(
        _("调休上班"), default=False, help_text=_("勾选表示该日（通常是周末）需要上班。")
    )

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class PublicNotice(models.Model):
    """公示: the unit publishes the declarations it passed for at least 5 working days before
    reporting them, then records the outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("公示中")
        NO_OBJECTION = "no_objection", _("公示无异议")
        OBJECTION = "objection", _("有异议")
        CANCELLED = "cancelled", _("已撤销")

    organization = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        related_name="public_notices",
        verbose_name=_("公示单位"),
    )
    plan = models.ForeignKey(
        "declarations.Plan",
        on_delete=models.PROTECT,
        related_name="public_notices",
        verbose_name=_("申报计划"),
    )
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示结束日期"))
    place = models.CharField(_("公示方式"), max_length=200, blank=True)
    outcome = models.CharField(
        _("公示结果"), max_length=15, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_note = models.TextField(_("公示情况说明"), blank=True)
    declarations = models.ManyToManyField(
        "declarations.Declaration", related_name="public_notices", verbose_name=_("公示人员")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    outcome_recorded_at = models.DateTimeField(_("结果登记时间"), null=True, blank=True)
    # The latest correction of a running notice (every one is in the audit trail).
    corrected_at = models.DateTimeField(_("更正时间"), null=True, blank=True)
    correction_reason = models.TextField(_("更正原因"), blank=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organization} {self.starts_on}–{self.ends_on}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1 if self.starts_on and self.ends_on else 0

    def has_ended(self, today=None) -> bool:
        """The notice runs through its end date: it has ended from the next day on."""
        return (today or timezone.localdate()) > self.ends_on

    @property
    def is_running(self) -> bool:
        """Not yet closed by an outcome or a cancellation (it may be corrected or cancelled)."""
        return self.outcome == self.Outcome.PENDING


class NoticeObjection(models.Model):
    """异议: an objection raised during a notice against one person on it. It keeps that person
    from being reported until the unit records how it was handled: checked and found unfounded
    (with a note), or the declaration returned or rejected (recorded when the unit does so)."""

    class Handling(models.TextChoices):
        OPEN = "open", _("待处理")
        UNFOUNDED = "unfounded", _("经核查异议不成立")
        RETURNED = "returned", _("已退回修改")
        REJECTED = "rejected", pgettext_lazy("handling", "审核不通过")

    notice = models.ForeignKey(
        PublicNotice, on_delete=models.CASCADE, related_name="objections", verbose_name=_("公示")
    )
    declaration = models.ForeignKey(
        "declarations.Declaration",
        on_delete=models.CASCADE,
        related_name="notice_objections",
        verbose_name=_("申报"),
    )
    handling = models.CharField(
        _("处理结果"), max_length=10, choices=Handling.choices, default=Handling.OPEN
    )
    handling_note = models.TextField(_("核查情况及处理意见"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "declaration"], name="one_objection_per_person_and_notice"
            )
        ]
        indexes = [models.Index(fields=["declaration", "handling"], name="objection_open_idx")]

    def __str__(self):
        return f"{self.notice} · {self.declaration_id} ({self.get_handling_display()})"

    @property
    def is_open(self) -> bool:
        return self.handling == self.Handling.OPEN


class ReportBatch(models.Model):
    """数据上报: one batch of declarations an organization reported to the next one on its path
    (or to the committee)."""

    from_organization = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        related_name="sent_batches",
        verbose_name=_("上报单位"),
    )
    to_organization = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        related_name="received_batches",
        verbose_name=_("接收单位"),
    )
    committee = models.ForeignKey(
        "institutions.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("评审委员会"),
    )
    path = models.ForeignKey(
        "institutions.RoutingPath", on_delete=models.PROTECT, related_name="batches"
    )
    count = models.PositiveIntegerField(_("人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("上报批次")
        verbose_name_plural = _("上报批次")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.from_organization} → {self.to_organization} ({self.count})"
