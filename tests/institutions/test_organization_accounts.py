"""The administrator creates department, bureau and committee-office accounts."""

import pytest
from django.core.exceptions import ValidationError

from applicants.models import AccountKind, User
from institutions import services
from institutions.models import Organization, OrgKind, PermissionStatus
from tests import factories
from tests.institutions.helpers import field_error, input_value, login_form

pytestmark = pytest.mark.django_db

ACCOUNT_PASSWORD = "Dept@2026pass"


def _account_data(region, **overrides):
    data = {
        "name": "潍坊市奎文区人力资源和社会保障局",
        "kind": OrgKind.HR_BUREAU,
        "region": region.pk,
        "uscc": "",
        "contact_name": "孙人社",
        "contact_phone": "13905360099",
        "username": "kw_rsj",
        "password1": ACCOUNT_PASSWORD,
        "password2": ACCOUNT_PASSWORD,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("kind", "name", "label"),
    [
        (OrgKind.SUPERVISING, "潍坊市潍城区教育和体育局", "主管部门"),
        (OrgKind.REPORTING, "潍坊市教育局", "呈报部门"),
        (OrgKind.HR_BUREAU, "潍坊市奎文区人力资源和社会保障局", "人社局"),
        (OrgKind.COMMITTEE_OFFICE, "潍坊市教育系列中级评审委员会办公室", "评委会办事机构"),
    ],
)
def test_administrator_creates_an_account_that_can_log_in(
    client, login, regions, administrator, kind, name, label
):
    response = login(administrator).post(
        "/org/organizations/new/",
        _account_data(regions["370702"], kind=kind, name=name, uscc="11370702004123456W"),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/org/organizations/"
    page = response.content.decode()
    assert f"已创建“{name}”及其登录账号 kw_rsj。" in page
    organization = Organization.objects.get(name=name)
    assert organization.kind == kind
    assert organization.region == regions["370702"]
    assert organization.uscc == "11370702004123456W"
    assert organization.permission_status == PermissionStatus.APPROVED
    assert organization.name_locked
    account = User.objects.get(username="kw_rsj")
    assert account.kind == AccountKind.ORGANIZATION
    assert account.memberships.get().organization == organization

    client.post("/accounts/logout/")
    home = login_form(client, "kw_rsj", ACCOUNT_PASSWORD)

    assert home.redirect_chain[-1][0] == "/org/"
    assert home.wsgi_request.user == account
    page = home.content.decode()
    assert f'data-testid="home-heading">{name}</h1>' in page
    assert f'<span class="badge bg-light text-primary">{label}</span>' in page


def test_login_name_is_case_insensitive_for_new_accounts(client, login, regions, administrator):
    login(administrator).post("/org/organizations/new/", _account_data(regions["370702"]))
    client.post("/accounts/logout/")

    home = login_form(client, "KW_RSJ", ACCOUNT_PASSWORD)

    assert home.redirect_chain[-1][0] == "/org/"


def test_unit_kind_is_not_offered(login, regions, administrator):
    client = login(administrator)
    page = client.get("/org/organizations/new/").content.decode()
    assert 'value="hr_bureau"' in page
    assert 'value="unit"' not in page

    response = client.post(
        "/org/organizations/new/", _account_data(regions["370702"], kind=OrgKind.UNIT)
    )

    assert field_error(response, "kind")
    assert not Organization.objects.exists()
    assert not User.objects.filter(username="kw_rsj").exists()


def test_service_refuses_to_create_a_unit(regions, administrator):
    with pytest.raises(ValidationError) as error:
        services.create_organization_account(
            actor=administrator,
            name="某公司",
            kind=OrgKind.UNIT,
            region=regions["370702"],
            username="some_unit",
            password_hash="x",
        )
    assert error.value.message_dict["kind"] == ["用人单位请通过“单位注册”自行注册。"]
    assert not Organization.objects.exists()


def test_duplicate_login_name_is_refused_at_the_field(login, regions, administrator):
    factories.UserFactory(username="Kw_Rsj")

    response = login(administrator).post(
        "/org/organizations/new/", _account_data(regions["370702"])
    )

    assert field_error(response, "username") == "该登录名已被使用，请换一个。"
    assert input_value(response, "name") == "潍坊市奎文区人力资源和社会保障局"
    assert not Organization.objects.exists()


def test_service_refuses_a_login_name_taken_in_another_letter_case(regions, administrator):
    factories.UserFactory(username="Kw_Rsj")

    with pytest.raises(ValidationError) as error:
        services.create_organization_account(
            actor=administrator,
            name="潍坊市奎文区人力资源和社会保障局",
            kind=OrgKind.HR_BUREAU,
            region=regions["370702"],
            username="kw_rsj",
            password_hash="x",
        )

    assert error.value.message_dict["username"] == ["该用户名已被使用，请换一个。"]
    assert not Organization.objects.exists()


def test_same_name_and_kind_is_refused(login, regions, administrator, hr_bureau):
    response = login(administrator).post(
        "/org/organizations/new/", _account_data(regions["370702"], name=hr_bureau.name)
    )

    assert field_error(response, "name") == "已存在同名同类型的部门。"
    assert not User.objects.filter(username="kw_rsj").exists()


def test_name_of_an_authorized_organization_of_another_kind_is_refused_clearly(
    login, regions, administrator, reporting_department
):
    response = login(administrator).post(
        "/org/organizations/new/",
        _account_data(regions["370700"], name=reporting_department.name, kind=OrgKind.SUPERVISING),
    )

    assert response.status_code == 200
    assert "已存在同名的有权限单位（部门）" in field_error(response, "name")
    assert Organization.objects.filter(name=reporting_department.name).count() == 1
    assert not User.objects.filter(username="kw_rsj").exists()


def test_uscc_of_an_authorized_unit_is_refused_clearly(login, regions, administrator, unit):
    response = login(administrator).post(
        "/org/organizations/new/",
        _account_data(regions["370702"], uscc=unit.uscc),
    )

    assert response.status_code == 200
    assert "潍坊华东机械制造有限公司" in field_error(response, "uscc")
    assert not User.objects.filter(username="kw_rsj").exists()


def test_invalid_uscc_and_phone_are_explained(login, regions, administrator):
    response = login(administrator).post(
        "/org/organizations/new/",
        _account_data(regions["370702"], uscc="11370702004123456X", contact_phone="12345"),
    )

    assert field_error(response, "uscc") == "统一社会信用代码校验位不正确，请逐位核对营业执照。"
    assert (
        field_error(response, "contact_phone") == "请输入11位中国大陆手机号码，例如 13800000000。"
    )
    assert not Organization.objects.exists()


def test_weak_password_is_refused(login, regions, administrator):
    response = login(administrator).post(
        "/org/organizations/new/",
        _account_data(regions["370702"], password1="12345678", password2="12345678"),
    )

    assert field_error(response, "password1")
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    "persona", ["applicant", "unit_reviewer", "bureau_reviewer", "committee_office_user"]
)
def test_non_administrators_are_refused(request, login, regions, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get("/org/organizations/new/").status_code == 403
    assert (
        client.post("/org/organizations/new/", _account_data(regions["370702"])).status_code == 403
    )
    assert client.get("/org/organizations/").status_code == 403
    assert client.get("/org/admin-home/").status_code == 403
    assert not User.objects.filter(username="kw_rsj").exists()


def test_anonymous_user_is_sent_to_login(client, regions):
    response = client.get("/org/organizations/new/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_service_refuses_non_administrators(regions, bureau_reviewer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_organization_account(
            actor=bureau_reviewer,
            name="某局",
            kind=OrgKind.HR_BUREAU,
            region=regions["370702"],
            username="some_bureau",
            password_hash="x",
        )


def test_organization_list_filters_by_kind_and_name(
    login, administrator, unit, hr_bureau, supervising_department, outsider
):
    client = login(administrator)

    everything = client.get("/org/organizations/").content.decode()
    for name in (unit.name, hr_bureau.name, supervising_department.name, "威海无关单位有限公司"):
        assert name in everything

    bureaus = client.get("/org/organizations/", {"kind": "hr_bureau"}).content.decode()
    assert hr_bureau.name in bureaus
    assert unit.name not in bureaus

    found = client.get("/org/organizations/", {"q": "华东"}).content.decode()
    assert unit.name in found
    assert hr_bureau.name not in found


def test_admin_home_counts_organizations_by_kind(login, administrator, unit, outsider, hr_bureau):
    page = login(administrator).get("/org/admin-home/").content.decode()
    assert "用人单位：2" in page
    assert "人社局：1" in page
    assert "呈报部门：0" in page
