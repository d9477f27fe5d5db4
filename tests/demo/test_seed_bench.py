"""`make bench`'s data (demo.bench_fixture, manage.py seed_bench) at a tiny scale: the queues,
the committee inbox, an open meeting an expert can vote in, the applicants' editable drafts
with a valid section POST, accounts that sign in, and the fixture the load script reads."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from applicants.models import User
from applicants.selectors import find_user_by_identifier
from committee.models import Ballot, Meeting, MeetingExpert
from committee.selectors.acceptance import inbox_counts
from committee.services import voting
from declarations import workflow
from declarations.models import Declaration
from declarations.models import DeclarationStatus as S
from demo import bench_fixture, benchmark, fill
from institutions.models import Organization
from review import selectors
from review.selectors import QueueFilter

pytestmark = pytest.mark.django_db

LOGIN_BACKEND = "applicants.backends.MultiIdentifierBackend"


@pytest.fixture
def fixture():
    return bench_fixture.build(
        declarations=20,
        reported=5,
        at_committee=12,
        meeting_items=4,
        drafts=2,
        submitted=1,
        say=lambda text: None,
    )


def org(username):
    return Organization.objects.get(memberships__user__username=username)


def test_queues_inbox_and_meeting(fixture):
    unit = org(fixture["unit"]["username"])
    supervising = org(fixture["supervising"]["username"])
    assert selectors.queue(unit, QueueFilter()).count() == 20 + 1  # the chain and 1 submitted
    assert selectors.queue(supervising, QueueFilter()).count() == 5
    assert fixture["rows"] == {
        "unit_queue": 16,
        "supervising_queue": 5,
        "committee": 12,
        "meeting_items": 4,
    }

    office = org(fixture["office"]["username"])
    counts = inbox_counts(office)
    assert Declaration.objects.filter(holder=office, status=S.AT_COMMITTEE).count() == 8
    assert sum(counts.values()) >= 8

    experts = fixture["experts"]
    meeting = Meeting.objects.get(pk=experts["meeting"])
    assert meeting.status == Meeting.Status.VOTING
    assert len(experts["items"]) == 4
    assert len(experts["usernames"]) == bench_fixture.DRAWN
    assert MeetingExpert.objects.filter(meeting=meeting, attended=True).count() == 11
    expert = User.objects.get(username=experts["usernames"][0])
    voting.cast_ballot(actor=expert, item_id=experts["items"][0], choice=Ballot.Choice.AGREE)


def test_drafts_are_editable_and_their_post_is_valid(fixture):
    assert len(fixture["applicants"]) == 2
    for row in fixture["applicants"]:
        declaration = Declaration.objects.get(pk=row["declaration"])
        assert declaration.applicant.username == row["username"]
        assert declaration.status == S.DRAFT
        assert workflow.edit_refusal(declaration) is None
        assert declaration.attachments.exists()
        form = fill.bound(declaration, row["section"], row["post"])
        assert form.is_valid(), form.errors
    [review_id] = fixture["unit"]["review_ids"]
    assert Declaration.objects.get(pk=review_id).status == S.SUBMITTED


def test_accounts_sign_in_by_username(fixture):
    names = [
        fixture["unit"]["username"],
        fixture["supervising"]["username"],
        fixture["office"]["username"],
        fixture["applicants"][0]["username"],
        fixture["experts"]["usernames"][0],
    ]
    for name in names:
        user = find_user_by_identifier(name)
        assert user is not None, name
        assert user.check_password(benchmark.PASSWORD)


def test_pages_answer(fixture, client):
    row = fixture["applicants"][0]
    pages = [
        (row["username"], f"/declarations/{row['declaration']}/sections/{row['section']}/"),
        (fixture["unit"]["username"], f"/review/{fixture['unit']['review_ids'][0]}/"),
        (fixture["office"]["username"], "/committee/inbox/"),
        (
            fixture["experts"]["usernames"][0],
            f"/committee/expert/meetings/{fixture['experts']['meeting']}/",
        ),
    ]
    for username, url in pages:
        client.force_login(User.objects.get(username=username), backend=LOGIN_BACKEND)
        assert client.get(url).status_code == 200, url
    client.force_login(User.objects.get(username=row["username"]), backend=LOGIN_BACKEND)
    url = f"/declarations/{row['declaration']}/sections/{row['section']}/"
    response = client.post(url, row["post"])
    assert response.status_code == 302
    assert response["Location"].endswith(f"/declarations/{row['declaration']}/")


def test_command_writes_the_fixture_and_refuses_a_used_database(tmp_path):
    output = tmp_path / "fixture.json"
    out = StringIO()
    call_command(
        "seed_bench",
        "--declarations",
        "6",
        "--reported",
        "2",
        "--at-committee",
        "3",
        "--meeting-items",
        "2",
        "--drafts",
        "1",
        "--submitted",
        "1",
        "--output",
        str(output),
        stdout=out,
    )
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["verify"] == "/verify/demo-sunqi-2026-certificate-0001/"
    assert data["rows"]["unit_queue"] == 4 + 1
    with pytest.raises(CommandError, match="empty migrated database"):
        call_command("seed_bench", "--output", str(output), stdout=StringIO())
