"""Forms of titles (现专业技术职称及职业资格), admin_posts (现任（含兼任）行政职务) and
work_experience (工作经历), with the rules of the engineering filing guide (二) 4, 5, 9 and the
culture series guide 三 10, 11, 15."""

import re
from datetime import date, timedelta
from itertools import pairwise

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from catalog.models import DeclarationMethod, Level, ProfessionalQualification, Series, Title
from declarations.computations import add_months, whole_years
from declarations.forms.base import (
    ROWS_KEY,
    RowFormSet,
    SectionForm,
    Shared,
    SharedModelChoiceField,
    rows_formset,
)
from declarations.forms.posts import (
    refuse_administrative_post,
    refuse_leading_administrative_post,
)

# "无" (no title) and "其他" (then "无") both mean: no current professional title.
NO_TITLE_WORDS = ("无", "其他")


def has_no_title(rows) -> bool:
    """Whether saved titles rows say the applicant has no current title and no 职业资格: no
    row, or only a "无"/"其他" row without a qualification (S0 二.4(1), S1 三.10(1))."""
    return all(row.get("title") in NO_TITLE_WORDS and not row.get("qualification") for row in rows)


NONE_WORD = "无"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today() -> date:
    return timezone.localdate()


def _not_future(value):
    if value is not None and value > _today():
        raise forms.ValidationError(_("不能晚于今天。"))
    return value


class DatalistInput(forms.TextInput):
    """A text input with suggestions: the applicant may choose one or type freely."""

    def __init__(self, attrs=None, options=()):
        super().__init__(attrs)
        self.options = list(options)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-options"
        attrs["list"] = list_id
        html = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}"></option>', ((o,) for o in self.options))
        return html + format_html('<datalist id="{}">{}</datalist>', list_id, options)


# ---------------------------------------------------------------- 现专业技术职称及职业资格


def declared_method(declaration):
    """The 申报方式 saved in the declaration's 申报信息 section, or None when not saved yet."""
    if declaration is None:
        return None
    if "section_data" in getattr(declaration, "_prefetched_objects_cache", {}):
        # The saved sections are already read (the overview's missing_items).
        sections = declaration.section_data.all()
        section = next((s for s in sections if s.code == "declaration_info"), None)
    else:
        section = declaration.section_data.filter(code="declaration_info").first()
    value = (section.data or {}).get("method") if section is not None else None
    if value in (None, ""):
        return None
    try:
        return DeclarationMethod.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return DeclarationMethod.objects.filter(code=str(value)).first()


def _no_title_methods() -> str:
    names = DeclarationMethod.objects.filter(allows_no_current_title=True).values_list(
        "name", flat=True
    )
    return "、".join(f"“{n}”" for n in names)


def no_title_refusal(shared: Shared, declaration) -> str | None:
    """Why this declaration may not be made without a current title, or None if it may.

    Anyone without a title declares with "无"/"其他" under a method that allows it (正常晋升,
    高层次人才直评, 高技能人才贯通, …: DeclarationMethod.allows_no_current_title); a method that
    builds on a title (改系列, 破格, …) needs one. The method is the one saved in 申报信息."""
    method = shared.get("declared_method", lambda: declared_method(declaration))
    methods = shared.get("no_title_methods", _no_title_methods)
    if method is None:
        return _(
            "现专业技术职称填“无”或“其他”仅限%(methods)s申报方式，"
            "请先填写并保存“申报信息”（申报方式）。"
        ) % {"methods": methods}
    if not method.allows_no_current_title:
        return _(
            "申报方式为“%(method)s”，须填写现专业技术职称，不能填写“无”；%(methods)s可无现职称。"
            "以考试取得的职业资格申报的，请选择对应的职业资格。"
        ) % {"method": method.name, "methods": methods}
    return None


def _title_catalog() -> dict:
    """The catalog's titles by (series id, name), in the catalog's order, with their levels."""
    catalog = {}
    for title in Title.objects.select_related("level"):
        catalog.setdefault((title.series_id, title.name), []).append(title)
    return catalog


