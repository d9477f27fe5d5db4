"""Every write about accounts: registration, profile, commitment, password reset, SMS."""

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from applicants import sms
from applicants.models import (
    AccountKind,
    CommitmentAgreement,
    IdType,
    OutgoingEmail,
    PasswordResetCode,
    SmsMessage,
    User,
    sign_in_name_taken,
    taken_sign_in_names,
)
from applicants.selectors import find_user_by_identifier
from applicants.validators import birth_date_and_gender, normalize_sign_in_name
from core.prepared import prepared

logger = logging.getLogger(__name__)

COMMITMENT_VERSION = "2026-1"


class DeliveryError(Exception):
    """One failed attempt at sending an SMS or an email; the task tries again later."""


SmsDeliveryError = DeliveryError

#: Attempts per message (the first and its retries) before it is marked failed for good.
MAX_DELIVERY_ATTEMPTS = 5


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
    # Username, ID number and phone are all sign-in names: none may be another account's.
    if taken_sign_in_names(user.sign_in_names()):
        raise ValidationError(taken)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone registered the same ID, phone or username between form and confirmation
        # (SignInName's unique constraint decides the race).
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
    if user.is_personal and sign_in_name_taken(phone, exclude_user=user):
        # A personal phone signs in: it must not be another account's phone, ID or username.
        raise ValidationError(
            {"phone": _("该手机号码已被其他账号用作登录名（用户名、证件号码或手机号码）。")}
        )
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


