"""`manage.py seed_demo` run by the test itself on a fresh database: once, twice, at a given
date, after a change of the seeded data (each test its own seeding; the tests that only read one
run's data share it in test_seed_demo.py)."""

import io
from datetime import datetime

import pytest
from django.core.management import call_command

from applicants.models import User
from applicants.services import agree_commitment
from committee.models import (
    Certificate,
    Expert,
    FeeSetting,
)
from declarations import services as declaration_services
from declarations.models import (
    Declaration,
    DeclarationStatus,
    Plan,
)
from demo import committee_stage, fill
from demo.management.commands import seed_demo
from institutions.models import (
    Organization,
    RoutingPath,
)
from tests.demo.seeding import (
    AFTER_WINDOW,
    DEMO_ADDRESS,
    IN_WINDOW,
    SHANGHAI,
    _at,
    _counts,
    _stage_counts,
    _sunqi,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def seeded_in_window(db, time_machine):
    """seed_demo run once on a fresh database while the demo plans are open, whatever today
    is; its output."""
    _at(time_machine, IN_WINDOW)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def certified(seeded_in_window):
    """One seed_demo run on a fresh database (today: IN_WINDOW): its output."""
    return seeded_in_window


def test_running_twice_changes_nothing(db, capsys):
    call_command("seed_demo")
    first = _counts()

    call_command("seed_demo")

    assert _counts() == first
    assert first["Committee"] == 3
    assert first["RoutingPath"] == len(seed_demo.PATHS) == 10
    assert first["Organization"] == len(seed_demo.ORGANIZATIONS)
    assert first["Membership"] == len(seed_demo.ORGANIZATIONS)
    # admin + one per organization + the demo applicants + each committee's experts
    assert first["User"] == (
        1
        + len(seed_demo.ORGANIZATIONS)
        + len(seed_demo.APPLICANTS)
        + len(seed_demo.COMMITTEES) * committee_stage.POOL_SIZE
    )
    assert "Demo data ready." in capsys.readouterr().out


def test_running_twice_in_the_window_changes_nothing(seeded_in_window):
    first = _counts()
    before = {d.pk: (d.status, d.round, d.updated_at) for d in Declaration.objects.all()}

    call_command("seed_demo", stdout=io.StringIO())

    assert _counts() == first
    # 王五's and 赵六's, and 孙七's (confirmed).
    assert first["Declaration"] == first["Submission"] == 3
    assert first["CommitmentAgreement"] == 3
    assert {d.pk: (d.status, d.round, d.updated_at) for d in Declaration.objects.all()} == before


def test_a_seeded_declaration_is_left_as_it_is_whatever_its_state(seeded_in_window):
    declaration = Declaration.objects.get(applicant__username="wangwu")
    declaration_services.withdraw_declaration(actor=declaration.applicant, declaration=declaration)

    call_command("seed_demo", stdout=io.StringIO())

    declaration = Declaration.objects.get(applicant__username="wangwu")
    assert declaration.status == DeclarationStatus.DRAFT
    assert declaration.submissions.count() == 1


def test_outside_the_plans_window_the_declarations_wait_for_a_later_run(db, time_machine):
    _at(time_machine, AFTER_WINDOW)
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    # Only 孙七's, whose history is replayed inside the window whatever today is.
    assert list(Declaration.objects.values_list("applicant__username", "status")) == [
        ("sunqi", DeclarationStatus.CONFIRMED)
    ]
    output = out.getvalue()
    assert "不在申报时间内（2026-10-01 00:00 ～ 2027-01-31 17:00），未生成王五的演示申报" in output
    assert "未生成赵六的演示申报" in output
    assert "未生成孙七的演示申报" not in output
    assert "Demo data ready." in output

    _at(time_machine, IN_WINDOW)
    call_command("seed_demo", stdout=io.StringIO())

    assert Declaration.objects.filter(status=DeclarationStatus.SUBMITTED).count() == 2


def test_running_again_repairs_a_changed_demo_organization(seeded):
    Organization.objects.filter(name="威海市环翠区文化馆").update(permission_status="none")

    call_command("seed_demo", stdout=io.StringIO())

    assert Organization.objects.get(name="威海市环翠区文化馆").is_authorized


def test_running_again_repoints_a_changed_demo_path(seeded):
    unit = Organization.objects.get(name="潍坊华东机械制造有限公司")
    RoutingPath.objects.filter(organization=unit).update(
        target=Organization.objects.get(name="潍坊市工业和信息化局")
    )

    call_command("seed_demo", stdout=io.StringIO())

    path = RoutingPath.objects.get(organization=unit)
    assert path.target.name == "潍坊市潍城区工业和信息化局"
    assert path.status == RoutingPath.Status.EFFECTIVE


def test_a_second_run_changes_nothing(certified, time_machine):
    counts = _counts(), _stage_counts()
    declaration = _sunqi()
    certificate = Certificate.objects.get(declaration=declaration)

    _at(time_machine, datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert (_counts(), _stage_counts()) == counts
    assert _sunqi().updated_at == declaration.updated_at
    again = Certificate.objects.get(declaration=declaration)
    assert (again.number, again.verification_code, again.issued_at) == (
        certificate.number,
        certificate.verification_code,
        certificate.issued_at,
    )
    assert out.getvalue().rstrip().endswith(DEMO_ADDRESS)


def test_before_the_simulated_history_ends_sunqi_waits(db, time_machine):
    _at(time_machine, datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert not Declaration.objects.filter(applicant__username="sunqi").exists()
    assert (
        "今天（2026-11-10）不晚于孙七演示历程的最后一个模拟日期（2026-11-13），未生成孙七的演示申报"
        in (out.getvalue())
    )
    # The Weifang pool and fee are there all the same (on the real calendar).
    assert Expert.objects.filter(office__memberships__user__username="wf_gc_office").count() == 15
    assert FeeSetting.objects.filter(charged=True).count() == 1


def test_a_declaration_made_on_the_real_calendar_is_left_as_it_is(db, time_machine):
    """(As an earlier seed_demo left 孙七's: the replay never dates a step before what the
    declaration's history already holds.)"""
    _at(time_machine, datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    call_command("seed_demo", stdout=io.StringIO())
    applicant = User.objects.get(username="sunqi")
    plan = Plan.objects.get(series__code="engineering", region__code="370700")
    agree_commitment(actor=applicant)
    declaration = declaration_services.create_declaration(actor=applicant, plan=plan)
    fill.fill_declaration(declaration, Organization.objects.get(name="潍坊华东机械制造有限公司"))
    declaration_services.submit_declaration(actor=applicant, declaration=declaration)
    _at(time_machine, IN_WINDOW)
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert "孙七的申报在2026-11-10已有记录，晚于演示历程的模拟日期2026-10-12，保持原样" in (
        out.getvalue()
    )
    assert not Certificate.objects.exists()
