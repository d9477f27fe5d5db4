from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class AccountKind(models.TextChoices):
    PERSONAL = "personal", _("个人账号")
    ORGANIZATION = "organization", _("单位（部门）账号")
    ADMINISTRATOR = "administrator", _("系统管理员")


class User(AbstractUser):
    """One account per person (by ID number) or per organization login.

    name and id_number are fixed after registration (seed: 确认之后个人姓名身份证号无法修改).
    """

    first_name = None
    last_name = None

    kind = models.CharField(
        _("账号类型"), max_length=20, choices=AccountKind.choices, default=AccountKind.PERSONAL
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=32, null=True, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # One account per ID number; "x" and "X" are the same check digit.
            models.UniqueConstraint(
                Upper("id_number"),
                name="unique_user_id_number",
                condition=models.Q(id_number__isnull=False),
                violation_error_message=_("该证件号码已注册账号，每个证件号码只能注册一个账号。"),
            ),
            # Login ignores case, so two usernames differing only in case would be one login.
            models.UniqueConstraint(
                Lower("username"),
                name="unique_username_ignoring_case",
                violation_error_message=_("该用户名已被使用，请换一个。"),
            ),
            # Login by phone must name one person.
            models.UniqueConstraint(
                "phone",
                name="unique_personal_phone",
                condition=models.Q(kind="personal") & ~models.Q(phone=""),
                violation_error_message=_("该手机号码已被其他个人账号使用。"),
            ),
        ]

    def __str__(self):
        return f"{self.name or self.username}"

    def save(self, *args, **kwargs):
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
        super().save(*args, **kwargs)

    @property
    def is_personal(self):
        return self.kind == AccountKind.PERSONAL

    @property
    def is_administrator(self):
        return self.kind == AccountKind.ADMINISTRATOR or self.is_superuser

    @property
    def masked_id_number(self):
        value = self.id_number or ""
        if len(value) <= 8:
            return value
        return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


class CommitmentAgreement(models.Model):
    """The applicant's agreement to the declaration commitment (承诺书), recorded with time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments"
    )
    version = models.CharField(_("承诺书版本"), max_length=20)
    agreed_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("承诺书签署记录")
        verbose_name_plural = _("承诺书签署记录")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="unique_commitment_per_version"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.version}"


class PasswordResetCode(models.Model):
    """A one-time code sent by SMS to reset a forgotten password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reset_codes"
    )
    phone = models.CharField(_("手机号码"), max_length=11, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("找回密码验证码")
        verbose_name_plural = _("找回密码验证码")

    def __str__(self):
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class SmsMessage(models.Model):
    """Every SMS the platform sends, kept for audit; the backend does the delivery."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    phone = models.CharField(_("手机号码"), max_length=11)
    body = models.TextField(_("内容"))
    # What to keep once delivered (a reset code must not stay readable in the database).
    redacted_body = models.TextField(blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="queued")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone} {self.get_status_display()}"
