"""单位注册 (seed 四): fill the form, confirm, and the name is locked from then on."""

import pytest

from applicants.models import AccountKind, User
from institutions.models import Membership, Organization, OrgKind, PermissionStatus
from tests import factories
from tests.institutions.helpers import (
    REGISTRATION_PASSWORD,
    field_error,
    input_value,
    unit_registration_data,
)

pytestmark = pytest.mark.django_db


def _nothing_saved():
    assert not Organization.objects.filter(kind=OrgKind.UNIT).exists()
    assert not User.objects.filter(kind=AccountKind.ORGANIZATION).exists()


def test_registration_then_confirmation_creates_the_unit_and_signs_it_in(client, regions):
    response = client.post("/org/register/", unit_registration_data(regions["370702"]))
    assert response.status_code == 302
    assert response.url == "/org/register/confirm/"
    # Nothing is saved until the registrant confirms.
    _nothing_saved()

    summary = client.get("/org/register/confirm/")
    page = summary.content.decode()
    assert "潍坊新华精密仪器有限公司" in page
    assert "山东省潍坊市潍城区" in page
    assert "确认后单位名称将无法自行修改" in page

    response = client.post("/org/register/confirm/", follow=True)

    assert response.redirect_chain[-1][0] == "/org/"
    unit = Organization.objects.get(name="潍坊新华精密仪器有限公司")
    assert unit.kind == OrgKind.UNIT
    assert unit.uscc == "91370702MA3C4D5E6L"
    assert unit.region == regions["370702"]
    assert unit.permission_status == PermissionStatus.NONE
    assert unit.name_confirmed_at is not None
    account = User.objects.get(username="xinhua_unit")
    assert account.kind == AccountKind.ORGANIZATION
    assert account.check_password(REGISTRATION_PASSWORD)
    assert Membership.objects.get(user=account).organization == unit
    # Signed in as the new unit, on its dashboard, told to apply for permission.
    assert response.wsgi_request.user == account
    page = response.content.decode()
    assert "单位注册成功" in page
    assert "申请职称评审权限" in page


def test_lowercase_uscc_with_spaces_is_normalised(client, regions):
    data = unit_registration_data(regions["370702"], uscc=" 91370702ma3c4d5e6l ")
    client.post("/org/register/", data)
    client.post("/org/register/confirm/")
    assert Organization.objects.get().uscc == "91370702MA3C4D5E6L"


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("91370702MA3C4D5E6X", "统一社会信用代码校验位不正确，请逐位核对营业执照。"),
        ("91370702MA3C4D5E6", "统一社会信用代码应为18位，当前为17位。"),
        ("91370702MA3C4D5E6L1", "统一社会信用代码应为18位，当前为19位。"),
        (
            "91370702MI3C4D5E6L",
            "统一社会信用代码格式不正确：应为18位数字或大写字母（不含I、O、Z、S、V）。",
        ),
        (
            "9137070200000000Z0",
            "统一社会信用代码格式不正确：应为18位数字或大写字母（不含I、O、Z、S、V）。",
        ),
    ],
    ids=["check-digit", "too-short", "too-long", "letter-I", "letter-Z"],
)
def test_invalid_uscc_is_explained_at_the_field_and_values_stay(client, regions, uscc, message):
    response = client.post("/org/register/", unit_registration_data(regions["370702"], uscc=uscc))

    assert response.status_code == 200
    assert field_error(response, "uscc") == message
    # What the registrant typed is still there to correct.
    assert input_value(response, "uscc") == uscc
    assert input_value(response, "name") == "潍坊新华精密仪器有限公司"
    assert input_value(response, "username") == "xinhua_unit"
    assert input_value(response, "contact_phone") == "13912345678"
    assert "pending_unit_registration" not in client.session
    _nothing_saved()


def test_login_name_already_taken_is_refused_at_the_field(client, regions):
    factories.UserFactory(username="Xinhua_Unit")

    response = client.post("/org/register/", unit_registration_data(regions["370702"]))

    assert response.status_code == 200
    assert field_error(response, "username") == "该登录名已被使用，请换一个。"
    assert input_value(response, "name") == "潍坊新华精密仪器有限公司"
    assert not Organization.objects.exists()


