"""`manage.py seed_demo`: demo regions, committees and one account per role, safe to run again."""

import io

import pytest
from django.core.management import call_command

from applicants.models import User
from declarations.models import Level, Plan, Series
from institutions import selectors
from institutions.management.commands import seed_demo
from institutions.models import (
    Committee,
    Membership,
    Organization,
    OrgKind,
    Region,
    RoutingPath,
)
from tests.institutions.helpers import login_form

pytestmark = pytest.mark.django_db

MODELS = [Region, Organization, Membership, Committee, User, Level, Series, RoutingPath]

ROLE_LABELS = {
    OrgKind.UNIT: "用人单位",
    OrgKind.SUPERVISING: "主管部门",
    OrgKind.REPORTING: "呈报部门",
    OrgKind.HR_BUREAU: "人社局",
    OrgKind.COMMITTEE_OFFICE: "评委会办事机构",
}


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


def _badge(label):
    return f'<span class="badge bg-light text-primary">{label}</span>'


def test_running_twice_changes_nothing(db, capsys):
    call_command("seed_demo")
    first = _counts()

    call_command("seed_demo")

    assert _counts() == first
    assert first["Committee"] == 2
    assert first["RoutingPath"] == len(seed_demo.PATHS) == 6
    assert first["Organization"] == len(seed_demo.ORGANIZATIONS)
    assert first["Membership"] == len(seed_demo.ORGANIZATIONS)
    # admin + one per organization + the demo applicants
    assert first["User"] == 1 + len(seed_demo.ORGANIZATIONS) + len(seed_demo.APPLICANTS)
    assert "Demo data ready." in capsys.readouterr().out


def test_running_again_repairs_a_changed_demo_organization(seeded):
    Organization.objects.filter(name="威海市环翠区文化馆").update(permission_status="none")

    call_command("seed_demo", stdout=io.StringIO())

    assert Organization.objects.get(name="威海市环翠区文化馆").is_authorized


def _chain(unit_name, plan):
    """Follow the effective paths from the unit up to a committee: names along the way."""
    organization = Organization.objects.get(name=unit_name)
    names = [organization.name]
    for _ in range(5):
        path = selectors.effective_path(organization, plan.series, plan.level)
        assert path is not None, f"{organization.name} has no effective path"
        if path.committee_id:
            names.append(path.committee.name)
            return names
        organization = path.target
        names.append(organization.name)
    raise AssertionError(f"no committee reached: {names}")


@pytest.mark.parametrize(
    ("unit_name", "series_code", "level_code", "chain"),
    [
        (
            "潍坊华东机械制造有限公司",
            "engineering",
            "intermediate",
            [
                "潍坊华东机械制造有限公司",
                "潍坊市潍城区工业和信息化局",
                "潍坊市工业和信息化局",
                "潍坊市工程技术职务资格中级评审委员会",
            ],
        ),
        (
            "威海市环翠区文化馆",
            "mass_culture",
            "junior",
            [
                "威海市环翠区文化馆",
                "威海市环翠区文化和旅游局",
                "威海市文化和旅游局",
                "威海市环翠区群众文化专业职务资格初级评审委员会",
            ],
        ),
    ],
)
def test_effective_paths_lead_each_demo_unit_to_its_plans_committee(
    seeded, unit_name, series_code, level_code, chain
):
    plan = Plan.objects.get(series__code=series_code, level__code=level_code)

    assert _chain(unit_name, plan) == chain
    assert chain[-1] == plan.committee.name
    kinds = [Organization.objects.get(name=name).kind for name in chain[1:-1]]
    assert kinds == [OrgKind.SUPERVISING, OrgKind.REPORTING]


def test_seeded_paths_are_effective_and_decided_by_their_destination(seeded):
    for path in RoutingPath.objects.select_related("target", "committee__office", "decided_by"):
        assert path.status == RoutingPath.Status.EFFECTIVE
        decider = path.committee.office if path.committee_id else path.target
        assert decider.memberships.filter(user=path.decided_by).exists()
        assert path.organization.memberships.filter(user=path.applied_by).exists()


def test_running_again_repoints_a_changed_demo_path(seeded):
    unit = Organization.objects.get(name="潍坊华东机械制造有限公司")
    RoutingPath.objects.filter(organization=unit).update(
        target=Organization.objects.get(name="潍坊市工业和信息化局")
    )

    call_command("seed_demo", stdout=io.StringIO())

    path = RoutingPath.objects.get(organization=unit)
    assert path.target.name == "潍坊市潍城区工业和信息化局"
    assert path.status == RoutingPath.Status.EFFECTIVE


