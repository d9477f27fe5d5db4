"""Forms of the review pages. They only parse input; the services decide.

QueueFilterForm: the queue's GET filters (a bad value is ignored, never an error page).
ReportSelectionForm: which declarations to report (the ticked ones, or all that qualify).
NoticeForm / NoticeOutcomeForm: 登记公示 and its result (with the people an objection is
against); NoticeCorrectionForm / NoticeCancelForm: 更正 / 撤销 a running notice;
ObjectionHandlingForm: 异议不成立 with how it was checked.
"""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from catalog.models import Level, Series
from core.forms import NamedRequiredMixin
from core.query import QUERY_MAX_LENGTH, bounded_query
from review.models import QUEUE_STATES, PublicNotice, ReviewState
from review.selectors import (
    QueueFilter,
    earliest_notice_end,
    mask_id_number,
    notice_candidates,
    notice_plans,
)
from review.services import MIN_NOTICE_WORKING_DAYS

SELECT = {"class": "form-select"}


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The options from the field's queryset read once (and kept), not through a server-side
    cursor per rendering."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows():
            yield self.choice(obj)


class CatalogChoiceField(forms.ModelChoiceField):
    """A choice among the rows of a small catalog table (series, levels): the options and the
    check of the chosen value come from one read of the table per form (one query, whether a
    value is chosen or not)."""

    iterator = _ListedChoiceIterator
    # The rows when the view has them already (review.selectors.catalog_options); else the
    # queryset is read.
    options = None

    def rows(self):
        return self.options if self.options is not None else self.queryset

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for obj in self.rows():
            if str(obj.pk) == str(value):
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class QueueFilterForm(NamedRequiredMixin, forms.Form):
    """申报年度, 职称系列, 申报级别, 审核状态 and a name / ID number search."""

    year = forms.IntegerField(
        label=_l("申报年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(
            attrs={"class": "form-control", "placeholder": _l("例如2026"), "min": 2000}
        ),
    )
    series = CatalogChoiceField(
        label=_l("职称系列"),
        queryset=Series.objects.all(),
        required=False,
        empty_label=_l("全部系列"),
        widget=forms.Select(attrs=SELECT),
    )
    level = CatalogChoiceField(
        label=_l("申报级别"),
        queryset=Level.objects.all(),
        required=False,
        empty_label=_l("全部级别"),
        widget=forms.Select(attrs=SELECT),
    )
    state = forms.ChoiceField(
        label=_l("审核状态"),
        choices=[("", _l("全部"))] + [(s.value, s.label) for s in QUEUE_STATES],
        required=False,
        widget=forms.HiddenInput,
    )
    q = forms.CharField(
        label=_l("姓名或身份证号"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _l("输入姓名或完整身份证号")}
        ),
    )

    def __init__(self, data=None, *, catalog=None, **kwargs):
        """catalog: the (series, levels) rows, when the caller has them."""
        data = data if data is not None else {}
        if len(data.get("q") or "") > QUERY_MAX_LENGTH:
            # A longer search is cut to what the box holds, rather than silently ignored.
            data = data.copy()
            data["q"] = bounded_query(data["q"])
        super().__init__(data, **kwargs)
        if catalog is not None:
            self.fields["series"].options, self.fields["level"].options = catalog

    def to_filter(self) -> QueueFilter:
        """The valid filters; a field with a bad value (an unknown series, a year that is not a
        number, …) is left out rather than refused."""
        self.is_valid()
        data = self.cleaned_data
        series, level = data.get("series"), data.get("level")
        return QueueFilter(
            year=data.get("year"),
            series=series.pk if series else None,
            level=level.pk if level else None,
            state=data.get("state") or None,
            q=(data.get("q") or "").strip(),
        )

    def params(self, **overrides) -> dict:
        """The valid filters as query parameters (for page links, tabs and redirects)."""
        f = self.to_filter()
        values = {
            "year": f.year or "",
            "series": f.series or "",
            "level": f.level or "",
            "state": f.state or "",
            "q": f.q,
        }
        values.update(overrides)
        return {key: value for key, value in values.items() if value not in ("", None)}

    def query(self, **overrides) -> str:
        return urlencode(self.params(**overrides))

    def describe(self) -> str:
        """The filters in words, for the 一览表's heading."""
        self.is_valid()
        data = self.cleaned_data
        parts = []
        if data.get("year"):
            parts.append(_("%(y)s年度") % {"y": data["year"]})
        for name in ("series", "level"):
            if data.get(name):
                parts.append(data[name].name)
        if data.get("state"):
            parts.append(str(ReviewState(data["state"]).label))
        if data.get("q"):
            parts.append(_("“%(q)s”") % {"q": data["q"].strip()})
        return " ".join(parts) or _("全部")


