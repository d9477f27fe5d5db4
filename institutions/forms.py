from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as uscc_check

from applicants.forms import CaptchaMixin, PasswordPairMixin
from applicants.models import User, sign_in_name_taken
from applicants.validators import validate_phone, validate_username
from catalog.models import Level, Series
from core.forms import NamedRequiredMixin
from institutions import access, selectors, services
from institutions.models import Organization, OrgKind, Region, RoutingPath
from institutions.services import UnitRegistration


def clean_uscc(value: str) -> str:
    code = (value or "").strip().upper().replace(" ", "")
    try:
        return uscc_check.validate(code)
    except stdnum_errors.InvalidLength:
        raise forms.ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise forms.ValidationError(
            _("统一社会信用代码校验位不正确，请逐位核对营业执照。")
        ) from None
    except stdnum_errors.ValidationError:
        raise forms.ValidationError(
            _("统一社会信用代码格式不正确：应为18位数字或大写字母（不含I、O、Z、S、V）。")
        ) from None


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class UnitRegistrationForm(CaptchaMixin, PasswordPairMixin):
    name = forms.CharField(
        label=_l("单位名称"),
        max_length=100,
        help_text=_l("填写单位全称，不得使用简称；确认后不能自行修改。"),
    )
    uscc = forms.CharField(label=_l("统一社会信用代码"), max_length=30)
    region = RegionChoiceField(
        label=_l("所属地区"),
        queryset=Region.objects.order_by("code"),
        help_text=_l("区（市）及以下单位选择所在区县；市直部门及其下属单位选择所在市。"),
    )
    contact_name = forms.CharField(label=_l("联系人"), max_length=50)
    contact_phone = forms.CharField(
        label=_l("联系人手机号"), max_length=20, help_text=_l("用于找回密码，请填写常用手机号。")
    )
    username = forms.CharField(
        label=_l("登录名"), max_length=30, help_text=_l("以字母开头，4至30位字母、数字或下划线。")
    )

    field_order = [
        "name",
        "uscc",
        "region",
        "contact_name",
        "contact_phone",
        "username",
        "password1",
        "password2",
        "captcha",
    ]

    def clean_name(self):
        name = "".join(self.cleaned_data["name"].split())
        if len(name) < 4:
            raise forms.ValidationError(_("请填写单位全称。"))
        return name

    def clean_uscc(self):
        return clean_uscc(self.cleaned_data["uscc"])

    def clean_contact_phone(self):
        return validate_phone(self.cleaned_data["contact_phone"])

    def clean_username(self):
        username = validate_username(self.cleaned_data["username"])
        if sign_in_name_taken(username):
            # Any account's username, ID number or phone (sign-in names share one namespace).
            raise forms.ValidationError(_("该登录名已被使用，请换一个。"))
        return username

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.check_password_strength(
                User(username=cleaned.get("username", ""), name=cleaned.get("contact_name", ""))
            )
        return cleaned

    def to_registration(self) -> UnitRegistration:
        data = self.cleaned_data
        return UnitRegistration(
            name=data["name"],
            uscc=data["uscc"],
            region_id=data["region"].pk,
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            username=data["username"],
            password_hash=make_password(data["password1"]),
        )


