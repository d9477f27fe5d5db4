"""Votes and closes at the same moment (PostgreSQL: row locks are real only there): every
ballot counted exactly once, none after the close, one close."""

import pytest

from committee.models import Ballot, Meeting, MeetingDeclaration, VoteParticipation
from committee.services import voting
from institutions.models import AuditAction, AuditEntry
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import accepted, meeting_with
from tests.concurrency import postgresql_only, run_together  # noqa: F401

# Row locks (select_for_update) are only real on PostgreSQL.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]
setting = meeting_fixtures.setting


@pytest.fixture
def open_meeting(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, seated = meeting_with(setting, [declaration])
    return meeting, meeting.items.get(), seated


def test_two_experts_voting_at_once_are_both_counted(open_meeting, setting):
    meeting, item, seated = open_meeting
    outcomes = run_together(
        lambda: voting.cast_ballot(actor=seated[0].user, item_id=item.pk, choice="agree"),
        lambda: voting.cast_ballot(actor=seated[1].user, item_id=item.pk, choice="disagree"),
    )
    assert outcomes == ["ok", "ok"]
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    item = MeetingDeclaration.objects.get(pk=item.pk)
    assert (item.agree, item.disagree, item.abstain) == (1, 1, 0)


def test_the_same_expert_voting_twice_at_once_leaves_one_ballot(open_meeting):
    _meeting, item, seated = open_meeting
    user = seated[0].user
    outcomes = run_together(
        lambda: voting.cast_ballot(actor=user, item_id=item.pk, choice="agree"),
        lambda: voting.cast_ballot(actor=user, item_id=item.pk, choice="disagree"),
    )
    assert sorted(outcomes).count("ok") == 1, outcomes
    assert any("只能投一次" in o for o in outcomes if o != "ok")
    assert Ballot.objects.filter(item=item).count() == 1
    assert VoteParticipation.objects.filter(item=item).count() == 1


def test_a_vote_racing_the_close_is_counted_or_refused_never_lost(open_meeting, setting):
    meeting, item, seated = open_meeting
    for expert in seated[:5]:
        voting.cast_ballot(actor=expert.user, item_id=item.pk, choice="agree")
    outcomes = run_together(
        lambda: voting.cast_ballot(actor=seated[5].user, item_id=item.pk, choice="disagree"),
        lambda: voting.close_vote(actor=setting["actor"], meeting=meeting),
    )
    assert outcomes[1] == "ok"
    item = MeetingDeclaration.objects.get(pk=item.pk)
    ballots = Ballot.objects.filter(item=item).count()
    if outcomes[0] == "ok":
        assert (item.agree, item.disagree, ballots) == (5, 1, 6)
    else:
        assert "投票已结束" in outcomes[0]
        assert (item.agree, item.disagree, ballots) == (5, 0, 5)
    # Nothing is cast after the close.
    assert VoteParticipation.objects.filter(item=item).count() == ballots


def test_two_office_users_closing_at_once_close_once(open_meeting, setting):
    from tests import factories

    meeting, item, seated = open_meeting
    for expert in seated[:8]:
        voting.cast_ballot(actor=expert.user, item_id=item.pk, choice="agree")
    colleague = factories.org_user(setting["office"])
    outcomes = run_together(
        lambda: voting.close_vote(actor=setting["actor"], meeting=meeting),
        lambda: voting.close_vote(actor=colleague, meeting=meeting),
    )
    assert sorted(outcomes).count("ok") == 1, outcomes
    assert any("已结束" in o for o in outcomes if o != "ok")
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CLOSED
    assert AuditEntry.objects.filter(action=AuditAction.VOTE_CLOSED).count() == 1
    item = MeetingDeclaration.objects.get(pk=item.pk)
    assert (item.agree, item.passed) == (8, True)
    assert item.declaration.events.filter(action="evaluation_pass").count() == 1
