"""The stored evaluation form of the round gets the committee's block once the vote closes."""

import pytest

from committee.models import Ballot
from committee.services import acceptance, voting
from declarations.workflow import Action
from documents.models import DocumentKind
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import meeting_with
from tests.documents.conftest import after_commit, document, read, text_of

pytestmark = pytest.mark.django_db
setting = meeting_fixtures.setting


def test_the_close_draws_the_stored_form_again_with_the_result(
    at_committee,
    setting,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    declaration = at_committee
    acceptance.decide(
        actor=setting["actor"],
        office=setting["office"],
        action=Action.ACCEPT,
        declaration_ids=[declaration.pk],
    )
    before = text_of(read(document(declaration, DocumentKind.FORM).file))
    assert "评审结论：评审通过" not in before

    meeting, _pool, seated = meeting_with(setting, [declaration], attending=8)
    item = meeting.items.get()
    for n, expert in enumerate(seated[:8]):
        voting.cast_ballot(
            actor=expert.user,
            item_id=item.pk,
            choice=Ballot.Choice.AGREE if n < 6 else Ballot.Choice.ABSTAIN,
        )
    after_commit(capture, voting.close_vote, actor=setting["actor"], meeting=meeting)

    stored = document(declaration, DocumentKind.FORM)
    assert stored.status == "ready", stored.error
    text = text_of(read(stored.file))
    assert "评审结论：评审通过" in text
    assert "同意6票，不同意0票，弃权2票" in text
