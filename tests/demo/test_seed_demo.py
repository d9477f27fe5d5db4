"""`manage.py seed_demo`: demo regions, committees, one account per role, a submitted
declaration in each demo unit's queue, the committees' experts and 孙七's declaration with its
certificate (replayed on a simulated calendar): what one run leaves, seeded once for the whole
module. Runs made by the test itself (twice, at a given date, after a change) are in
test_seed_demo_runs.py."""

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric
from time_machine import travel

from applicants.models import AccountKind, SmsMessage, User
from applicants.services import has_agreed_commitment
from attachments.models import Attachment
from attachments.selectors import required_slots
from committee.models import (
    Ballot,
    Certificate,
    CommitteeMember,
    Expert,
    FeeSetting,
    Meeting,
    Payment,
    ResultsNotice,
    VoteParticipation,
)
from committee.services.experts import minimum_members
from declarations import services as declaration_services
from declarations.models import (
    Declaration,
    DeclarationStatus,
    Plan,
)
from demo import committee_stage
from demo.management.commands import seed_demo
from institutions import selectors
from institutions.models import (
    AuditAction,
    AuditEntry,
    Committee,
    Organization,
    OrgKind,
    Region,
    RoutingPath,
)
from review.models import PublicNotice, Review, ReviewState
from review.workdays import working_days
from tests.demo.seeding import (
    DEMO_ADDRESS,
    IN_WINDOW,
    SHANGHAI,
    SUBMITTED,
    _at,
    _sunqi,
)
from tests.institutions.helpers import login_form

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


ROLE_LABELS = {
    OrgKind.UNIT: "用人单位",
    OrgKind.SUPERVISING: "主管部门",
    OrgKind.REPORTING: "呈报部门",
    OrgKind.HR_BUREAU: "人社局",
    OrgKind.COMMITTEE_OFFICE: "评委会办事机构",
}


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker, _private_media_root):
    """ONE seed_demo run for the whole module (today: IN_WINDOW), committed, with the settings
    every test runs with (tests/conftest.py _test_settings); its output. The tests only read
    it, or change it inside their own transaction, which is rolled back. What the run queued
    for after commit (renders, SMS delivery) is dropped, as a test's transaction never runs
    it. At the end the database is emptied as pytest-django empties it after a transactional
    test, so the next module starts from the same empty database."""
    test_settings = override_settings(
        SMS_BACKEND="applicants.sms.LocmemSMSBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": _private_media_root},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    out = io.StringIO()
    with django_db_blocker.unblock():
        try:
            with (
                test_settings,
                travel(IN_WINDOW, tick=False),
                transaction.atomic(),
            ):
                call_command("seed_demo", stdout=out)
                transaction.get_connection().run_on_commit = []
            yield out.getvalue()
        finally:
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=DEFAULT_DB_ALIAS,
                reset_sequences=False,
                allow_cascade=False,
                inhibit_post_migrate=False,
            )


@pytest.fixture
def seeded(_seeded_once, db):
    """The module's seeded data (read, or changed only inside this test's transaction)."""
    return _seeded_once


@pytest.fixture
def seeded_in_window(seeded, time_machine):
    """The module's seed_demo run (made while the demo plans are open, whatever today is),
    today still in the window; its output."""
    _at(time_machine, IN_WINDOW)
    return seeded


def test_seeded_files_are_checked_without_a_worker(seeded):
    """The run's queued tasks are dropped here, as when REDIS_URL is set and no worker runs
    yet: the uploads are checked by the seeding itself, so none waits 检查中 for a worker."""
    assert Attachment.objects.exists()
    assert not Attachment.objects.filter(status=Attachment.Status.CHECKING).exists()


def _badge(label):
    return f'<span class="badge bg-light text-primary">{label}</span>'


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


# --- the committee stage: experts, and 孙七's declaration carried to its certificate ---------


def _local(moment) -> datetime:
    return timezone.localtime(moment, SHANGHAI)


@pytest.fixture
def certified(seeded_in_window):
    """The module's one seed_demo run on a fresh database (today: IN_WINDOW): its output."""
    return seeded_in_window


@pytest.mark.parametrize(
    ("committee_name", "office_account"),
    [(name, office) for name, _s, _l, _r, office in seed_demo.COMMITTEES],
)
def test_each_demo_committee_has_its_experts_and_members_for_the_plans_year(
    seeded, committee_name, office_account
):
    committee = Committee.objects.get(name=committee_name)
    pool = Expert.objects.filter(office=committee.office, is_active=True).select_related("user")
    plan_years = set(Plan.objects.filter(committee=committee).values_list("year", flat=True))

    assert pool.count() >= 15
    # Each added by the office through the pool's service: a login account and an audit entry.
    assert {expert.user.kind for expert in pool} == {AccountKind.EXPERT}
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.EXPERT_ADDED, actor__username=office_account
        ).count()
        == pool.count()
    )
    assert plan_years == {2026}
    members = CommitteeMember.objects.filter(committee=committee, year=2026)
    assert members.count() == pool.count() >= minimum_members(committee)
    assert {e.series.get() for e in pool} == {committee.series}


