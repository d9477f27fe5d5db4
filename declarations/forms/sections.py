"""The forms of each section, with the rules of the seed documents."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from applicants.validators import validate_phone
from core.forms import EMPTY_CHOICE
from declarations.forms.achievements import ACHIEVEMENT_FORMS
from declarations.forms.base import RowFormSet, SectionForm, rows_formset, too_long
from declarations.forms.history import HISTORY_FORMS
from declarations.forms.info import INFO_FORMS
from declarations.forms.posts import refuse_administrative_post

NONE_WORD = "无"


class BasicInfoForm(SectionForm):
    """Name and ID come from the account; only contact details are edited here."""

    phone = forms.CharField(
        label=_l("手机号码"), max_length=20, help_text=_l("必须填写本人现在常用的手机号。")
    )
    email = forms.EmailField(label=_l("电子邮箱"), required=False)
    ethnicity = forms.CharField(label=_l("民族"), max_length=20, required=False)

    def configure(self):
        if self.declaration is not None and not self.initial.get("phone"):
            self.initial["phone"] = self.declaration.applicant.phone

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])


class PerformanceForm(SectionForm):
    text = forms.CharField(
        label=_l("任现职以来主要专业技术工作成绩及表现"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_l(
            "完成的业务工作任务、工作量、取得的效果等；实事求是、简明扼要；不得体现个人姓名。"
        ),
    )

    def configure(self):
        if self.plan is not None:
            self.limit = self.plan.statement_max_chars
            self.fields["text"].widget.attrs["maxlength"] = self.limit
            self.fields["text"].help_text = _(
                "完成的业务工作任务、工作量、取得的效果等；限%(n)d字，不得体现个人姓名。"
            ) % {"n": self.limit}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        limit = getattr(self, "limit", 1200)
        if len(text) > limit:
            raise forms.ValidationError(
                _("字数上限为%(n)d字，当前%(c)d字。") % {"n": limit, "c": len(text)}
            )
        name = self.declaration.applicant.name if self.declaration is not None else ""
        if name and name in text:
            raise forms.ValidationError(
                _("不得体现个人姓名（“%(name)s”），请删除后保存。") % {"name": name}
            )
        return text


class SocietiesForm(SectionForm):
    text = forms.CharField(
        label=_l("参加何种学术团体并任何种职务，有何社会兼职"),
        max_length=200,
        help_text=_l("没有相关兼职的填“无”。"),
    )

    def configure(self):
        self.limit = self.plan.societies_max_chars if self.plan is not None else 50
        self.fields["text"].widget.attrs["maxlength"] = self.limit

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) > self.limit:
            raise forms.ValidationError(too_long(self.limit))
        return text


class LanguageComputerForm(SectionForm):
    foreign_language = forms.CharField(
        label=_l("懂何种外语，达到何种程度"),
        max_length=100,
        help_text=_l("写明所获外语证书名称，无相关证书的填“无”。"),
    )
    computer_level = forms.CharField(
        label=_l("计算机水平"),
        max_length=100,
        help_text=_l("写明所获计算机证书名称，无相关证书的填“无”。"),
    )

    def _refuse_vague(self, value):
        value = value.strip()
        words = self.plan.vague_word_list if self.plan is not None else []
        used = [w for w in words if w in value]
        if used:
            raise forms.ValidationError(
                _("不得填写“%(w)s”等含糊不清的词语，请写明证书名称，没有的填“无”。")
                % {"w": "、".join(used)}
            )
        return value

    def clean_foreign_language(self):
        return self._refuse_vague(self.cleaned_data["foreign_language"])

    def clean_computer_level(self):
        return self._refuse_vague(self.cleaned_data["computer_level"])


class OtherForm(SectionForm):
    note = forms.CharField(
        label=_l("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("系统中无对应栏目的材料在本栏目上传，可在此说明。"),
    )


ASSESSMENT_GRADES = [
    ("优秀", _l("优秀")),
    ("合格", _l("合格")),
    ("基本合格", _l("基本合格")),
    ("不合格", _l("不合格")),
]


class AssessmentRowForm(SectionForm):
    year = forms.IntegerField(label=_l("年份"))
    post = forms.CharField(
        label=_l("受聘专业技术职务（岗位）"),
        max_length=50,
        help_text=_l("填写专业技术职称或岗位，不得填写行政职务；无职称写“无”。"),
    )
    grade = forms.ChoiceField(label=_l("考核等次"), choices=[EMPTY_CHOICE, *ASSESSMENT_GRADES])
    assessor = forms.CharField(label=_l("考核单位"), max_length=100)

    def clean_post(self):
        # S1 三.12: 专业技术职称或专业技术岗位, 不得填写行政职务.
        return refuse_administrative_post(
            self.cleaned_data["post"].strip(), field_label=str(self.fields["post"].label)
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.plan is not None:
            first = self.plan.year - self.plan.assessment_years
            last = self.plan.year - 1
            if not first <= year <= last:
                raise forms.ValidationError(
                    _("只填近%(n)d个年度（%(a)d—%(b)d年）的考核。")
                    % {"n": self.plan.assessment_years, "a": first, "b": last}
                )
        return year


class AssessmentFormSet(RowFormSet):
    def clean_rows(self, rows):
        limit = self.plan.assessment_years if self.plan is not None else 5
        if len(rows) > limit:
            raise forms.ValidationError(_("考核情况限填%(n)d个年度。") % {"n": limit})
        years = [row["year"] for row in rows]
        duplicates = sorted({y for y in years if years.count(y) > 1})
        if duplicates:
            raise forms.ValidationError(
                _("同一年度只能填写一次：%(y)s。") % {"y": "、".join(map(str, duplicates))}
            )


SECTION_FORMS = {
    # Sections built in their own modules register there (see declarations/forms/*.py).
    **INFO_FORMS,
    **HISTORY_FORMS,
    **ACHIEVEMENT_FORMS,
    "basic_info": BasicInfoForm,
    "performance": PerformanceForm,
    "societies": SocietiesForm,
    "language_computer": LanguageComputerForm,
    "other": OtherForm,
    "assessments": rows_formset(AssessmentRowForm, AssessmentFormSet, max_num=10),
}