class TitleRowForm(SectionForm):
    # The choices, the catalog and the declared method are read once for all the rows of the
    # formset (self.shared), not once per row.
    level = SharedModelChoiceField(
        label=_l("职称级别"), queryset=Level.objects.all(), required=False
    )
    series = SharedModelChoiceField(
        label=_l("职称系列"), queryset=Series.objects.all(), required=False
    )
    title = forms.CharField(
        label=_l("现专业技术职称"),
        max_length=40,
        widget=DatalistInput(),
        help_text=_l(
            "按资格证书如实选择或填写。无现专业技术职称的填“无”（或选择“其他”）。"
            "现职称通过改系列取得的，再添加一行填写改系列前的职称。"
        ),
    )
    obtained_on = forms.DateField(
        label=_l("获取资格时间"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_l("按资格证书中的“公布时间”填写，无公布时间的填“评审时间”。"),
    )
    appointed_on = forms.DateField(
        label=_l("聘任时间"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_l("第一次受聘现专业技术职务的时间，而非获取资格时间；未聘任的可不填。"),
    )
    appointment_years = forms.IntegerField(
        label=_l("聘任年限"),
        required=False,
        disabled=True,
        help_text=_l("保存时按周年自动计算到申报年度12月31日。"),
    )
    qualification = SharedModelChoiceField(
        label=_l("职业资格"),
        queryset=ProfessionalQualification.objects.all(),
        required=False,
        help_text=_l("考试取得的专业技术类职业资格（视同相应职称）。"),
    )
    qualification_on = forms.DateField(
        label=_l("职业资格获取时间"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_l("按职业资格证书中的“批准时间”填写。"),
    )
    transferred_in = forms.BooleanField(
        label=_l("外地调入"),
        required=False,
        help_text=_l(
            "在外地取得该职称、调入后已办理调入认定手续的勾选，并上传"
            "《外地调入人员专业技术职务资格审核确认登记表》。"
        ),
    )

    def configure(self):
        # 聘任时间 may be made required by the plan, but never for a row with no title.
        self.appointed_required = self.fields["appointed_on"].required
        self.fields["appointed_on"].required = False
        names = list(dict.fromkeys(name for _series, name in self._catalog()))
        self.fields["title"].widget.options = [*names, *NO_TITLE_WORDS]

    def _catalog(self) -> dict:
        return self.shared.get("title_catalog", _title_catalog)

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_obtained_on(self):
        return _not_future(self.cleaned_data["obtained_on"])

    def clean_appointed_on(self):
        return _not_future(self.cleaned_data["appointed_on"])

    def clean_qualification_on(self):
        return _not_future(self.cleaned_data["qualification_on"])

    def clean(self):
        data = super().clean()
        title = data.get("title")
        if title is None:
            return data
        qualification = data.get("qualification")
        if (
            qualification is not None
            and not data.get("qualification_on")
            and "qualification_on" not in self.errors
        ):
            self.add_error("qualification_on", _("请填写职业资格获取时间。"))
        if data.get("qualification_on") and qualification is None:
            self.add_error("qualification", _("填写了获取时间，请选择对应的职业资格。"))
        if title in NO_TITLE_WORDS:
            self._check_no_title(qualification)
            return data
        for name in ("level", "series", "obtained_on"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("有现专业技术职称的，此项必须填写。"))
        if (
            self.appointed_required
            and data.get("appointed_on") is None
            and "appointed_on" not in self.errors
        ):
            self.add_error(
                "appointed_on",
                _("本计划要求填写聘任时间；未实行聘任的企业人员可填写获取资格时间。"),
            )
        obtained, appointed = data.get("obtained_on"), data.get("appointed_on")
        if obtained and appointed and appointed < obtained:
            self.add_error(
                "appointed_on",
                _("聘任时间（%(a)s）不能早于获取资格时间（%(o)s）。")
                % {"a": appointed.isoformat(), "o": obtained.isoformat()},
            )
        self._check_catalog_level(title, data.get("series"), data.get("level"))
        return data

    def _check_no_title(self, qualification):
        """ "无"/"其他" only for the methods that allow it, or with a 职业资格 as the basis."""
        if qualification is not None:
            return
        refusal = no_title_refusal(self.shared, self.declaration)
        if refusal:
            self.add_error("title", refusal)

    def _check_catalog_level(self, title, series, level):
        """A title of the catalog must carry its own level within its series."""
        if series is None or level is None:
            return
        levels = self._catalog().get((series.pk, title), [])
        if levels and all(t.level_id != level.pk for t in levels):
            self.add_error(
                "level",
                _("“%(t)s”是%(s)s系列%(l)s职称，请按资格证书核对职称级别。")
                % {"t": title, "s": series.name, "l": levels[0].level.name},
            )

    def to_data(self, appointed_until=None) -> dict:
        """appointed_until: the last day of this appointment when a later title replaced it."""
        data = super().to_data()
        appointed = self.cleaned_data.get("appointed_on")
        year = self.plan.year if self.plan is not None else _today().year
        if appointed is None:
            data["appointment_years"] = None
        elif appointed_until is not None and appointed_until < appointed:
            data["appointment_years"] = 0
        else:
            data["appointment_years"] = whole_years([(appointed, appointed_until)], year)
        return data


class TitleFormSet(RowFormSet):
    def clean_rows(self, rows):
        if not rows:
            # No row: no current title, as a "无" row says (the section needs no row then).
            refusal = no_title_refusal(self.shared, self.declaration)
            if refusal:
                raise forms.ValidationError(refusal)
            return
        none_rows = [r for r in rows if r["title"] in NO_TITLE_WORDS]
        if none_rows and len(rows) > 1:
            raise forms.ValidationError(
                _("填写“无”（无现专业技术职称）时不能再填写其他职称记录，请删除多余的行。")
            )

    def to_data(self) -> dict:
        """The current title first, then those held before (改系列前), newest first. A title held
        before counts its appointment years up to the day before the next title's appointment."""
        kept = sorted(
            self.kept_forms(),
            key=lambda f: f.cleaned_data.get("obtained_on") or date.min,
            reverse=True,
        )
        rows, newer_appointed = [], None
        for form in kept:
            until = newer_appointed - timedelta(days=1) if newer_appointed else None
            rows.append(form.to_data(appointed_until=until))
            newer_appointed = form.cleaned_data.get("appointed_on") or newer_appointed
        return {ROWS_KEY: rows}


# ---------------------------------------------------------------- 现任（含兼任）行政职务


class AdminPostRowForm(SectionForm):
    post = forms.CharField(
        label=_l("现任（含兼任）行政职务"),
        max_length=50,
        help_text=_l("没有行政职务的不必添加记录。"),
    )
    started_on = forms.DateField(label=_l("任职时间"), widget=DATE_WIDGET)
    dual_role = forms.BooleanField(
        label=_l("双肩挑"),
        required=False,
        help_text=_l(
            "事业单位管理岗位人员经审批在专业技术岗位兼职（“双肩挑”）的勾选，并上传"
            "《事业单位专业技术岗位兼职审批表》。"
        ),
    )

    def clean_post(self):
        post = self.cleaned_data["post"].strip()
        if post == NONE_WORD:
            raise forms.ValidationError(_("没有行政职务的不必添加记录，请删除这一行。"))
        return post

    def clean_started_on(self):
        return _not_future(self.cleaned_data["started_on"])


# ---------------------------------------------------------------- 工作经历

MONTH_WIDGET = forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"}, format="%Y-%m")
# "XX单位/XX科室/XX岗位" (engineering) or "xx单位-xx部门-专业技术职称" (culture).
SLASHES = re.compile(r"[/／]")
DASHES = re.compile(r"[-－]")
# 援外、援藏、援疆、援青、援鄂: a period of such work needs its evidence (S0 二.9, S1 三.15).
SPECIAL_EXPERIENCE_CHOICES = [
    ("", _l("无")),
    ("援外", _l("援外")),
    ("援藏", _l("援藏")),
    ("援疆", _l("援疆")),
    ("援青", _l("援青")),
    ("援鄂", _l("援鄂")),
]


class MonthField(forms.DateField):
    """A month, kept as the first day of that month."""

    widget = MONTH_WIDGET
    input_formats = ["%Y-%m", "%Y-%m-%d", "%Y.%m", "%Y/%m", "%Y年%m月"]
    default_error_messages = {"invalid": _l("请按“年-月”填写，例如 2018-07。")}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value is not None else None


def month_text(value: date | None) -> str:
    return value.strftime("%Y-%m") if value is not None else _("至今")


def period_text(start: date, end: date | None) -> str:
    return f"{month_text(start)}～{month_text(end)}"


def months_text(first: date, last: date) -> str:
    """A run of whole months: "2018-07" or "2018-07～2018-09"."""
    return month_text(first) if first == last else period_text(first, last)


class WorkExperienceRowForm(SectionForm):
    start = MonthField(label=_l("开始时间"))
    end = MonthField(
        label=_l("结束时间"), required=False, help_text=_l("至今的留空（只限最后一段经历）。")
    )
    unit_dept_post = forms.CharField(
        label=_l("单位-部门-岗位"),
        max_length=150,
        help_text=_l(
            "具体到科室，格式：XX单位/XX科室/XX岗位，例如：潍坊市**有限公司/设备科/机械电气；"
            "岗位填写专业技术岗位或职称，不得填写行政职务。"
        ),
    )
    professional_work = forms.CharField(
        label=_l("从事专业技术工作"),
        max_length=100,
        help_text=_l("按本时间段内所从事的工作岗位如实填写。"),
    )
    position = forms.CharField(
        label=_l("所任职务"),
        max_length=50,
        help_text=_l(
            "填写专业技术职务，无专业技术职务的填“无”；具有行政职务的可补充在其后，"
            "例如“馆员（副馆长）”。"
        ),
    )
    summary = forms.CharField(
        label=_l("经历简介"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    special_experience = forms.ChoiceField(
        label=_l("特殊经历"),
        choices=SPECIAL_EXPERIENCE_CHOICES,
        required=False,
        help_text=_l("援外、援藏、援疆、援青、援鄂等经历选择相应类型，并上传佐证材料。"),
    )

    def _not_after_this_month(self, value):
        if value is not None and value > _today().replace(day=1):
            raise forms.ValidationError(_("不能晚于本月。"))
        return value

    def clean_start(self):
        return self._not_after_this_month(self.cleaned_data["start"])

    def clean_end(self):
        value = self.cleaned_data["end"]
        if value is not None and value > _today().replace(day=1):
            raise forms.ValidationError(_("不能晚于本月；仍在该岗位工作的请留空（至今）。"))
        return value

    def clean_unit_dept_post(self):
        value = self.cleaned_data["unit_dept_post"].strip()
        separator, pattern = ("/", SLASHES) if SLASHES.search(value) else ("-", DASHES)
        parts = [p.strip() for p in pattern.split(value)]
        if len(parts) != 3 or not all(parts):
            raise forms.ValidationError(
                _(
                    "请按“XX单位/XX科室/XX岗位”填写单位、部门（具体到科室）和岗位三部分，"
                    "也可用“-”分隔。"
                )
            )
        # The post is a professional one: "此处不得体现行政职务" (S1 三.15(1)).
        refuse_administrative_post(parts[2], field_label=_("岗位"))
        return separator.join(parts)

    def clean_professional_work(self):
        return self.cleaned_data["professional_work"].strip()

    def clean_position(self):
        # The professional post first; an administrative one may follow (S1 三.15(3)).
        return refuse_leading_administrative_post(
            self.cleaned_data["position"].strip(), field_label=str(self.fields["position"].label)
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end < start:
            self.add_error("end", _("结束时间不能早于开始时间。"))
        return data

    def to_data(self) -> dict:
        data = super().to_data()
        data["start"] = self.cleaned_data["start"].strftime("%Y-%m")
        end = self.cleaned_data.get("end")
        data["end"] = end.strftime("%Y-%m") if end is not None else None
        return data


class WorkExperienceFormSet(RowFormSet):
    """Rows in time order, with no gap and no overlap (应连续填写，不得间断)."""

    def clean_rows(self, rows):
        ordered = sorted(rows, key=lambda r: r["start"])
        errors = []
        for previous, row in pairwise(ordered):
            before = period_text(previous["start"], previous["end"])
            after = period_text(row["start"], row["end"])
            if previous["end"] is None:
                errors.append(
                    _("“%(a)s”不是最后一段经历，结束时间不能留空（至今只限最后一段）。")
                    % {"a": before}
                )
                continue
            expected = add_months(previous["end"], 1)
            if row["start"] > expected:
                errors.append(
                    _("“%(a)s”与“%(b)s”之间有间断（%(gap)s），工作经历应连续填写，不得间断。")
                    % {
                        "a": before,
                        "b": after,
                        "gap": months_text(expected, add_months(row["start"], -1)),
                    }
                )
            elif row["start"] < expected:
                errors.append(
                    _("“%(a)s”与“%(b)s”时间重叠，后一段应从%(m)s开始。")
                    % {"a": before, "b": after, "m": month_text(expected)}
                )
        if errors:
            raise forms.ValidationError(errors)

    def to_data(self) -> dict:
        rows = sorted((f.to_data() for f in self.kept_forms()), key=lambda r: r["start"])
        return {ROWS_KEY: rows}


HISTORY_FORMS = {
    "titles": rows_formset(TitleRowForm, TitleFormSet, max_num=10),
    "admin_posts": rows_formset(AdminPostRowForm, max_num=10),
    "work_experience": rows_formset(WorkExperienceRowForm, WorkExperienceFormSet),
}