@transaction.atomic
def change_password(*, actor: User, old_password: str, new_password: str) -> User:
    """修改密码: the signed-in person, who knows the current password, sets a new one."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("当前密码不正确。")})
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


def temporary_password() -> str:
    """Ten random characters with letters of both cases and digits (passes the validators)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    while True:
        password = "".join(secrets.choice(alphabet) for _i in range(10))
        if (
            any(c.isupper() for c in password)
            and any(c.islower() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


@transaction.atomic
def issue_temporary_password(*, user: User, phone: str) -> User:
    """Set a new random password and send it by SMS (after commit) to the phone; a lock after
    wrong passwords ends. The caller checks who may do this and records it (the HR bureau for
    its units: institutions.services.reset_unit_password)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=user.username)
    body = _(
        "【职称申报评审平台】账号 %(u)s 的密码已由所属地人社局重置，临时密码 %(p)s。"
        "请登录后立即在“修改密码”中设置新密码。"
    )
    queue_sms(
        phone=phone,
        body=body % {"u": user.username, "p": password},
        redacted_body=body % {"u": user.username, "p": "******"},
    )
    return user


def has_agreed_commitment(user: User) -> bool:
    return bool(_agreement(user=user.pk, version=COMMITMENT_VERSION))


@prepared
def _agreement(*, user, version):
    # The home page asks on every visit: compiled once (core.prepared).
    return CommitmentAgreement.objects.filter(user_id=user, version=version).values_list(
        "pk", flat=True
    )[:1]


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
    """Record the SMS and send it from its own task once the caller's transaction commits."""
    from applicants.tasks import deliver_sms

    message = SmsMessage.objects.create(phone=phone, body=body, redacted_body=redacted_body)
    transaction.on_commit(lambda: deliver_sms.delay(message.pk), robust=True)
    return message


def queue_email(*, to: str, subject: str, body: str) -> OutgoingEmail:
    """Record the email and send it from its own task once the caller's transaction commits.
    Independent of any SMS queued in the same transaction: each has its own record, task,
    retries and status."""
    from applicants.tasks import deliver_email

    email = OutgoingEmail.objects.create(to=to, subject=subject[:200], body=body)
    transaction.on_commit(lambda: deliver_email.delay(email.pk), robust=True)
    return email


def _deliver(model, pk: int, send, *, on_done=None) -> None:
    """One attempt at sending one queued message (SMS or email). Idempotent: a message sent or
    given up is left alone. A failure is recorded on the row (attempts, error) and raised as
    DeliveryError for the task to retry; the last allowed attempt marks the row failed and
    returns quietly (logged), so the retries are bounded."""
    with transaction.atomic():
        message = model.objects.select_for_update().filter(pk=pk).first()
        if message is None or message.status != model.Status.QUEUED:
            return
        message.attempts += 1
        try:
            send(message)
        except Exception as exc:
            failure = exc
            message.error = f"{type(exc).__name__}: {exc}"[:500]
            fields = ["attempts", "error"]
            if message.attempts >= MAX_DELIVERY_ATTEMPTS:
                message.status = model.Status.FAILED
                fields.append("status")
        else:
            failure = None
            message.status = model.Status.SENT
            message.sent_at = timezone.now()
            fields = ["status", "sent_at", "attempts"]
        if on_done is not None and message.status != model.Status.QUEUED:
            fields += on_done(message)  # sent or given up: nothing will read the body again
        message.save(update_fields=fields)
    # Raised after the commit, so the attempt and its error stay recorded.
    if failure is None:
        return
    if message.status == model.Status.FAILED:
        logger.error(
            "%s %s not sent after %d attempts: %s",
            model._meta.model_name,
            pk,
            message.attempts,
            message.error,
        )
        return
    raise DeliveryError(message.error) from failure


def deliver_sms(*, sms_id: int) -> None:
    """Send one queued SMS (see _deliver)."""

    def redact(message):
        if message.redacted_body:
            message.body = message.redacted_body
            return ["body"]
        return []

    _deliver(SmsMessage, sms_id, lambda m: sms.get_backend().send(m.phone, m.body), on_done=redact)


def deliver_email(*, email_id: int) -> None:
    """Send one queued email (see _deliver)."""
    from django.core.mail import send_mail

    def send(email):
        send_mail(
            subject=email.subject, message=email.body, from_email=None, recipient_list=[email.to]
        )

    _deliver(OutgoingEmail, email_id, send)


def _hash_code(reset_pk: int, code: str) -> str:
    return salted_hmac("password-reset", f"{reset_pk}:{code}", algorithm="sha256").hexdigest()


def _throttle_key(kind: str, value: str) -> str:
    return salted_hmac("password-reset-throttle", f"{kind}:{value}", algorithm="sha256").hexdigest()


@transaction.atomic
def request_password_reset(*, identifier: str) -> PasswordResetCode:
    """Send a 6-digit code to the account's registered phone, within the sending limits.

    The answer is the same whether or not the identifier names an active account with a phone
    (the row the person should now enter a code for), so the page shows nothing about who has
    an account. Without an account (or a phone, or within the limits) no SMS is sent: the row
    then has no user, or is the code sent a moment ago. Only the phone's owner sees a difference.
    """
    user = find_user_by_identifier(identifier)
    sendable = user is not None and user.is_active and bool(user.phone)
    if sendable:
        # Lock the user row so two quick clicks cannot both pass the limits.
        User.objects.select_for_update().filter(pk=user.pk).get()
        key = _throttle_key("phone", user.phone)
    else:
        key = _throttle_key("identifier", normalize_sign_in_name(identifier))
    now = timezone.now()
    recent = PasswordResetCode.objects.filter(throttle_key=key)
    last = recent.aggregate(t=Max("created_at"))["t"]
    limited = (last and now - last < settings.PASSWORD_RESET_SEND_INTERVAL) or recent.filter(
        created_at__gte=now - timedelta(hours=1)
    ).count() >= settings.PASSWORD_RESET_SENDS_PER_HOUR
    if limited:
        # Within the limits: the code sent a moment ago stays the one to enter.
        current = (
            recent.filter(used_at__isnull=True, expires_at__gt=now).order_by("-created_at").first()
        )
        if current is not None:
            return current
        sendable = False
    # Only the newest code is valid.
    earlier = Q(throttle_key=key) | Q(user=user) if sendable else Q(throttle_key=key)
    PasswordResetCode.objects.filter(earlier, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    reset = PasswordResetCode.objects.create(
        user=user if sendable else None,
        phone=user.phone if sendable else "",
        throttle_key=key,
        code_hash="",
        created_at=now,
        expires_at=now + settings.PASSWORD_RESET_CODE_TTL,
    )
    # Without an account the code is never sent, so it can never be entered.
    reset.code_hash = _hash_code(reset.pk, code)
    reset.save(update_fields=["code_hash"])
    if sendable:
        minutes = int(settings.PASSWORD_RESET_CODE_TTL.total_seconds() // 60)
        body = _(
            "【职称申报评审平台】您正在找回密码，验证码 %(code)s，%(m)d分钟内有效。"
            "如非本人操作请忽略。"
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
            # The user is nullable (a code for nobody): lock only the code's own row.
            PasswordResetCode.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=reset_id)
        )
        now = timezone.now()
        if reset.used_at is not None:
            raise ValidationError({"code": _("验证码已失效，请重新获取。")})
        if now > reset.expires_at:
            raise ValidationError({"code": _("验证码已过期（有效期10分钟），请重新获取。")})
        if reset.failed_attempts >= settings.PASSWORD_RESET_MAX_TRIES:
            raise ValidationError({"code": _("验证码错误次数过多，请重新获取。")})
        right = hmac.compare_digest(reset.code_hash, _hash_code(reset.pk, code.strip()))
        if not right or reset.user_id is None:
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
