"""Every input from the address is bounded (core.query): a search box keeps 50 characters, any
other GET value 200, and an id in the path too large for any row is not found; none of them
reaches the database as a 50,000-character LIKE pattern or an overflowing integer (issue 10:
the unit search, the organization list and the admin's search answered 500)."""

import re

import pytest
from django.http import QueryDict

from core.query import GET_VALUE_MAX_LENGTH, QUERY_MAX_LENGTH, bounded_get, bounded_query
from institutions.models import PermissionStatus
from tests import factories

pytestmark = pytest.mark.django_db

HUGE = "测" * 50_000
HUGE_ID = "9" * 60


def _box_value(response, name="q") -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.content.decode()).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def test_unit_search_with_50000_characters_answers_with_no_units(login, applicant, unit):
    response = login(applicant).get("/org/units/search/", {"q": HUGE})

    assert response.status_code == 200
    assert unit.name not in response.content.decode()


def test_unit_search_still_finds_with_a_normal_query(login, applicant, unit):
    response = login(applicant).get("/org/units/search/", {"q": "华东机械"})

    assert f'value="{unit.pk}"' in response.content.decode()


def test_unit_search_cuts_a_long_query_to_what_the_box_holds(login, applicant, unit):
    # The name followed by padding: cut to 50 characters, the name is still searched for.
    response = login(applicant).get("/org/units/search/", {"q": unit.name + " " * 60 + "x"})

    assert f'value="{unit.pk}"' in response.content.decode()


def test_organization_list_keeps_50_characters_of_a_huge_search(login, administrator, unit):
    client = login(administrator)

    response = client.get("/org/organizations/", {"q": HUGE})

    assert response.status_code == 200
    assert _box_value(response) == "测" * QUERY_MAX_LENGTH
    assert 'maxlength="50"' in response.content.decode()
    found = client.get("/org/organizations/", {"q": "华东机械"})
    assert unit.name in found.content.decode()


def test_managed_units_search_is_bounded(login, bureau_reviewer, hr_bureau, regions):
    factories.OrganizationFactory(
        name="潍坊新华精密仪器有限公司",
        region=regions["370702"],
        permission_status=PermissionStatus.NONE,
    )
    client = login(bureau_reviewer)

    response = client.get("/org/units/", {"q": HUGE})

    assert response.status_code == 200
    assert _box_value(response) == "测" * QUERY_MAX_LENGTH
    assert "潍坊新华精密仪器有限公司" in client.get("/org/units/", {"q": "新华"}).content.decode()


def test_review_queue_search_is_cut_rather_than_ignored(login, unit_reviewer):
    response = login(unit_reviewer).get("/review/", {"q": "张" * 80})

    assert response.status_code == 200
    assert _box_value(response) == "张" * QUERY_MAX_LENGTH


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("unit_reviewer", "/org/paths/?series={id}&level={text}&status={text}&page={id}"),
        ("department_reviewer", "/org/paths/queue/?series={text}&level={id}&status={text}"),
        ("unit_reviewer", "/org/paths/new/?series={id}&level={id}"),
        ("bureau_reviewer", "/org/permission/queue/?status={text}&page={id}"),
        ("unit_reviewer", "/review/?year={id}&series={id}&level={text}&state={text}&page={id}"),
        ("unit_reviewer", "/review/notices/?page={id}"),
        ("unit_reviewer", "/review/notices/new/?plan={text}"),
        ("unit_reviewer", "/review/export/summary/?q={text}&series={id}"),
    ],
)
def test_filters_and_ids_in_the_address_never_fail(request, login, hr_bureau, persona, url):
    client = login(request.getfixturevalue(persona))

    response = client.get(url.format(id=HUGE_ID, text=HUGE[:5000]))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/admin/applicants/user/", "/admin/institutions/organization/"],
)
def test_admin_search_with_50000_characters_does_not_fail(login, administrator, url):
    response = login(administrator).get(url, {"q": HUGE})

    assert response.status_code == 200


def test_an_id_too_large_for_any_row_is_not_found(login, unit_reviewer, applicant):
    assert login(unit_reviewer).get(f"/review/{HUGE_ID}/").status_code == 404
    assert login(unit_reviewer).get(f"/review/{2**63}/").status_code == 404
    # An ordinary id that does not exist is not found, as before.
    assert login(unit_reviewer).get("/review/123/").status_code == 404
    assert login(applicant).get(f"/declarations/{HUGE_ID}/").status_code == 404


def test_bounded_helpers():
    assert bounded_query("  abc  ") == "abc"
    assert bounded_query(None) == ""
    assert bounded_query("x" * 80) == "x" * QUERY_MAX_LENGTH
    short = QueryDict("a=1&b=2")
    assert bounded_get(short) is short
    long = bounded_get(QueryDict(f"a={'y' * 500}&a=2&b=3"))
    assert long.getlist("a") == ["y" * GET_VALUE_MAX_LENGTH, "2"]
    assert long["b"] == "3"
    assert not long._mutable
