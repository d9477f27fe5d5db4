"""Builders of the results tests: declarations reported to the committee through the real
services (unit → supervising → reporting department → committee, with the unit's notice), then
brought to 评审通过（公示中） / 评审未通过 by the committee office through the one workflow
(ACCEPT, ENTER_MEETING, EVALUATION_PASS/FAIL) with a closed Meeting and its MeetingDeclaration
(vote counts, opinion), as the meetings area will leave them. Use with
`pytest_plugins = ["tests.committee.results_fixtures"]` or import the functions."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from applicants.services import agree_commitment
from committee.models import Meeting, MeetingDeclaration
from committee.services import results as results_services
from declarations import workflow
from declarations.services import create_declaration, submit_declaration
from declarations.workflow import Action
from demo import people
from review import services as review_services
from tests import clock, factories
from tests.declarations.builders import fill_valid
from tests.review.builders import notice as unit_notice

OPINIONS = (
    "经审查，材料属实，同意上报。",
    "同意报送评审委员会。",
)


@pytest.fixture
def chain(unit, supervising_department, reporting_department, engineering_committee, administrator):
    """Effective engineering 中级 paths: unit → supervising → reporting → committee."""
    series, level = engineering_committee.series, engineering_committee.level
    return [
        people.effective_path(o, series, level, applied_by=administrator, **destination)
        for o, destination in (
            (unit, {"target": supervising_department}),
            (supervising_department, {"target": reporting_department}),
            (reporting_department, {"committee": engineering_committee}),
        )
    ]


def report_to_committee(
    declaration,
    *,
    unit,
    unit_reviewer,
    supervising_department,
    department_reviewer,
    reporting_department,
    reporting_reviewer,
):
    """A filled declaration submitted, passed by every level, published by the unit and
    reported up to the committee office's inbox (AT_COMMITTEE)."""
    submit_declaration(actor=declaration.applicant, declaration=declaration)
    declaration.refresh_from_db()
    review_services.pass_declaration(
        actor=unit_reviewer, declaration=declaration, opinion="该同志业绩突出，同意推荐。"
    )
    unit_notice(unit_reviewer, unit, [declaration])
    levels = (
        (unit, unit_reviewer, None),
        (supervising_department, department_reviewer, OPINIONS[0]),
        (reporting_department, reporting_reviewer, OPINIONS[1]),
    )
    for organization, reviewer, opinion in levels:
        declaration.refresh_from_db()
        if opinion:
            review_services.pass_declaration(
                actor=reviewer, declaration=declaration, opinion=opinion
            )
        review_services.report_declarations(
            actor=reviewer, organization=organization, declaration_ids=[declaration.pk]
        )
    declaration.refresh_from_db()
    assert declaration.status == workflow.DeclarationStatus.AT_COMMITTEE
    return declaration


@pytest.fixture
def reporters(
    unit,
    unit_reviewer,
    supervising_department,
    department_reviewer,
    reporting_department,
    reporting_reviewer,
    chain,
):
    return {
        "unit": unit,
        "unit_reviewer": unit_reviewer,
        "supervising_department": supervising_department,
        "department_reviewer": department_reviewer,
        "reporting_department": reporting_department,
        "reporting_reviewer": reporting_reviewer,
    }


@pytest.fixture
def at_committee(engineering_declaration, reporters):
    """The applicant's (张三) engineering declaration in the committee office's inbox."""
    fill_valid(engineering_declaration, reporters["unit"])
    return report_to_committee(engineering_declaration, **reporters)


@pytest.fixture
def second_at_committee(engineering_plan, reporters):
    """Another applicant's (李四) engineering declaration in the same inbox."""
    other = factories.ApplicantFactory(username="lisi", name="李四")
    agree_commitment(actor=other)
    declaration = create_declaration(actor=other, plan=engineering_plan)
    fill_valid(declaration, reporters["unit"])
    return report_to_committee(declaration, **reporters)


def closed_meeting(committee, plan, office_user, *, held_on=None, attending=11) -> Meeting:
    return Meeting.objects.create(
        committee=committee,
        plan=plan,
        name=f"{committee.name}评审会议",
        held_on=held_on or timezone.localdate(),
        status=Meeting.Status.CLOSED,
        expert_count=attending,
        member_count=attending,
        attending_count=attending,
        is_valid=True,
        vote_opened_at=timezone.now(),
        closed_at=timezone.now(),
        closed_by=office_user,
        created_by=office_user,
    )


@transaction.atomic
def evaluate(
    declaration,
    office_user,
    meeting: Meeting,
    *,
    passed=True,
    votes=None,
    opinion="",
) -> MeetingDeclaration:
    """Accept, put on the meeting, and record the closed vote's outcome (EVALUATION_PASS or
    EVALUATION_FAIL) with its counts and the committee's opinion."""
    agree, disagree, abstain = votes or ((9, 1, 1) if passed else (5, 4, 2))
    for action in (Action.ACCEPT, Action.ENTER_MEETING):
        locked = workflow.lock(declaration)
        workflow.perform(locked, action=action, actor=office_user)
    item = MeetingDeclaration.objects.create(
        meeting=meeting,
        declaration=declaration,
        round=declaration.round,
        agree=agree,
        disagree=disagree,
        abstain=abstain,
        passed=passed,
        opinion=opinion,
    )
    locked = workflow.lock(declaration)
    workflow.perform(
        locked,
        action=Action.EVALUATION_PASS if passed else Action.EVALUATION_FAIL,
        actor=office_user,
        details={"meeting_id": meeting.pk},
    )
    declaration.refresh_from_db()
    return item


@pytest.fixture
def meeting(engineering_committee, engineering_plan, committee_office_user):
    return closed_meeting(engineering_committee, engineering_plan, committee_office_user)


@pytest.fixture
def passed(at_committee, committee_office_user, meeting):
    """张三's declaration passed by the closed meeting (评审通过（公示中）)."""
    evaluate(at_committee, committee_office_user, meeting, passed=True)
    return at_committee


def next_monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def publish(office_user, meeting, *, starts_on=None, ends_on=None):
    """A results notice starting next Monday, running Monday to Friday (5 working days)."""
    start = starts_on or next_monday()
    return results_services.publish_results(
        actor=office_user,
        meeting=meeting,
        starts_on=start,
        ends_on=ends_on or start + datetime.timedelta(days=4),
    )


def confirm(office_user, notice, *, number="鲁人社职字〔2026〕12号"):
    """Let the notice end (the clock moves past its end date), then confirm."""
    with clock.on_day(notice.ends_on + datetime.timedelta(days=1)):
        return results_services.confirm_results(
            actor=office_user, notice=notice, approval_document_number=number
        )


@pytest.fixture
def confirmed(passed, committee_office_user, meeting):
    """张三's result published, the notice ended without objection, confirmed: certificate
    issued."""
    notice = publish(committee_office_user, meeting)
    confirm(committee_office_user, notice)
    passed.refresh_from_db()
    return passed
