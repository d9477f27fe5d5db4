"""统计分析: the figures of the viewer's scope (stats.selectors.scope_for) with their charts,
tables and xlsx exports. Thin: the selectors hold the queries, figures.py the tables."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions import access
from review.exports import xlsx_response
from stats import figures, selectors
from stats.forms import StatsFilterForm


def _context(request):
    scope = selectors.scope_for(request.user)
    years, series = selectors.filter_choices()
    form = StatsFilterForm(request.GET or None, years=years, series=series)
    return scope, form, form.stats_filter()


@login_required
def index(request):
    scope, form, f = _context(request)
    query = request.GET.urlencode()
    with selectors.analytic_queries():
        items = figures.build_all(scope, f)
    for figure in items:
        url = reverse("stats:export", args=[figure.key])
        figure.export_url = f"{url}?{query}" if query else url
    return render(
        request,
        "stats/index.html",
        {"form": form, "scope": scope, "figures": items},
    )


@login_required
def export(request, figure: str):
    if figure not in figures.FIGURES:
        raise Http404(_("没有这项统计。"))
    scope, form, f = _context(request)
    with selectors.analytic_queries():
        built = figures.FIGURES[figure][1](scope, f)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(
        figures.workbook(built, scope_label=scope.label, filter_label=form.label()),
        f"{_('统计分析')}-{built.title}-{stamp}.xlsx",
    )


def menu_items(user, role, organization) -> list:
    """institutions.hooks.menu_items: 统计分析 for administrators, HR bureaus, departments and
    committee offices."""
    # The role and organization menu_for read already: no query of its own on every page.
    if role == access.ROLE_ADMINISTRATOR or (
        organization is not None and selectors.organization_sees_stats(organization)
    ):
        return [(_("统计分析"), reverse("stats:index"))]
    return []
