"""On PostgreSQL the parameters are bound on the server, so a query a connection has run a few
times is prepared and its plan reused: the pages' joins of the small catalog tables cost more
to plan than to run (issue 13)."""

import pytest
from django.db import connection

from applicants.models import User


@pytest.mark.django_db
def test_a_repeated_query_is_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    assert connection.settings_dict["OPTIONS"].get("server_side_binding") is True
    for pk in range(1, 8):
        list(User.objects.filter(pk=pk))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "applicants_user" WHERE "applicants_user"."id" = $1%'],
        )
        [prepared] = cursor.fetchone()
    assert prepared == 1


@pytest.mark.django_db
def test_a_query_run_once_is_not_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    list(User.objects.filter(username="nobody-in-particular"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"applicants_user"."username" = $1%'],
        )
        [prepared] = cursor.fetchone()
    assert prepared == 0


def _prepared(pattern: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [pattern]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_queries_inside_unprepared_are_planned_with_their_values_each_time():
    """core.db.unprepared: a queue search is never served a generic plan, however often it is
    repeated; the connection prepares again once the block ends."""
    from core.db import unprepared

    if connection.vendor != "postgresql":
        with unprepared():  # a no-op elsewhere
            assert list(User.objects.filter(email="x@example.com")) == []
        pytest.skip("prepared statements are PostgreSQL's")
    pattern = '%"applicants_user"."email" = $1%'
    with unprepared():
        for n in range(8):
            list(User.objects.filter(email=f"{n}@example.com"))
    assert _prepared(pattern) == 0
    for n in range(8):
        list(User.objects.filter(email=f"{n}@example.com"))
    assert _prepared(pattern) == 1


@pytest.mark.django_db
def test_a_search_runs_on_prepared_statements_unless_it_matches_too_many_accounts(
    monkeypatch, login, unit_reviewer, unit, engineering_plan
):
    """A queue search is read as the accounts it matches first (review.selectors.resolve_search:
    a name's pattern is written into that query, so each text is planned with it), then the
    queue's queries take their ids and reuse prepared statements. A name search matching too
    many accounts is matched in the queue's queries, planned with its text every time (a
    generic plan would scan the whole queue)."""
    from review import selectors
    from tests.review.builders import build_queue

    declarations = build_queue(unit, engineering_plan, 3)
    client = login(unit_reviewer)
    id_number = declarations[0].applicant.id_number
    for _ in range(8):
        page = client.get("/review/", {"q": id_number}).content.decode()
        assert page.count('data-testid="queue-row"') == 1
        page = client.get("/review/", {"q": "申报人"}).content.decode()
        assert page.count('data-testid="queue-row"') == 3
    monkeypatch.setattr(selectors, "SEARCH_ACCOUNTS_MAX", 2)
    for _ in range(8):
        page = client.get("/review/", {"q": "申报人"}).content.decode()
        assert page.count('data-testid="queue-row"') == 3
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    assert _prepared('%"declarations_declaration"."applicant_id" IN ($%') >= 1
    assert _prepared('%"review_review"%"applicants_user"."name"::text) LIKE%') == 0