@pytest.mark.parametrize("username", committee_stage.EXPERT_ACCOUNTS)
def test_the_documented_experts_sign_in_to_the_expert_home(client, seeded, username):
    response = login_form(client, username, seed_demo.DEMO_PASSWORD)

    assert response.redirect_chain[-1][0] == reverse("committee:expert_home")
    user = response.wsgi_request.user
    assert user.username == username
    assert user.expert.office.name == "潍坊市工程技术职务资格中级评审委员会办公室"
    assert user.expert.name in response.content.decode()


@pytest.mark.parametrize("username", committee_stage.EXPERT_ACCOUNTS)
def test_the_documented_experts_sms_gives_the_account_they_really_have(seeded, username):
    """add_expert's SMS carried a random initial password that the demo replaces; the
    queued message says the demo username and password instead (one message, no other)."""
    user = User.objects.get(username=username)

    message = SmsMessage.objects.get(phone=user.phone)

    assert f"登录账号 {username}，初始密码 {seed_demo.DEMO_PASSWORD}。" in message.body
    assert f"登录账号 {username}，初始密码 ******。" in message.redacted_body
    assert user.check_password(seed_demo.DEMO_PASSWORD)


def test_the_weifang_engineering_plan_charges_200_yuan(seeded):
    setting = FeeSetting.objects.get(plan__series__code="engineering", plan__region__code="370700")

    assert (setting.charged, setting.amount) == (True, Decimal("200"))
    assert setting.required_before_evaluation


def test_one_run_on_a_fresh_database_shows_sunqis_finished_declaration(certified):
    declaration = _sunqi()
    committee = declaration.plan.committee

    assert declaration.status == DeclarationStatus.CONFIRMED
    # Every move recorded by the workflow, by the organization that made it.
    moves = list(declaration.events.order_by("pk").values_list("action", "organization__name"))
    assert moves == [
        ("create", None),
        ("submit", "潍坊华东机械制造有限公司"),
        ("pass", "潍坊华东机械制造有限公司"),
        ("report", "潍坊市潍城区工业和信息化局"),
        ("pass", "潍坊市潍城区工业和信息化局"),
        ("report", "潍坊市工业和信息化局"),
        ("pass", "潍坊市工业和信息化局"),
        ("report_committee", committee.office.name),
        ("accept", committee.office.name),
        ("enter_meeting", committee.office.name),
        ("evaluation_pass", committee.office.name),
        ("confirm_result", committee.office.name),
    ]
    # The unit and each level above it decided (审核 / 审查通过) with an opinion.
    chain = ["潍坊华东机械制造有限公司", "潍坊市潍城区工业和信息化局", "潍坊市工业和信息化局"]
    opinions = list(
        Review.objects.filter(declaration=declaration, organization__name__in=chain)
        .order_by("pk")
        .values_list("organization__name", "opinion")
    )
    assert [name for name, _o in opinions] == chain
    assert all(opinion for _name, opinion in opinions)
    # 受理, 200 元 paid, a valid meeting of 11 drawn experts, 9 同意 / 1 不同意 / 1 弃权.
    payment = Payment.objects.get(declaration=declaration)
    assert (payment.amount, payment.status) == (Decimal("200"), Payment.Status.PAID)
    meeting = Meeting.objects.get()
    assert meeting.committee == committee
    assert meeting.status == Meeting.Status.CLOSED and meeting.is_valid
    assert (meeting.member_count, meeting.attending_count) == (15, 11)
    assert meeting.experts.filter(attended=True).count() == 11
    item = meeting.items.get()
    assert (item.agree, item.disagree, item.abstain, item.passed) == (9, 1, 1, True)
    assert VoteParticipation.objects.filter(item=item).count() == Ballot.objects.count() == 11
    # Published, confirmed with its 批准文号, the certificate issued at the documented address.
    notice = ResultsNotice.objects.get()
    assert notice.status == ResultsNotice.Status.CONFIRMED
    assert notice.approval_document_number == "潍人社职字〔2026〕12号"
    certificate = Certificate.objects.get(declaration=declaration)
    assert certificate.holder_name == "孙七"
    assert certificate.committee_name == committee.name
    assert certificate.number == f"{committee.pk}-2026-00001"
    assert certificate.approval_document_number == "潍人社职字〔2026〕12号"
    assert certificate.verification_code == committee_stage.VERIFICATION_CODE
    assert len(certificate.verification_code) == 32
    assert "11名专家出席，孙七同意9票、不同意1票、弃权1票，评审通过" in certified
    # The run ends with the certificate's number and its verification address, as README says.
    assert certified.rstrip().endswith(
        f"孙七的电子证书 {certificate.number}（工程师）查验地址：{DEMO_ADDRESS}"
    )
    readme = README.read_text(encoding="utf-8")
    assert DEMO_ADDRESS in readme
    # README quotes the number of a fresh database, whose committee is the first (pk 1); a
    # test database on PostgreSQL keeps counting ids across tests.
    fresh_number = certificate.number.replace(f"{committee.pk}-", "1-", 1)
    assert f"孙七的电子证书 {fresh_number}（工程师）" in readme


