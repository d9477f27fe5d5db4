from django import forms
from django.utils.translation import gettext_lazy as _

from stats.selectors import StatsFilter


class StatsFilterForm(forms.Form):
    """年度 and 系列 (GET). Its choices come from the database (stats.selectors.filter_choices)."""

    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    series = forms.TypedChoiceField(label=_("系列"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, years, series):
        super().__init__(data)
        self.fields["year"].choices = [("", _("全部年度")), *[(y, str(y)) for y in years]]
        self.fields["series"].choices = [("", _("全部系列")), *series]

    def stats_filter(self) -> StatsFilter:
        """The filter of the valid fields (an invalid one filters nothing)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return StatsFilter(year=data.get("year"), series=data.get("series"))

    def label(self) -> str:
        f = self.stats_filter()
        parts = [f"{f.year}" if f.year else str(_("全部年度"))]
        names = dict(self.fields["series"].choices)
        parts.append(str(names.get(f.series, "")) if f.series else str(_("全部系列")))
        return " · ".join(parts)