@pytest.mark.parametrize(
    ("code", "full_name", "level"),
    [
        ("370000", "山东省", Region.Level.PROVINCE),
        ("370700", "山东省潍坊市", Region.Level.CITY),
        ("370702", "山东省潍坊市潍城区", Region.Level.DISTRICT),
        ("370705", "山东省潍坊市奎文区", Region.Level.DISTRICT),
        ("371000", "山东省威海市", Region.Level.CITY),
        ("371002", "山东省威海市环翠区", Region.Level.DISTRICT),
        ("371003", "山东省威海市文登区", Region.Level.DISTRICT),
        ("330000", "浙江省", Region.Level.PROVINCE),
        ("330500", "浙江省湖州市", Region.Level.CITY),
        ("330502", "浙江省湖州市吴兴区", Region.Level.DISTRICT),
        ("330521", "浙江省湖州市德清县", Region.Level.DISTRICT),
        ("330523", "浙江省湖州市安吉县", Region.Level.DISTRICT),
    ],
)
def test_regions_of_weifang_weihai_and_huzhou(seeded, code, full_name, level):
    region = Region.objects.get(code=code)
    assert region.full_name == full_name
    assert region.level == level


def test_the_two_seeded_committees_with_their_offices(seeded):
    engineering = Committee.objects.get(name="潍坊市工程技术职务资格中级评审委员会")
    assert engineering.series.name == "工程技术"
    assert engineering.level.name == "中级"
    assert engineering.region.full_name == "山东省潍坊市"
    assert engineering.office.name == "潍坊市工程技术职务资格中级评审委员会办公室"
    assert engineering.office.kind == OrgKind.COMMITTEE_OFFICE

    culture = Committee.objects.get(name="威海市环翠区群众文化专业职务资格初级评审委员会")
    assert culture.series.name == "群众文化"
    assert culture.level.name == "初级"
    assert culture.region.full_name == "山东省威海市环翠区"
    assert culture.office.name == "威海市环翠区群众文化专业职务资格初级评审委员会办公室"
    assert culture.office.memberships.get().user.username == "hc_qw_office"


def test_committee_office_dashboard_lists_its_committee(client, seeded):
    page = login_form(client, "wf_gc_office", seed_demo.DEMO_PASSWORD).content.decode()
    assert "潍坊市工程技术职务资格中级评审委员会（工程技术 · 中级）" in page
    assert "群众文化专业职务资格初级评审委员会（" not in page


def test_demo_units_are_authorized_and_offered_to_applicants(client, seeded):
    login_form(client, "zhangsan", seed_demo.DEMO_PASSWORD)

    options = client.get("/org/units/search/", {"q": "华东机械"}).content.decode()

    assert "潍坊华东机械制造有限公司（山东省潍坊市潍城区）" in options


def test_administrator_logs_in_to_the_admin_home(client, seeded):
    response = login_form(client, "admin", seed_demo.ADMIN_PASSWORD)

    assert response.redirect_chain[-1][0] == "/org/admin-home/"
    page = response.content.decode()
    assert _badge("系统管理员") in page
    assert 'data-testid="home-heading">系统管理</h1>' in page


@pytest.mark.parametrize(("username", "name"), [(a[0], a[1]) for a in seed_demo.APPLICANTS])
def test_demo_applicants_log_in_to_their_own_home(client, seeded, username, name):
    response = login_form(client, username, seed_demo.DEMO_PASSWORD)

    assert response.redirect_chain[-1][0] == "/accounts/me/"
    assert response.wsgi_request.user.username == username
    page = response.content.decode()
    assert _badge("申报人") in page
    assert name in page


@pytest.mark.parametrize(
    ("username", "name", "kind"), [(o[0], o[1], o[2]) for o in seed_demo.ORGANIZATIONS]
)
def test_demo_organization_accounts_log_in_to_their_organization(
    client, seeded, username, name, kind
):
    response = login_form(client, username, seed_demo.DEMO_PASSWORD)

    assert response.redirect_chain[-1][0] == "/org/"
    assert response.wsgi_request.user.username == username
    page = response.content.decode()
    assert f'data-testid="home-heading">{name}</h1>' in page
    assert _badge(ROLE_LABELS[kind]) in page


def test_wrong_demo_password_does_not_log_in(client, seeded):
    response = login_form(client, "wf_unit", "Wrong@2026")

    assert not response.wsgi_request.user.is_authenticated
    assert "账号或密码不正确" in response.content.decode()
