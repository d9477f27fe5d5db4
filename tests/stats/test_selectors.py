"""Each figure's numbers against the hand-built dataset (tests/stats/conftest.py), for each
kind of viewer's scope."""

import pytest

from stats import selectors
from stats.selectors import StatsFilter, percentile_cont, scope_for

ALL = StatsFilter()


def reached(rows):
    return [r.reached for r in rows]


def test_funnel_counts_the_furthest_stage_each_declaration_reached(dataset, administrator):
    rows = selectors.funnel(scope_for(administrator), ALL)
    assert [r.label for r in rows] == [
        "草稿",
        "已提交",
        "单位审核",
        "主管（呈报）部门",
        "报送评委会",
        "评审通过",
        "获发证书",
    ]
    # 11 declarations: 2 drafts never submitted, 1 waiting at the unit, 1 returned by it,
    # 3 at a department, 2 at the committee (one failed), 1 passed, 1 with its certificate.
    assert reached(rows) == [11, 9, 8, 7, 4, 2, 1]
    assert [r.here for r in rows] == [2, 1, 1, 3, 2, 1, 1]
    assert rows[0].share == 100.0
    assert rows[-1].share == round(100 / 11, 1)


def test_a_department_sees_its_own_and_its_units_declarations_only(dataset, department_reviewer):
    rows = selectors.funnel(scope_for(department_reviewer), ALL)
    # The unit's ten (its path leads here); not the other department's culture declaration.
    assert reached(rows) == [10, 8, 7, 6, 4, 2, 1]


def test_another_department_sees_only_what_it_holds(dataset):
    from tests import factories

    other = factories.org_user(dataset.other_department, user__username="other_dept")
    scope = scope_for(other)
    assert reached(selectors.funnel(scope, ALL)) == [1, 1, 1, 1, 0, 0, 0]
    assert [r.section for r in selectors.returns_by_section(scope, ALL)] == ["学历信息"]
    assert selectors.pass_rates(scope, ALL) == []


def test_a_reporting_department_sees_what_passed_through_it(dataset, reporting_reviewer):
    rows = selectors.funnel(scope_for(reporting_reviewer), ALL)
    assert reached(rows) == [4, 4, 4, 4, 4, 2, 1]


def test_an_hr_bureau_sees_its_region(dataset, bureau_reviewer):
    # The bureau of 潍城区: the unit's ten, not 环翠区's.
    rows = selectors.funnel(scope_for(bureau_reviewer), ALL)
    assert reached(rows)[0] == 10


def test_a_committee_office_sees_its_committees_plans(dataset, committee_office_user):
    rows = selectors.funnel(scope_for(committee_office_user), ALL)
    assert reached(rows)[0] == 10
    assert [r.committee for r in selectors.pass_rates(scope_for(committee_office_user), ALL)] == [
        dataset.committee.name
    ]


@pytest.mark.parametrize("fixture", ["unit_reviewer", "applicant", "outsider"])
def test_units_and_applicants_have_no_scope(dataset, request, fixture):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        scope_for(request.getfixturevalue(fixture))


def test_by_series_and_level(dataset, administrator):
    rows = selectors.by_series_level(scope_for(administrator), ALL)
    engineering = f"{dataset.plan.series.name} {dataset.plan.level.name}"
    culture = f"{dataset.culture_plan.series.name} {dataset.culture_plan.level.name}"
    by_label = {r.label: (r.total, r.submitted, r.passed) for r in rows}
    assert by_label == {engineering: (10, 8, 2), culture: (1, 1, 0)}


def test_series_filter(dataset, administrator):
    f = StatsFilter(series=dataset.culture_plan.series_id)
    assert [r.total for r in selectors.by_series_level(scope_for(administrator), f)] == [1]
    assert reached(selectors.funnel(scope_for(administrator), f))[0] == 1


def test_year_filter(dataset, administrator):
    scope = scope_for(administrator)
    assert reached(selectors.funnel(scope, StatsFilter(year=dataset.plan.year)))[0] == 11
    assert reached(selectors.funnel(scope, StatsFilter(year=1999)))[0] == 0
    assert selectors.pass_rates(scope, StatsFilter(year=1999)) == []


def test_by_region(dataset, administrator, unit):
    rows = selectors.by_region(scope_for(administrator), ALL)
    assert [(r.label, r.total, r.passed) for r in rows] == [
        (unit.region.full_name, 10, 2),
        (dataset.other_unit.region.full_name, 1, 0),
    ]


def test_returns_by_section_and_reason(dataset, administrator):
    scope = scope_for(administrator)
    sections = selectors.returns_by_section(scope, ALL)
    assert [(r.section, r.failures, r.declarations) for r in sections] == [
        ("学历信息", 4, 4),
        ("基本信息", 1, 1),
    ]
    reasons = selectors.top_reasons(scope, ALL)
    assert (reasons[0].section, reasons[0].reason, reasons[0].count) == (
        "学历信息",
        "学历证书扫描件不清晰",
        3,
    )
    assert {(r.reason, r.count) for r in reasons} == {
        ("学历证书扫描件不清晰", 3),
        ("缺少学位证书", 1),
        ("证件照不符合要求", 1),
    }
    assert len(selectors.top_reasons(scope, ALL, top=2)) == 2


def test_returns_in_a_departments_scope(dataset, department_reviewer):
    sections = selectors.returns_by_section(scope_for(department_reviewer), ALL)
    assert [(r.section, r.failures) for r in sections] == [("学历信息", 3), ("基本信息", 1)]


def test_days_at_each_level(dataset, administrator):
    rows = selectors.days_at_level(scope_for(administrator), ALL)
    assert [(r.level, r.count, r.median, r.p90) for r in rows] == [
        # The units: 1 (the other unit), 2 (returned), 3, 4, 4, 5, 6, 8 days → p90 at rank 6.3.
        ("用人单位", 8, 4.0, 6.6),
        ("主管部门", 4, 2.5, 3.7),
        ("呈报部门", 4, 10.0, 10.0),
        # Accepted after 2, 3 and 7 days (one still waits).
        ("评委会办事机构", 3, 3.0, 6.2),
    ]


def test_days_in_a_departments_scope(dataset, department_reviewer):
    rows = selectors.days_at_level(scope_for(department_reviewer), ALL)
    assert rows[0].level == "用人单位"
    assert (rows[0].count, rows[0].median, rows[0].p90) == (7, 4.0, 6.8)


def test_percentile_cont_interpolates_like_postgresql():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([3.0], 0.9) == 3.0
    assert percentile_cont([1, 2, 3, 4], 0.5) == 2.5
    assert percentile_cont([2, 3, 4, 4, 5, 6, 8], 0.9) == pytest.approx(6.8)


def test_pass_rates_per_committee_and_year(dataset, administrator):
    rows = selectors.pass_rates(scope_for(administrator), ALL)
    assert [(r.committee, r.year, r.evaluated, r.passed, r.rate) for r in rows] == [
        (dataset.committee.name, 2026, 3, 2, 66.7)
    ]
