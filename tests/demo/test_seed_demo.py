"""`manage.py seed_demo`: demo regions, committees, one account per role and a submitted
declaration in each demo unit's queue, safe to run again."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from applicants.models import CommitmentAgreement, User
from applicants.services import has_agreed_commitment
from attachments.models import Attachment
from attachments.selectors import required_slots
from catalog.models import Level, Series
from declarations import services as declaration_services
from declarations.models import (
    Declaration,
    DeclarationEvent,
    DeclarationSection,
    DeclarationStatus,
    Plan,
    Submission,
)
from demo.management.commands import seed_demo
from institutions import selectors
from institutions.models import (
    Committee,
    Membership,
    Organization,
    OrgKind,
    Region,
    RoutingPath,
)
from review.models import Review, ReviewState
from tests.institutions.helpers import login_form

pytestmark = pytest.mark.django_db

MODELS = [
    Region,
    Organization,
    Membership,
    Committee,
    User,
    Level,
    Series,
    RoutingPath,
    CommitmentAgreement,
    Declaration,
    DeclarationSection,
    Attachment,
    Submission,
    Review,
    DeclarationEvent,
]
# Inside and after the seeded plans' window (2026-10-01 … 2027-01-31 17:00, Asia/Shanghai).
IN_WINDOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
AFTER_WINDOW = datetime(2027, 2, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# (applicant, the unit whose queue holds the declaration, the plan's series)
SUBMITTED = [("wangwu", "wf_unit", "engineering"), ("zhaoliu", "wh_unit", "mass_culture")]


def _at(monkeypatch, moment):
    """The clock every service, form and plan check reads, set to `moment`."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


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


@pytest.fixture
def seeded_in_window(db, monkeypatch):
    """seed_demo run while the demo plans are open, whatever today is; its output."""
    _at(monkeypatch, IN_WINDOW)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _badge(label):
    return f'<span class="badge bg-light text-primary">{label}</span>'


def test_running_twice_changes_nothing(db, capsys):
    call_command("seed_demo")
    first = _counts()

    call_command("seed_demo")

    assert _counts() == first
    assert first["Committee"] == 3
    assert first["RoutingPath"] == len(seed_demo.PATHS) == 10
    assert first["Organization"] == len(seed_demo.ORGANIZATIONS)
    assert first["Membership"] == len(seed_demo.ORGANIZATIONS)
    # admin + one per organization + the demo applicants
    assert first["User"] == 1 + len(seed_demo.ORGANIZATIONS) + len(seed_demo.APPLICANTS)
    assert "Demo data ready." in capsys.readouterr().out


def test_running_twice_in_the_window_changes_nothing(seeded_in_window):
    first = _counts()
    before = {d.pk: (d.status, d.round, d.updated_at) for d in Declaration.objects.all()}

    call_command("seed_demo", stdout=io.StringIO())

    assert _counts() == first
    assert first["Declaration"] == first["Submission"] == first["Review"] == 2
    assert first["CommitmentAgreement"] == 2
    assert {d.pk: (d.status, d.round, d.updated_at) for d in Declaration.objects.all()} == before


@pytest.mark.parametrize(("username", "unit_account", "series_code"), SUBMITTED)
def test_a_complete_declaration_waits_in_each_demo_units_queue(
    seeded_in_window, username, unit_account, series_code
):
    applicant = User.objects.get(username=username)
    unit = Organization.objects.get(memberships__user__username=unit_account)
    declaration = Declaration.objects.get(applicant=applicant)

    assert declaration.plan.series.code == series_code
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.holder == declaration.declaring_unit == unit
    review = Review.objects.get(declaration=declaration)
    assert (review.organization, review.state) == (unit, ReviewState.PENDING)
    assert declaration_services.missing_items(declaration) == []
    assert has_agreed_commitment(applicant)
    assert declaration.submissions.get().round == 1
    # Every file was checked and kept in the configured (private) storage.
    attachments = list(Attachment.objects.filter(declaration=declaration))
    # One in each slot the declaration needs: the required ones and those its values call for
    # (聘书 for a 聘任时间; 任命文件 for the engineering applicant's administrative post).
    needed = {slot.code for slot in required_slots(declaration)}
    assert sorted(a.slot.code for a in attachments) == sorted(needed)
    assert "appointment" in needed and len(attachments) == {"engineering": 9}.get(series_code, 8)
    for attachment in attachments:
        assert attachment.status == Attachment.Status.VALID, attachment.reason
        assert attachment.file.storage.exists(attachment.file.name)
    photo = next(a for a in attachments if a.slot.is_photo)
    assert photo.kind == "jpeg"
    assert photo.width >= 215
    assert photo.height >= 300
    assert {a.page_count for a in attachments if not a.slot.is_photo} == {1}
    assert applicant.name in seeded_in_window
    assert unit.name in seeded_in_window


def test_the_culture_declaration_follows_the_culture_plans_rules(seeded_in_window):
    declaration = Declaration.objects.get(applicant__username="zhaoliu")
    saved = {s.code: s.data for s in declaration.section_data.all()}

    assert saved["declaration_info"]["ranking"] == "1/2"
    assert saved["language_computer"] == {
        "foreign_language": "大学英语四级证书",
        "computer_level": "全国计算机等级考试二级证书",
    }
    assert "patent" not in {row["category"] for row in saved["achievements"]["rows"]}
    assert declaration.attachments.filter(slot__code="work_summary").exists()


