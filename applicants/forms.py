"""Parse and normalise input; rules that need the database live in services."""

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.hashers import make_password
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from applicants.models import AccountKind, Gender, IdType, User
from applicants.services import PersonalRegistration, lockout_until
from applicants.validators import (
    normalize_id_number,
    validate_passport,
    validate_phone,
    validate_resident_id,
    validate_username,
)


class CaptchaMixin(forms.Form):
    captcha = CaptchaField(
        label=_l("验证码"),
        error_messages={"invalid": _l("验证码不正确，请重新输入。")},
        help_text=_l("看不清？点击图片换一张。"),
    )


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_l("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_l("至少8位，不能全为数字，不能与用户名、姓名相近。"),
    )
    password2 = forms.CharField(
        label=_l("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

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
        phone = validate_phone(self.cleaned_data["phone"])
        if User.objects.filter(kind=AccountKind.PERSONAL, phone=phone).exists():
            raise forms.ValidationError(_("该手机号码已被其他个人账号使用。"))
        return phone

    def clean_username(self):
        username = validate_username(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用，请换一个。"))
        # Usernames and ID numbers are both login names: one text must name one account.
        if User.objects.filter(id_number=normalize_id_number(username)).exists():
            raise forms.ValidationError(_("该用户名与已注册的证件号码相同，请换一个。"))
        return username

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
                if User.objects.filter(id_number=normalize_id_number(number)).exists():
                    self.add_error(
                        "id_number",
                        _(
                            "该证件号码已注册账号，每个证件号码只能注册一个账号。"
                            "如忘记用户名或密码，请使用“忘记密码”找回。"
                        ),
                    )
                if User.objects.filter(username__iexact=number).exists():
                    self.add_error(
                        "id_number",
                        _(
                            "该证件号码与其他账号的用户名相同，无法作为登录账号，请联系平台技术支持。"
                        ),
                    )
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


class ProfileForm(forms.Form):
    phone = forms.CharField(label=_l("手机号码"), max_length=20)
    email = forms.EmailField(label=_l("电子邮箱"), required=False)
    ethnicity = forms.CharField(label=_l("民族"), max_length=20, required=False)
    birth_date = forms.DateField(
        label=_l("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(
        label=_l("性别"), required=False, choices=[("", "---------"), *Gender.choices]
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
        taken = User.objects.filter(kind=AccountKind.PERSONAL, phone=phone).exclude(pk=self.user.pk)
        if self.user.is_personal and taken.exists():
            raise forms.ValidationError(_("该手机号码已被其他个人账号使用。"))
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

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

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
