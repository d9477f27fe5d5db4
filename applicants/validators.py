"""Checks of identity numbers, phones and usernames, with messages a person can act on."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,17}$")
USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,29}$")

# Longer passwords are refused before hashing (every password box: registration, reset,
# change, sign-in, and the admin through AUTH_PASSWORD_VALIDATORS).
PASSWORD_MAX_LENGTH = 128
PASSWORD_TOO_LONG = _l("密码不能超过128个字符。")


class MaximumLengthValidator:
    """AUTH_PASSWORD_VALIDATORS: at most PASSWORD_MAX_LENGTH characters."""

    def __init__(self, max_length: int = PASSWORD_MAX_LENGTH):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("密码不能超过%(n)d个字符。"),
                code="password_too_long",
                params={"n": self.max_length},
            )

    def get_help_text(self):
        return _("密码不能超过%(n)d个字符。") % {"n": self.max_length}


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def normalize_sign_in_name(value: str | None) -> str:
    """A username, ID number or phone as the login box compares it: no spaces, upper case."""
    return re.sub(r"\s+", "", value or "").upper()


def region_code_exists(code: str) -> bool:
    """Whether a county-level code exists now or ever existed (stdnum's cn/loc data).

    stdnum marks a code's life as "[1983-]潍城区" or "[-2010]崇文区" and its ric.get_birth_place
    refuses a code that did not exist in the birth year. But a code is written into the number
    when the card is first issued, not at birth: 370702 (from 1983) is right for a person born
    in 潍城区 in 1980. So any code that exists or ever existed is accepted, whatever the years.
    """
    if len(code) != 6 or not code.isdigit():
        return False
    info = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    return bool(info.get("county"))


def validate_resident_id(value: str) -> str:
    """Full GB 11643 check: length, digits, check digit, birth date and region code."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("居民身份证号码应为18位，当前为%(n)d位。"), params={"n": len(number)}, code="length"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("居民身份证号码格式不正确：前17位应为数字，最后一位为数字或X。"), code="format"
        )
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("身份证号码中的出生日期（%(d)s）不存在，请核对。"),
            params={"d": number[6:14]},
            code="birth_date",
        ) from None
    if birth > date.today() or birth.year < 1900:
        raise ValidationError(
            _("身份证号码中的出生日期（%(d)s）不可能，请核对。"),
            params={"d": number[6:14]},
            code="birth_date",
        )
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("身份证号码校验位不正确，请逐位核对后重新输入。"), code="checksum")
    if not region_code_exists(number[:6]):
        raise ValidationError(
            _("身份证号码中的地区码（%(c)s）不存在，请核对。"),
            params={"c": number[:6]},
            code="region",
        )
    return number


def validate_passport(value: str) -> str:
    number = normalize_id_number(value)
    if not PASSPORT_RE.match(number):
        raise ValidationError(_("护照号码应为5至17位字母或数字。"), code="passport")
    return number


def birth_date_and_gender(resident_id: str):
    """Derived from a valid resident ID: birth date and gender (odd 17th digit = male)."""
    number = normalize_id_number(resident_id)
    return ric.get_birth_date(number), ("M" if int(number[16]) % 2 else "F")


def validate_phone(value: str) -> str:
    phone = re.sub(r"[\s-]", "", value or "")
    if not PHONE_RE.match(phone):
        raise ValidationError(_("请输入11位中国大陆手机号码，例如 13800000000。"), code="phone")
    return phone


def validate_username(value: str) -> str:
    if not USERNAME_RE.match(value or ""):
        raise ValidationError(
            _("用户名须以字母开头，由4至30位字母、数字或下划线组成。"), code="username"
        )
    return value
