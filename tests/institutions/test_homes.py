"""Each role lands on its own home page, with its own menu and nobody else's pages."""

import pytest
from django.core.exceptions import ValidationError

from institutions import services
from tests import factories
from tests.institutions.helpers import field_error

pytestmark = pytest.mark.django_db


def _badge(label):
    return f'<span class="badge bg-light text-primary">{label}</span>'


@pytest.mark.parametrize(
    ("persona", "name", "label"),
    [
        ("unit_reviewer", "潍坊华东机械制造有限公司", "用人单位"),
        ("department_reviewer", "潍坊市潍城区工业和信息化局", "主管部门"),
        ("reporting_reviewer", "潍坊市工业和信息化局", "呈报部门"),
        ("bureau_reviewer", "潍坊市潍城区人力资源和社会保障局", "人社局"),
        ("committee_office_user", "潍坊市工程技术职务资格中级评审委员会办公室", "评委会办事机构"),
    ],
)
def test_organization_accounts_land_on_their_organization_home(
    request, login, persona, name, label
):
    response = login(request.getfixturevalue(persona)).get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/org/"
    page = response.content.decode()
    assert f'data-testid="home-heading">{name}</h1>' in page
    assert _badge(label) in page
    assert 'href="/org/profile/"' in page


def test_applicant_lands_on_the_personal_home(login, applicant):
    response = login(applicant).get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/me/"
    assert _badge("申报人") in response.content.decode()


def test_administrator_lands_on_the_admin_home_with_its_menu(login, administrator):
    response = login(administrator).get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/org/admin-home/"
    page = response.content.decode()
    assert _badge("系统管理员") in page
    assert 'href="/org/organizations/new/"' in page
    assert 'href="/org/organizations/"' in page


def test_only_the_bureau_menu_offers_permission_review(login, bureau_reviewer, unit_reviewer):
    assert 'href="/org/permission/queue/"' in login(bureau_reviewer).get("/org/").content.decode()
    assert 'href="/org/permission/queue/"' not in login(unit_reviewer).get("/org/").content.decode()


@pytest.mark.parametrize("persona", ["applicant", "administrator"])
def test_accounts_without_an_organization_cannot_open_organization_pages(request, login, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get("/org/").status_code == 403
    assert client.get("/org/profile/").status_code == 403
    assert client.post("/org/profile/", {"contact_name": "x"}).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, regions):
    for url in ("/org/", "/org/profile/", "/org/admin-home/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_unit_dashboard_shows_its_contact_and_code(login, unit_reviewer, unit):
    page = login(unit_reviewer).get("/org/").content.decode()

    assert "山东省潍坊市潍城区" in page
    assert "91370702MA3C4D5E6L" in page
    assert "已授权" in page


def test_profile_changes_only_the_own_organization(login, unit_reviewer, unit, hr_bureau):
    login(unit_reviewer).post(
        "/org/profile/", {"contact_name": "新联系人", "contact_phone": "13700000001"}
    )

    unit.refresh_from_db()
    hr_bureau.refresh_from_db()
    assert unit.contact_name == "新联系人"
    assert hr_bureau.contact_name == "联系人"


def test_organization_with_an_unconfirmed_name_may_still_correct_it(login, regions):
    legacy = factories.OrganizationFactory(
        name="潍坊老单位", region=regions["370702"], name_confirmed_at=None
    )
    client = login(factories.org_user(legacy))

    client.post(
        "/org/profile/",
        {"name": "潍坊老单位有限公司", "contact_name": "联系人", "contact_phone": "13900000000"},
    )

    legacy.refresh_from_db()
    assert legacy.name == "潍坊老单位有限公司"


def test_empty_contact_name_is_explained(login, unit_reviewer, unit):
    response = login(unit_reviewer).post(
        "/org/profile/", {"contact_name": "", "contact_phone": "13700000001"}
    )

    assert field_error(response, "contact_name")
    unit.refresh_from_db()
    assert unit.contact_name == "联系人"


def test_only_an_administrator_may_rename_a_confirmed_unit(unit, unit_reviewer, administrator):
    with pytest.raises(ValidationError) as error:
        services.update_organization_contact(
            actor=unit_reviewer,
            organization=unit,
            contact_name="联系人",
            contact_phone="13900000000",
            name="新名字有限公司",
        )
    assert error.value.message_dict["name"] == ["单位名称确认后不能自行修改，请联系所属地人社局。"]

    services.update_organization_contact(
        actor=administrator,
        organization=unit,
        contact_name="联系人",
        contact_phone="13900000000",
        name="新名字有限公司",
    )

    unit.refresh_from_db()
    assert unit.name == "新名字有限公司"
