"""Forms of acceptance, fees and payments. They only parse input; committee.services decide
(and check again: a reason for 退回修改 and 不予受理, the amount of a charged plan)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from committee.services.acceptance import DECISIONS, REASON_MAX_LENGTH, decision_label
from committee.services.fees import MAX_AMOUNT
from committee.services.payments import MAX_IMPORT_BYTES
from core.forms import NamedRequiredMixin
from declarations.workflow import Action

MAX_ID = 2**31 - 1


class IdListField(forms.Field):
    """Ids from checkboxes, or one comma-separated hidden input (the confirmation page)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            ids = sorted({int(v) for item in value for v in str(item).split(",") if v.strip()})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("所选记录无效，请刷新页面后重新选择。")) from None
        if any(i <= 0 or i > MAX_ID for i in ids):
            raise forms.ValidationError(_("所选记录无效，请刷新页面后重新选择。"))
        return ids


def _decision_choices():
    return [(a, decision_label(a)) for a in DECISIONS]


class DecisionPickForm(forms.Form):
    """The inbox's selection: ticked ids and one of the three decisions, or one row's own
    button (pick = "<action>:<id>")."""

    action = forms.ChoiceField(choices=_decision_choices, required=False)
    ids = IdListField(required=False)
    pick = forms.CharField(required=False, max_length=40)

    def clean(self):
        data = super().clean()
        pick = (data.get("pick") or "").strip()
        if pick:
            action, _sep, pk = pick.partition(":")
            if action not in DECISIONS or not pk.isdigit() or not 0 < int(pk) <= MAX_ID:
                raise forms.ValidationError(_("所选操作无效，请刷新页面后重试。"))
            data["action"], data["ids"] = action, [int(pk)]
        if not data.get("action"):
            raise forms.ValidationError(_("请选择要执行的操作（受理、退回修改或不予受理）。"))
        if not data.get("ids") and "ids" not in self.errors:
            raise forms.ValidationError(
                _("请先勾选要%(a)s的申报。") % {"a": decision_label(data["action"])}
            )
        return data


class DecisionConfirmForm(NamedRequiredMixin, forms.Form):
    """确认: the ids named on the confirmation page, the decision, and its reason."""

    action = forms.ChoiceField(choices=_decision_choices)
    ids = IdListField(error_messages={"required": _l("请选择要处理的申报。")})
    reason = forms.CharField(
        label=_l("原因"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_l("退回修改、不予受理时必须填写，申报人将看到此内容。"),
    )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if (
            action in (Action.COMMITTEE_RETURN, Action.REFUSE)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error(
                "reason",
                _("不予受理时必须填写原因。")
                if action == Action.REFUSE
                else _("退回修改时必须填写退回原因。"),
            )
        return data


class FeeForm(NamedRequiredMixin, forms.Form):
    """收费设定 of one plan."""

    CHARGED, FREE = "charged", "free"

    charging = forms.ChoiceField(
        label=_l("收费设定"),
        choices=[(CHARGED, _l("收费")), (FREE, _l("不收费"))],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_l("评审费（元）"),
        required=False,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": "0"}),
        error_messages={
            "invalid": _l("请填写有效的金额。"),
            "max_decimal_places": _l("评审费金额最多保留两位小数。"),
            "max_digits": _l("评审费金额不能超过99999元。"),
            "max_whole_digits": _l("评审费金额不能超过99999元。"),
        },
    )
    required_before_evaluation = forms.BooleanField(
        label=_l("缴费后方可评审"), required=False, initial=True
    )

    def clean(self):
        data = super().clean()
        if data.get("charging") == self.CHARGED and "amount" not in self.errors:
            amount = data.get("amount")
            if amount is None:
                self.add_error("amount", _("收费时请填写评审费金额。"))
            elif amount <= 0:
                self.add_error("amount", _("收费时评审费金额必须大于0元。"))
            elif amount > MAX_AMOUNT:
                self.add_error("amount", _("评审费金额不能超过99999元。"))
        return data

    @property
    def charged(self) -> bool:
        return self.cleaned_data["charging"] == self.CHARGED


class PaymentSelectForm(forms.Form):
    ids = IdListField(required=False)
    reference = forms.CharField(
        label=_l("缴费凭证号"),
        required=False,
        max_length=64,
        error_messages={"max_length": _l("缴费凭证号不能超过64个字符。")},
    )

    def clean(self):
        data = super().clean()
        if not data.get("ids") and "ids" not in self.errors:
            raise forms.ValidationError(_("请先勾选要登记为已缴费的记录。"))
        return data


class PaymentImportForm(NamedRequiredMixin, forms.Form):
    file = forms.FileField(
        label=_l("缴费名单（.xlsx）"),
        help_text=_l("第1行为表头：证件号码（必填），姓名、金额、缴费凭证号（可选）；不超过2MB。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传Excel（.xlsx）格式的文件。"))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件不能超过2MB。"))
        return upload
