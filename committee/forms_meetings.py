"""Forms of the expert pool, members, meetings and votes: parse and normalise only (the
services check the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _l

from applicants.models import IdType
from catalog.models import Level, Series, Specialty
from committee.models import Ballot
from committee.services.experts import ExpertData
from core.forms import name_required_fields
from institutions.models import Organization


class _Named(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_fields(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class ExpertForm(_Named):
    name = forms.CharField(label=_l("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_l("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_l("证件号码"), max_length=32)
    phone = forms.CharField(label=_l("手机号码"), max_length=20)
    work_unit = forms.CharField(label=_l("工作单位"), max_length=100)
    organization = forms.ModelChoiceField(
        label=_l("工作单位（平台注册单位，用于自动回避）"),
        queryset=Organization.objects.order_by("name"),
        required=False,
    )
    series = forms.ModelMultipleChoiceField(
        label=_l("评审系列"),
        queryset=Series.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialties = forms.ModelMultipleChoiceField(
        label=_l("评审专业"),
        queryset=Specialty.objects.select_related("series"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    title = forms.CharField(label=_l("职称"), max_length=50)
    level = forms.ModelChoiceField(label=_l("级别"), queryset=Level.objects.all(), required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("id_type", "id_number"):
                self.fields[name].required = False
                self.fields[name].disabled = True

    def data_object(self) -> ExpertData:
        c = self.cleaned_data
        return ExpertData(
            name=c["name"],
            id_type=c.get("id_type") or IdType.RESIDENT_ID,
            id_number=c.get("id_number") or "",
            phone=c["phone"],
            work_unit=c["work_unit"],
            organization=c.get("organization"),
            title=c["title"],
            level=c.get("level"),
            series=list(c.get("series") or []),
            specialties=list(c.get("specialties") or []),
        )


class ImportForm(_Named):
    file = forms.FileField(label=_l("专家名单（.xlsx）"))


class ReasonForm(_Named):
    reason = forms.CharField(label=_l("原因"), max_length=500, required=False)


class MeetingForm(_Named):
    name = forms.CharField(label=_l("会议名称"), max_length=100)
    held_on = forms.DateField(label=_l("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))


class DrawForm(_Named):
    count = forms.IntegerField(label=_l("抽取人数"), min_value=1, max_value=999)
    by_specialty = forms.BooleanField(label=_l("按专业优先抽取"), required=False)
    reason = forms.CharField(label=_l("重新抽取原因"), max_length=500, required=False)


class VoteForm(_Named):
    choice = forms.ChoiceField(label=_l("表决意见"), choices=Ballot.Choice.choices)


class ConflictForm(_Named):
    note = forms.CharField(label=_l("回避原因"), max_length=200)