def test_sunqis_history_is_in_date_order_inside_the_plans_window(certified):
    declaration = _sunqi()
    plan = declaration.plan
    unit_notice = PublicNotice.objects.get(declarations=declaration)
    payment = Payment.objects.get(declaration=declaration)
    meeting = Meeting.objects.get()
    results_notice = ResultsNotice.objects.get()
    certificate = Certificate.objects.get(declaration=declaration)
    events = list(declaration.events.order_by("pk").values_list("action", "created_at"))
    times = [moment for _action, moment in events]

    # Written in order, each on its simulated day, all inside the window and before today.
    assert times == sorted(times)
    assert plan.opens_at <= times[0] and times[-1] < plan.closes_at
    assert times[-1] < IN_WINDOW
    days = {action: _local(moment).date() for action, moment in reversed(events)}
    assert days["submit"] == days["pass"] == date(2026, 10, 12)
    assert days["accept"] == _local(payment.created_at).date()
    assert days["accept"] < _local(payment.paid_at).date() < meeting.held_on
    assert days["enter_meeting"] == days["evaluation_pass"] == meeting.held_on
    assert _local(meeting.closed_at).date() == meeting.held_on
    # The unit's notice from the day after the pass, its outcome and the report after its end.
    assert days["pass"] < unit_notice.starts_on
    assert unit_notice.outcome == PublicNotice.Outcome.NO_OBJECTION
    assert unit_notice.ends_on < days["report"]
    # The results notice from the day after the meeting; confirmed after its end.
    assert meeting.held_on < results_notice.starts_on
    assert _local(results_notice.published_at).date() == results_notice.starts_on
    assert results_notice.ends_on < _local(results_notice.confirmed_at).date()
    assert _local(results_notice.confirmed_at).date() == days["confirm_result"]
    assert (
        _local(certificate.issued_at).date() == certificate.approval_date == days["confirm_result"]
    )
    # Working days only (no weekend), after the 国庆 holiday, before 2026-11-29.
    for day in days.values():
        assert day.weekday() < 5 and date(2026, 10, 8) <= day < date(2026, 11, 29)
    # The office readied its pool, members and fee before 孙七 declared; every audit entry of
    # the office is dated inside the simulated history, in order.
    prepared = AuditEntry.objects.filter(
        action__in=[AuditAction.EXPERT_ADDED, AuditAction.FEE_SET], actor__username="wf_gc_office"
    )
    assert prepared.count() == 16
    assert max(entry.created_at for entry in prepared) < times[0]
    office_times = list(
        AuditEntry.objects.filter(actor__username="wf_gc_office")
        .order_by("pk")
        .values_list("created_at", flat=True)
    )
    assert office_times == sorted(office_times)
    assert all(
        plan.opens_at <= t and _local(t).date() <= days["confirm_result"] for t in office_times
    )


@pytest.mark.parametrize("which", ["unit", "results"])
def test_each_notice_ran_at_least_five_working_days(certified, which):
    declaration = _sunqi()
    if which == "unit":
        notice = PublicNotice.objects.get(declarations=declaration)
        # The unit's report (to the supervising department) is the first.
        reported = declaration.events.filter(action="report").order_by("pk").first()
        decided = _local(reported.created_at).date()
    else:
        notice = ResultsNotice.objects.get()
        decided = _local(notice.confirmed_at).date()

    assert working_days(notice.starts_on, notice.ends_on) >= 5
    assert decided > notice.ends_on


def test_sunqi_downloads_the_certificate_from_certificate_status(client, certified):
    certificate = Certificate.objects.get(declaration=_sunqi())
    login_form(client, "sunqi", seed_demo.DEMO_PASSWORD)

    page = client.get(reverse("declarations:index")).content.decode()
    download = reverse("committee:certificate_download", args=[certificate.pk])

    assert "证书状态" in page
    assert f'href="{download}">下载证书</a>' in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response).startswith(b"%PDF-")


def test_the_documented_verification_address_says_valid(client, certified):
    path = DEMO_ADDRESS.removeprefix("http://127.0.0.1:8000")

    page = client.get(path).content.decode()

    assert '<div class="h5 text-success" data-testid="verify-status">有效</div>' in page
    assert "孙*" in page
    assert "孙七" not in page


def test_the_demo_experts_ids_are_valid_and_unique(seeded):
    numbers = list(Expert.objects.values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3 * committee_stage.POOL_SIZE
    assert all(ric.is_valid(number) for number in numbers)
