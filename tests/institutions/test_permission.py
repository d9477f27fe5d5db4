"""A unit applies for 职称评审 permission: an application that passes the automatic check is
granted at once; only one that fails waits for its region's HR bureau. The unit learns the
decision by SMS.

Seed: shandong-culture-series-operation-guide 四.4.
"""

import pytest

from applicants import sms
from institutions import services
from institutions.models import OrgKind, PermissionApplication, PermissionStatus
from tests import factories
from tests.institutions.helpers import CODE_FROM_ELSEWHERE, registered_elsewhere

pytestmark = pytest.mark.django_db


def _apply(client):
    return client.post("/org/permission/apply/", follow=True)


def test_application_passing_the_check_is_granted_at_once_and_told_by_sms(
    login,
    new_unit,
    new_unit_user,
    hr_bureau,
    weihai_bureau,
    bureau_reviewer,
    applicant,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _apply(login(new_unit_user))

    assert response.redirect_chain[-1][0] == "/org/"
    page = response.content.decode()
    assert "权限申请已通过自动校验，本单位已获得职称评审权限" in page
    assert "已授权" in page
    application = PermissionApplication.objects.get()
    assert application.organization == new_unit
    assert application.bureau == hr_bureau
    assert application.status == PermissionApplication.Status.APPROVED
    assert application.decided_by is None  # the system, not a person
    assert application.decided_at is not None
    assert application.submitted_by == new_unit_user
    assert application.check_problems == ""
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.APPROVED
    assert sms.outbox == [
        (
            new_unit.contact_phone,
            "【职称申报评审平台】潍坊新华精密仪器有限公司：贵单位的职称评审权限申请已通过自动校验，"
            "已授权。本单位人员现在可以在申报时选择本单位。",
        )
    ]
    # Nothing waits for the bureau; applicants find the unit at once.
    bureau = login(bureau_reviewer)
    assert "潍坊新华精密仪器有限公司" not in bureau.get("/org/permission/queue/").content.decode()
    options = login(applicant).get("/org/units/search/", {"q": "新华精密"}).content.decode()
    assert f'value="{new_unit.pk}"' in options


@pytest.mark.parametrize(
    ("uscc", "problem"),
    [
        (
            CODE_FROM_ELSEWHERE,
            "统一社会信用代码中的登记管理机关行政区划码（371002）与所属地区（山东省潍坊市潍城区）不一致。",
        ),
        ("", "未填写统一社会信用代码。"),
    ],
)
def test_application_failing_the_check_waits_in_the_district_bureau_queue(
    login,
    new_unit,
    new_unit_user,
    hr_bureau,
    weihai_bureau,
    bureau_reviewer,
    uscc,
    problem,
    django_capture_on_commit_callbacks,
):
    registered_elsewhere(new_unit, uscc)

    with django_capture_on_commit_callbacks(execute=True):
        response = _apply(login(new_unit_user))

    page = response.content.decode()
    assert (
        f"权限申请未通过自动校验（{problem}），已提交“潍坊市潍城区人力资源和社会保障局”审核" in page
    )
    assert "待人社局审核" in page
    application = PermissionApplication.objects.get()
    assert application.bureau == hr_bureau
    assert application.status == PermissionApplication.Status.PENDING
    assert application.check_problems == problem
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.PENDING
    assert not sms.outbox  # no decision yet

    decide = login(bureau_reviewer).get(f"/org/permission/{application.pk}/").content.decode()
    assert problem in decide


def test_a_possible_duplicate_registration_waits_for_the_bureau(
    login, regions, new_unit, new_unit_user, hr_bureau
):
    factories.OrganizationFactory(
        name="潍坊新华精密仪器有限公司",
        uscc="",
        region=regions["370702"],
        permission_status=PermissionStatus.NONE,
    )

    _apply(login(new_unit_user))

    application = PermissionApplication.objects.get()
    assert application.status == PermissionApplication.Status.PENDING
    assert "已有同名或使用同一统一社会信用代码的其他注册单位（潍坊新华精密仪器有限公司）" in (
        application.check_problems
    )


def test_district_without_bureau_goes_to_the_nearest_ancestor_bureau(
    login, regions, hr_bureau, weihai_bureau
):
    huancui_unit = factories.OrganizationFactory(
        name="威海市环翠区文化馆",
        uscc="91371002MA3C4D5E83",
        region=regions["371002"],
        permission_status=PermissionStatus.NONE,
    )
    account = factories.org_user(huancui_unit)

    _apply(login(account))

    # Not the 潍城区 bureau (another city), but the bureau of 威海市 above 环翠区.
    assert PermissionApplication.objects.get().bureau == weihai_bureau


def test_a_second_application_while_one_is_pending_is_refused(
    login, new_unit, new_unit_user, hr_bureau
):
    registered_elsewhere(new_unit)
    client = login(new_unit_user)
    _apply(client)

    response = _apply(client)

    assert "权限申请正在人社局审核中，请耐心等待。" in response.content.decode()
    assert PermissionApplication.objects.count() == 1


def test_an_authorized_unit_need_not_apply_again(login, unit, unit_reviewer, hr_bureau):
    response = _apply(login(unit_reviewer))

    assert "本单位已获得职称评审权限，无需重复申请。" in response.content.decode()
    assert not PermissionApplication.objects.exists()


def test_same_uscc_as_an_authorized_unit_is_refused_naming_the_existing_account(
    login, regions, unit, unit_reviewer, hr_bureau
):
    duplicate = factories.OrganizationFactory(
        name="潍坊华东机械有限公司",
        uscc=unit.uscc,
        region=regions["370702"],
        permission_status=PermissionStatus.NONE,
    )
    account = factories.org_user(duplicate)

    response = _apply(login(account))

    page = response.content.decode()
    assert "已经存在使用该统一社会信用代码的有权限单位“潍坊华东机械制造有限公司”" in page
    assert "账号：unit_hr" in page
    assert "所属地区：山东省潍坊市潍城区" in page
    assert "请联系所属地人社局查询账号，使用之前的账号登录。" in page
    assert not PermissionApplication.objects.exists()
    duplicate.refresh_from_db()
    assert duplicate.permission_status == PermissionStatus.NONE


def test_same_name_as_an_authorized_unit_is_refused(login, regions, unit, unit_reviewer, hr_bureau):
    # Registered again, in another region, with a different code: a duplicate registration.
    duplicate = factories.OrganizationFactory(
        name=unit.name,
        uscc="91371002MA3C4D5E83",
        region=regions["371002"],
        permission_status=PermissionStatus.NONE,
    )
    account = factories.org_user(duplicate)

    response = _apply(login(account))

    page = response.content.decode()
    assert "已经存在有权限的同名单位" in page
    assert "所属地区：山东省潍坊市潍城区" in page
    assert not PermissionApplication.objects.exists()


def test_same_name_as_an_authorized_department_is_refused_by_the_automatic_check(
    login, regions, hr_bureau
):
    # A bureau's name can never be authorized twice, so the bureau could never approve this.
    impostor = factories.OrganizationFactory(
        name=hr_bureau.name,
        uscc="91370702MA3C4D5E9X",
        region=regions["370702"],
        permission_status=PermissionStatus.NONE,
    )
    account = factories.org_user(impostor)

    response = _apply(login(account))

    assert "已经存在有权限的同名单位" in response.content.decode()
    assert not PermissionApplication.objects.exists()


def test_an_unauthorized_unit_with_the_same_uscc_does_not_block(
    login, regions, new_unit, new_unit_user, hr_bureau
):
    factories.OrganizationFactory(
        name="潍坊新华仪器厂",
        uscc=new_unit.uscc,
        region=regions["370702"],
        permission_status=PermissionStatus.REJECTED,
    )

    _apply(login(new_unit_user))

    application = PermissionApplication.objects.get()
    assert application.organization == new_unit
    # Not refused, but not granted blindly either: the bureau looks at the other registration.
    assert application.status == PermissionApplication.Status.PENDING
    assert "潍坊新华仪器厂" in application.check_problems


def test_region_without_any_bureau_gets_a_clear_message(login, outsider, hr_bureau):
    # 环翠区, 威海市 and 山东省 have no HR bureau in these fixtures (潍城区's does not count).
    response = _apply(login(outsider))

    assert (
        "所属地区（山东省威海市环翠区）暂无人社局账号，请联系系统管理员。"
        in response.content.decode()
    )
    assert not PermissionApplication.objects.exists()
    assert outsider.memberships.get().organization.permission_status == PermissionStatus.NONE


@pytest.mark.parametrize("persona", ["applicant", "bureau_reviewer", "department_reviewer"])
def test_only_unit_accounts_may_apply(request, login, persona, hr_bureau):
    user = request.getfixturevalue(persona)

    response = login(user).post("/org/permission/apply/")

    assert response.status_code == 403
    assert not PermissionApplication.objects.exists()


def test_anonymous_user_is_sent_to_login(client, hr_bureau):
    response = client.post("/org/permission/apply/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_application_is_a_post_action(login, new_unit_user, hr_bureau):
    assert login(new_unit_user).get("/org/permission/apply/").status_code == 405
    assert not PermissionApplication.objects.exists()


def test_dashboard_offers_the_application_only_when_it_can_be_made(
    login, new_unit, new_unit_user, hr_bureau
):
    client = login(new_unit_user)
    assert "申请职称评审权限" in client.get("/org/").content.decode()

    _apply(client)

    page = client.get("/org/").content.decode()
    assert 'action="/org/permission/apply/"' not in page
    assert hr_bureau.name in page  # the application record names the reviewing bureau
    assert new_unit.kind == OrgKind.UNIT


def test_service_refuses_an_account_of_another_unit(new_unit, outsider, hr_bureau):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.apply_for_permission(actor=outsider, unit=new_unit)
    assert not PermissionApplication.objects.exists()
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.NONE
