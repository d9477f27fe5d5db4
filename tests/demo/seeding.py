"""What the seed_demo tests share: the clock they seed at, the models they count, 孙七's
declaration."""

from datetime import datetime
from zoneinfo import ZoneInfo

from applicants.models import CommitmentAgreement, User
from attachments.models import Attachment
from catalog.models import Level, Series
from committee.models import (
    Ballot,
    Certificate,
    CommitteeMember,
    Expert,
    FeeSetting,
    Meeting,
    MeetingDeclaration,
    MeetingExpert,
    Payment,
    ResultsNotice,
    VoteParticipation,
)
from declarations.models import (
    Declaration,
    DeclarationEvent,
    DeclarationSection,
    Submission,
)
from demo import committee_stage
from institutions.models import (
    AuditEntry,
    Committee,
    Membership,
    Organization,
    Region,
    RoutingPath,
)
from review.models import PublicNotice, Review

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


SHANGHAI = ZoneInfo("Asia/Shanghai")
# Inside and after the seeded plans' window (2026-10-01 … 2027-01-31 17:00, Asia/Shanghai); both
# after the last day of 孙七's simulated history (2026-11-13).


IN_WINDOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


AFTER_WINDOW = datetime(2027, 2, 1, 9, 0, tzinfo=SHANGHAI)
# (applicant, the unit whose queue holds the declaration, the plan's series)


SUBMITTED = [("wangwu", "wf_unit", "engineering"), ("zhaoliu", "wh_unit", "mass_culture")]


DEMO_ADDRESS = f"http://127.0.0.1:8000/verify/{committee_stage.VERIFICATION_CODE}/"


def _at(time_machine, moment):
    """The real clock (what seed_demo takes for today) set to `moment`; the replay's own
    simulated days travel from there and come back."""
    time_machine.move_to(moment, tick=False)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


COMMITTEE_MODELS = [
    Expert,
    CommitteeMember,
    FeeSetting,
    Payment,
    Meeting,
    MeetingExpert,
    MeetingDeclaration,
    VoteParticipation,
    Ballot,
    ResultsNotice,
    Certificate,
    PublicNotice,
    AuditEntry,
    DeclarationEvent,
]


def _stage_counts():
    return {model.__name__: model.objects.count() for model in COMMITTEE_MODELS}


def _sunqi():
    return Declaration.objects.select_related("holder", "plan").get(applicant__username="sunqi")
