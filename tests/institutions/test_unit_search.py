"""Applicants choose their declaring unit among authorized units only (seed 四, 注意事项 1)."""

import re

import pytest

from institutions import selectors
from institutions.models import OrgKind, PermissionStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _offered(response) -> list[str]:
    return re.findall(r'<option value="\d+">([^<（]+)（', response.content.decode())


@pytest.fixture
def units(regions, unit):
    """One authorized unit (the `unit` fixture) and same-sounding units that are not."""
    for status, name in [
        (PermissionStatus.NONE, "潍坊华东机械配件厂"),
        (PermissionStatus.PENDING, "潍坊华东机械销售有限公司"),
        (PermissionStatus.REJECTED, "潍坊华东机械维修中心"),
    ]:
        factories.OrganizationFactory(name=name, region=regions["370702"], permission_status=status)
    factories.OrganizationFactory(
        name="潍坊华东机械行业协会", kind=OrgKind.SUPERVISING, region=regions["370702"]
    )
    return unit


def test_fuzzy_query_offers_the_authorized_unit_with_its_region(login, applicant, units):
    response = login(applicant).get("/org/units/search/", {"q": "东机械"})

    assert response.status_code == 200
    assert _offered(response) == ["潍坊华东机械制造有限公司"]
    assert "（山东省潍坊市潍城区）" in response.content.decode()
    assert f'value="{units.pk}"' in response.content.decode()


def test_unauthorized_units_are_never_offered(login, applicant, units):
    response = login(applicant).get("/org/units/search/", {"q": "潍坊华东"})

    offered = _offered(response)
    assert offered == ["潍坊华东机械制造有限公司"]
    for name in ("配件厂", "销售", "维修", "协会"):
        assert not any(name in o for o in offered)


def test_query_matching_only_unauthorized_units_says_none_found(login, applicant, units):
    response = login(applicant).get("/org/units/search/", {"q": "配件厂"})

    assert _offered(response) == []
    assert "未找到有权限的单位" in response.content.decode()


def test_empty_query_offers_nothing(login, applicant, units):
    response = login(applicant).get("/org/units/search/", {"q": "  "})

    assert _offered(response) == []


def test_latin_letters_match_in_any_case(login, applicant, regions):
    factories.OrganizationFactory(name="潍坊ABC智能科技有限公司", region=regions["370702"])

    response = login(applicant).get("/org/units/search/", {"q": "abc"})

    assert _offered(response) == ["潍坊ABC智能科技有限公司"]


def test_many_matches_are_capped(regions):
    for n in range(25):
        factories.OrganizationFactory(name=f"潍坊测试{n:02d}有限公司", region=regions["370702"])

    assert len(list(selectors.search_authorized_units("测试"))) == 20


def test_anonymous_user_is_sent_to_login(client, units):
    response = client.get("/org/units/search/", {"q": "华东"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- 个人代理 and the plan's region (S0 二.3(5)) ----------------------------------------------

RELATION = {"relation_field": "declaration_info-is_work_unit"}


@pytest.fixture
def bureaus(regions, hr_bureau):
    """The 潍城区 bureau (the `hr_bureau` fixture), a city bureau and another district's."""
    factories.OrganizationFactory(
        name="潍坊市人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["370700"]
    )
    factories.OrganizationFactory(
        name="威海市环翠区人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["371002"]
    )
    return hr_bureau


def test_personal_agency_offers_the_county_hr_bureaus_of_the_plans_region(
    login, applicant, units, bureaus, regions
):
    query = {**RELATION, "declaration_info-is_work_unit": "个人代理", "q": ""}
    response = login(applicant).get("/org/units/search/", {**query, "region": regions["370700"].pk})

    # Without typing: every county bureau of 潍坊市; no unit, no city bureau, no Weihai bureau.
    assert _offered(response) == ["潍坊市潍城区人力资源和社会保障局"]
    everywhere = login(applicant).get("/org/units/search/", query)
    assert _offered(everywhere) == [
        "威海市环翠区人力资源和社会保障局",
        "潍坊市潍城区人力资源和社会保障局",
    ]


def test_personal_agency_with_no_bureau_in_the_region_says_so(login, applicant, bureaus, regions):
    factories.RegionFactory(code="330500", name="湖州市", level=2)
    huzhou = factories.RegionFactory(code="330502", name="吴兴区")
    response = login(applicant).get(
        "/org/units/search/",
        {**RELATION, "declaration_info-is_work_unit": "个人代理", "region": huzhou.pk},
    )

    assert _offered(response) == []
    assert "未找到本地区的县（市、区）人力资源社会保障局" in response.content.decode()


@pytest.mark.parametrize("relation", ["是", "人事代理", ""])
def test_other_relations_never_offer_a_bureau(login, applicant, units, bureaus, relation):
    response = login(applicant).get(
        "/org/units/search/",
        {**RELATION, "declaration_info-is_work_unit": relation, "q": "潍坊"},
    )

    assert _offered(response) == ["潍坊华东机械制造有限公司"]


def test_units_outside_the_plans_region_are_not_offered(login, applicant, units, regions):
    factories.OrganizationFactory(name="威海华东机械有限公司", region=regions["371002"])
    client = login(applicant)

    weifang = client.get("/org/units/search/", {"q": "华东", "region": regions["370700"].pk})
    weihai = client.get("/org/units/search/", {"q": "华东", "region": regions["371002"].pk})
    shandong = client.get("/org/units/search/", {"q": "华东", "region": regions["370000"].pk})

    assert _offered(weifang) == ["潍坊华东机械制造有限公司"]
    assert _offered(weihai) == ["威海华东机械有限公司"]
    assert sorted(_offered(shandong)) == ["威海华东机械有限公司", "潍坊华东机械制造有限公司"]


def test_a_bad_region_is_ignored(login, applicant, units):
    response = login(applicant).get("/org/units/search/", {"q": "华东", "region": "x1"})

    assert _offered(response) == ["潍坊华东机械制造有限公司"]
