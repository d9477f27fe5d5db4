"""Forms of declaration_info (申报信息) and education (学历信息).

Rules from the engineering filing guide (二) 2–3 and the culture series guide 三 1–9.
"""

import json
import re
from datetime import date

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from catalog.models import DeclarationMethod, Specialty, Title
from core.forms import EMPTY_CHOICE, EMPTY_LABEL
from declarations.computations import whole_years
from declarations.forms.base import SectionForm
from institutions import access
from institutions.models import Organization
from institutions.selectors import (
    PERSONAL_AGENCY,
    declaring_unit_choices,
    is_personal_agency_bureau,
)

MAX_PROFESSIONAL_YEARS = 60


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlainText(forms.TextInput):
    """A value the applicant cannot change: posted in a hidden input, shown as plain text in an
    <output> (which its label names), not as an input box that looks editable."""

    template_name = "declarations/widgets/plain_text.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["described_by"] = context["widget"]["attrs"].get("aria-describedby")
        return context


def plain_text():
    return PlainText()


RANKING_PATTERN = re.compile(r"(\d{1,4})/(\d{1,4})")


def parse_ranking(value: str) -> str:
    """单位推荐排序 "N/M" (N-th of M recommended, 1 ≤ N ≤ M) → normalised "N/M"."""
    text = re.sub(r"\s+", "", value).replace("／", "/")
    match = RANKING_PATTERN.fullmatch(text)
    if match is None:
        raise forms.ValidationError(
            _(
                "单位推荐排序的格式为“名次/推荐人数”，例如在5人中排第3名填“3/5”，"
                "单位仅推荐1人的填“1/1”。"
            )
        )
    place, total = int(match[1]), int(match[2])
    if not 1 <= place <= total:
        raise forms.ValidationError(
            _("单位推荐排序“%(v)s”有误：名次应在1至推荐人数之间，例如“3/5”。") % {"v": value}
        )
    return f"{place}/{total}"


# 是否是工作单位
WORK_UNIT_YES = "是"
PERSONNEL_AGENCY = "人事代理"
LABOUR_DISPATCH = "劳务派遣"
WORK_RELATION_CHOICES = [
    EMPTY_CHOICE,
    (WORK_UNIT_YES, _l("是")),
    (PERSONNEL_AGENCY, _l("人事代理")),
    (LABOUR_DISPATCH, _l("劳务派遣")),
    (PERSONAL_AGENCY, _l("个人代理")),
]
NEEDS_WORK_UNIT = (PERSONNEL_AGENCY, LABOUR_DISPATCH)

EXCEPTION_KIND_CHOICES = [
    EMPTY_CHOICE,
    ("学历破格", _l("学历破格")),
    ("资历破格", _l("资历破格")),
]

YES, NO = "是", "否"
YES_NO_CHOICES = [(NO, _l("否")), (YES, _l("是"))]


class UnitChoiceField(forms.ModelChoiceField):
    """A declaring unit among the authorized units, shown as the search shows it."""

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.full_name}）"


