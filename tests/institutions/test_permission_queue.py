"""The HR bureau's queue of permission applications that failed the automatic check: approve,
reject with a reason (the unit learns it by SMS), isolation."""

import pytest
from django.db import IntegrityError, transaction

from applicants import sms
from institutions import selectors, services
from institutions.models import Organization, PermissionApplication, PermissionStatus
from tests import factories
from tests.institutions.helpers import CODE_FROM_ELSEWHERE, field_error, registered_elsewhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(new_unit, new_unit_user, hr_bureau):
    """The unit's code was issued in another city, so the application waits in the queue."""
    registered_elsewhere(new_unit)
    return services.apply_for_permission(actor=new_unit_user, unit=new_unit)


def _decide(client, application, decision, reason=""):
    return client.post(
        f"/org/permission/{application.pk}/", {"decision": decision, "reason": reason}, follow=True
    )


def test_bureau_sees_only_its_own_queue(
    login, regions, application, bureau_reviewer, weihai_bureau, weihai_bureau_reviewer
):
    weihai_unit = factories.OrganizationFactory(
        name="威海市环翠区文化馆",
        uscc="",  # no code: the automatic check fails
        region=regions["371002"],
        permission_status=PermissionStatus.NONE,
    )
    services.apply_for_permission(actor=factories.org_user(weihai_unit), unit=weihai_unit)

    weicheng = login(bureau_reviewer).get("/org/permission/queue/").content.decode()
    assert "潍坊新华精密仪器有限公司" in weicheng
    assert CODE_FROM_ELSEWHERE in weicheng
    # Why the check failed, for the bureau to judge.
    assert "登记管理机关行政区划码（371002）与所属地区（山东省潍坊市潍城区）不一致" in weicheng
    assert "威海市环翠区文化馆" not in weicheng
    assert f'href="/org/permission/{application.pk}/"' in weicheng

    weihai = login(weihai_bureau_reviewer).get("/org/permission/queue/").content.decode()
    assert "威海市环翠区文化馆" in weihai
    assert "潍坊新华精密仪器有限公司" not in weihai


def test_bureau_dashboard_counts_pending_applications(login, application, bureau_reviewer):
    page = login(bureau_reviewer).get("/org/").content.decode()
    assert "待审核 1 条" in page


