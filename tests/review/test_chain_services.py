"""The review chain's services end to end: section results, return and resubmission, pass,
public notice, batch reporting along the paths up to the committee office's inbox."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applicants.models import SmsMessage
from declarations.models import DeclarationStatus as S
from declarations.services import save_section, submit_declaration
from review import services
from review.models import Holiday, PublicNotice, Review, ReviewState, SectionResult
from tests import clock
from tests.review.builders import next_monday, notice

pytestmark = pytest.mark.django_db


def notice_no_objection(actor, declaration):
    """A notice from the day of the pass; its outcome once the clock has moved past its end."""
    return notice(actor, declaration.holder, [declaration])


def test_whole_chain_with_one_return(
    submitted,
    chain,
    unit,
    unit_reviewer,
    department_reviewer,
    reporting_reviewer,
    committed_applicant,
    supervising_department,
    reporting_department,
    committee_office,
    engineering_committee,
    django_capture_on_commit_callbacks,
):
    declaration = submitted
    assert Review.objects.get(declaration=declaration, organization=unit).state == "pending"

    services.record_section_result(
        actor=unit_reviewer,
        declaration=declaration,
        code="education",
        passed=False,
        reason="学历证书扫描件不清晰",
    )
    declaration.refresh_from_db()
    assert declaration.status == S.UNDER_REVIEW and declaration.review_started_at
    with pytest.raises(ValidationError, match="学历信息"):
        services.pass_declaration(actor=unit_reviewer, declaration=declaration)

    with django_capture_on_commit_callbacks(execute=True):
        services.return_declaration(actor=unit_reviewer, declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == S.RETURNED and declaration.holder is None
    event = declaration.events.get(action="return")
    assert event.details["sections"][0]["reason"] == "学历证书扫描件不清晰"
    # The applicant was told: one SMS; email only when the account has one.
    assert SmsMessage.objects.filter(
        phone=committed_applicant.phone, body__contains="退回"
    ).exists()

    # The applicant fixes the section and resubmits: back at the unit, round 2.
    education = declaration.section_data.get(code="education").data
    save_section(
        actor=committed_applicant, declaration=declaration, code="education", data=education
    )
    submit_declaration(actor=committed_applicant, declaration=declaration)
    declaration.refresh_from_db()
    review = Review.objects.get(declaration=declaration, organization=unit)
    assert (declaration.round, review.state, review.round) == (2, "pending", 2)
    # Round 1's reason is kept.
    assert SectionResult.objects.get(round=1, code="education").reason == "学历证书扫描件不清晰"

    services.pass_declaration(actor=unit_reviewer, declaration=declaration, opinion="同意推荐")
    declaration.refresh_from_db()
    assert declaration.status == S.PASSED
    assert SectionResult.objects.filter(round=2, organization=unit, passed=True).count() >= 10

    with pytest.raises(ValidationError, match="公示"):
        services.report_declarations(
            actor=unit_reviewer, organization=unit, declaration_ids=[declaration.pk]
        )
    notice_no_objection(unit_reviewer, declaration)
    [batch] = services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[declaration.pk]
    )
    declaration.refresh_from_db()
    assert batch.to_organization == supervising_department and batch.count == 1
    assert declaration.holder == supervising_department and declaration.status == S.UNDER_REVIEW
    assert Review.objects.get(declaration=declaration, organization=unit).state == "reported"
    assert (
        Review.objects.get(declaration=declaration, organization=supervising_department).state
        == "pending"
    )

    # Departments 审查通过 with their opinion (S3 附件2 二.3).
    services.pass_declaration(
        actor=department_reviewer, declaration=declaration, opinion="经审查，同意推荐"
    )
    services.report_declarations(
        actor=department_reviewer,
        organization=supervising_department,
        declaration_ids=[declaration.pk],
    )
    services.pass_declaration(
        actor=reporting_reviewer, declaration=declaration, opinion="经审查，同意推荐"
    )
    services.report_declarations(
        actor=reporting_reviewer,
        organization=reporting_department,
        declaration_ids=[declaration.pk],
    )
    declaration.refresh_from_db()
    assert declaration.status == S.AT_COMMITTEE
    assert declaration.holder == committee_office
    assert declaration.committee == engineering_committee
    inbox = Review.objects.get(declaration=declaration, organization=committee_office)
    assert inbox.state == ReviewState.PENDING and inbox.received_from == reporting_department
    actions = list(declaration.events.values_list("action", flat=True))
    assert actions == [
        "create",
        "submit",
        "review_start",
        "return",
        "submit",
        "pass",
        "report",
        "pass",
        "report",
        "pass",
        "report_committee",
    ]


def test_wrong_organization_cannot_review(submitted, department_reviewer, outsider):
    for actor in (department_reviewer, outsider):
        with pytest.raises(PermissionDenied):
            services.pass_declaration(actor=actor, declaration=submitted)
        with pytest.raises(PermissionDenied):
            services.record_section_result(
                actor=actor, declaration=submitted, code="education", passed=True
            )


def test_failed_section_needs_reason_and_reject_needs_reason(submitted, unit_reviewer):
    with pytest.raises(ValidationError, match="必须填写"):
        services.record_section_result(
            actor=unit_reviewer, declaration=submitted, code="education", passed=False, reason=" "
        )
    with pytest.raises(ValidationError, match="必须填写原因"):
        services.reject_declaration(actor=unit_reviewer, declaration=submitted, reason="")
    with pytest.raises(ValidationError, match="不通过"):
        services.return_declaration(actor=unit_reviewer, declaration=submitted, reason="")
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    services.reject_declaration(actor=unit_reviewer, declaration=submitted, reason="不具备申报资格")
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED
    assert submitted.events.last().reason == "不具备申报资格"
    with pytest.raises(ValidationError, match="不能"):
        services.pass_declaration(actor=unit_reviewer, declaration=submitted)


def test_withdrawn_declaration_leaves_the_queue(submitted, committed_applicant, unit):
    from declarations.services import withdraw_declaration

    withdraw_declaration(actor=committed_applicant, declaration=submitted)
    assert Review.objects.get(declaration=submitted, organization=unit).state == "withdrawn"


def test_decision_emails_applicant_with_an_address(
    submitted, unit_reviewer, committed_applicant, django_capture_on_commit_callbacks
):
    committed_applicant.email = "zhangsan@example.com"
    committed_applicant.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    assert len(mail.outbox) == 1
    assert "已通过" in mail.outbox[0].body and "/timeline/" in mail.outbox[0].body


# --- public notice: at least 5 working days --------------------------------------------------


@pytest.fixture
def passed(submitted, unit_reviewer):
    return services.pass_declaration(actor=unit_reviewer, declaration=submitted)


def record(actor, declaration, start, end):
    return services.record_notice(
        actor=actor,
        organization=declaration.holder,
        plan=declaration.plan,
        starts_on=start,
        ends_on=end,
        declaration_ids=[declaration.pk],
    )


def test_notice_of_five_working_days_is_accepted(passed, unit_reviewer):
    monday = next_monday()
    notice = record(unit_reviewer, passed, monday, monday + datetime.timedelta(days=4))
    assert notice.declarations.get() == passed


def test_notice_over_a_weekend_needs_more_days(passed, unit_reviewer):
    wednesday = next_monday() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="只有4个工作日"):
        record(unit_reviewer, passed, wednesday, wednesday + datetime.timedelta(days=5))
    assert not PublicNotice.objects.exists()
    record(unit_reviewer, passed, wednesday, wednesday + datetime.timedelta(days=6))


def test_holidays_do_not_count_and_moved_workdays_do(passed, unit_reviewer):
    # A week of holidays from Thursday to Wednesday (as National Day 2026-10-01..07), and the
    # Saturday after it a moved working day (调休).
    monday = next_monday()
    day = lambda n: monday + datetime.timedelta(days=n)  # noqa: E731
    for n in range(3, 10):
        Holiday.objects.create(date=day(n), name="国庆节")
    with pytest.raises(ValidationError, match="只有3个工作日"):
        record(unit_reviewer, passed, day(0), day(9))
    Holiday.objects.create(date=day(12), name="国庆调休", is_workday=True)
    # Thu, Fri, Sat (moved working day), Mon, Tue.
    notice = record(unit_reviewer, passed, day(10), day(15))
    assert notice.days == 6


def test_notice_outcome_only_after_it_ends_and_objection_needs_note(passed, unit_reviewer):
    today = timezone.localdate()
    running = record(unit_reviewer, passed, today, today + datetime.timedelta(days=10))
    with pytest.raises(ValidationError, match="公示尚未结束"):
        services.record_notice_outcome(actor=unit_reviewer, notice=running, outcome="no_objection")
    with clock.on_day(running.ends_on + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError, match="异议情况"):
            services.record_notice_outcome(actor=unit_reviewer, notice=running, outcome="objection")
        services.record_notice_outcome(
            actor=unit_reviewer,
            notice=running,
            outcome="objection",
            note="有群众反映业绩造假，正在核查",
        )
    # An objection does not let the declaration be reported.
    with pytest.raises(ValidationError, match="无异议"):
        services.report_declarations(
            actor=unit_reviewer, organization=passed.holder, declaration_ids=[passed.pk]
        )


def test_a_decision_on_a_stale_page_is_refused(submitted, unit_reviewer):
    """The review page posts the state it showed; a colleague's decision since then wins."""
    services.pass_declaration(actor=unit_reviewer, declaration=submitted, seen_status="submitted")
    submitted.refresh_from_db()
    with pytest.raises(ValidationError, match="请刷新页面"):
        services.return_declaration(
            actor=unit_reviewer, declaration=submitted, reason="材料不全", seen_status="submitted"
        )
    # Seen as 已通过待上报, a return is allowed (upper levels and second thoughts).
    services.return_declaration(
        actor=unit_reviewer, declaration=submitted, reason="材料不全", seen_status="passed"
    )