class IdListField(forms.Field):
    """A list of declaration ids from checkboxes, or one comma-separated hidden input (the
    confirmation page: reporting all 9,000 that qualify must not hit Django's limit of 1,000
    form fields)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return sorted({int(v) for item in value for v in str(item).split(",") if v.strip()})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("所选申报无效，请刷新页面后重新选择。")) from None


class ReportSelectionForm(NamedRequiredMixin, forms.Form):
    """上报选中 (scope=selected, the ticked ids) or 上报全部符合条件的 (scope=all: every
    declaration the organization may report under the filters, found again on the server)."""

    SELECTED, ALL = "selected", "all"

    scope = forms.ChoiceField(choices=[(SELECTED, SELECTED), (ALL, ALL)], required=False)
    ids = IdListField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("scope") != self.ALL and not data.get("ids") and "ids" not in self.errors:
            raise forms.ValidationError(_("请先勾选要上报的申报。"))
        return data


class ReportForm(NamedRequiredMixin, forms.Form):
    """The confirmed ids (hidden inputs of the confirmation page)."""

    ids = IdListField(
        error_messages={"required": _l("请选择要上报的申报。")},
    )


def _date_input():
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class DeclarationCheckboxes(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.applicant.name


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(year)s年度 %(series)s %(level)s") % {
            "year": obj.year,
            "series": obj.series.name,
            "level": obj.level.name,
        }


class NoticeForm(NamedRequiredMixin, forms.Form):
    """登记公示: the plan, the period (≥ 5 working days, checked by the service), where it is
    published and who is on it (the unit's 已通过待上报 declarations of the plan)."""

    plan = PlanChoiceField(
        label=_l("申报计划"),
        queryset=None,
        empty_label=_l("请选择申报计划"),
        error_messages={
            "required": _l("请选择申报计划。"),
            "invalid_choice": _l("本单位在该计划下没有待上报的申报，请重新选择。"),
        },
        widget=forms.Select(attrs=SELECT),
    )
    starts_on = forms.DateField(
        label=_l("公示开始日期"),
        widget=_date_input(),
        help_text=_l("公示须在本单位审核通过之后开始：不能早于所选人员的审核通过日期。"),
        error_messages={"required": _l("请填写公示开始日期。"), "invalid": _l("日期格式不正确。")},
    )
    ends_on = forms.DateField(
        label=_l("公示结束日期"),
        widget=_date_input(),
        help_text=_l("公示期不少于5个工作日（周末和法定节假日不计）；公示结束后方可登记公示结果。"),
        error_messages={"required": _l("请填写公示结束日期。"), "invalid": _l("日期格式不正确。")},
    )
    place = forms.CharField(
        label=_l("公示方式/地点"),
        max_length=200,
        required=False,
        help_text=_l("例如：单位公告栏、单位内网。"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    declarations = DeclarationCheckboxes(
        label=_l("公示人员"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _l("请选择公示人员。"),
            "invalid_choice": _l("所选人员不是本单位该计划“已通过待上报”的申报，请刷新页面。"),
            "invalid_pk_value": _l("所选人员无效，请刷新页面。"),
        },
    )

    def __init__(self, data=None, *, organization, plan_id=None, **kwargs):
        super().__init__(data, **kwargs)
        plans = notice_plans(organization)
        self.fields["plan"].queryset = plans
        # Choosing another plan reloads the people list (htmx; without it, 加载该计划的人员).
        self.fields["plan"].widget.attrs.update(
            {
                "hx-get": reverse("review:notice_new"),
                "hx-trigger": "change",
                "hx-target": "#notice-people",
                "hx-select": "#notice-people",
                "hx-swap": "outerHTML",
            }
        )
        if self.is_bound:
            plan_id = self.data.get("plan")
        self.plans = list(plans)
        self.plan = self._plan(self.plans, plan_id)
        candidates = notice_candidates(organization, self.plan)
        self.candidates = candidates
        self.fields["declarations"].queryset = candidates
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("starts_on", today)
            self.initial.setdefault("ends_on", earliest_notice_end(today, MIN_NOTICE_WORKING_DAYS))
            if self.plan is not None:
                self.initial.setdefault("plan", self.plan.pk)

    @staticmethod
    def _plan(plans, plan_id):
        if plan_id in (None, "") and len(plans) == 1:
            return plans[0]
        return next((p for p in plans if str(p.pk) == str(plan_id)), None)

    def candidate_list(self):
        """The candidates, read once for the checkboxes and the "already on a notice" badges."""
        if not hasattr(self, "_candidate_list"):
            self._candidate_list = list(self.candidates)
            for declaration in self._candidate_list:
                declaration.masked_id = mask_id_number(declaration.applicant.id_number)
        return self._candidate_list

    def checked_ids(self) -> set[int]:
        """Which checkboxes are ticked: by default everyone not yet on a notice (nor waiting
        for an objection to be handled); what was sent after a refused POST."""
        if self.is_bound:
            return {int(v) for v in self.data.getlist("declarations") if str(v).isdigit()}
        return {d.pk for d in self.candidate_list() if not d.noticed and not d.objection_open}


class NoticeCorrectionForm(NamedRequiredMixin, forms.Form):
    """更正公示: a running notice's period, place and people, and why they change (the plan
    stays; the service checks the rules as for a new notice)."""

    starts_on = NoticeForm.base_fields["starts_on"]
    ends_on = NoticeForm.base_fields["ends_on"]
    place = NoticeForm.base_fields["place"]
    declarations = NoticeForm.base_fields["declarations"]
    reason = forms.CharField(
        label=_l("更正原因"),
        max_length=500,
        error_messages={"required": _l("请填写更正原因。")},
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, data=None, *, notice, **kwargs):
        super().__init__(data, **kwargs)
        self.notice = notice
        self.candidates = notice_candidates(notice.organization, notice.plan, exclude_notice=notice)
        self.fields["declarations"].queryset = self.candidates
        if not self.is_bound:
            self.initial.update(
                starts_on=notice.starts_on, ends_on=notice.ends_on, place=notice.place
            )

    def candidate_list(self):
        if not hasattr(self, "_candidate_list"):
            self._candidate_list = list(self.candidates)
            for declaration in self._candidate_list:
                declaration.masked_id = mask_id_number(declaration.applicant.id_number)
        return self._candidate_list

    def checked_ids(self) -> set[int]:
        """The notice's people, or what was sent after a refused POST."""
        if self.is_bound:
            return {int(v) for v in self.data.getlist("declarations") if str(v).isdigit()}
        return set(self.notice.declarations.values_list("pk", flat=True))


class NoticeCancelForm(NamedRequiredMixin, forms.Form):
    reason = forms.CharField(
        label=_l("撤销原因"),
        max_length=500,
        error_messages={"required": _l("请填写撤销原因。")},
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class ObjectionHandlingForm(NamedRequiredMixin, forms.Form):
    """异议不成立: how the unit checked the objection against one person."""

    note = forms.CharField(
        label=_l("核查情况及处理意见"),
        max_length=2000,
        error_messages={"required": _l("请填写核查情况及处理意见。")},
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class NoticeOutcomeForm(NamedRequiredMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_l("公示结果"),
        choices=[
            (PublicNotice.Outcome.NO_OBJECTION, PublicNotice.Outcome.NO_OBJECTION.label),
            (PublicNotice.Outcome.OBJECTION, PublicNotice.Outcome.OBJECTION.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _l("请选择公示结果。")},
    )
    note = forms.CharField(
        label=_l("公示情况说明"),
        required=False,
        max_length=2000,
        help_text=_l("有异议时必须填写异议情况及处理意见。"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    objected = DeclarationCheckboxes(
        label=_l("异议涉及人员"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_l("有异议时勾选异议涉及的人员；异议处理完毕前，这些人员不能上报。"),
        error_messages={
            "invalid_choice": _l("所选人员不在该公示中，请刷新页面。"),
            "invalid_pk_value": _l("所选人员无效，请刷新页面。"),
        },
    )

    def __init__(self, data=None, *, notice, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["objected"].queryset = notice.declarations.select_related("applicant").order_by(
            "applicant__name", "pk"
        )
