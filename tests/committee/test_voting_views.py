"""The expert's pages: their meetings, the declarations to vote on with the levels' opinions and
the documents, the vote and the declared conflict; and the bounded queries of the expert's page
and of the close."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committee.models import Ballot, CommitteeMember, Recusal, VoteParticipation
from committee.services import voting
from declarations.models import DeclarationEvent, DeclarationStatus
from declarations.workflow import Action
from documents.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import accepted, experts, meeting_with

pytestmark = pytest.mark.django_db
setting = meeting_fixtures.setting


@pytest.fixture
def voting_meeting(setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    meeting, _pool, seated = meeting_with(setting, declarations, attending=10)
    return meeting, seated, declarations


def test_expert_sees_the_meeting_and_votes_once_on_a_phone_sized_page(
    client, login, voting_meeting
):
    meeting, seated, declarations = voting_meeting
    expert = seated[0]
    login(expert.user)
    home = client.get(reverse("committee:expert_home")).content.decode()
    assert meeting.name in home
    listing = client.get(reverse("committee:expert_meeting", args=[meeting.pk])).content.decode()
    assert listing.count('data-testid="vote-item"') == 2
    item = meeting.items.get(declaration=declarations[0])
    page = client.get(reverse("committee:expert_item", args=[item.pk])).content.decode()
    # Every level's opinion, the documents, and big one-column buttons.
    assert "同意推荐" in page and 'data-testid="form-link"' in page
    assert "btn-lg" in page and "d-grid" in page
    response = client.post(reverse("committee:vote", args=[item.pk]), {"choice": "agree"})
    assert response.status_code == 302
    assert Ballot.objects.filter(item=item, choice="agree").count() == 1
    again = client.post(reverse("committee:vote", args=[item.pk]), {"choice": "disagree"})
    assert again.status_code == 400 and "只能投一次" in again.content.decode()
    assert Ballot.objects.filter(item=item).count() == 1
    page = client.get(reverse("committee:expert_item", args=[item.pk])).content.decode()
    assert 'data-testid="voted"' in page and 'data-testid="vote-form"' not in page


def test_vote_view_bad_choice_is_named(client, login, voting_meeting):
    meeting, seated, _declarations = voting_meeting
    login(seated[0].user)
    item = meeting.items.first()
    response = client.post(reverse("committee:vote", args=[item.pk]), {"choice": "maybe"})
    assert response.status_code == 400
    assert 'data-testid="choice-error"' in response.content.decode()
    assert not Ballot.objects.exists()


def test_other_people_cannot_reach_the_vote(client, login, voting_meeting, setting, applicant):
    meeting, seated, _declarations = voting_meeting
    item = meeting.items.first()
    stranger = experts(setting["office"], 1)[0]
    for user in (stranger.user, setting["actor"], applicant):
        login(user)
        assert (
            client.post(reverse("committee:vote", args=[item.pk]), {"choice": "agree"}).status_code
            == 404
        )
        assert client.get(reverse("committee:expert_item", args=[item.pk])).status_code == 404
    assert not Ballot.objects.exists()
    absent = seated[10]
    login(absent.user)
    response = client.post(reverse("committee:vote", args=[item.pk]), {"choice": "agree"})
    assert response.status_code == 403
    assert not VoteParticipation.objects.exists()


def test_declaring_a_conflict_from_the_page(client, login, voting_meeting):
    meeting, seated, _declarations = voting_meeting
    item = meeting.items.first()
    login(seated[1].user)
    url = reverse("committee:declare_conflict", args=[item.pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 400 and "请填写“回避原因”" in response.content.decode()
    client.post(url, {"note": "与申报人同一课题组"})
    recusal = Recusal.objects.get(expert=seated[1])
    assert recusal.reason == Recusal.Reason.DECLARED
    assert client.get(reverse("committee:expert_item", args=[item.pk])).status_code == 404


def test_drawn_expert_downloads_the_documents_while_the_meeting_is_open(
    client, login, voting_meeting, setting
):
    meeting, seated, declarations = voting_meeting
    declaration = declarations[0]
    for kind in (DocumentKind.FORM, DocumentKind.PACKET):
        document = GeneratedDocument.objects.create(
            declaration=declaration, round=1, kind=kind, status=DocumentStatus.READY
        )
        document.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    login(seated[0].user)
    for kind in ("form", "packet"):
        response = client.get(reverse("documents:download", args=[declaration.pk, kind]))
        assert response.status_code == 200
    stranger = experts(setting["office"], 1)[0]
    login(stranger.user)
    assert (
        client.get(reverse("documents:download", args=[declaration.pk, "form"])).status_code == 404
    )
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    login(seated[0].user)
    assert (
        client.get(reverse("documents:download", args=[declaration.pk, "form"])).status_code == 404
    )


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_expert_pages_queries_do_not_grow_with_declarations_or_experts(client, login, setting):
    counts = []
    for size in (2, 7):
        declarations = accepted(
            setting["plan"], setting["committee"], setting["unit"], size, prefix=f"规模{size}"
        )
        meeting, _pool, seated = meeting_with(setting, declarations, members=size + 9)
        expert = seated[0]
        for item in list(meeting.items.all())[: size // 2]:
            voting.cast_ballot(actor=expert.user, item_id=item.pk, choice="agree")
        login(expert.user)
        item = meeting.items.first()
        counts.append(
            (
                _queries(lambda: client.get(reverse("committee:expert_home"))),
                _queries(
                    lambda m=meeting: client.get(reverse("committee:expert_meeting", args=[m.pk]))
                ),
                _queries(lambda i=item: client.get(reverse("committee:expert_item", args=[i.pk]))),
            )
        )
    assert counts[0] == counts[1], counts
    assert max(counts[0]) <= 16


def test_close_queries_do_not_grow_with_declarations_or_experts(setting):
    counts = []
    for size in (2, 7):
        # Each meeting with its own members of the year.
        CommitteeMember.objects.all().delete()
        declarations = accepted(
            setting["plan"], setting["committee"], setting["unit"], size, prefix=f"规模{size}"
        )
        meeting, _pool, seated = meeting_with(setting, declarations, members=size + 9)
        for item in meeting.items.all():
            for n, expert in enumerate(seated):
                choice = "agree" if n % 4 else "abstain"
                voting.cast_ballot(actor=expert.user, item_id=item.pk, choice=choice)
        counts.append(
            _queries(lambda m=meeting: voting.close_vote(actor=setting["actor"], meeting=m))
        )
        meeting.refresh_from_db()
        assert meeting.is_valid and meeting.closed_at <= timezone.now()
        assert meeting.items.filter(passed=True).count() == size
    assert counts[0] == counts[1], counts


def test_expert_reads_the_submitted_declaration(client, login, voting_meeting):
    from declarations.models import Submission

    meeting, seated, declarations = voting_meeting
    item = meeting.items.get(declaration=declarations[0])
    data = item.declaration.section_data.get(code="declaration_info").data
    Submission.objects.create(
        declaration=declarations[0],
        round=1,
        snapshot={"sections": {"declaration_info": {**data, "title_years": 6}}},
    )
    login(seated[0].user)
    page = client.get(reverse("committee:expert_item", args=[item.pk])).content.decode()
    assert 'data-testid="vote-section"' in page and "申报信息" in page


def test_the_vote_asks_for_confirmation_without_inline_script(client, login, voting_meeting):
    # The Content Security Policy forbids inline handlers: static/js/app.js asks on data-confirm.
    meeting, seated, _declarations = voting_meeting
    login(seated[0].user)
    item = meeting.items.first()
    page = client.get(reverse("committee:expert_item", args=[item.pk])).content.decode()
    assert 'data-testid="vote-form" data-confirm="投票后不能修改，确定提交吗？"' in page
    assert "onsubmit" not in page and "onclick" not in page


def test_item_page_shows_only_the_opinions_of_the_items_round(client, login, voting_meeting):
    """A declaration returned and submitted again is voted on in its new round: the expert reads
    that round's opinions, not the earlier round's."""
    meeting, seated, declarations = voting_meeting
    declaration = declarations[0]
    DeclarationEvent.objects.create(
        declaration=declaration,
        action=Action.PASS,
        organization=declaration.declaring_unit,
        from_status=DeclarationStatus.UNDER_REVIEW,
        to_status=DeclarationStatus.PASSED,
        reason="上一轮的意见：材料齐全。",
        details={"round": 0},
    )
    item = meeting.items.get(declaration=declaration)
    login(seated[0].user)
    page = client.get(reverse("committee:expert_item", args=[item.pk])).content.decode()
    assert "同意推荐" in page
    assert "上一轮的意见" not in page