def test_approval_authorizes_the_unit_for_applicants(
    login, application, new_unit, bureau_reviewer, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(login(bureau_reviewer), application, "approve")

    assert response.redirect_chain[-1][0] == "/org/permission/queue/"
    assert "已处理“潍坊新华精密仪器有限公司”的权限申请。" in response.content.decode()
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.APPROVED
    application.refresh_from_db()
    assert application.status == PermissionApplication.Status.APPROVED
    assert application.decided_by == bureau_reviewer
    assert application.decided_at is not None
    assert new_unit in selectors.authorized_units()
    # The unit's contact learns the decision by SMS.
    assert sms.outbox == [
        (
            new_unit.contact_phone,
            "【职称申报评审平台】潍坊新华精密仪器有限公司：贵单位的职称评审权限申请已由"
            "潍坊市潍城区人力资源和社会保障局审核通过，已授权。本单位人员现在可以在申报时选择本单位。",
        )
    ]
    # The applicant can now find and choose the unit.
    options = login(applicant).get("/org/units/search/", {"q": "新华精密"}).content.decode()
    assert "潍坊新华精密仪器有限公司（山东省潍坊市潍城区）" in options
    assert f'value="{new_unit.pk}"' in options


def test_approved_unit_sees_its_new_status(login, application, new_unit_user, bureau_reviewer):
    _decide(login(bureau_reviewer), application, "approve")

    page = login(new_unit_user).get("/org/").content.decode()
    assert "已授权" in page
    assert "本单位人员现在可以在申报时选择本单位。" in page
    assert 'action="/org/permission/apply/"' not in page


def test_rejection_without_a_reason_is_explained_and_changes_nothing(
    login, application, new_unit, bureau_reviewer
):
    response = _decide(login(bureau_reviewer), application, "reject", reason="   ")

    assert response.status_code == 200
    assert field_error(response, "reason") == "不通过时必须填写原因。"
    application.refresh_from_db()
    assert application.status == PermissionApplication.Status.PENDING
    assert application.decided_by is None
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.PENDING


def test_decision_must_be_chosen(login, application, bureau_reviewer):
    response = _decide(login(bureau_reviewer), application, "")

    message = field_error(response, "decision")
    assert message  # Django's own "required" message, in Chinese
    assert not message.isascii()
    application.refresh_from_db()
    assert application.status == PermissionApplication.Status.PENDING


def test_rejected_unit_sees_the_reason_and_may_apply_again(
    login,
    application,
    new_unit,
    new_unit_user,
    bureau_reviewer,
    hr_bureau,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _decide(
            login(bureau_reviewer), application, "reject", reason="统一社会信用代码与营业执照不一致"
        )
    assert sms.outbox == [
        (
            new_unit.contact_phone,
            "【职称申报评审平台】潍坊新华精密仪器有限公司：贵单位的职称评审权限申请未通过"
            "潍坊市潍城区人力资源和社会保障局审核，原因：统一社会信用代码与营业执照不一致。"
            "请登录平台修改后重新申请。",
        )
    ]
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.REJECTED
    assert new_unit not in selectors.authorized_units()

    client = login(new_unit_user)
    page = client.get("/org/").content.decode()
    assert "未通过" in page
    assert "统一社会信用代码与营业执照不一致" in page
    assert 'action="/org/permission/apply/"' in page

    response = client.post("/org/permission/apply/", follow=True)

    assert "权限申请未通过自动校验（统一社会信用代码中的登记管理机关行政区划码（371002）" in (
        response.content.decode()
    )
    assert new_unit.permission_applications.filter(status="pending").count() == 1
    assert new_unit.permission_applications.count() == 2


def test_decided_applications_keep_their_reason_in_the_full_list(
    login, application, bureau_reviewer
):
    client = login(bureau_reviewer)
    _decide(client, application, "reject", reason="请补充营业执照")

    pending = client.get("/org/permission/queue/").content.decode()
    assert "潍坊新华精密仪器有限公司" not in pending
    everything = client.get("/org/permission/queue/", {"status": "all"}).content.decode()
    assert "潍坊新华精密仪器有限公司" in everything
    assert "请补充营业执照" in everything


def test_another_bureau_gets_not_found_for_the_application(
    login, application, new_unit, weihai_bureau_reviewer
):
    client = login(weihai_bureau_reviewer)

    assert client.get(f"/org/permission/{application.pk}/").status_code == 404
    assert _decide(client, application, "approve").status_code == 404
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.PENDING


@pytest.mark.parametrize("persona", ["new_unit_user", "applicant", "department_reviewer"])
def test_non_bureau_accounts_are_refused(request, login, application, new_unit, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get("/org/permission/queue/").status_code == 403
    assert client.get(f"/org/permission/{application.pk}/").status_code == 403
    response = client.post(f"/org/permission/{application.pk}/", {"decision": "approve"})
    assert response.status_code == 403
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.PENDING


def test_anonymous_user_is_sent_to_login(client, application, new_unit):
    for url in ("/org/permission/queue/", f"/org/permission/{application.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    client.post(f"/org/permission/{application.pk}/", {"decision": "approve"})
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.PENDING


def test_deciding_twice_is_refused(login, application, new_unit, bureau_reviewer):
    client = login(bureau_reviewer)
    _decide(client, application, "approve")

    response = _decide(client, application, "reject", reason="改主意了")

    assert "该申请已处理，请刷新页面。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == PermissionApplication.Status.APPROVED
    assert application.reason == ""
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.APPROVED


def test_second_of_two_pending_units_with_one_uscc_cannot_be_approved(
    login, regions, new_unit, new_unit_user, hr_bureau, bureau_reviewer
):
    twin = factories.OrganizationFactory(
        name="潍坊新华仪器厂",
        uscc=new_unit.uscc,
        region=regions["370702"],
        permission_status=PermissionStatus.NONE,
    )
    first = services.apply_for_permission(actor=new_unit_user, unit=new_unit)
    second = services.apply_for_permission(actor=factories.org_user(twin), unit=twin)
    client = login(bureau_reviewer)
    _decide(client, first, "approve")

    response = _decide(client, second, "approve")

    page = response.content.decode()
    assert "已经存在使用该统一社会信用代码的有权限单位“潍坊新华精密仪器有限公司”" in page
    assert "山东省潍坊市潍城区" in page
    second.refresh_from_db()
    assert second.status == PermissionApplication.Status.PENDING
    twin.refresh_from_db()
    assert twin.permission_status == PermissionStatus.PENDING


def test_service_refuses_a_reviewer_of_another_bureau(
    application, new_unit, weihai_bureau_reviewer
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.decide_permission(
            actor=weihai_bureau_reviewer, application=application, approve=True
        )
    new_unit.refresh_from_db()
    assert new_unit.permission_status == PermissionStatus.PENDING


def test_database_refuses_two_authorized_units_with_one_uscc(regions, unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrganizationFactory(
            name="另一个名字有限公司",
            uscc=unit.uscc,
            region=regions["370702"],
            permission_status=PermissionStatus.APPROVED,
        )
    assert Organization.objects.filter(uscc=unit.uscc).count() == 1


def test_database_refuses_two_authorized_units_with_one_name(regions, unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrganizationFactory(
            name=unit.name,
            uscc="91371002MA3C4D5E83",
            region=regions["371002"],
            permission_status=PermissionStatus.APPROVED,
        )


def test_unauthorized_duplicates_are_allowed_to_exist(regions, unit):
    factories.OrganizationFactory(
        name=unit.name,
        uscc=unit.uscc,
        region=regions["370702"],
        permission_status=PermissionStatus.PENDING,
    )
    assert Organization.objects.filter(uscc=unit.uscc).count() == 2


def test_a_decided_application_shows_its_decision_not_the_form(login, application, bureau_reviewer):
    client = login(bureau_reviewer)
    pending = client.get(f"/org/permission/{application.pk}/").content.decode()
    assert 'name="decision"' in pending
    services.decide_permission(
        actor=bureau_reviewer, application=application, approve=False, reason="材料不全"
    )
    page = client.get(f"/org/permission/{application.pk}/").content.decode()
    assert 'data-testid="decided"' in page and "材料不全" in page
    assert 'name="decision"' not in page
