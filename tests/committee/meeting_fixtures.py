"""Builders of the experts, meetings and voting tests: accepted declarations held by the
committee office (made in bulk with the events of their way up, as the review chain writes
them), experts with accounts, members for a year, and a meeting brought to its vote through
the real services."""

import datetime

import pytest
from django.utils import timezone

from applicants.models import AccountKind
from catalog.models import Specialty
from committee.models import CommitteeMember, Expert
from committee.services import meetings, voting
from declarations.models import Declaration, DeclarationEvent, DeclarationSection
from declarations.workflow import Action, DeclarationStatus
from tests import factories
from tests.review.builders import applicants

S = DeclarationStatus


def accepted(plan, committee, unit, count, *, path=(), specialty=None, prefix="申报人"):
    """count declarations of the plan, accepted and held by the committee's office, declared
    by `unit` and handed up through `path` (organizations) to the office; each with its
    events (handovers and the levels' 通过 with an opinion) and its 现从事专业."""
    office = committee.office
    people = applicants(count, prefix=prefix)
    now = timezone.now()
    declarations = Declaration.objects.bulk_create(
        [
            Declaration(
                applicant=person,
                plan=plan,
                status=S.ACCEPTED,
                holder=office,
                declaring_unit=unit,
                committee=committee,
                round=1,
                submitted_at=now,
            )
            for person in people
        ]
    )
    events = []
    for declaration in declarations:
        receivers = [unit, *path]
        for index, organization in enumerate(receivers):
            events.append(
                DeclarationEvent(
                    declaration=declaration,
                    action=Action.SUBMIT if index == 0 else Action.REPORT,
                    organization=organization,
                    from_status=S.DRAFT,
                    to_status=S.SUBMITTED,
                    details={"round": 1},
                )
            )
            events.append(
                DeclarationEvent(
                    declaration=declaration,
                    action=Action.PASS,
                    organization=organization,
                    from_status=S.UNDER_REVIEW,
                    to_status=S.PASSED,
                    reason=f"{organization.name}：同意推荐。",
                    details={"round": 1},
                )
            )
        events.append(
            DeclarationEvent(
                declaration=declaration,
                action=Action.REPORT_TO_COMMITTEE,
                organization=office,
                from_status=S.PASSED,
                to_status=S.AT_COMMITTEE,
                details={"round": 1},
            )
        )
    DeclarationEvent.objects.bulk_create(events)
    specialty = specialty or Specialty.objects.filter(series=plan.series).first()
    DeclarationSection.objects.bulk_create(
        [
            DeclarationSection(
                declaration=d,
                code="declaration_info",
                data={"specialty": specialty.pk if specialty else None},
            )
            for d in declarations
        ]
    )
    return declarations


def experts(office, count, *, organization=None, specialties=(), prefix="专家"):
    """count experts of the office's pool, each with a login account of kind EXPERT."""
    result = []
    for _n in range(count):
        user = factories.UserFactory(kind=AccountKind.EXPERT)
        expert = Expert.objects.create(
            office=office,
            user=user,
            name=f"{prefix}{user.pk}",
            id_number=factories.resident_id(100000 + user.pk),
            phone=user.phone,
            work_unit=organization.name if organization else "潍坊某研究院",
            organization=organization,
            title="高级工程师",
        )
        if specialties:
            expert.specialties.set(specialties)
        result.append(expert)
    return result


def appoint(committee, pool, year):
    CommitteeMember.objects.bulk_create(
        [CommitteeMember(committee=committee, expert=e, year=year) for e in pool]
    )


@pytest.fixture
def office_user(committee_office_user):
    return committee_office_user


@pytest.fixture
def setting(engineering_committee, engineering_plan, unit, committee_office_user):
    """The committee, its plan, the unit and the office's account."""
    return {
        "committee": engineering_committee,
        "plan": engineering_plan,
        "unit": unit,
        "office": engineering_committee.office,
        "actor": committee_office_user,
        "year": timezone.localdate().year,
    }


def meeting_with(setting, declarations, *, members=11, drawn=None, attending=None, open_=True):
    """A meeting of the declarations: `members` members for the year, `drawn` of them drawn
    (default all), the first `attending` attending (default all drawn), the vote opened.
    Returns (meeting, members' experts, drawn experts in draw order)."""
    pool = experts(setting["office"], members)
    appoint(setting["committee"], pool, setting["year"])
    actor = setting["actor"]
    meeting = meetings.create_meeting(
        actor=actor,
        committee=setting["committee"],
        plan=setting["plan"],
        name="评审会议",
        held_on=timezone.localdate(),
        declaration_ids=[d.pk for d in declarations],
    )
    drawn_ids = meetings.draw_experts(actor=actor, meeting=meeting, count=drawn or members)
    by_id = {e.pk: e for e in Expert.objects.filter(pk__in=drawn_ids).select_related("user")}
    seated = [by_id[pk] for pk in drawn_ids]
    attending = len(seated) if attending is None else attending
    meetings.record_attendance(
        actor=actor, meeting=meeting, attended_ids=[e.pk for e in seated[:attending]]
    )
    if open_:
        voting.open_vote(actor=actor, meeting=meeting)
    meeting.refresh_from_db()
    return meeting, pool, seated


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)
