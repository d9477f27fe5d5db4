"""路径申请 / 路径审核: who may apply for which destination, who approves, one effective path."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from institutions import selectors, services
from institutions.models import OrgKind, RoutingPath
from tests import factories


@pytest.fixture
def series_level(db):
    return factories.SeriesFactory(), factories.LevelFactory()


@pytest.fixture
def committee(series_level, committee_office, regions):
    series, level = series_level
    return factories.CommitteeFactory(
        series=series, level=level, office=committee_office, region=regions["370700"]
    )


def apply(actor, organization, series_level, **destination):
    series, level = series_level
    return services.apply_for_path(
        actor=actor, organization=organization, series=series, level=level, **destination
    )


def test_unit_path_to_supervising_department_becomes_effective(
    unit, unit_reviewer, supervising_department, department_reviewer, series_level
):
    path = apply(unit_reviewer, unit, series_level, target=supervising_department)
    assert path.status == RoutingPath.Status.PENDING
    assert selectors.effective_path(unit, *series_level) is None
    services.decide_path(actor=department_reviewer, path=path, approve=True)
    assert selectors.effective_path(unit, *series_level) == path


def test_department_rejects_with_required_reason(
    unit, unit_reviewer, supervising_department, department_reviewer, series_level
):
    path = apply(unit_reviewer, unit, series_level, target=supervising_department)
    with pytest.raises(ValidationError, match="必须填写原因"):
        services.decide_path(actor=department_reviewer, path=path, approve=False)
    services.decide_path(actor=department_reviewer, path=path, approve=False, reason="非本系统单位")
    path.refresh_from_db()
    assert path.status == RoutingPath.Status.REJECTED and path.reason == "非本系统单位"
    # After a rejection the unit may apply again.
    assert apply(unit_reviewer, unit, series_level, target=supervising_department).pk != path.pk


def test_only_the_destination_may_decide(
    unit, unit_reviewer, supervising_department, reporting_reviewer, series_level
):
    path = apply(unit_reviewer, unit, series_level, target=supervising_department)
    with pytest.raises(PermissionDenied):
        services.decide_path(actor=reporting_reviewer, path=path, approve=True)
    with pytest.raises(PermissionDenied):
        services.decide_path(actor=unit_reviewer, path=path, approve=True)


def test_no_second_path_while_one_is_pending_or_effective(
    unit, unit_reviewer, supervising_department, reporting_department, series_level
):
    apply(unit_reviewer, unit, series_level, target=supervising_department)
    with pytest.raises(ValidationError, match="无需重复申请"):
        apply(unit_reviewer, unit, series_level, target=reporting_department)


def test_unit_cannot_apply_to_a_unit_or_a_committee(
    unit, unit_reviewer, committee, series_level, regions
):
    other_unit = factories.OrganizationFactory(region=regions["370702"])
    with pytest.raises(ValidationError, match="用人单位只能向主管部门、呈报部门或人社局申请路径"):
        apply(unit_reviewer, unit, series_level, target=other_unit)
    with pytest.raises(ValidationError, match="只有呈报部门或人社局可以申请评委会路径"):
        apply(unit_reviewer, unit, series_level, committee=committee)


def test_reporting_department_committee_path_approved_by_office_or_administrator(
    reporting_department,
    reporting_reviewer,
    committee,
    committee_office_user,
    administrator,
    series_level,
):
    path = apply(reporting_reviewer, reporting_department, series_level, committee=committee)
    services.decide_path(actor=committee_office_user, path=path, approve=True)
    assert selectors.effective_path(reporting_department, *series_level).committee == committee
    # An administrator may approve one too (here for another level).
    other_level = factories.LevelFactory(code="junior", name="初级", rank=1)
    other = factories.CommitteeFactory(
        series=committee.series, level=other_level, office=committee.office, region=committee.region
    )
    second = services.apply_for_path(
        actor=reporting_reviewer,
        organization=reporting_department,
        series=committee.series,
        level=other_level,
        committee=other,
    )
    services.decide_path(actor=administrator, path=second, approve=True)
    second.refresh_from_db()
    assert second.status == RoutingPath.Status.EFFECTIVE


def test_committee_must_match_series_and_level(
    reporting_department, reporting_reviewer, committee, series_level
):
    other_level = factories.LevelFactory(code="junior", name="初级", rank=1)
    with pytest.raises(ValidationError, match="系列、级别不一致"):
        services.apply_for_path(
            actor=reporting_reviewer,
            organization=reporting_department,
            series=committee.series,
            level=other_level,
            committee=committee,
        )


def test_reporting_department_applies_for_committee_not_department(
    reporting_department, reporting_reviewer, supervising_department, series_level
):
    with pytest.raises(ValidationError, match="呈报部门请申请评委会路径"):
        apply(reporting_reviewer, reporting_department, series_level, target=supervising_department)


def test_outsider_cannot_apply_for_someone_elses_unit(
    unit, outsider, supervising_department, series_level
):
    with pytest.raises(PermissionDenied):
        apply(outsider, unit, series_level, target=supervising_department)


def test_database_allows_one_effective_path_per_series_and_level(
    unit, unit_reviewer, supervising_department, reporting_department, series_level
):
    series, level = series_level
    RoutingPath.objects.create(
        organization=unit,
        series=series,
        level=level,
        target=supervising_department,
        applied_by=unit_reviewer,
        status=RoutingPath.Status.EFFECTIVE,
    )
    with pytest.raises(IntegrityError):
        RoutingPath.objects.create(
            organization=unit,
            series=series,
            level=level,
            target=reporting_department,
            applied_by=unit_reviewer,
            status=RoutingPath.Status.EFFECTIVE,
        )


def test_a_path_has_exactly_one_destination(unit, unit_reviewer, series_level):
    series, level = series_level
    assert unit.kind == OrgKind.UNIT
    with pytest.raises(IntegrityError):
        RoutingPath.objects.create(
            organization=unit, series=series, level=level, applied_by=unit_reviewer
        )


# --- HR bureaus as levels of a path (S3 四(三); S0 二.3(5)) ------------------------------------


def test_huzhou_chain_supervising_department_to_hr_bureau_to_committee(
    supervising_department,
    department_reviewer,
    hr_bureau,
    bureau_reviewer,
    committee,
    committee_office_user,
    series_level,
):
    to_bureau = apply(department_reviewer, supervising_department, series_level, target=hr_bureau)
    # The bureau decides the paths addressed to it (its 路径审核 queue).
    assert list(selectors.path_queue_for(bureau_reviewer)) == [to_bureau]
    services.decide_path(actor=bureau_reviewer, path=to_bureau, approve=True)
    to_committee = apply(bureau_reviewer, hr_bureau, series_level, committee=committee)
    services.decide_path(actor=committee_office_user, path=to_committee, approve=True)

    assert selectors.effective_path(supervising_department, *series_level).target == hr_bureau
    assert selectors.effective_path(hr_bureau, *series_level).committee == committee


def test_unit_may_report_to_the_county_hr_bureau(
    unit, unit_reviewer, hr_bureau, bureau_reviewer, series_level
):
    path = apply(unit_reviewer, unit, series_level, target=hr_bureau)
    services.decide_path(actor=bureau_reviewer, path=path, approve=True)
    assert selectors.effective_path(unit, *series_level).target == hr_bureau


def test_freelancers_bureau_reports_to_the_reporting_department_not_to_a_unit(
    hr_bureau, bureau_reviewer, reporting_department, supervising_department, unit, series_level
):
    path = apply(bureau_reviewer, hr_bureau, series_level, target=reporting_department)
    assert path.target == reporting_department
    for wrong in (unit, supervising_department):
        with pytest.raises(ValidationError, match="人社局只能向呈报部门或人社局申请路径"):
            apply(bureau_reviewer, hr_bureau, series_level, target=wrong)


def test_committee_path_stays_in_the_committees_region_line(
    reporting_department, reporting_reviewer, hr_bureau, bureau_reviewer, series_level, regions
):
    series, level = series_level
    office = factories.OrganizationFactory(
        name="威海市工程技术评委会办公室", kind=OrgKind.COMMITTEE_OFFICE, region=regions["371000"]
    )
    weihai = factories.CommitteeFactory(
        name="威海市工程技术职务资格中级评审委员会",
        series=series,
        level=level,
        office=office,
        region=regions["371000"],
    )
    with pytest.raises(ValidationError, match="与本单位所属地区（山东省潍坊市）无上下级关系"):
        apply(reporting_reviewer, reporting_department, series_level, committee=weihai)
    with pytest.raises(ValidationError, match="评审山东省威海市的申报"):
        apply(bureau_reviewer, hr_bureau, series_level, committee=weihai)
    assert not RoutingPath.objects.exists()

    # A committee of a region above the organization's (潍坊市 for a 潍城区 bureau) or below it
    # (a 潍城区 committee for the 潍坊市 department) is on its line.
    weifang = factories.CommitteeFactory(
        series=series, level=level, office=office, region=regions["370700"]
    )
    assert apply(bureau_reviewer, hr_bureau, series_level, committee=weifang).committee == weifang
    weicheng = factories.CommitteeFactory(
        series=series, level=level, office=office, region=regions["370702"]
    )
    path = apply(reporting_reviewer, reporting_department, series_level, committee=weicheng)
    assert path.committee == weicheng
