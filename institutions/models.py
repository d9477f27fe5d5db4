from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省")
        CITY = 2, _("市")
        DISTRICT = 3, _("区（县）")

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级地区"),
    )
    # Cached "山东省威海市环翠区" so lists need no recursive queries.
    full_name = models.CharField(_("全称"), max_length=150, editable=False)

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["code"]

    def __str__(self):
        return self.full_name or self.name

    def save(self, *args, **kwargs):
        self.full_name = f"{self.parent.full_name}{self.name}" if self.parent_id else self.name
        super().save(*args, **kwargs)

    def ancestor_codes(self):
        """Codes of this region and its ancestors, nearest first (derived from the code)."""
        codes = [self.code]
        if self.level >= self.Level.DISTRICT:
            codes.append(self.code[:4] + "00")
        if self.level >= self.Level.CITY:
            codes.append(self.code[:2] + "0000")
        return codes

    def code_prefix(self) -> str:
        """What the codes of this region and of every region below it start with."""
        if self.level >= self.Level.DISTRICT:
            return self.code
        return self.code[:4] if self.level == self.Level.CITY else self.code[:2]

    def covers(self, other: "Region") -> bool:
        """Whether `other` is this region or lies below it (derived from the codes)."""
        return self.code in other.ancestor_codes()

    def within_q(self, field: str = "region") -> models.Q:
        """A filter on a model's region `field`: this region or any region below it."""
        return models.Q(**{f"{field}__code__startswith": self.code_prefix()})


class OrgKind(models.TextChoices):
    UNIT = "unit", _("用人单位")
    SUPERVISING = "supervising", _("主管部门")
    REPORTING = "reporting", _("呈报部门")
    HR_BUREAU = "hr_bureau", _("人社局")
    COMMITTEE_OFFICE = "committee_office", _("评委会办事机构")


class PermissionStatus(models.TextChoices):
    NONE = "none", _("未申请")
    PENDING = "pending", _("待人社局审核")
    APPROVED = "approved", _("已授权")
    REJECTED = "rejected", _("未通过")


