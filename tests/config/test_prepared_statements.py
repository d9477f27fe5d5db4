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