def test_login_name_taken_between_form_and_confirmation_is_refused(client, regions):
    client.post("/org/register/", unit_registration_data(regions["370702"]))
    # Someone else takes the name (in another letter case) before the registrant confirms.
    factories.UserFactory(username="XINHUA_UNIT", kind=AccountKind.ORGANIZATION, phone="")

    response = client.post("/org/register/confirm/", follow=True)

    assert response.redirect_chain[-1][0] == "/org/register/"
    assert "该用户名已被使用，请返回修改。" in response.content.decode()
    assert not Organization.objects.exists()
    assert User.objects.filter(username__iexact="xinhua_unit").count() == 1
    assert not response.wsgi_request.user.is_authenticated
    # The other values are kept for the correction.
    assert input_value(response, "name") == "潍坊新华精密仪器有限公司"


def test_back_to_edit_keeps_the_values_and_the_correction_is_what_gets_saved(client, regions):
    client.post("/org/register/", unit_registration_data(regions["370702"]))

    back = client.get("/org/register/")

    assert input_value(back, "name") == "潍坊新华精密仪器有限公司"
    assert input_value(back, "uscc") == "91370702MA3C4D5E6L"
    assert input_value(back, "contact_name") == "王经办"
    assert input_value(back, "contact_phone") == "13912345678"
    assert input_value(back, "username") == "xinhua_unit"
    assert f'<option value="{regions["370702"].pk}" selected>' in back.content.decode()
    assert not Organization.objects.exists()

    client.post(
        "/org/register/",
        unit_registration_data(regions["371002"], name="威海新华精密仪器有限公司"),
    )
    client.post("/org/register/confirm/")

    unit = Organization.objects.get()
    assert unit.name == "威海新华精密仪器有限公司"
    assert unit.region == regions["371002"]


def test_confirmation_without_a_filled_form_sends_back_to_the_form(client, regions):
    response = client.post("/org/register/confirm/", follow=True)

    assert response.redirect_chain[-1][0] == "/org/register/"
    assert "请先填写单位注册信息。" in response.content.decode()
    assert not Organization.objects.exists()


def test_wrong_captcha_is_refused(client, regions):
    data = unit_registration_data(regions["370702"], captcha_1="WRONG")
    response = client.post("/org/register/", data)

    assert field_error(response, "captcha") == "验证码不正确，请重新输入。"
    assert "pending_unit_registration" not in client.session


def _register(client, regions):
    client.post("/org/register/", unit_registration_data(regions["370702"]))
    client.post("/org/register/confirm/")
    return Organization.objects.get(name="潍坊新华精密仪器有限公司")


def test_confirmed_unit_cannot_rename_itself_but_can_change_its_contact(client, regions):
    unit = _register(client, regions)

    page = client.get("/org/profile/").content.decode()
    name_input = next(
        tag for tag in page.split("<input")[1:] if 'name="name"' in tag.split(">")[0]
    ).split(">")[0]
    assert "disabled" in name_input
    assert "单位名称确认后不能自行修改" in page

    response = client.post(
        "/org/profile/",
        {
            "name": "改名后的单位有限公司",
            "contact_name": "赵新经办",
            "contact_phone": "13812345678",
        },
        follow=True,
    )

    assert "单位信息已保存。" in response.content.decode()
    unit.refresh_from_db()
    assert unit.name == "潍坊新华精密仪器有限公司"
    assert unit.contact_name == "赵新经办"
    assert unit.contact_phone == "13812345678"


def test_invalid_contact_phone_is_explained_and_nothing_changes(client, regions):
    unit = _register(client, regions)

    response = client.post(
        "/org/profile/",
        {"name": unit.name, "contact_name": "赵新经办", "contact_phone": "0536-123"},
    )

    assert (
        field_error(response, "contact_phone") == "请输入11位中国大陆手机号码，例如 13800000000。"
    )
    assert input_value(response, "contact_phone") == "0536-123"
    unit.refresh_from_db()
    assert unit.contact_name == "王经办"
    assert unit.contact_phone == "13912345678"


def test_signed_in_users_are_not_offered_unit_registration(login, unit_reviewer):
    response = login(unit_reviewer).get("/org/register/")
    assert response.status_code == 302