class Organization(models.Model):
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=20, choices=OrgKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("所属地区")
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Set when the registrant confirms; after that the unit cannot rename itself.
    name_confirmed_at = models.DateTimeField(_("名称确认时间"), null=True, blank=True)
    permission_status = models.CharField(
        _("职称评审权限"),
        max_length=10,
        choices=PermissionStatus.choices,
        default=PermissionStatus.NONE,
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("单位（部门）")
        verbose_name_plural = _("单位（部门）")
        ordering = ["region__code", "name"]
        constraints = [
            # The automatic check of a permission application, made unbreakable by races.
            models.UniqueConstraint(
                "uscc",
                name="unique_authorized_uscc",
                condition=models.Q(permission_status="approved") & ~models.Q(uscc=""),
            ),
            models.UniqueConstraint(
                "name",
                name="unique_authorized_name",
                condition=models.Q(permission_status="approved"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_authorized(self):
        return self.permission_status == PermissionStatus.APPROVED

    @property
    def name_locked(self):
        return self.name_confirmed_at is not None


class Membership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("经办人")
        REVIEWER = "reviewer", _("审核人")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class PermissionApplication(models.Model):
    """A unit's application for 职称评审 permission, decided by its region's HR bureau."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="permission_applications",
        verbose_name=_("申请单位"),
    )
    bureau = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="permission_queue",
        verbose_name=_("审核人社局"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("审核意见"), blank=True)
    # Why the automatic check sent the application to the bureau (empty: it passed and the
    # permission was granted at once, seed S1 四.4).
    check_problems = models.TextField(_("自动校验未通过的原因"), blank=True)

    class Meta:
        verbose_name = _("权限申请")
        verbose_name_plural = _("权限申请")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                name="one_pending_permission_application",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_status_display()})"


class Committee(models.Model):
    """An evaluation committee (评审委员会) for one series and level in a region."""

    name = models.CharField(_("评委会名称"), max_length=100, unique=True)
    series = models.ForeignKey("catalog.Series", on_delete=models.PROTECT, verbose_name=_("系列"))
    level = models.ForeignKey("catalog.Level", on_delete=models.PROTECT, verbose_name=_("级别"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("地区"))
    office = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="committees",
        limit_choices_to={"kind": OrgKind.COMMITTEE_OFFICE},
        verbose_name=_("办事机构"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("评审委员会")
        verbose_name_plural = _("评审委员会")
        ordering = ["region__code", "name"]

    def __str__(self):
        return self.name


class RoutingPath(models.Model):
    """申报路径: an approved edge organization → parent organization (or → committee) for one
    series and level. Reporting always follows the effective path."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        EFFECTIVE = "effective", _("已生效")
        REJECTED = "rejected", _("未通过")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="paths", verbose_name=_("申请单位")
    )
    series = models.ForeignKey("catalog.Series", on_delete=models.PROTECT, verbose_name=_("系列"))
    level = models.ForeignKey("catalog.Level", on_delete=models.PROTECT, verbose_name=_("级别"))
    target = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_paths",
        verbose_name=_("上级部门"),
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_paths",
        verbose_name=_("评审委员会"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("申报路径")
        verbose_name_plural = _("申报路径")
        ordering = ["-applied_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target__isnull=False, committee__isnull=True)
                    | models.Q(target__isnull=True, committee__isnull=False)
                ),
                name="path_has_one_destination",
            ),
            # One effective (and one pending) path per organization, series and level.
            models.UniqueConstraint(
                fields=["organization", "series", "level"],
                name="one_effective_path",
                condition=models.Q(status="effective"),
            ),
            models.UniqueConstraint(
                fields=["organization", "series", "level"],
                name="one_pending_path",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        destination = self.committee or self.target
        return f"{self.organization} → {destination}（{self.series} {self.level}）"

    @property
    def destination_name(self):
        return (self.committee or self.target).name


class AuditAction(models.TextChoices):
    """Every kind of change to who may do what, as the audit trail names it."""

    UNIT_REGISTERED = "unit_registered", _("单位注册")
    PERMISSION_APPLIED = "permission_applied", _("申请职称评审权限（待人社局审核）")
    PERMISSION_GRANTED_AUTOMATICALLY = (
        "permission_granted_automatically",
        _("职称评审权限自动校验通过，已授权"),
    )
    PERMISSION_APPROVED = "permission_approved", _("职称评审权限审核通过")
    PERMISSION_REJECTED = "permission_rejected", _("职称评审权限审核不通过")
    PATH_APPLIED = "path_applied", _("申请申报路径")
    PATH_APPROVED = "path_approved", _("申报路径审核通过")
    PATH_REJECTED = "path_rejected", _("申报路径审核不通过")
    ORGANIZATION_ACCOUNT_CREATED = "organization_account_created", _("创建单位（部门）账号")
    ORGANIZATION_ACCOUNT_CHANGED = "organization_account_changed", _("修改单位（部门）信息")
    ORGANIZATION_ACCOUNT_DELETED = "organization_account_deleted", _("删除单位（部门）")
    ACCOUNT_CHANGED_BY_STAFF = "account_changed_by_staff", _("管理员创建或修改账号")
    PASSWORD_RESET_BY_STAFF = "password_reset_by_staff", _("管理员重置密码")
    UNIT_PASSWORD_RESET = "unit_password_reset", _("人社局重置单位账号密码")
    NOTICE_RECORDED = "notice_recorded", _("登记公示")
    NOTICE_OUTCOME = "notice_outcome", _("登记公示结果")
    NOTICE_CORRECTED = "notice_corrected", _("更正公示")
    NOTICE_CANCELLED = "notice_cancelled", _("撤销公示")
    OBJECTION_HANDLED = "objection_handled", _("登记公示异议处理结果")
    # The committee stage (committee/).
    FEE_SET = "fee_set", _("设定评审收费")
    PAYMENT_RECORDED = "payment_recorded", _("登记缴费")
    PAYMENTS_IMPORTED = "payments_imported", _("导入缴费名单")
    EXPERT_ADDED = "expert_added", _("新增评审专家")
    EXPERT_CHANGED = "expert_changed", _("修改评审专家")
    EXPERTS_IMPORTED = "experts_imported", _("导入评审专家")
    EXPERT_DEACTIVATED = "expert_deactivated", _("停用评审专家")
    MEMBERS_APPOINTED = "members_appointed", _("确定评委会委员")
    MEETING_CREATED = "meeting_created", _("创建评审会议")
    EXPERTS_DRAWN = "experts_drawn", _("随机抽取评审专家")
    EXPERTS_REDRAWN = "experts_redrawn", _("重新抽取评审专家")
    ATTENDANCE_RECORDED = "attendance_recorded", _("登记专家出席")
    CONFLICT_DECLARED = "conflict_declared", _("专家申明回避")
    VOTE_OPENED = "vote_opened", _("开始投票")
    VOTE_CLOSED = "vote_closed", _("结束投票并计票")
    RESULTS_PUBLISHED = "results_published", _("发布评审结果公示")
    RESULTS_OBJECTION = "results_objection", _("登记评审结果异议")
    RESULTS_CONFIRMED = "results_confirmed", _("确认评审结果")
    RESULTS_REGISTERED = "results_registered", _("评审结果备案")
    CERTIFICATE_ISSUED = "certificate_issued", _("发放电子证书")
    RESULT_REVOKED = "result_revoked", _("撤销评审结果（证书）")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("审计记录不可修改。"))

    def delete(self):
        raise ValidationError(_("审计记录不可删除。"))


class AuditEntry(models.Model):
    """Append-only audit trail of changes to who may do what: who acted, for which organization,
    when, on what object, and why. Written by institutions.audit.record_audit only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
        help_text=_("为空表示系统自动操作。"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作单位"),
        help_text=_("操作人代表的单位（部门）；系统管理员操作时为空。"),
    )
    action = models.CharField(_("操作"), max_length=40, choices=AuditAction.choices)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("对象类型")
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    changed_object = GenericForeignKey("object_type", "object_id")
    # The object as it read when the change was made, so the entry reads the same later.
    object_repr = models.CharField(_("对象"), max_length=300)
    reason = models.TextField(_("原因"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="audit_org_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ValidationError(_("审计记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计记录不可删除。"))
