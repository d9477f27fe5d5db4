"""Page query counts stay bounded and do not grow with the number of rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions import services
from institutions.models import OrgKind, PermissionStatus
from tests import factories
from tests.institutions.helpers import registered_elsewhere

pytestmark = pytest.mark.django_db

# A page needs: session, user, membership, its own data, a count for the paginator, a few more.
BUDGET = 10


def _pending_units(regions, count):
    for _ in range(count):
        unit = factories.OrganizationFactory(
            region=regions["370702"], uscc="", permission_status=PermissionStatus.NONE
        )
        services.apply_for_permission(actor=factories.org_user(unit), unit=unit)


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response


def test_permission_queue_costs_the_same_with_1_and_30_pending(
    login, regions, hr_bureau, bureau_reviewer, django_assert_max_num_queries
):
    client = login(bureau_reviewer)
    _pending_units(regions, 1)
    one, _ = _queries(client, "/org/permission/queue/")
    assert one <= BUDGET

    _pending_units(regions, 29)

    with django_assert_max_num_queries(one):
        response = client.get("/org/permission/queue/")
    assert len(re.findall(r'href="/org/permission/\d+/"', response.content.decode())) == 20
    with django_assert_max_num_queries(one):
        client.get("/org/permission/queue/", {"page": 2})
    with django_assert_max_num_queries(one):
        client.get("/org/permission/queue/", {"status": "all"})


def test_permission_decision_page_is_bounded(
    login, regions, hr_bureau, bureau_reviewer, django_assert_max_num_queries
):
    _pending_units(regions, 1)
    application = hr_bureau.permission_queue.get()

    client = login(bureau_reviewer)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(f"/org/permission/{application.pk}/")
    assert response.status_code == 200


def test_organization_list_costs_the_same_with_few_and_many(
    login, regions, administrator, django_assert_max_num_queries
):
    client = login(administrator)
    factories.OrganizationFactory(region=regions["370702"])
    few, _ = _queries(client, "/org/organizations/")
    assert few <= BUDGET

    for n in range(40):
        factories.OrganizationFactory(
            region=regions["371002" if n % 2 else "370702"],
            kind=OrgKind.UNIT if n % 3 else OrgKind.SUPERVISING,
        )

    with django_assert_max_num_queries(few):
        response = client.get("/org/organizations/")
    assert response.content.decode().count("<tr><td>") == 30
    with django_assert_max_num_queries(few):
        client.get("/org/organizations/", {"page": 2, "kind": "unit", "q": "测试"})


def test_unit_dashboard_with_many_past_applications_is_bounded(
    login,
    regions,
    new_unit,
    new_unit_user,
    hr_bureau,
    bureau_reviewer,
    django_assert_max_num_queries,
):
    client = login(new_unit_user)
    registered_elsewhere(new_unit)  # each application waits for the bureau
    services.apply_for_permission(actor=new_unit_user, unit=new_unit)
    one, _ = _queries(client, "/org/")

    for _ in range(12):
        application = new_unit.permission_applications.get(status="pending")
        services.decide_permission(
            actor=bureau_reviewer, application=application, approve=False, reason="请补充材料"
        )
        services.apply_for_permission(actor=new_unit_user, unit=new_unit)

    with django_assert_max_num_queries(one):
        response = client.get("/org/")
    assert response.content.decode().count("请补充材料") == 9  # the latest ten applications


def test_unit_search_is_one_bounded_request(
    login, regions, applicant, django_assert_max_num_queries
):
    client = login(applicant)
    factories.OrganizationFactory(region=regions["370702"])
    one, _ = _queries(client, "/org/units/search/", {"q": "测试"})

    for _ in range(30):
        factories.OrganizationFactory(region=regions["371002"])

    with django_assert_max_num_queries(one):
        response = client.get("/org/units/search/", {"q": "测试"})
    assert response.content.decode().count("<option") == 20


def test_admin_home_is_bounded(login, regions, administrator, django_assert_max_num_queries):
    for kind in OrgKind.values * 5:
        factories.OrganizationFactory(region=regions["370702"], kind=kind)

    client = login(administrator)

    with django_assert_max_num_queries(BUDGET):
        response = client.get("/org/admin-home/")
    assert "人社局：5" in response.content.decode()
