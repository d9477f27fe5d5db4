"""A queue search read as the accounts it matches first (review.selectors.resolve_search, issue
13): the same rows as matching the text in the queue's own queries, a search of too many
accounts still matched that way, and with the count cache on a resolved search's counts kept
under the accounts it matched, so a renamed applicant is found by the new name at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants.models import User
from review import reportable, selectors
from review.selectors import QueueFilter
from tests.review.builders import build_queue
from tests.shared_cache import own_cache

pytestmark = pytest.mark.django_db

URL = "/review/"


def _rows(response) -> int:
    assert response.status_code == 200
    return response.content.decode().count('data-testid="queue-row"')


def _tabs(response) -> dict:
    return {value: count for value, _label, count, _query in response.context["tabs"]}


def test_a_search_of_few_accounts_is_read_as_their_ids(unit, engineering_plan):
    build_queue(unit, engineering_plan, 3, prefix="欧阳")
    build_queue(unit, engineering_plan, 2, prefix="司马")
    resolved = selectors.resolve_search(QueueFilter(q="欧阳", state="pending"))
    expected = set(User.objects.filter(name__startswith="欧阳").values_list("pk", flat=True))
    assert set(resolved.applicants) == expected and resolved.state == "pending"
    for f in (QueueFilter(q="欧阳"), selectors.resolve_search(QueueFilter(q="欧阳"))):
        assert len(list(selectors.queue_page_ids(unit, f))) == 3
        assert selectors.queue_counts(unit, f)["pending"] == 3
    # Nobody: no ids, nothing listed, nothing counted.
    nobody = selectors.resolve_search(QueueFilter(q="诸葛"))
    assert nobody.applicants == ()
    assert selectors.queue_page_keys(unit, nobody, 0, 20) == []
    assert sum(selectors.queue_counts(unit, nobody).values()) == 0
    assert selectors.reportable_count(unit, nobody) == 0


def test_a_search_of_too_many_accounts_is_matched_in_the_queue_query(
    monkeypatch, login, unit, unit_reviewer, engineering_plan
):
    build_queue(unit, engineering_plan, 4, prefix="欧阳")
    monkeypatch.setattr(selectors, "SEARCH_ACCOUNTS_MAX", 3)
    assert selectors.resolve_search(QueueFilter(q="欧阳")).applicants is None
    assert selectors.resolve_search(QueueFilter(q="欧阳001")).applicants is not None
    client = login(unit_reviewer)
    assert _rows(client.get(URL, {"q": "欧阳"})) == 4
    assert _rows(client.get(URL, {"q": "欧阳001"})) == 1


@pytest.fixture
def count_cache(settings):
    settings.REVIEW_COUNT_CACHE_TIMEOUT = 300
    with own_cache(settings, name="search"):
        yield


def test_a_kept_search_finds_a_renamed_applicant_by_the_new_name_at_once(
    count_cache, login, unit, unit_reviewer, engineering_plan
):
    [declaration] = build_queue(unit, engineering_plan, 1, prefix="欧阳甲")
    build_queue(unit, engineering_plan, 1, state="passed", prefix="欧阳乙")
    reportable.forget(unit.pk)  # demo.bulk writes behind the ORM's back
    client = login(unit_reviewer)
    client.get(URL)  # the process's own caches (the filter's catalog options) filled once
    with CaptureQueriesContext(connection) as cold:
        first = client.get(URL, {"q": "欧阳"})
    with CaptureQueriesContext(connection) as warm:
        again = client.get(URL, {"q": "欧阳"})
    assert _rows(first) == _rows(again) == 2
    assert _tabs(first) == _tabs(again)
    assert (_tabs(again)[""], _tabs(again)["pending"], _tabs(again)["passed"]) == (2, 1, 1)
    # The tabs' counts, the reportable count and the notice flags kept under the accounts the
    # search matched.
    assert len(warm.captured_queries) <= len(cold.captured_queries) - 2
    applicant = declaration.applicant
    User.objects.filter(pk=applicant.pk).update(name="司马新名")  # as an import would
    renamed = client.get(URL, {"q": "司马新名"})
    assert _rows(renamed) == 1 and _tabs(renamed)["pending"] == 1
    old = client.get(URL, {"q": "欧阳"})
    assert _rows(old) == 1 and _tabs(old)["pending"] == 0 and _tabs(old)["passed"] == 1
