"""Every write about accounts: registration, profile, commitment, password reset, SMS."""

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from applicants import sms
from applicants.models import (
    AccountKind,
    CommitmentAgreement,
    IdType,
    PasswordResetCode,
    SmsMessage,
    User,
)
from applicants.selectors import find_user_by_identifier
from applicants.validators import birth_date_and_gender

COMMITMENT_VERSION = "2026-1"


class SmsDeliveryError(Exception):
    pass


@dataclass(frozen=True)
class PersonalRegistration:
    """Validated registration data waiting for the registrant's confirmation."""

    username: str
    name: str
    id_type: str
    id_number: str
    phone: str
    password_hash: str

    def as_session(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_session(cls, data: dict) -> "PersonalRegistration":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


@transaction.atomic
def register_personal_account(*, registration: PersonalRegistration) -> User:
    """Create the account once the registrant has confirmed. Name and ID are fixed from here on."""
    taken = _("该证件号码、手机号码或用户名已被注册，请返回修改。")
    # Login names are case-insensitive (selectors), which the database constraint does not cover.
    if User.objects.filter(username__iexact=registration.username).exists():
        raise ValidationError(taken)
    user = User(
        kind=AccountKind.PERSONAL,
        username=registration.username,
        name=registration.name,
        id_type=registration.id_type,
        id_number=registration.id_number,
        phone=registration.phone,
        password=registration.password_hash,
    )
    if registration.id_type == IdType.RESIDENT_ID:
        user.birth_date, user.gender = birth_date_and_gender(registration.id_number)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone registered the same ID, phone or username between form and confirmation.
        raise ValidationError(taken) from None
    return user


@transaction.atomic
def update_profile(
    *,
    actor: User,
    user: User,
    phone: str,
    email: str,
    ethnicity: str,
    birth_date=None,
    gender: str = "",
) -> User:
    """Change what a person may change; name and ID number are never touched here."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("只能修改本人的基本信息。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    user.phone = phone
    user.email = email
    user.ethnicity = ethnicity
    fields = ["phone", "email", "ethnicity"]
    if user.id_type != IdType.RESIDENT_ID:
        # A passport carries no birth date we can derive, so the holder enters it.
        user.birth_date = birth_date
        user.gender = gender
        fields += ["birth_date", "gender"]
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:
        raise ValidationError({"phone": _("该手机号码已被其他个人账号使用。")}) from None
    return user


def has_agreed_commitment(user: User) -> bool:
    return CommitmentAgreement.objects.filter(user=user, version=COMMITMENT_VERSION).exists()


@transaction.atomic
def agree_commitment(*, actor: User, ip_address: str | None = None) -> CommitmentAgreement:
    if not actor.is_personal:
        raise PermissionDenied(_("只有个人账号需要签署申报承诺书。"))
    agreement, _created = CommitmentAgreement.objects.get_or_create(
        user=actor, version=COMMITMENT_VERSION, defaults={"ip_address": ip_address}
    )
    return agreement


# --- login lockout ----------------------------------------------------------------------------


def lockout_until(username: str):
    """When the lock on this account ends (5 wrong passwords lock it for 15 minutes)."""
    last = AccessAttempt.objects.filter(username=username).aggregate(t=Max("attempt_time"))["t"]
    if last is None:
        return None
    return last + settings.AXES_COOLOFF_TIME


# --- SMS and password reset -------------------------------------------------------------------


def queue_sms(*, phone: str, body: str, redacted_body: str = "") -> SmsMessage:
    from applicants.tasks import deliver_sms

    message = SmsMessage.objects.create(phone=phone, body=body, redacted_body=redacted_body)
    transaction.on_commit(lambda: deliver_sms.delay(message.pk))
    return message


def deliver_sms(*, sms_id: int) -> None:
    """Send one queued SMS. Idempotent: a message already sent is not sent twice."""
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().get(pk=sms_id)
        if message.status == SmsMessage.Status.SENT:
            return
        try:
            sms.get_backend().send(message.phone, message.body)
        except Exception as exc:
            message.error = str(exc)[:500]
            message.save(update_fields=["error"])
            raise SmsDeliveryError(str(exc)) from exc
        message.status = SmsMessage.Status.SENT
        message.sent_at = timezone.now()
        if message.redacted_body:
            message.body = message.redacted_body
        message.save(update_fields=["status", "sent_at", "body"])


def _hash_code(reset_pk: int, code: str) -> str:
    return salted_hmac("password-reset", f"{reset_pk}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def request_password_reset(*, identifier: str) -> PasswordResetCode:
    """Send a 6-digit code to the account's registered phone, within the rate limits."""
    user = find_user_by_identifier(identifier)
    if user is None or not user.is_active:
        raise ValidationError({"identifier": _("未找到该账号，请核对用户名、证件号码或手机号码。")})
    if not user.phone:
        raise ValidationError(
            {"identifier": _("该账号未登记手机号码，无法通过短信找回，请联系所属地人社部门。")}
        )
    # Lock the user row so two quick clicks cannot both pass the rate limit.
    User.objects.select_for_update().filter(pk=user.pk).get()
    now = timezone.now()
    recent = PasswordResetCode.objects.filter(phone=user.phone)
    last = recent.aggregate(t=Max("created_at"))["t"]
    if last and now - last < settings.PASSWORD_RESET_SEND_INTERVAL:
        wait = int((settings.PASSWORD_RESET_SEND_INTERVAL - (now - last)).total_seconds()) + 1
        raise ValidationError(
            {"identifier": _("验证码发送过于频繁，请%(s)d秒后再试。") % {"s": wait}}
        )
    if recent.filter(created_at__gte=now - timedelta(hours=1)).count() >= (
        settings.PASSWORD_RESET_SENDS_PER_HOUR
    ):
        raise ValidationError(
            {"identifier": _("该手机号码1小时内获取验证码次数已达上限，请稍后再试。")}
        )
    # Only the newest code is valid.
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    reset = PasswordResetCode.objects.create(
        user=user,
        phone=user.phone,
        code_hash="",
        created_at=now,
        expires_at=now + settings.PASSWORD_RESET_CODE_TTL,
    )
    reset.code_hash = _hash_code(reset.pk, code)
    reset.save(update_fields=["code_hash"])
    minutes = int(settings.PASSWORD_RESET_CODE_TTL.total_seconds() // 60)
    body = _(
        "【职称申报评审平台】您正在找回密码，验证码 %(code)s，%(m)d分钟内有效。如非本人操作请忽略。"
    )
    queue_sms(
        phone=user.phone,
        body=body % {"code": code, "m": minutes},
        redacted_body=body % {"code": "******", "m": minutes},
    )
    return reset


def reset_password_with_code(*, reset_id: int, code: str, new_password: str) -> User:
    """Check the code (expiry, tries) and set the new password; unlocks a locked account."""
    with transaction.atomic():
        reset = (
            PasswordResetCode.objects.select_for_update().select_related("user").get(pk=reset_id)
        )
        now = timezone.now()
        if reset.used_at is not None:
            raise ValidationError({"code": _("验证码已失效，请重新获取。")})
        if now > reset.expires_at:
            raise ValidationError({"code": _("验证码已过期（有效期10分钟），请重新获取。")})
        if reset.failed_attempts >= settings.PASSWORD_RESET_MAX_TRIES:
            raise ValidationError({"code": _("验证码错误次数过多，请重新获取。")})
        if not hmac.compare_digest(reset.code_hash, _hash_code(reset.pk, code.strip())):
            reset.failed_attempts += 1
            left = settings.PASSWORD_RESET_MAX_TRIES - reset.failed_attempts
            if left <= 0:
                reset.used_at = now
                reset.save(update_fields=["failed_attempts", "used_at"])
                error = _("验证码错误次数过多，请重新获取。")
            else:
                reset.save(update_fields=["failed_attempts"])
                error = _("验证码错误，还可尝试%(n)d次。") % {"n": left}
            # Commit the counted try, then report the error.
            failure = ValidationError({"code": error})
        else:
            failure = None
            user = reset.user
            user.password = make_password(new_password)
            user.save(update_fields=["password"])
            reset.used_at = now
            reset.save(update_fields=["used_at"])
    if failure is not None:
        raise failure
    axes_reset(username=user.username)
    return user
