"""Parse and normalise input; rules that need the database live in services."""

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.hashers import make_password
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from applicants.models import Gender, IdType, SignInName, User, sign_in_name_taken
from applicants.services import PersonalRegistration, lockout_until
from applicants.validators import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_TOO_LONG,
    validate_passport,
    validate_phone,
    validate_resident_id,
    validate_username,
)
from core.forms import EMPTY_CHOICE, NamedRequiredMixin

# Usernames, ID numbers and personal phones are all sign-in names (applicants.models.SignInName):
# what to say when the text typed into one field is already another account's name of a kind.
USERNAME_TAKEN = {
    SignInName.Kind.USERNAME: _l("该用户名已被使用，请换一个。"),
    SignInName.Kind.ID_NUMBER: _l("该用户名与已注册的证件号码相同，请换一个。"),
    SignInName.Kind.PHONE: _l("该用户名与其他账号的手机号码相同，请换一个。"),
}
ID_NUMBER_TAKEN = {
    SignInName.Kind.ID_NUMBER: _l(
        "该证件号码已注册账号，每个证件号码只能注册一个账号。"
        "如忘记用户名或密码，请使用“忘记密码”找回。"
    ),
    SignInName.Kind.USERNAME: _l(
        "该证件号码与其他账号的用户名相同，无法作为登录账号，请联系平台技术支持。"
    ),
    SignInName.Kind.PHONE: _l(
        "该证件号码与其他账号的手机号码相同，无法作为登录账号，请联系平台技术支持。"
    ),
}
PHONE_TAKEN = {
    SignInName.Kind.PHONE: _l("该手机号码已被其他个人账号使用。"),
    SignInName.Kind.ID_NUMBER: _l(
        "该手机号码与其他账号的证件号码相同，不能作为登录名，请换一个手机号码或联系平台技术支持。"
    ),
    SignInName.Kind.USERNAME: _l("该手机号码与其他账号的用户名相同，请换一个手机号码。"),
}


def check_username_free(username: str, *, exclude_user=None) -> str:
    """A new username must not be any account's sign-in name (any case, any kind)."""
    message = USERNAME_TAKEN.get(sign_in_name_taken(username, exclude_user=exclude_user))
    if message:
        raise forms.ValidationError(str(message))
    return username


def check_phone_free(phone: str, *, exclude_user=None) -> str:
    message = PHONE_TAKEN.get(sign_in_name_taken(phone, exclude_user=exclude_user))
    if message:
        raise forms.ValidationError(str(message))
    return phone


class CaptchaWidget(CaptchaTextInput):
    """The picture with a Chinese alternative text, and an answer box named 验证码 for screen
    readers (crispy shows the field's label as the legend of the group, which names no input)."""

    template_name = "applicants/widgets/captcha.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].attrs.update(
            {"aria-label": _l("验证码"), "maxlength": str(CAPTCHA_ANSWER_MAX_LENGTH)}
        )


CAPTCHA_ANSWER_MAX_LENGTH = 10


class CaptchaMixin(NamedRequiredMixin, forms.Form):
    captcha = CaptchaField(
        label=_l("验证码"),
        widget=CaptchaWidget,
        error_messages={"invalid": _l("验证码不正确，请重新输入。")},
        help_text=_l("看不清？点击图片换一张。"),
    )