class PermissionDecisionForm(NamedRequiredMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _l("通过")), ("reject", _l("不通过"))],
        widget=forms.RadioSelect,
        label=_l("审核结果"),
    )
    reason = forms.CharField(
        label=_l("审核意见"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("不通过时必须填写原因。"))
        return cleaned


class OrganizationProfileForm(NamedRequiredMixin, forms.Form):
    name = forms.CharField(label=_l("单位名称"), max_length=100)
    contact_name = forms.CharField(label=_l("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_l("联系电话"), max_length=20)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        if organization.name_locked:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _(
                "单位名称确认后不能自行修改，如有错误请联系所属地人社局。"
            )

    def clean_contact_phone(self):
        return validate_phone(self.cleaned_data["contact_phone"])


class UnitCorrectionForm(NamedRequiredMixin, forms.Form):
    """单位管理 → 更正信息: what the HR bureau may correct for one of its units, and why."""

    name = forms.CharField(label=_l("单位名称"), max_length=100)
    uscc = forms.CharField(label=_l("统一社会信用代码"), max_length=30)
    region = RegionChoiceField(label=_l("所属地区"), queryset=Region.objects.none())
    contact_name = forms.CharField(label=_l("联系人"), max_length=50)
    contact_phone = forms.CharField(
        label=_l("联系人手机号"),
        max_length=20,
        help_text=_l("找回密码和临时密码的短信发送至此号码。"),
    )
    reason = forms.CharField(
        label=_l("更正原因"),
        max_length=200,
        error_messages={"required": _l("请填写更正原因。")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("例如：单位来电申请更正，已核对营业执照。将记入审计记录。"),
    )

    def __init__(self, *args, bureau: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.bureau_regions(bureau)

    def clean_name(self):
        name = "".join(self.cleaned_data["name"].split())
        if len(name) < 4:
            raise forms.ValidationError(_("请填写单位全称。"))
        return name

    def clean_uscc(self):
        return clean_uscc(self.cleaned_data["uscc"])

    def clean_contact_phone(self):
        return validate_phone(self.cleaned_data["contact_phone"])


class OrganizationAccountForm(PasswordPairMixin):
    name = forms.CharField(label=_l("部门名称"), max_length=100)
    kind = forms.ChoiceField(
        label=_l("部门类型"),
        choices=[(k, label) for k, label in OrgKind.choices if k != OrgKind.UNIT],
    )
    region = RegionChoiceField(label=_l("所属地区"), queryset=Region.objects.order_by("code"))
    uscc = forms.CharField(label=_l("统一社会信用代码"), max_length=30, required=False)
    contact_name = forms.CharField(label=_l("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_l("联系人手机号"), max_length=20, required=False)
    username = forms.CharField(label=_l("登录名"), max_length=30)

    field_order = [
        "name",
        "kind",
        "region",
        "uscc",
        "contact_name",
        "contact_phone",
        "username",
        "password1",
        "password2",
    ]

    def clean_uscc(self):
        value = self.cleaned_data["uscc"]
        return clean_uscc(value) if value else ""

    def clean_contact_phone(self):
        value = self.cleaned_data["contact_phone"]
        return validate_phone(value) if value else ""

    def clean_username(self):
        username = validate_username(self.cleaned_data["username"])
        if sign_in_name_taken(username):
            # Any account's username, ID number or phone (sign-in names share one namespace).
            raise forms.ValidationError(_("该登录名已被使用，请换一个。"))
        return username

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.check_password_strength(User(username=cleaned.get("username", "")))
        return cleaned


# --- routing paths (路径申请 / 路径审核) -------------------------------------------------------

PATH_STATUS_ALL = "all"


class PathFilterForm(NamedRequiredMixin, forms.Form):
    """The GET filters above a path list: series, level and 是否生效."""

    series = forms.ModelChoiceField(
        label=_l("职称系列"),
        queryset=Series.objects.all(),
        required=False,
        empty_label=_l("全部系列"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = forms.ModelChoiceField(
        label=_l("职称级别"),
        queryset=Level.objects.all(),
        required=False,
        empty_label=_l("全部级别"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_l("是否生效"),
        choices=[*RoutingPath.Status.choices, (PATH_STATUS_ALL, _l("全部"))],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data, *, default_status: str = PATH_STATUS_ALL):
        data = data.copy()
        if not data.get("status"):
            data["status"] = default_status
        self.default_status = default_status
        super().__init__(data)

    def filters(self) -> dict:
        """series, level and status for selectors.filter_paths; a bad value filters nothing
        (the status falls back to the page's default)."""
        self.is_valid()
        cleaned = self.cleaned_data
        status = cleaned.get("status") or self.default_status
        return {
            "series": cleaned.get("series"),
            "level": cleaned.get("level"),
            "status": "" if status == PATH_STATUS_ALL else status,
        }


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_kind_display()}，{obj.region.full_name}）"


class CommitteeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.series.name} · {obj.level.name}）"


class PathApplicationForm(NamedRequiredMixin, forms.Form):
    """新增路径: series, level and the destination. A reporting department chooses a committee,
    units and supervising departments the department above them, an HR bureau either (the
    committee, or the department or bureau above it)."""

    series = forms.ModelChoiceField(label=_l("职称系列"), queryset=Series.objects.all())
    level = forms.ModelChoiceField(label=_l("职称级别"), queryset=Level.objects.all())
    target = DepartmentChoiceField(
        label=_l("选择单位"),
        queryset=Organization.objects.none(),
        help_text=_l("选择本单位的上级业务主管部门或呈报部门。"),
    )
    committee = CommitteeChoiceField(
        label=_l("评审委员会"),
        queryset=selectors.active_committees().order_by(
            "series__sort_order", "level__rank", "region__code", "name"
        ),
        help_text=_l("选择与所申请系列、级别一致的评审委员会。"),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        target_kinds = services.path_target_kinds(organization)
        to_committee = access.may(organization, access.Capability.APPLY_COMMITTEE_PATH)
        if not target_kinds and to_committee:
            del self.fields["target"]
        else:
            self.fields["target"].queryset = selectors.path_destinations(organization, target_kinds)
        if not to_committee:
            del self.fields["committee"]
        if "target" in self.fields and "committee" in self.fields:
            # Either one: the committee, or the department above.
            self.fields["target"].required = self.fields["committee"].required = False
            self.fields["target"].help_text = _l(
                "向上级部门（呈报部门或上级人社局）上报的，选择该部门；直接上报评审委员会的留空，"
                "在下方选择评审委员会。"
            )

    def clean(self):
        cleaned = super().clean()
        either = "target" in self.fields and "committee" in self.fields
        if (
            either
            and not self.errors
            and bool(cleaned.get("target")) == bool(cleaned.get("committee"))
        ):
            raise forms.ValidationError(
                _("请选择一个上级部门或一个评审委员会（二者选一）。"), code="destination"
            )
        return cleaned

    def destination(self) -> dict:
        """target= or committee=, as services.apply_for_path takes it."""
        if self.cleaned_data.get("committee"):
            return {"committee": self.cleaned_data["committee"]}
        return {"target": self.cleaned_data["target"]}


class PathDecisionForm(NamedRequiredMixin, forms.Form):
    """生效 or 不通过, chosen by the button pressed; the reason is checked by the service."""

    decision = forms.ChoiceField(
        choices=[("approve", _l("生效")), ("reject", _l("不通过"))],
        label=_l("审核结果"),
        error_messages={
            "required": _l("请选择“生效”或“不通过”。"),
            "invalid_choice": _l("请选择“生效”或“不通过”。"),
        },
    )
    reason = forms.CharField(
        label=_l("审核意见"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("选择“不通过”时必须填写原因，申请单位将看到此意见。"),
    )
