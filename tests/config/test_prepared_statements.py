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
def test_an_id_number_search_is_prepared_and_a_name_search_is_not(
    login, unit_reviewer, unit, engineering_plan
):
    """The queue's ID-number search reuses prepared statements (its generic plans use the
    unique index on UPPER(id_number)); a name search is planned with its text every time."""
    from tests.review.builders import build_queue

    declarations = build_queue(unit, engineering_plan, 3)
    client = login(unit_reviewer)
    id_number = declarations[0].applicant.id_number
    for _ in range(8):
        page = client.get("/review/", {"q": id_number}).content.decode()
        assert page.count('data-testid="queue-row"') == 1
        page = client.get("/review/", {"q": "申报人"}).content.decode()
        assert page.count('data-testid="queue-row"') == 3
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    assert _prepared('%UPPER("applicants_user"."id_number"%') >= 1
    assert _prepared('%"applicants_user"."name"::text) LIKE%') == 0