class UnitSearchSelect(forms.Select):
    """A select plus a fuzzy-search input whose htmx request fills the select's options.

    Only the empty choice and the chosen unit are rendered: there may be thousands of authorized
    units, the rest come from /org/units/search/?q=… as <option> elements.
    """

    template_name = "declarations/widgets/unit_search_select.html"
    search_url = reverse_lazy("institutions:unit_search")
    # Set by the form: the plan's region (the search offers what lies in it) and the
    # 是否是工作单位 field (个人代理 searches the county HR bureaus; changing it searches again).
    region_id = None
    relation_name = ""
    relation_id = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = str(self.search_url)
        search_vals = {}
        if self.region_id is not None:
            search_vals["region"] = str(self.region_id)
        if self.relation_name:
            search_vals["relation_field"] = self.relation_name
        context["widget"]["search_vals"] = json.dumps(search_vals) if search_vals else ""
        context["widget"]["relation_id"] = self.relation_id
        return context

    def optgroups(self, name, value, attrs=None):
        every = self.choices
        queryset = getattr(every, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        pks = [v for v in value if re.fullmatch(r"[0-9]+", str(v))]
        empty = [] if every.field.empty_label is None else [("", every.field.empty_label)]
        self.choices = empty + [every.choice(obj) for obj in queryset.filter(pk__in=pks)]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every


class DeclarationInfoForm(SectionForm):
    year = forms.IntegerField(
        label=_l("年度"),
        widget=plain_text(),
        help_text=_l("申报计划的年度，不可修改。"),
    )
    ranking = forms.CharField(
        label=_l("单位推荐排序"),
        required=False,
        max_length=20,
        help_text=_l("格式“名次/推荐人数”：在5人中排第3名填“3/5”，单位仅推荐1人的填“1/1”。"),
        error_messages={"required": _l("本计划须填写单位推荐排序，此项不得为空。")},
    )
    level = forms.CharField(
        label=_l("申报级别"), required=False, disabled=True, widget=plain_text()
    )
    series = forms.CharField(
        label=_l("申报系列"), required=False, disabled=True, widget=plain_text()
    )
    title = forms.ModelChoiceField(
        label=_l("申报职称"),
        queryset=Title.objects.none(),
        empty_label=EMPTY_LABEL,
        error_messages={"invalid_choice": _l("请从下拉框中选择本计划的申报职称。")},
    )
    specialty = forms.ModelChoiceField(
        label=_l("现从事专业"),
        queryset=Specialty.objects.none(),
        empty_label=EMPTY_LABEL,
        required=False,
        help_text=_l("按本人实际从事的专业选择相关或相近的专业。"),
        error_messages={"invalid_choice": _l("请从下拉框中选择本系列的专业。")},
    )
    method = forms.ModelChoiceField(
        label=_l("申报方式"),
        queryset=DeclarationMethod.objects.none(),
        empty_label=EMPTY_LABEL,
        help_text=_l("符合正常申报条件的选“正常晋升”；年限、学历或资历不满足条件的选“破格”。"),
        error_messages={"invalid_choice": _l("本计划未开放该申报方式，请重新选择。")},
    )
    exception_kind = forms.ChoiceField(
        label=_l("破格情况"),
        choices=EXCEPTION_KIND_CHOICES,
        required=False,
        help_text=_l("申报方式为“破格”时须选填：学历破格或资历破格。"),
    )
    declaring_unit = UnitChoiceField(
        label=_l("申报单位"),
        queryset=Organization.objects.none(),
        widget=UnitSearchSelect,
        empty_label=_l("请先在上方输入单位名称查找"),
        help_text=_l(
            "须选择与本人建立正式人事劳动（聘用）关系的单位，原则上与社保缴费单位一致。"
            "找不到本单位的，请联系单位确认是否已注册并获得职称评审权限。"
            "自由职业者在“是否是工作单位”选择“个人代理”，此处选择户籍所在地或现居住地的"
            "县（市、区）人力资源社会保障局。"
        ),
        error_messages={
            "invalid_choice": _l("所选单位不存在或尚未获得职称评审权限，请输入单位名称查找后选择。")
        },
    )
    is_work_unit = forms.ChoiceField(
        label=_l("是否是工作单位"),
        choices=WORK_RELATION_CHOICES,
        help_text=_l(
            "申报单位是本人实际工作单位的选“是”；否则选“人事代理”“劳务派遣”或“个人代理”"
            "（自由职业者）。"
        ),
    )
    work_unit = forms.CharField(
        label=_l("工作单位"),
        required=False,
        max_length=100,
        help_text=_l(
            "选“人事代理”“劳务派遣”的，填写实际工作单位全称；选“是”的不填，个人代理无需填写。"
        ),
    )
    entrusted_review = forms.ChoiceField(
        label=_l("是否委托评审"),
        choices=YES_NO_CHOICES,
        initial=NO,
        help_text=_l("原则上选择“否”，确需委托的按实际情况填写。"),
    )
    public_institution_staff = forms.BooleanField(
        label=_l("事业单位在编人员"),
        required=False,
        help_text=_l(
            "事业单位在编人员须上传《事业单位人员职称申报岗位信息表》（评聘结合，"
            "在核定的岗位结构比例内推荐）。"
        ),
    )
    first_work_date = forms.DateField(
        label=_l("参加工作时间"), widget=date_input(), help_text=_l("按首次参加工作时间填写。")
    )
    professional_years = forms.IntegerField(
        label=_l("专业工作年限"),
        min_value=0,
        max_value=MAX_PROFESSIONAL_YEARS,
        error_messages={
            "invalid": _l("专业工作年限请填写整数年（按周年计算）。"),
            "min_value": _l("专业工作年限应在0至60年之间。"),
            "max_value": _l("专业工作年限应在0至60年之间。"),
        },
        help_text=_l("实际从事专业技术工作的年限，按周年计算；中间中断的扣除间断时间累计计算。"),
    )

    def configure(self):
        plan = self.plan
        if plan is None:
            return
        titles = Title.objects.filter(series_id=plan.series_id, level_id=plan.level_id)
        self.fields["title"].queryset = titles
        self.fields["specialty"].queryset = Specialty.objects.filter(series_id=plan.series_id)
        self.fields["method"].queryset = plan.methods.all()
        unit_field = self.fields["declaring_unit"]
        unit_field.queryset = declaring_unit_choices()
        unit_field.widget.region_id = plan.region_id
        unit_field.widget.relation_name = self.add_prefix("is_work_unit")
        unit_field.widget.relation_id = self["is_work_unit"].auto_id
        self.fields["ranking"].required = plan.ranking_required
        if not plan.ranking_required:
            self.fields["ranking"].help_text = _(
                "本计划不要求填写；填写的须为“名次/推荐人数”格式，例如“3/5”。"
            )
        self.fields["professional_years"].help_text = _(
            "实际从事专业技术工作的年限，按周年计算，截止到%(y)d年12月31日；"
            "中间中断的扣除间断时间累计计算。"
        ) % {"y": plan.year}
        initial = {
            **self.initial,
            "year": plan.year,
            "level": plan.level.name,
            "series": plan.series.name,
        }
        if not initial.get("title") and len(only := list(titles[:2])) == 1:
            initial["title"] = only[0].pk
        self.initial = initial

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.plan is not None and year != self.plan.year:
            raise forms.ValidationError(
                _("年度应为申报计划的年度“%(y)d”。") % {"y": self.plan.year}
            )
        return year

    def clean_ranking(self):
        value = self.cleaned_data["ranking"].strip()
        return parse_ranking(value) if value else ""

    def clean_work_unit(self):
        return self.cleaned_data["work_unit"].strip()

    def clean(self):
        data = super().clean()
        self._check_exception_kind(data)
        self._check_work_unit(data)
        self._check_declaring_unit(data)
        self._check_professional_years(data)
        return data

    def _check_exception_kind(self, data):
        method, kind = data.get("method"), data.get("exception_kind")
        if method is None:
            return
        if method.requires_exception_kind and not kind:
            self.add_error(
                "exception_kind",
                _("申报方式为“%(m)s”时须选填破格情况（学历破格或资历破格）。") % {"m": method},
            )
        elif not method.requires_exception_kind and kind:
            self.add_error(
                "exception_kind",
                _("只有破格申报才填写破格情况，申报方式为“%(m)s”时请留空。") % {"m": method},
            )

    def _check_work_unit(self, data):
        relation, work_unit = data.get("is_work_unit"), data.get("work_unit")
        if relation in NEEDS_WORK_UNIT and not work_unit:
            self.add_error(
                "work_unit",
                _("“是否是工作单位”选择“%(r)s”的，须填写实际工作单位。") % {"r": relation},
            )
        elif relation == WORK_UNIT_YES and work_unit:
            self.add_error(
                "work_unit",
                _("“是否是工作单位”选择“是”时申报单位即为工作单位，“工作单位”不填写。"),
            )

    def _check_declaring_unit(self, data):
        """The declaring unit fits 是否是工作单位 (个人代理: a county HR bureau, S0 二.3(5);
        otherwise a unit) and lies in the plan's region."""
        unit, relation = data.get("declaring_unit"), data.get("is_work_unit")
        if unit is None:
            return
        if relation == PERSONAL_AGENCY and not is_personal_agency_bureau(unit):
            self.add_error(
                "declaring_unit",
                _(
                    "“是否是工作单位”选择“个人代理”（自由职业者）的，“申报单位”须选择户籍所在地"
                    "或现居住地的县（市、区）人力资源社会保障局，“%(u)s”不是。"
                )
                % {"u": unit.name},
            )
            return
        if (
            relation
            and relation != PERSONAL_AGENCY
            and (not access.may(unit, access.Capability.DECLARING_UNIT))
        ):
            self.add_error(
                "declaring_unit",
                _(
                    "“%(u)s”只受理自由职业者的申报：申报单位选择人力资源社会保障局的，"
                    "“是否是工作单位”须选择“个人代理”；否则请选择本人的工作单位或人事代理、"
                    "劳务派遣单位。"
                )
                % {"u": unit.name},
            )
            return
        region = self.plan.region if self.plan is not None else None
        if region is not None and not region.covers(unit.region):
            self.add_error(
                "declaring_unit",
                _(
                    "“%(u)s”所属地区为%(ur)s，不在本申报计划的地区（%(pr)s）内，"
                    "请选择%(pr)s范围内的申报单位。"
                )
                % {"u": unit.name, "ur": unit.region.full_name, "pr": region.full_name},
            )

    def _check_professional_years(self, data):
        if self.plan is None:
            return
        cutoff = date(self.plan.year, 12, 31)
        started, years = data.get("first_work_date"), data.get("professional_years")
        if started is None:
            return
        if started > cutoff:
            self.add_error(
                "first_work_date",
                _("参加工作时间不能晚于%(d)s。") % {"d": cutoff.isoformat()},
            )
            return
        most = whole_years([(started, None)], self.plan.year)
        if years is not None and years > most:
            self.add_error(
                "professional_years",
                _(
                    "专业工作年限按周年计算至%(d)s，自参加工作时间%(s)s起最多%(n)d年，"
                    "当前填写%(v)d年。"
                )
                % {"d": cutoff.isoformat(), "s": started.isoformat(), "n": most, "v": years},
            )


# 学历信息
EDUCATION_LEVEL_CHOICES = [
    EMPTY_CHOICE,
    ("博士研究生", _l("博士研究生")),
    ("硕士研究生", _l("硕士研究生")),
    ("大学本科", _l("大学本科")),
    ("大学专科", _l("大学专科")),
    ("中专", _l("中专")),
    ("技工院校", _l("技工院校")),
    ("高中及以下", _l("高中及以下")),
    ("大学普通班", _l("大学普通班（1970—1976年入学）")),
    ("党校研究生", _l("中央（省、市委）党校研究生")),
    ("党校大学", _l("中央（省、市委）党校大学")),
    ("党校大专", _l("中央（省、市委）党校大专")),
    ("省业余大学", _l("省业余大学")),
    ("省业余大专", _l("省业余大专")),
]
# The levels registered in 学信网 (中国高等教育学生信息网); the others are verified elsewhere
# (党校教育网, 技工院校证书查询系统) or by the certificate itself.
CHSI_LEVELS = frozenset({"博士研究生", "硕士研究生", "大学本科", "大学专科"})
# S3 (三): "2001年以后取得国内大专及以上学历" are verified in 学信网, so their code is required.
# "以后" counts the year named (as 以上/以下 count the number): graduated on 2001-01-01 or later.
CHSI_FIRST_YEAR = 2001

DEGREE_CHOICES = [
    EMPTY_CHOICE,
    ("博士", _l("博士")),
    ("硕士", _l("硕士")),
    ("学士", _l("学士")),
    ("无", _l("无")),
]
DOMESTIC = "国内"
ORIGIN_CHOICES = [EMPTY_CHOICE, (DOMESTIC, _l("国内")), ("国（境）外", _l("国（境）外"))]

BLOCK_FIELDS = (
    "school",
    "major",
    "education",
    "degree",
    "degree_on",
    "graduated_on",
    "origin",
    "chsi_code",
)
BLOCKS = (("full_time", _l("全日制学历")), ("review", _l("评审依据学历")))
CHSI_CODE_PATTERN = re.compile(r"[A-Z0-9]+")


def school_field(label):
    return forms.CharField(label=label, max_length=100, help_text=_l("按毕业证书填写全称。"))


def major_field(label):
    return forms.CharField(label=label, max_length=100)


def education_field(label):
    return forms.ChoiceField(label=label, choices=EDUCATION_LEVEL_CHOICES)


def degree_field(label):
    return forms.ChoiceField(label=label, choices=DEGREE_CHOICES, required=False)


def degree_on_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=date_input(),
        help_text=_l(
            "按学位证书填写授予日期；2008年9月以后授予的国内学位须上传学位认证报告"
            "（学信网《中国高等教育学位在线验证报告》）。"
        ),
    )