@pytest.mark.parametrize(("username", "unit_account", "series_code"), SUBMITTED)
def test_the_unit_reviewer_finds_the_seeded_declaration_in_the_queue(
    client, seeded_in_window, username, unit_account, series_code
):
    declaration = Declaration.objects.select_related("applicant").get(applicant__username=username)
    login_form(client, unit_account, seed_demo.DEMO_PASSWORD)

    queue = client.get(reverse("review:queue")).content.decode()
    detail = client.get(reverse("review:detail", args=[declaration.pk]))

    assert declaration.applicant.name in queue
    assert reverse("review:detail", args=[declaration.pk]) in queue
    assert detail.status_code == 200
    assert declaration.applicant.name in detail.content.decode()


def test_the_demo_applicants_ids_are_valid_and_unique():
    numbers = [id_number for _u, _n, id_number, _p in seed_demo.APPLICANTS]
    phones = [phone for _u, _n, _i, phone in seed_demo.APPLICANTS]
    assert all(ric.is_valid(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)
    assert len(set(phones)) == len(phones)


def test_zhangsan_and_lisi_are_left_to_declare_from_scratch(seeded_in_window):
    for username in ("zhangsan", "lisi"):
        applicant = User.objects.get(username=username)
        assert not Declaration.objects.filter(applicant=applicant).exists()
        assert not has_agreed_commitment(applicant)


def test_a_seeded_declaration_is_left_as_it_is_whatever_its_state(seeded_in_window):
    declaration = Declaration.objects.get(applicant__username="wangwu")
    declaration_services.withdraw_declaration(actor=declaration.applicant, declaration=declaration)

    call_command("seed_demo", stdout=io.StringIO())

    declaration = Declaration.objects.get(applicant__username="wangwu")
    assert declaration.status == DeclarationStatus.DRAFT
    assert declaration.submissions.count() == 1


def test_outside_the_plans_window_the_declarations_wait_for_a_later_run(db, monkeypatch):
    _at(monkeypatch, AFTER_WINDOW)
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert not Declaration.objects.exists()
    assert not Attachment.objects.exists()
    output = out.getvalue()
    assert "不在申报时间内（2026-10-01 00:00 ～ 2027-01-31 17:00），未生成王五的演示申报" in output
    assert "未生成赵六的演示申报" in output
    assert "Demo data ready." in output

    _at(monkeypatch, IN_WINDOW)
    call_command("seed_demo", stdout=io.StringIO())

    assert Declaration.objects.filter(status=DeclarationStatus.SUBMITTED).count() == 2


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
    ("unit_name", "region_code", "series_code", "level_code", "chain", "levels"),
    [
        (
            "潍坊华东机械制造有限公司",
            "370700",
            "engineering",
            "intermediate",
            [
                "潍坊华东机械制造有限公司",
                "潍坊市潍城区工业和信息化局",
                "潍坊市工业和信息化局",
                "潍坊市工程技术职务资格中级评审委员会",
            ],
            [OrgKind.SUPERVISING, OrgKind.REPORTING],
        ),
        (
            "威海市环翠区文化馆",
            "371002",
            "mass_culture",
            "junior",
            [
                "威海市环翠区文化馆",
                "威海市环翠区文化和旅游局",
                "威海市文化和旅游局",
                "威海市环翠区群众文化专业职务资格初级评审委员会",
            ],
            [OrgKind.SUPERVISING, OrgKind.REPORTING],
        ),
        # 个人代理: the 潍城区 HR bureau is the freelancers' declaring unit (S0 二.3(5)).
        (
            "潍坊市潍城区人力资源和社会保障局",
            "370700",
            "engineering",
            "intermediate",
            [
                "潍坊市潍城区人力资源和社会保障局",
                "潍坊市工业和信息化局",
                "潍坊市工程技术职务资格中级评审委员会",
            ],
            [OrgKind.REPORTING],
        ),
        # Huzhou: unit → 主管部门 → 人社部门 (审核推荐) → committee (S3 四).
        (
            "湖州吴兴华创智能装备有限公司",
            "330500",
            "engineering",
            "intermediate",
            [
                "湖州吴兴华创智能装备有限公司",
                "湖州市吴兴区经济和信息化局",
                "湖州市吴兴区人力资源和社会保障局",
                "湖州市工程技术中级职务任职资格评审委员会",
            ],
            [OrgKind.SUPERVISING, OrgKind.HR_BUREAU],
        ),
    ],
)
def test_effective_paths_lead_each_demo_unit_to_its_plans_committee(
    seeded, unit_name, region_code, series_code, level_code, chain, levels
):
    plan = Plan.objects.get(
        series__code=series_code, level__code=level_code, region__code=region_code
    )

    assert _chain(unit_name, plan) == chain
    assert chain[-1] == plan.committee.name
    kinds = [Organization.objects.get(name=name).kind for name in chain[1:-1]]
    assert kinds == levels


def test_freelancers_find_their_county_bureau(client, seeded):
    login_form(client, "qianqi", seed_demo.DEMO_PASSWORD)
    weifang = Region.objects.get(code="370700")

    options = client.get(
        "/org/units/search/",
        {
            "region": weifang.pk,
            "relation_field": "declaration_info-is_work_unit",
            "declaration_info-is_work_unit": "个人代理",
        },
    ).content.decode()

    assert "潍坊市潍城区人力资源和社会保障局（山东省潍坊市潍城区）" in options
    assert "华东机械" not in options


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
