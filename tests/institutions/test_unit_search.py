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