def graduated_on_field(label):
    return forms.DateField(label=label, widget=date_input())


def origin_field(label):
    return forms.ChoiceField(
        label=label,
        choices=ORIGIN_CHOICES,
        help_text=_l("国（境）外学历须上传教育部留学服务中心出具的学历学位认证书。"),
    )


def chsi_code_field(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=32,
        help_text=_l(
            "《教育部学历证书电子注册备案表》上的在线验证码；2001年以后（含2001年）取得的"
            "国内大专及以上学历必填。"
        ),
    )


class EducationForm(SectionForm):
    full_time_school = school_field(_l("全日制-毕业院校"))
    full_time_major = major_field(_l("全日制-专业"))
    full_time_education = education_field(_l("全日制-学历"))
    full_time_degree = degree_field(_l("全日制-学位"))
    full_time_degree_on = degree_on_field(_l("全日制-学位授予时间"))
    full_time_graduated_on = graduated_on_field(_l("全日制-毕业时间"))
    full_time_origin = origin_field(_l("全日制-国内/国（境）外"))
    full_time_chsi_code = chsi_code_field(_l("全日制学历-学信网验证码"))
    same_as_full_time = forms.BooleanField(
        label=_l("评审依据学历同全日制学历"),
        required=False,
        help_text=_l("勾选后以全日制学历作为评审依据学历，下面各项无需填写。"),
    )
    review_school = school_field(_l("评审依据-毕业院校"))
    review_major = major_field(_l("评审依据-专业"))
    review_education = education_field(_l("评审依据-学历"))
    review_degree = degree_field(_l("评审依据-学位"))
    review_degree_on = degree_on_field(_l("评审依据-学位授予时间"))
    review_graduated_on = graduated_on_field(_l("评审依据-毕业时间"))
    review_origin = origin_field(_l("评审依据-国内/国（境）外"))
    review_chsi_code = chsi_code_field(_l("评审依据学历-学信网验证码"))

    def configure(self):
        # Ticking 同全日制学历 hides the review block on the page (static/js/section_form.js);
        # its fields are then not required either (below, and clean() copies the values).
        self.fields["same_as_full_time"].widget.attrs["data-hides"] = "review"
        for name in BLOCK_FIELDS:
            self.fields[f"review_{name}"].widget.attrs["data-hidden-by"] = self.add_prefix(
                "same_as_full_time"
            )
        if self.is_bound and self._same_as_full_time():
            # The review block is copied from the full-time one: what the plan requires of the
            # review block is required of the full-time block instead.
            for name in BLOCK_FIELDS:
                review = self.fields[f"review_{name}"]
                if review.required:
                    self.fields[f"full_time_{name}"].required = True
                    review.required = False

    def _same_as_full_time(self):
        field = self.fields["same_as_full_time"]
        return field.widget.value_from_datadict(
            self.data, self.files, self.add_prefix("same_as_full_time")
        )

    def _clean_graduated_on(self, name):
        graduated = self.cleaned_data[name]
        if graduated and graduated > timezone.localdate():
            raise forms.ValidationError(_("毕业时间不能晚于今天。"))
        return graduated

    def clean_full_time_graduated_on(self):
        return self._clean_graduated_on("full_time_graduated_on")

    def clean_review_graduated_on(self):
        return self._clean_graduated_on("review_graduated_on")

    def _clean_degree_on(self, name):
        awarded = self.cleaned_data[name]
        if awarded and awarded > timezone.localdate():
            raise forms.ValidationError(_("学位授予时间不能晚于今天。"))
        return awarded

    def clean_full_time_degree_on(self):
        return self._clean_degree_on("full_time_degree_on")

    def clean_review_degree_on(self):
        return self._clean_degree_on("review_degree_on")

    def _clean_chsi_code(self, name):
        code = re.sub(r"\s+", "", self.cleaned_data[name]).upper()
        if code and CHSI_CODE_PATTERN.fullmatch(code) is None:
            raise forms.ValidationError(_("学信网验证码只能包含字母和数字。"))
        return code

    def clean_full_time_chsi_code(self):
        return self._clean_chsi_code("full_time_chsi_code")

    def clean_review_chsi_code(self):
        return self._clean_chsi_code("review_chsi_code")

    def clean(self):
        data = super().clean()
        if data.get("same_as_full_time"):
            for name in BLOCK_FIELDS:
                # Whatever was typed in the review block is replaced by the full-time values.
                self._errors.pop(f"review_{name}", None)
                data[f"review_{name}"] = data.get(f"full_time_{name}")
        blocks = BLOCKS[:1] if data.get("same_as_full_time") else BLOCKS
        for prefix, block in blocks:
            self._check_chsi_code(data, prefix, block)
            self._check_degree_on(data, prefix)
        return data

    def _check_degree_on(self, data, prefix):
        """A date of award belongs to a degree (学士, 硕士 or 博士)."""
        if data.get(f"{prefix}_degree_on") and data.get(f"{prefix}_degree") in ("", None, "无"):
            self.add_error(
                f"{prefix}_degree_on",
                _("填写了学位授予时间，请同时选择学位；没有学位的请清空授予时间。"),
            )

    def _check_chsi_code(self, data, prefix, block):
        graduated = data.get(f"{prefix}_graduated_on")
        if (
            data.get(f"{prefix}_origin") == DOMESTIC
            and data.get(f"{prefix}_education") in CHSI_LEVELS
            and graduated is not None
            and graduated.year >= CHSI_FIRST_YEAR
            and not data.get(f"{prefix}_chsi_code")
        ):
            self.add_error(
                f"{prefix}_chsi_code",
                _(
                    "2001年以后（含2001年）取得的国内大专及以上学历须填写学信网验证码"
                    "（%(b)s毕业于%(y)d年）：请在学信网生成《教育部学历证书电子注册备案表》，"
                    "填写其在线验证码。"
                )
                % {"b": block, "y": graduated.year},
            )


INFO_FORMS = {"declaration_info": DeclarationInfoForm, "education": EducationForm}
