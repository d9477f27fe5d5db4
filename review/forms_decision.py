"""Forms of the review page: one section's result, and the three decisions. They only parse
input; review.services decides (and checks again: a fail needs a reason, a reject too)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from core.forms import NamedRequiredMixin

PASS, FAIL = "pass", "fail"
REASON_MAX = 1000


class SectionResultForm(NamedRequiredMixin, forms.Form):
    """通过, or 不通过 with what the applicant must fix (模块审核)."""

    result = forms.ChoiceField(
        label=_l("审核结果"),
        choices=[(PASS, _l("通过")), (FAIL, pgettext_lazy("section result", "不通过"))],
        widget=forms.RadioSelect,
        error_messages={"required": _l("请选择“通过”或“不通过”。")},
    )
    reason = forms.CharField(
        label=_l("需要修改的内容"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("选择“不通过”时必须填写，申报人将看到此内容。"),
    )

    @classmethod
    def for_result(cls, result, *, prefix):
        """The form showing a saved result (or empty when the section has none yet)."""
        initial = {}
        if result is not None:
            initial = {"result": PASS if result.passed else FAIL, "reason": result.reason}
        return cls(prefix=prefix, initial=initial)

    def clean(self):
        data = super().clean()
        if data.get("result") == FAIL and not (data.get("reason") or "").strip():
            self.add_error("reason", _("模块审核不通过时必须填写需要修改的内容。"))
        return data

    @property
    def passed(self) -> bool:
        return self.cleaned_data["result"] == PASS


class DecisionForm(NamedRequiredMixin, forms.Form):
    """A decision, with the state the reviewer's page showed: if a colleague has moved the
    declaration since, the service refuses instead of deciding on top of it."""

    seen_status = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, upper: bool = False, **kwargs):
        """upper: the organization is a level above the declaring unit (审查, S3 附件2 二.3)."""
        super().__init__(*args, **kwargs)
        self.upper = upper
        if upper:
            self.for_upper_level()

    def for_upper_level(self):
        """Adapt the fields where departments 审查 what units reported."""

    def kwargs(self) -> dict:
        return {"seen_status": self.cleaned_data["seen_status"] or None}


class PassForm(DecisionForm):
    opinion = forms.CharField(
        label=_l("审核意见"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("可选，例如“经审核，材料真实完整，同意推荐”。"),
    )

    def for_upper_level(self):
        # 审查通过 is signed with the department's opinion.
        opinion = self.fields["opinion"]
        opinion.required = True
        opinion.label = _l("审查意见")
        opinion.help_text = _l("必须填写，例如“经审查，符合申报条件，同意推荐”。")
        opinion.error_messages["required"] = _l("审查通过时必须签署审查意见。")

    def kwargs(self) -> dict:
        return {**super().kwargs(), "opinion": self.cleaned_data["opinion"]}


class ReturnForm(DecisionForm):
    reason = forms.CharField(
        label=_l("退回原因"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("可选，补充说明需要修改的内容；没有模块审核不通过时必须填写。"),
    )

    def kwargs(self) -> dict:
        return {**super().kwargs(), "reason": self.cleaned_data["reason"]}


class RejectForm(DecisionForm):
    reason = forms.CharField(
        label=_l("不通过原因"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("必须填写，例如不具备申报资格的具体理由；申报人将看到此内容。"),
        error_messages={"required": _l("审核不通过时必须填写原因。")},
    )

    def for_upper_level(self):
        self.fields["reason"].label = _l("审查不通过原因")

    def kwargs(self) -> dict:
        return {**super().kwargs(), "reason": self.cleaned_data["reason"]}


DECISION_FORMS = {"pass": PassForm, "return": ReturnForm, "reject": RejectForm}
