"""The secret vote: who may cast, once, and the tally in exact fractions at the close."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from committee.models import Ballot, Meeting, MeetingDeclaration, Recusal, VoteParticipation
from committee.services import meetings, voting
from declarations.models import Declaration, DeclarationEvent
from declarations.workflow import Action, DeclarationStatus
from institutions.models import AuditAction, AuditEntry
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import accepted, appoint, experts, meeting_with

setting = meeting_fixtures.setting

pytestmark = pytest.mark.django_db
S = DeclarationStatus
A, D, X = Ballot.Choice.AGREE, Ballot.Choice.DISAGREE, Ballot.Choice.ABSTAIN


def cast(expert, item, choice):
    voting.cast_ballot(actor=expert.user, item_id=item.pk, choice=choice)


def test_fraction_rules_at_the_boundaries():
    assert voting.meeting_is_valid(11, 8) and not voting.meeting_is_valid(11, 7)
    assert voting.meeting_is_valid(25, 17) and not voting.meeting_is_valid(25, 16)
    assert voting.item_passes(6, 8) and not voting.item_passes(5, 8)
    assert voting.item_passes(2, 3) and not voting.item_passes(0, 0)


def test_eleven_members_eight_attending_is_valid_and_six_of_eight_pass(setting):
    first, second = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    meeting, _pool, seated = meeting_with(setting, [first, second], attending=8)
    items = {i.declaration_id: i for i in meeting.items.all()}
    for n, expert in enumerate(seated[:8]):
        cast(expert, items[first.pk], A if n < 6 else D)
        cast(expert, items[second.pk], A if n < 5 else (D if n < 7 else X))
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    meeting.refresh_from_db()
    assert (meeting.member_count, meeting.attending_count, meeting.is_valid) == (11, 8, True)
    one = MeetingDeclaration.objects.get(pk=items[first.pk].pk)
    two = MeetingDeclaration.objects.get(pk=items[second.pk].pk)
    assert (one.agree, one.disagree, one.abstain, one.passed) == (6, 2, 0, True)
    assert (two.agree, two.disagree, two.abstain, two.passed) == (5, 2, 1, False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.EVALUATION_PASSED
    assert second.status == S.EVALUATION_FAILED
    entry = AuditEntry.objects.get(action=AuditAction.VOTE_CLOSED)
    assert entry.details["passed"] == [first.pk] and entry.details["valid"] is True


def test_seven_of_eleven_attending_is_not_valid_and_declarations_go_back(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, seated = meeting_with(setting, [declaration], attending=7)
    item = meeting.items.get()
    for expert in seated[:7]:
        cast(expert, item, A)
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    meeting.refresh_from_db()
    assert (meeting.attending_count, meeting.is_valid) == (7, False)
    item.refresh_from_db()
    assert item.agree == 7 and item.passed is None
    declaration.refresh_from_db()
    assert declaration.status == S.ACCEPTED
    assert DeclarationEvent.objects.filter(
        declaration=declaration, action=Action.LEAVE_MEETING
    ).exists()


def test_recused_expert_is_not_in_the_denominator(setting, supervising_department):
    """8 attend, one of them works on the reporting path: 5 同意 of the 7 who may vote is
    5/7 ≥ 2/3, a pass (it would fail over 8)."""
    (declaration,) = accepted(
        setting["plan"],
        setting["committee"],
        setting["unit"],
        1,
        path=[supervising_department],
    )
    pool = experts(setting["office"], 10)
    insider = experts(setting["office"], 1, organization=supervising_department)[0]
    appoint(setting["committee"], [*pool, insider], setting["year"])
    actor = setting["actor"]
    meeting = meetings.create_meeting(
        actor=actor,
        committee=setting["committee"],
        plan=setting["plan"],
        name="会",
        held_on=timezone.localdate(),
        declaration_ids=[declaration.pk],
    )
    meetings.draw_experts(actor=actor, meeting=meeting, count=11)
    assert Recusal.objects.get(meeting=meeting).reason == Recusal.Reason.ON_PATH
    attending = [*pool[:7], insider]
    meetings.record_attendance(actor=actor, meeting=meeting, attended_ids=[e.pk for e in attending])
    voting.open_vote(actor=actor, meeting=meeting)
    item = meeting.items.get()
    with pytest.raises(PermissionDenied):
        cast(insider, item, A)
    for n, expert in enumerate(pool[:7]):
        cast(expert, item, A if n < 5 else D)
    voting.close_vote(actor=actor, meeting=meeting)
    item.refresh_from_db()
    assert (item.agree, item.disagree, item.passed) == (5, 2, True)


def test_an_expert_votes_once(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, seated = meeting_with(setting, [declaration])
    item = meeting.items.get()
    cast(seated[0], item, A)
    with pytest.raises(ValidationError, match="只能投一次"):
        cast(seated[0], item, D)
    assert Ballot.objects.filter(item=item).count() == 1
    assert VoteParticipation.objects.filter(item=item).count() == 1


def test_no_vote_after_the_close_nor_a_second_close(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, seated = meeting_with(setting, [declaration])
    item = meeting.items.get()
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    with pytest.raises(ValidationError, match="投票已结束"):
        cast(seated[0], item, A)
    with pytest.raises(ValidationError, match="已结束"):
        voting.close_vote(actor=setting["actor"], meeting=meeting)
    assert not Ballot.objects.exists()


def test_no_vote_on_a_declaration_outside_the_experts_meeting(setting):
    one, other = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    _meeting, _pool, seated = meeting_with(setting, [one])
    second, _p2, seated2 = meeting_with(setting, [other])
    foreign_item = second.items.get()
    outsider = next(e for e in seated if e not in seated2)
    with pytest.raises(PermissionDenied):
        cast(outsider, foreign_item, A)
    assert not Ballot.objects.filter(item=foreign_item).exists()


def test_no_vote_after_declaring_a_conflict_nor_by_an_absent_expert(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, seated = meeting_with(setting, [declaration], attending=10)
    item = meeting.items.get()
    meetings.declare_conflict(actor=seated[0].user, item=item, note="与申报人为亲属")
    with pytest.raises(PermissionDenied, match="回避"):
        cast(seated[0], item, A)
    with pytest.raises(PermissionDenied, match="出席"):
        cast(seated[10], item, A)
    assert not Ballot.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.CONFLICT_DECLARED).count() == 1


def test_ballots_are_not_linked_to_experts():
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "item", "choice"}
    participation = {f.name for f in VoteParticipation._meta.get_fields()}
    assert "choice" not in participation


def test_the_vote_cannot_open_twice_nor_before_the_draw(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, _seated = meeting_with(setting, [declaration])
    with pytest.raises(ValidationError):
        voting.open_vote(actor=setting["actor"], meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.VOTING


def test_committee_result_for_the_evaluation_form(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, seated = meeting_with(setting, [declaration], attending=9)
    item = meeting.items.get()
    assert voting.committee_result(declaration, 1) is None
    for n, expert in enumerate(seated[:9]):
        cast(expert, item, A if n < 7 else X)
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    declaration = Declaration.objects.get(pk=declaration.pk)
    result = voting.committee_result(declaration, 1)
    assert result["result"] == "评审通过"
    assert result["votes"] == {
        "expected": 11,
        "present": 9,
        "approve": 7,
        "oppose": 0,
        "abstain": 2,
    }
    from documents.content import _committee_result

    printed = _committee_result(declaration, 1)
    assert "应到11人，实到9人；同意7票" in printed.votes


def test_committee_rules_set_the_shares(setting):
    """A committee whose rules ask 3/4 attendance and 3/4 同意: 8 of 11 attend (< 3/4), not
    valid."""
    from committee.models import CommitteeRules

    CommitteeRules.objects.create(
        committee=setting["committee"],
        quorum_numerator=3,
        quorum_denominator=4,
        pass_numerator=3,
        pass_denominator=4,
    )
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, _seated = meeting_with(setting, [declaration], attending=8)
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.is_valid is False
    share = voting.shares(setting["committee"])[1]
    assert voting.item_passes(6, 8, share) and not voting.item_passes(5, 7, share)
