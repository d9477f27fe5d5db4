"""Query budgets of the expert's pages (issue 13): 评审任务, a meeting's declarations and one
declaration with its submitted sections each take a fixed number of queries, at most 15, for a
meeting of 1 or 25 declarations; the submitted sections are rendered once per round and then
come from the cache, which never shows one declaration's sections on another's page."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from committee.models import Recusal
from committee.services import voting
from committee.views import voting as voting_views
from declarations.models import Submission
from declarations.reader import draft_snapshot
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import accepted, meeting_with
from tests.declarations.builders import fill_valid

pytestmark = pytest.mark.django_db
setting = meeting_fixtures.setting

# Pinned counts (PostgreSQL and SQLite alike), with the session read from the database; with
# Redis (cached_db sessions) each is one fewer. The reading of a declaration on a miss adds the
# reader's queries (sections, snapshot, their lookups) to the hit's. The cached readings are
# keyed by the declaration's submission time, so each test starts with misses.
SESSION = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
HOME = SESSION + 3  # user, expert, seats
MEETING = SESSION + 4  # user, seat with the expert, items, titles (sections)
ITEM_HIT = SESSION + 3  # user, item with seat and vote, opinions
ITEM_MISS_MAX = 15


@pytest.fixture
def snapshot(engineering_declaration, unit):
    """A complete submitted snapshot of the engineering plan (every section, two rows each)."""
    fill_valid(engineering_declaration, unit, rows=2, files=False)
    return draft_snapshot(engineering_declaration)


def _open_meeting(setting, snapshot, size, prefix):
    declarations = accepted(
        setting["plan"], setting["committee"], setting["unit"], size, prefix=prefix
    )
    Submission.objects.bulk_create(
        [Submission(declaration=d, round=1, snapshot=snapshot) for d in declarations]
    )
    meeting, _pool, seated = meeting_with(setting, declarations, members=11)
    return meeting, seated[0]


def _count(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def test_expert_pages_take_the_same_few_queries_for_1_or_25_declarations(
    client, login, setting, snapshot
):
    counts = []
    for size in (1, 25):
        meeting, expert = _open_meeting(setting, snapshot, size, f"规模{size}")
        items = list(meeting.items.order_by("pk"))
        # Some votes already cast: the list marks them without a query per row.
        for item in items[: size // 2]:
            voting.cast_ballot(actor=expert.user, item_id=item.pk, choice="agree")
        login(expert.user)
        home, _ = _count(client, reverse("committee:expert_home"))
        listing, response = _count(client, reverse("committee:expert_meeting", args=[meeting.pk]))
        listing_html = response.content.decode()
        assert listing_html.count('data-testid="vote-item"') == size
        for item in items:
            url = reverse("committee:expert_item", args=[item.pk])
            assert f'href="{url}"' in listing_html
        item_url = reverse("committee:expert_item", args=[items[-1].pk])
        miss, response = _count(client, item_url)
        assert 'data-testid="vote-section"' in response.content.decode()
        hit, response = _count(client, item_url)
        assert 'data-testid="vote-section"' in response.content.decode()
        counts.append((home, listing, miss, hit))
    assert counts[0] == counts[1], counts
    home, listing, miss, hit = counts[0]
    assert (home, listing, hit) == (HOME, MEETING, ITEM_HIT), counts
    assert hit < miss <= ITEM_MISS_MAX, counts


def test_the_cached_reading_is_shared_by_the_experts_and_kept_per_declaration(
    client, login, setting, snapshot
):
    meeting, expert = _open_meeting(setting, snapshot, 2, "共享")
    first, second = meeting.items.select_related("declaration__applicant").order_by("pk")
    other_data = {**snapshot["sections"], "performance": {"text": "第二位申报人的业绩"}}
    Submission.objects.filter(declaration=second.declaration).update(
        snapshot={"sections": other_data}
    )
    login(expert.user)
    page_one = client.get(reverse("committee:expert_item", args=[first.pk])).content.decode()
    page_two = client.get(reverse("committee:expert_item", args=[second.pk])).content.decode()
    assert "第二位申报人的业绩" in page_two and "第二位申报人的业绩" not in page_one
    # Another expert of the meeting reads the rendered sections from the cache.
    other = meeting.experts.exclude(expert=expert).select_related("expert__user").first().expert
    login(other.user)
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse("committee:expert_item", args=[second.pk])).content.decode()
    assert "第二位申报人的业绩" in again
    assert not any("declarations_submission" in q["sql"] for q in captured.captured_queries)


def test_the_reading_key_follows_round_submission_and_language(setting, snapshot):
    meeting, _expert = _open_meeting(setting, snapshot, 1, "键")
    item = meeting.items.select_related("declaration").get()
    with translation.override("zh-hans"):
        key = voting_views._reading_key(item)
        item.round = 2
        assert voting_views._reading_key(item) != key
        item.round = 1
        item.declaration.submitted_at = item.declaration.submitted_at.replace(year=2001)
        assert voting_views._reading_key(item) != key
        item.declaration.refresh_from_db()
        assert voting_views._reading_key(item) == key
    with translation.override("en"):
        assert voting_views._reading_key(item) != key


def test_a_recused_expert_still_cannot_open_a_cached_declaration(client, login, setting, snapshot):
    meeting, expert = _open_meeting(setting, snapshot, 1, "回避")
    item = meeting.items.get()
    other = meeting.experts.exclude(expert=expert).select_related("expert__user").first().expert
    login(expert.user)
    assert client.get(reverse("committee:expert_item", args=[item.pk])).status_code == 200
    Recusal.objects.create(
        meeting=meeting,
        expert=other,
        declaration=item.declaration,
        reason=Recusal.Reason.DECLARED,
    )
    login(other.user)
    assert client.get(reverse("committee:expert_item", args=[item.pk])).status_code == 404
