"""单位管理: the HR bureau corrects its units' details and resets their passwords, each after a
confirmation page and with an audit entry.

Seed S1 四.5: 联系所属区人社部门申请修改信息、重置密码.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from applicants import sms
from applicants.models import SmsMessage
from institutions import selectors, services
from institutions.models import AuditAction, AuditEntry, Organization, OrgKind, PermissionStatus
from tests import factories
from tests.institutions.helpers import field_error, input_value, login_form

pytestmark = pytest.mark.django_db

UNITS = "/org/units/"


def _correct_url(unit):
    return f"/org/units/{unit.pk}/correct/"


def _reset_url(unit, account):
    return f"/org/units/{unit.pk}/accounts/{account.pk}/reset-password/"


def _correction(unit, **overrides):
    data = {
        "name": unit.name,
        "uscc": unit.uscc,
        "region": unit.region_id,
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "reason": "单位来电申请更正，已核对营业执照",
    }
    data.update(overrides)
    return data


@pytest.fixture
def xinhua(new_unit, new_unit_user):
    new_unit.contact_phone = "13912345678"
    new_unit.save(update_fields=["contact_phone"])
    new_unit_user.phone = "13912345678"
    new_unit_user.save(update_fields=["phone"])
    return new_unit


# --- which units ------------------------------------------------------------------------------


def test_a_bureau_looks_after_the_units_of_its_region_only(
    regions, hr_bureau, weihai_bureau, unit, new_unit, outsider
):
    assert set(selectors.managed_units(hr_bureau)) == {new_unit, unit}
    # 环翠区 has no bureau of its own: the city bureau of 威海市 looks after its units.
    assert [u.name for u in selectors.managed_units(weihai_bureau)] == ["威海无关单位有限公司"]


def test_a_city_bureau_leaves_a_district_with_its_own_bureau_alone(regions, hr_bureau, unit):
    weifang = factories.OrganizationFactory(
        name="潍坊市人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["370700"]
    )
    city_unit = factories.OrganizationFactory(name="潍坊市直属某研究院", region=regions["370700"])

    assert list(selectors.managed_units(weifang)) == [city_unit]


def test_the_list_shows_the_units_with_their_accounts(login, bureau_reviewer, xinhua, outsider):
    page = login(bureau_reviewer).get(UNITS).content.decode()

    assert "潍坊新华精密仪器有限公司" in page
    assert "xinhua_unit" in page
    assert f'href="{_correct_url(xinhua)}"' in page
    assert "威海无关单位有限公司" not in page


def test_the_menu_offers_unit_management_to_the_bureau_only(login, bureau_reviewer, unit_reviewer):
    assert f'href="{UNITS}"' in login(bureau_reviewer).get("/org/").content.decode()
    assert f'href="{UNITS}"' not in login(unit_reviewer).get("/org/").content.decode()


@pytest.mark.parametrize("persona", ["unit_reviewer", "applicant", "department_reviewer"])
def test_other_roles_are_refused(request, login, persona, xinhua, new_unit_user):
    client = login(request.getfixturevalue(persona))

    assert client.get(UNITS).status_code == 403
    assert client.get(_correct_url(xinhua)).status_code == 403
    assert client.post(_correct_url(xinhua), _correction(xinhua, confirm="1")).status_code == 403
    assert client.post(_reset_url(xinhua, new_unit_user)).status_code == 403


def test_another_bureau_does_not_find_the_unit(
    login, weihai_bureau_reviewer, xinhua, new_unit_user
):
    client = login(weihai_bureau_reviewer)

    assert client.get(_correct_url(xinhua)).status_code == 404
    assert client.post(_reset_url(xinhua, new_unit_user)).status_code == 404


def test_the_list_costs_the_same_with_one_and_many_units(
    login, regions, bureau_reviewer, xinhua, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(bureau_reviewer)
    with CaptureQueriesContext(connection) as one:
        client.get(UNITS)
    for n in range(25):
        unit = factories.OrganizationFactory(name=f"潍坊第{n}家公司", region=regions["370702"])
        factories.org_user(unit)

    with django_assert_max_num_queries(len(one)):
        response = client.get(UNITS)
    assert response.content.decode().count('data-testid="unit-row"') == 20


# --- corrections ------------------------------------------------------------------------------


def test_a_correction_is_shown_for_confirmation_then_saved_with_an_audit_entry(
    login, bureau_reviewer, hr_bureau, xinhua, new_unit_user, regions
):
    client = login(bureau_reviewer)
    assert input_value(client.get(_correct_url(xinhua)), "name") == "潍坊新华精密仪器有限公司"
    data = _correction(xinhua, name="潍坊新华精密仪器股份有限公司", contact_phone="13811112222")

    confirm = client.post(_correct_url(xinhua), data)

    page = confirm.content.decode()
    assert 'data-testid="changes"' in page
    assert "潍坊新华精密仪器股份有限公司" in page and "13811112222" in page
    assert 'name="confirm"' in page
    xinhua.refresh_from_db()
    assert xinhua.name == "潍坊新华精密仪器有限公司"  # nothing saved before the confirmation

    done = client.post(_correct_url(xinhua), {**data, "confirm": "1"}, follow=True)

    assert done.redirect_chain[-1][0] == UNITS
    assert "已更正“潍坊新华精密仪器股份有限公司”的单位信息。" in done.content.decode()
    xinhua.refresh_from_db()
    assert xinhua.name == "潍坊新华精密仪器股份有限公司"
    assert xinhua.contact_phone == "13811112222"
    # Its account used the old contact phone: 找回密码 now reaches the new one.
    new_unit_user.refresh_from_db()
    assert new_unit_user.phone == "13811112222"
    entry = AuditEntry.objects.get(action=AuditAction.ORGANIZATION_ACCOUNT_CHANGED)
    assert entry.actor == bureau_reviewer
    assert entry.organization == hr_bureau
    assert entry.reason == "单位来电申请更正，已核对营业执照"
    assert entry.details["changes"] == {
        "name": ["潍坊新华精密仪器有限公司", "潍坊新华精密仪器股份有限公司"],
        "contact_phone": ["13912345678", "13811112222"],
    }


def test_back_to_edit_keeps_the_typed_values(login, bureau_reviewer, xinhua):
    data = _correction(xinhua, contact_name="李更正")

    response = login(bureau_reviewer).post(_correct_url(xinhua), {**data, "back": "1"})

    assert input_value(response, "contact_name") == "李更正"
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reason", "", "请填写更正原因。"),
        ("uscc", "91370702MA3C4D5E7Q", "统一社会信用代码校验位不正确，请逐位核对营业执照。"),
        ("contact_phone", "0536-1234567", "请输入11位中国大陆手机号码，例如 13800000000。"),
    ],
)
def test_bad_input_is_explained_at_the_field_and_nothing_changes(
    login, bureau_reviewer, xinhua, field, value, message
):
    data = _correction(xinhua, contact_name="李更正", **{field: value})

    response = login(bureau_reviewer).post(_correct_url(xinhua), {**data, "confirm": "1"})

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert input_value(response, "contact_name") == "李更正"
    xinhua.refresh_from_db()
    assert xinhua.contact_name == "联系人"
    assert not AuditEntry.objects.exists()


def test_the_name_of_another_authorized_unit_is_refused(login, bureau_reviewer, xinhua, unit):
    xinhua.permission_status = PermissionStatus.APPROVED
    xinhua.save(update_fields=["permission_status"])

    response = login(bureau_reviewer).post(
        _correct_url(xinhua), {**_correction(xinhua, name=unit.name), "confirm": "1"}
    )

    assert "与有权限的“潍坊华东机械制造有限公司”" in field_error(response, "name")
    xinhua.refresh_from_db()
    assert xinhua.name == "潍坊新华精密仪器有限公司"


def test_the_service_refuses_another_bureau_and_a_region_outside_its_own(
    regions, xinhua, bureau_reviewer, weihai_bureau_reviewer
):
    values = _correction(xinhua, contact_name="李更正")
    values["region"] = regions["370702"]
    with pytest.raises(PermissionDenied):
        services.correct_unit(actor=weihai_bureau_reviewer, unit=xinhua, **values)

    values["region"] = regions["371002"]
    with pytest.raises(ValidationError) as excinfo:
        services.correct_unit(actor=bureau_reviewer, unit=xinhua, **values)
    assert "region" in excinfo.value.message_dict
    assert Organization.objects.get(pk=xinhua.pk).contact_name == "联系人"


# --- password resets --------------------------------------------------------------------------


def test_a_password_reset_asks_for_confirmation_then_sends_a_temporary_password(
    login,
    bureau_reviewer,
    hr_bureau,
    xinhua,
    new_unit_user,
    django_capture_on_commit_callbacks,
):
    bureau = login(bureau_reviewer)
    page = bureau.get(_reset_url(xinhua, new_unit_user)).content.decode()
    assert "139****5678" in page and "确认重置密码" in page
    new_unit_user.refresh_from_db()
    assert new_unit_user.check_password(factories.PASSWORD)  # nothing yet
    client = Client()  # the unit, locked out after 5 wrong passwords
    for _ in range(5):
        login_form(client, "xinhua_unit", "Wrong#2026pw")
    assert AccessAttempt.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = bureau.post(_reset_url(xinhua, new_unit_user), follow=True)

    assert "已重置账号 xinhua_unit 的密码，临时密码已通过短信发送至 139****5678。" in (
        response.content.decode()
    )
    phone, body = sms.outbox[-1]
    assert phone == "13912345678"
    temporary = re.search(r"临时密码 (\w{10})。", body).group(1)
    assert "******" in SmsMessage.objects.get().body  # not kept readable
    new_unit_user.refresh_from_db()
    assert new_unit_user.check_password(temporary)
    assert not new_unit_user.check_password(factories.PASSWORD)
    assert not AccessAttempt.objects.exists()  # the lock ends too
    entry = AuditEntry.objects.get(action=AuditAction.UNIT_PASSWORD_RESET)
    assert (entry.actor, entry.organization, entry.changed_object) == (
        bureau_reviewer,
        hr_bureau,
        new_unit_user,
    )
    assert entry.details["phone"] == "139****5678"
    signed_in = login_form(client, "xinhua_unit", temporary)
    assert signed_in.context["user"] == new_unit_user


def test_an_account_of_another_unit_is_not_found(login, bureau_reviewer, xinhua, unit_reviewer):
    response = login(bureau_reviewer).post(_reset_url(xinhua, unit_reviewer))

    assert response.status_code == 404
    unit_reviewer.refresh_from_db()
    assert unit_reviewer.check_password(factories.PASSWORD)


def test_a_unit_without_a_mobile_is_asked_to_be_corrected_first(
    login, bureau_reviewer, xinhua, new_unit_user
):
    xinhua.contact_phone = "0536-1234567"
    xinhua.save(update_fields=["contact_phone"])
    new_unit_user.phone = ""
    new_unit_user.save(update_fields=["phone"])
    client = login(bureau_reviewer)

    assert "请先更正单位信息" in client.get(_reset_url(xinhua, new_unit_user)).content.decode()
    response = client.post(_reset_url(xinhua, new_unit_user), follow=True)

    assert "该单位未登记联系人手机号码，无法发送临时密码，请先更正单位信息。" in (
        response.content.decode()
    )
    new_unit_user.refresh_from_db()
    assert new_unit_user.check_password(factories.PASSWORD)
    assert not sms.outbox
    assert not AuditEntry.objects.exists()
