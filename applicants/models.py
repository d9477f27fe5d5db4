from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.validators import normalize_sign_in_name


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
    # 评审专家: managed by a committee office (committee.Expert), signs in to vote.
    EXPERT = "expert", _("评审专家账号")


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
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not SIGN_IN_FIELDS.intersection(update_fields):
            # A save of last_login, the password, … leaves the sign-in names alone.
            super().save(*args, **kwargs)
            return
        # The account and its sign-in names are saved together: a name another account
        # already uses makes the whole save fail (IntegrityError), whatever the entry point.
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        adding = self._state.adding
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            SignInName.sync(self, adding=adding, using=using)

    def sign_in_names(self) -> dict[str, str]:
        """{normalized name: kind} of every text this account signs in with: its username,
        its ID number and (personal accounts) its phone. Organization contact phones are not
        sign-in names, so a person may be a unit's contact with their own phone."""
        names = {}
        candidates = [
            (SignInName.Kind.USERNAME, self.username),
            (SignInName.Kind.ID_NUMBER, self.id_number),
        ]
        if self.kind == AccountKind.PERSONAL:
            candidates.append((SignInName.Kind.PHONE, self.phone))
        for kind, value in candidates:
            value = normalize_sign_in_name(value)
            if value:
                # The same text twice (one's own passport number as username) is one name.
                names.setdefault(value, kind)
        return names

    def validate_unique(self, exclude=None):
        """Model forms (the Django admin) get a message at the field instead of an error page."""
        errors = {}
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        field_of = {
            SignInName.Kind.USERNAME: "username",
            SignInName.Kind.ID_NUMBER: "id_number",
            SignInName.Kind.PHONE: "phone",
        }
        for kind, value in taken_sign_in_names(self.sign_in_names(), exclude_user=self).items():
            field = field_of[kind]
            if exclude and field in exclude:
                continue
            errors.setdefault(field, []).append(
                ValidationError(
                    _("“%(v)s”已是其他账号的登录名（用户名、证件号码或手机号码），请换一个。"),
                    params={"v": value},
                    code="sign_in_name_taken",
                )
            )
        if errors:
            raise ValidationError(errors)

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


# Saving any of these may change the account's sign-in names.
SIGN_IN_FIELDS = frozenset({"username", "id_number", "phone", "kind"})


class SignInName(models.Model):
    """One text a person types to sign in: a username, an ID number or a personal phone.

    Usernames, ID numbers and phones share one namespace (the login box takes any of them), so
    the value is unique across all accounts and all three kinds: a passport number can never
    be someone else's phone, and sign-in finds exactly one account. Values are normalized
    (spaces removed, upper case) as the login box normalizes what is typed. Kept in step by
    User.save(); the unique constraint holds against two registrations racing each other.
    """

    class Kind(models.TextChoices):
        USERNAME = "username", _("用户名")
        ID_NUMBER = "id_number", _("证件号码")
        PHONE = "phone", _("手机号码")

    value = models.CharField(_("登录名"), max_length=150)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_names_set"
    )

    class Meta:
        verbose_name = _("登录名")
        verbose_name_plural = _("登录名")
        constraints = [
            models.UniqueConstraint(
                fields=["value"],
                name="unique_sign_in_name",
                violation_error_message=_("该登录名已被其他账号使用。"),
            )
        ]

    def __str__(self):
        return self.value

    @classmethod
    def sync(cls, user: User, *, adding: bool = False, using=None) -> None:
        """Make the stored names of the account what user.sign_in_names() says."""
        wanted = user.sign_in_names()
        manager = cls.objects.db_manager(using)
        stored = {} if adding else dict(manager.filter(user=user).values_list("value", "kind"))
        stale = [v for v, kind in stored.items() if wanted.get(v) != kind]
        if stale:
            manager.filter(user=user, value__in=stale).delete()
        new = [
            cls(user=user, value=v, kind=kind)
            for v, kind in wanted.items()
            if stored.get(v) != kind
        ]
        if new:
            manager.bulk_create(new)


def taken_sign_in_names(names: dict[str, str], *, exclude_user=None) -> dict[str, str]:
    """{kind: value} of the names (as from User.sign_in_names()) another account signs in
    with."""
    if not names:
        return {}
    taken = SignInName.objects.filter(value__in=list(names))
    if exclude_user is not None and exclude_user.pk is not None:
        taken = taken.exclude(user_id=exclude_user.pk)
    return {names[value]: value for value in taken.values_list("value", flat=True)}


def sign_in_name_taken(value: str, *, exclude_user=None) -> str | None:
    """The kind of name (SignInName.Kind) another account signs in with this text as, or None
    when it is free."""
    value = normalize_sign_in_name(value)
    if not value:
        return None
    taken = SignInName.objects.filter(value=value)
    if exclude_user is not None and exclude_user.pk is not None:
        taken = taken.exclude(user_id=exclude_user.pk)
    return taken.values_list("kind", flat=True).first()


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
    """A one-time code sent by SMS to reset a forgotten password.

    A request for an identifier that names no account (or one without a phone) gets a row
    too, with no user and no SMS, so the pages, messages and tries are the same either way and
    nobody learns from them whether an account exists.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reset_codes",
        null=True,
        blank=True,
    )
    phone = models.CharField(_("手机号码"), max_length=11, db_index=True, blank=True)
    # What the sending limits count by: a digest of the phone (or, with no account, of the
    # identifier typed), so both cases are limited alike.
    throttle_key = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("找回密码验证码")
        verbose_name_plural = _("找回密码验证码")

    def __str__(self):
        if not self.phone:
            return "-"
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
    # Delivery attempts so far and the last one's error (kept after a later success too).
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone} {self.get_status_display()}"


class OutgoingEmail(models.Model):
    """Every email the platform sends, kept like SmsMessage: queued in the transaction that
    decides to send it, delivered by its own task (applicants.tasks.deliver_email) with its own
    retries, so a mail server that is down never holds back or rolls back the SMS."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    to = models.EmailField(_("收件人"))
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="queued")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("邮件")
        verbose_name_plural = _("邮件")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.to} {self.get_status_display()}"
