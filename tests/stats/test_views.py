"""The 统计分析 page and its exports: who may open them, what they show (SVG charts that parse
as XML, each followed by its table), filters and bad input, and the xlsx files."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applicants.models import AccountKind
from institutions import access
from stats import figures
from tests import factories

URL = "/stats/"
SVG = "{http://www.w3.org/2000/svg}"


def svgs(html: str) -> list[ET.Element]:
    """Every <svg>…</svg> of the page, parsed as XML."""
    found, start = [], 0
    while (start := html.find("<svg", start)) != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = end
    return found


def test_url_is_stats():
    assert reverse("stats:index") == URL


@pytest.mark.parametrize(
    "fixture",
    [
        "administrator",
        "bureau_reviewer",
        "department_reviewer",
        "reporting_reviewer",
        "committee_office_user",
    ],
)
def test_page_for_each_role_with_scope(dataset, login, request, fixture):
    user = request.getfixturevalue(fixture)
    response = login(user).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    # Six figures, each with its chart, its table (caption, th scope) and its export link.
    assert html.count('data-testid="stats-figure"') == len(figures.FIGURES)
    charts = svgs(html)
    assert len(charts) == len(figures.FIGURES)
    for chart in charts:
        assert chart.get("role") == "img"
        assert chart.get("aria-label")
        assert chart.get("viewBox")
        assert chart.find(f"{SVG}title").text == chart.get("aria-label")
    assert html.count("<caption>") >= len(figures.FIGURES)
    assert 'th scope="col"' in html
    assert 'tabindex="0"' in html
    for key in figures.FIGURES:
        assert reverse("stats:export", args=[key]) in html
    assert "stats/stats.css" in html


def test_menu_entry_for_those_who_may_see_it(dataset, administrator, department_reviewer):
    assert ("统计分析", URL) in access.menu_for(administrator)["items"]
    assert ("统计分析", URL) in access.menu_for(department_reviewer)["items"]


def test_no_menu_entry_for_units_and_applicants(dataset, unit_reviewer, applicant):
    assert all(url != URL for _label, url in access.menu_for(unit_reviewer)["items"])
    assert all(url != URL for _label, url in access.menu_for(applicant)["items"])


@pytest.mark.parametrize("fixture", ["unit_reviewer", "applicant", "outsider"])
def test_units_and_applicants_are_refused(dataset, login, request, fixture):
    client = login(request.getfixturevalue(fixture))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("stats:export", args=["funnel"])).status_code == 403


def test_an_expert_is_refused(db, login):
    expert = factories.UserFactory(kind=AccountKind.EXPERT)
    assert login(expert).get(URL).status_code == 403


def test_anonymous_goes_to_login(client, db):
    for url in (URL, reverse("stats:export", args=["funnel"])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("applicants:login") in response["Location"]


def test_the_funnel_table_shows_the_counts(dataset, login, administrator):
    html = login(administrator).get(URL).content.decode()
    assert '<th scope="row">获发证书</th><td class="text-end">1</td>' in html
    assert '<th scope="row">草稿</th><td class="text-end">11</td>' in html


def test_a_department_does_not_see_the_other_departments_data(dataset, login, department_reviewer):
    html = login(department_reviewer).get(URL).content.decode()
    assert '<th scope="row">草稿</th><td class="text-end">10</td>' in html
    assert dataset.culture_plan.series.name not in html.split("按系列和级别", 1)[1]
    assert dataset.other_unit.region.full_name not in html


def test_filters(dataset, login, administrator):
    client = login(administrator)
    html = client.get(URL, {"series": dataset.culture_plan.series_id}).content.decode()
    assert '<th scope="row">草稿</th><td class="text-end">1</td>' in html
    html = client.get(URL, {"year": dataset.plan.year}).content.decode()
    assert '<th scope="row">草稿</th><td class="text-end">11</td>' in html
    # The export links keep the filter.
    assert f"funnel.xlsx?year={dataset.plan.year}" in html


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": "1999"}, {"series": "999999"}])
def test_bad_filter_input_shows_an_error_and_everything(dataset, login, administrator, query):
    response = login(administrator).get(URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html
    assert '<th scope="row">草稿</th><td class="text-end">11</td>' in html


def test_empty_scope_draws_empty_charts(db, login, administrator):
    response = login(administrator).get(URL)
    assert response.status_code == 200
    assert len(svgs(response.content.decode())) == len(figures.FIGURES)


def workbook(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def rows_from(sheet, header: str) -> list[tuple]:
    """The rows of the sheet from the row starting with `header` on (header included)."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == header)
    return [row for row in rows[start:] if any(v is not None for v in row)]


def test_export_funnel(dataset, login, administrator):
    sheet = workbook(login(administrator).get(reverse("stats:export", args=["funnel"])))
    assert sheet["A1"].value == "申报进展漏斗"
    table = rows_from(sheet, "阶段")
    assert table[0] == ("阶段", "到达人数", "停留在此阶段", "占全部申报")
    assert [row[1] for row in table[1:]] == [11, 9, 8, 7, 4, 2, 1]


def test_export_returns_has_both_tables(dataset, login, administrator):
    sheet = workbook(login(administrator).get(reverse("stats:export", args=["returns"])))
    assert rows_from(sheet, "模块")[1] == ("学历信息", 4, 4)
    reasons = rows_from(sheet, "最常见的不通过原因（前10条）")
    assert reasons[1] == ("模块", "原因", "次数")
    assert reasons[2] == ("学历信息", "学历证书扫描件不清晰", 3)


def test_export_pass_rates_of_a_department(dataset, login, department_reviewer):
    url = reverse("stats:export", args=["pass_rates"])
    sheet = workbook(login(department_reviewer).get(url, {"year": dataset.plan.year}))
    assert sheet["B2"].value == department_reviewer.memberships.get().organization.name
    assert rows_from(sheet, "评委会")[1] == (dataset.committee.name, 2026, 3, 2, "66.7%")


def test_export_days(dataset, login, administrator):
    sheet = workbook(login(administrator).get(reverse("stats:export", args=["days"])))
    assert rows_from(sheet, "审核层级")[1] == ("用人单位", 8, 4.0, 6.6)


def test_export_of_an_unknown_figure_is_not_found(dataset, login, administrator):
    response = login(administrator).get("/stats/export/nothing.xlsx")
    assert response.status_code == 404


def test_chart_labels_keep_what_tells_bars_apart(dataset, login, administrator, unit):
    html = login(administrator).get(URL).content.decode()
    labels = {"".join(t.itertext()) for chart in svgs(html) for t in chart.iter(f"{SVG}text")}
    # A region by its own name (the table has the full one); a committee's result by year first.
    assert unit.region.name in labels
    assert any(label.startswith("2026 ") for label in labels)