def test_an_upper_level_return_starts_the_chain_again_at_the_unit(
    submitted,
    chain,
    unit,
    unit_reviewer,
    department_reviewer,
    supervising_department,
    committed_applicant,
):
    """The supervising department returns; the applicant resubmits; it is the unit's again, and
    when the unit reports it once more the department's queue row is reopened for round 2."""
    declaration = services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    notice_no_objection(unit_reviewer, declaration)
    services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[declaration.pk]
    )
    services.record_section_result(
        actor=department_reviewer,
        declaration=declaration,
        code="titles",
        passed=False,
        reason="任职资格文件缺少发文单位印章",
    )
    services.return_declaration(actor=department_reviewer, declaration=declaration)
    department_row = Review.objects.get(
        declaration=declaration, organization=supervising_department
    )
    assert department_row.state == ReviewState.RETURNED
    # The unit's row still says it reported it; the department's says it returned it.
    assert Review.objects.get(declaration=declaration, organization=unit).state == "reported"

    submit_declaration(actor=committed_applicant, declaration=declaration)
    declaration.refresh_from_db()
    assert (declaration.holder, declaration.status, declaration.round) == (unit, S.SUBMITTED, 2)
    services.pass_declaration(actor=unit_reviewer, declaration=declaration)
    # The unit's earlier notice (no objection) still covers the person.
    services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[declaration.pk]
    )
    department_row.refresh_from_db()
    assert (department_row.state, department_row.round, department_row.decided_by) == (
        ReviewState.PENDING,
        2,
        None,
    )
    # Round 1's reason is kept alongside round 2.
    assert (
        SectionResult.objects.get(
            organization=supervising_department, round=1, code="titles"
        ).reason
        == "任职资格文件缺少发文单位印章"
    )
    assert [
        e.details["sections"][0]["reason"] for e in declaration.events.filter(action="return")
    ] == ["任职资格文件缺少发文单位印章"]