def password_field(label, *, autocomplete="new-password", **kwargs) -> forms.CharField:
    """A password box that refuses more than PASSWORD_MAX_LENGTH characters with a message."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        error_messages={"max_length": PASSWORD_TOO_LONG},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


class PasswordPairMixin(NamedRequiredMixin, forms.Form):
    password1 = password_field(
        _l("密码"), help_text=_l("至少8位，最多128位，不能全为数字，不能与用户名、姓名相近。")
    )
    password2 = password_field(_l("确认密码"))

    def clean_password2(self):
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("两次输入的密码不一致。"))
        return p2

    def check_password_strength(self, user):
        password = self.cleaned_data.get("password1")
        if password:
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class LoginForm(CaptchaMixin, AuthenticationForm):
    username = forms.CharField(
        label=_l("用户名 / 证件号码 / 手机号"),
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = password_field(_l("密码"), autocomplete="current-password")
    error_messages = {
        "invalid_login": _l("账号或密码不正确。连续5次输入错误，账号将被锁定15分钟。"),
        "inactive": _l("该账号已停用，请联系管理员。"),
    }
    field_order = ["username", "password", "captcha"]

    def clean(self):
        if "captcha" in self.errors:
            # No password check (and no counted failure) until the captcha is right.
            return self.cleaned_data
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(self.lockout_message(), code="locked") from None
            raise

    def lockout_message(self):
        from applicants.backends import axes_username

        until = lockout_until(axes_username(self.request, {"username": self.data.get("username")}))
        when = formats.date_format(timezone.localtime(until), "Y-m-d H:i") if until else ""
        return _(
            "密码连续输入错误5次，账号已被锁定，请于 %(when)s 后再试，或通过“忘记密码”重置密码。"
        ) % {"when": when}


class PersonalRegistrationForm(CaptchaMixin, PasswordPairMixin):
    name = forms.CharField(
        label=_l("姓名"), max_length=50, help_text=_l("请填写证件上的姓名，注册确认后不能修改。")
    )
    id_type = forms.ChoiceField(
        label=_l("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    id_number = forms.CharField(
        label=_l("证件号码"),
        max_length=32,
        help_text=_l("注册确认后不能修改；每个证件号码只能注册一个账号。"),
    )
    phone = forms.CharField(
        label=_l("手机号码"), max_length=20, help_text=_l("用于找回密码，请填写本人常用手机号。")
    )
    username = forms.CharField(
        label=_l("用户名"), max_length=30, help_text=_l("以字母开头，4至30位字母、数字或下划线。")
    )

    field_order = [
        "name",
        "id_type",
        "id_number",
        "phone",
        "username",
        "password1",
        "password2",
        "captcha",
    ]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("请填写完整姓名。"))
        return name

    def clean_phone(self):
        return check_phone_free(validate_phone(self.cleaned_data["phone"]))

    def clean_username(self):
        return check_username_free(validate_username(self.cleaned_data["username"]))

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("id_number")
        id_type = cleaned.get("id_type")
        if raw and id_type:
            try:
                number = (
                    validate_resident_id(raw)
                    if id_type == IdType.RESIDENT_ID
                    else validate_passport(raw)
                )
            except forms.ValidationError as error:
                self.add_error("id_number", error)
            else:
                message = ID_NUMBER_TAKEN.get(sign_in_name_taken(number))
                if message:
                    self.add_error("id_number", str(message))
                cleaned["id_number"] = number
        if not self.errors:
            self.check_password_strength(
                User(username=cleaned.get("username", ""), name=cleaned.get("name", ""))
            )
        return cleaned

    def to_registration(self) -> PersonalRegistration:
        data = self.cleaned_data
        return PersonalRegistration(
            username=data["username"],
            name=data["name"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            phone=data["phone"],
            password_hash=make_password(data["password1"]),
        )


class ProfileForm(NamedRequiredMixin, forms.Form):
    phone = forms.CharField(label=_l("手机号码"), max_length=20)
    email = forms.EmailField(label=_l("电子邮箱"), required=False)
    ethnicity = forms.CharField(label=_l("民族"), max_length=20, required=False)
    birth_date = forms.DateField(
        label=_l("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(
        label=_l("性别"), required=False, choices=[EMPTY_CHOICE, *Gender.choices]
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.id_type == IdType.RESIDENT_ID:
            # Derived from the ID number, so not editable.
            del self.fields["birth_date"]
            del self.fields["gender"]

    def clean_phone(self):
        phone = validate_phone(self.cleaned_data["phone"])
        if self.user.is_personal:
            # A personal phone signs in, so it may not be another account's sign-in name.
            check_phone_free(phone, exclude_user=self.user)
        return phone


class PasswordResetRequestForm(CaptchaMixin):
    identifier = forms.CharField(label=_l("用户名 / 证件号码 / 手机号"), max_length=64)

    field_order = ["identifier", "captcha"]


class PasswordResetVerifyForm(PasswordPairMixin):
    code = forms.CharField(
        label=_l("短信验证码"),
        max_length=6,
        min_length=6,
        error_messages={"min_length": _l("验证码为6位数字。")},
    )

    field_order = ["code", "password1", "password2"]

    def __init__(self, *args, user: User | None, **kwargs):
        super().__init__(*args, **kwargs)
        # No account behind the request: checked like any password, so the page is the same.
        self.user = user or User()

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("验证码为6位数字。"))
        return code

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.check_password_strength(self.user)
        return cleaned


class PasswordChangeForm(PasswordPairMixin):
    """修改密码: the current password, then the new one twice."""

    old_password = password_field(_l("当前密码"), autocomplete="current-password")

    field_order = ["old_password", "password1", "password2"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password1"].label = _l("新密码")
        self.fields["password2"].label = _l("确认新密码")

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.check_password_strength(self.user)
        return cleaned
