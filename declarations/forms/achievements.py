"""Forms of achievements (任现职以来取得的代表性成果).

Seed rules (engineering filing guide (二) 10, culture operation guide 三 16): a category from the
plan's list, the name, the date, the rank "N/M" ("1/1" for work done alone) and the fields of the
category — 论文/著作: 报刊或出版社, 转摘刊物 ("无" if none), an optional verification URL; 专利:
专利类别 and 批准机关; 课题/获奖: 等级 ("无" if none) and 批准机关; 其他: 批准机关 if there is one.
At most plan.achievements_limit rows (15), listed by date; the same achievement only once.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.forms import EMPTY_CHOICE
from declarations.forms.base import ROWS_KEY, RowFormSet, SectionForm, rows_formset
from declarations.models import AchievementCategory

C = AchievementCategory
NONE_WORD = "无"

PATENT_TYPES = [("发明专利", _l("发明专利")), ("实用新型专利", _l("实用新型专利"))]
LEVELS = [
    ("国家级", _l("国家级")),
    ("省部级", _l("省部级")),
    ("市厅级", _l("市厅级")),
    ("县处级", _l("县处级")),
    (NONE_WORD, _l("无")),
]

# Fields each category needs (required) and may have (optional); the rest are dropped.
CATEGORY_FIELDS = {
    C.PAPER: {"required": ("publisher", "reprinted_in"), "optional": ("verify_url",)},
    C.PATENT: {"required": ("patent_type", "authority"), "optional": ()},
    C.PROJECT: {"required": ("level", "authority"), "optional": ()},
    C.AWARD: {"required": ("level", "authority"), "optional": ()},
    C.OTHER: {"required": (), "optional": ("authority",)},
}
CATEGORY_SPECIFIC = ("publisher", "reprinted_in", "verify_url", "patent_type", "level", "authority")


def categories_of(name: str) -> list[str]:
    """The categories whose rows have the field `name` (required or optional)."""
    return [
        category
        for category, spec in CATEGORY_FIELDS.items()
        if name in spec["required"] or name in spec["optional"]
    ]


RANK_RE = re.compile(r"^(\d{1,3})/(\d{1,3})$")


def normalize_rank(value: str) -> str:
    """ "2／3", " 2 / 3 " → "2/3"; raises ValidationError unless 1 ≤ N ≤ M."""
    rank = re.sub(r"\s+", "", value or "").replace("／", "/")
    match = RANK_RE.match(rank)
    if not match:
        raise ValidationError(
            _("位次格式为“本人位次/合作人数”，例如“2/3”；独立完成的填写“1/1”。"),
            code="rank_format",
        )
    position, total = int(match[1]), int(match[2])
    if position < 1 or total < 1:
        raise ValidationError(_("位次和合作人数都应从1开始。"), code="rank_zero")
    if position > total:
        raise ValidationError(
            _("本人位次（%(n)d）不能大于合作人数（%(m)d）。") % {"n": position, "m": total},
            code="rank_order",
        )
    return f"{position}/{total}"


class AchievementRowForm(SectionForm):
    category = forms.ChoiceField(
        label=_l("类别"),
        choices=(),
        help_text=_l(
            "论文/著作填写报刊或出版社、转摘刊物（可填验证网址）；专利填写专利类别、批准机关；"
            "课题、获奖填写等级、批准机关；其他可填批准机关。与所选类别无关的项目不保存。"
        ),
    )
    name = forms.CharField(
        label=_l("成果名称"),
        max_length=200,
        help_text=_l(
            "论文/著作按“论文：论文全称”“著作：著作全称”“作品：作品全称”填写；获奖与证书表述一致。"
        ),
    )
    date = forms.DateField(
        label=_l("时间"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_l("论文著作填出版时间，获奖等填证书落款时间。"),
    )
    rank = forms.CharField(
        label=_l("位次"),
        max_length=9,
        help_text=_l("本人位次/合作人数，例如“2/3”；独立完成的填写“1/1”。"),
    )
    publisher = forms.CharField(
        label=_l("报刊或出版社"),
        max_length=100,
        required=False,
        help_text=_l("刊物或出版社的法定全称，刊物加书名号，例如《机械工程学报》。"),
    )
    reprinted_in = forms.CharField(
        label=_l("转摘刊物"),
        max_length=100,
        required=False,
        help_text=_l("被其他刊物摘录的填写其名称；没有转摘的填“无”。"),
    )
    verify_url = forms.CharField(
        label=_l("验证网址"),
        max_length=500,
        required=False,
        help_text=_l("被中国知网、万方、维普等收录的，填写检索网址（http:// 或 https:// 开头）。"),
    )
    patent_type = forms.ChoiceField(
        label=_l("专利类别"),
        required=False,
        choices=[EMPTY_CHOICE, *PATENT_TYPES],
    )
    level = forms.ChoiceField(
        label=_l("等级"),
        required=False,
        choices=[EMPTY_CHOICE, *LEVELS],
        help_text=_l("课题等级或所获奖项等级；没有等级的选“无”。"),
    )
    authority = forms.CharField(
        label=_l("批准机关"),
        max_length=100,
        required=False,
        help_text=_l("证书落款单位或部门的法定全称，不得删略和简化。"),
    )

    def configure(self):
        categories = self.plan.achievement_categories if self.plan is not None else C.values
        labels = dict(C.choices)
        self.fields["category"].choices = [EMPTY_CHOICE] + [
            (code, labels[code]) for code in categories if code in labels
        ]
        # The page shows only the chosen category's fields (static/js/section_form.js hides
        # the others, keeping what was typed in them); without scripts every field shows.
        self.fields["category"].widget.attrs["data-category-select"] = ""
        for name in CATEGORY_SPECIFIC:
            self.fields[name].widget.attrs["data-categories"] = " ".join(categories_of(name))
            required_for = [
                c for c in categories_of(name) if name in CATEGORY_FIELDS[c]["required"]
            ]
            if required_for:
                self.fields[name].widget.attrs["data-required-for"] = " ".join(required_for)
        # The plan may make verify_url required; it then applies to 论文/著作 only.
        self.verify_url_required = self.fields["verify_url"].required
        self.fields["verify_url"].required = False

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("时间不能晚于今天。"))
        return value

    def clean_rank(self):
        return normalize_rank(self.cleaned_data["rank"])

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        if not category:
            return cleaned
        spec = CATEGORY_FIELDS[category]
        label = dict(C.choices)[category]
        for name in CATEGORY_SPECIFIC:
            if name in spec["required"] or name in spec["optional"]:
                if isinstance(cleaned.get(name), str):
                    cleaned[name] = cleaned[name].strip()
            else:
                # Irrelevant to this category (left over from another choice): dropped,
                # together with any error it had.
                cleaned[name] = ""
                self._errors.pop(name, None)
        for name in spec["required"]:
            if name in self.errors:
                continue
            if not cleaned.get(name):
                self.add_error(
                    name,
                    _("类别为“%(c)s”时必须填写“%(f)s”。")
                    % {"c": label, "f": self.fields[name].label},
                )
        if category == C.PAPER and "verify_url" not in self.errors:
            self._check_verify_url(cleaned.get("verify_url", ""))
        return cleaned

    def _check_verify_url(self, url):
        if not url:
            if self.verify_url_required:
                self.add_error("verify_url", _("请填写论文/著作的验证网址。"))
            return
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            self.add_error(
                "verify_url",
                _("验证网址应以 http:// 或 https:// 开头，例如 https://www.cnki.net/…。"),
            )


def _same_name_key(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("：", ":")


class AchievementFormSet(RowFormSet):
    def clean_rows(self, rows):
        limit = self.plan.achievements_limit if self.plan is not None else 15
        if len(rows) > limit:
            raise ValidationError(
                _("代表性成果限填%(n)d条，当前%(c)d条，请删除%(d)d条后再保存。")
                % {"n": limit, "c": len(rows), "d": len(rows) - limit}
            )
        # Numbered as the page shows them (deleted rows keep their place on the page).
        numbers = [self.forms.index(form) + 1 for form in self.kept_forms()]
        seen = {}
        for number, row in zip(numbers, rows, strict=True):
            key = _same_name_key(row["name"])
            if key in seen:
                raise ValidationError(
                    _(
                        "第%(a)d条与第%(b)d条是同一成果（“%(name)s”）：同一成果只算一条，"
                        "不同奖项只填写最高奖项。"
                    )
                    % {"a": number, "b": seen[key], "name": row["name"]}
                )
            seen[key] = number

    def to_data(self) -> dict:
        data = super().to_data()
        # Listed by date (按时间排列顺序); rows of the same date keep the order typed.
        data[ROWS_KEY] = sorted(data[ROWS_KEY], key=lambda row: row["date"])
        return data


ACHIEVEMENT_FORMS = {
    "achievements": rows_formset(AchievementRowForm, AchievementFormSet, max_num=50),
}
