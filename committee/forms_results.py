"""Forms of results, revocation and the public certificate check: parse and normalise only
(the services hold the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _l

from core.forms import NamedRequiredMixin

TEXT = {"class": "form-control"}


def _date_input():
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class PublishForm(NamedRequiredMixin, forms.Form):
    title = forms.CharField(
        label=_l("公示标题"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_l("不填写则使用“评委会名称+年度+评审结果公示”。"),
    )
    starts_on = forms.DateField(label=_l("公示开始日期"), widget=_date_input())
    ends_on = forms.DateField(
        label=_l("公示结束日期"),
        widget=_date_input(),
        help_text=_l("公示期不少于5个工作日（不含周末和法定节假日）。"),
    )


class ObjectionForm(NamedRequiredMixin, forms.Form):
    declaration = forms.TypedChoiceField(label=_l("异议涉及人员"), coerce=int, choices=())
    received_on = forms.DateField(label=_l("收到日期"), widget=_date_input())
    content = forms.CharField(
        label=_l("异议内容"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declaration"].choices = [("", _l("请选择"))] + [
            (row.declaration_id, f"{row.name}（{row.unit}）") for row in rows
        ]
        self.fields["declaration"].widget.attrs.update({"class": "form-select"})


class HandlingForm(NamedRequiredMixin, forms.Form):
    founded = forms.TypedChoiceField(
        label=_l("异议是否成立"),
        choices=[
            ("", _l("请选择")),
            ("yes", _l("成立（评审不通过，移出公示名单）")),
            ("no", _l("不成立")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    handling = forms.CharField(
        label=_l("处理情况"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )


class ConfirmForm(NamedRequiredMixin, forms.Form):
    approval_document_number = forms.CharField(
        label=_l("批准文号"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )


class CancelNoticeForm(NamedRequiredMixin, forms.Form):
    reason = forms.CharField(
        label=_l("撤销原因"),
        max_length=1000,
        error_messages={"required": _l("请填写撤销原因。")},
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text=_l("撤销后公示从公开页面撤下，名单中的人员仍为“评审通过”，可重新发布公示。"),
    )


class RevokeForm(NamedRequiredMixin, forms.Form):
    reason = forms.CharField(
        label=_l("撤销原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text=_l("写明弄虚作假的具体情形。撤销后证书作废，申报人3年内不得申报。"),
    )


class VerifyForm(NamedRequiredMixin, forms.Form):
    number = forms.CharField(
        label=_l("证书编号"), max_length=40, widget=forms.TextInput(attrs=TEXT)
    )
    name = forms.CharField(label=_l("姓名"), max_length=50, widget=forms.TextInput(attrs=TEXT))

    def clean_number(self):
        return self.cleaned_data["number"].strip()

    def clean_name(self):
        return self.cleaned_data["name"].strip()
