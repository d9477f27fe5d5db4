"""The signed-in user's row kept in the shared cache (applicants.user_cache, issue 13): no
query for it on a repeated page, and every change to the account seen at the next request —
a new name, a password changed elsewhere (this session is signed out), a deactivated expert."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants import user_cache
from committee.services import experts as committee_services
from tests.committee.test_experts import data as expert_data
from tests.shared_cache import SHARED_CACHE_BACKENDS, own_cache

pytestmark = pytest.mark.django_db

PAGE = "/accounts/profile/"


@pytest.fixture(params=SHARED_CACHE_BACKENDS)
def kept(request, settings):
    settings.ACCESS_CACHE_TIMEOUT = 300
    with own_cache(settings, request.param, "user-cache") as cache:
        yield cache


def _user_queries(client, url=PAGE):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    reads = [
        q
        for q in ctx.captured_queries
        if 'FROM "applicants_user" WHERE "applicants_user"."id" =' in q["sql"]
    ]
    return response, len(reads)


def test_the_row_is_read_once_then_kept(kept, login, applicant):
    client = login(applicant)
    response, reads = _user_queries(client)
    assert response.status_code == 200 and reads == 1
    response, reads = _user_queries(client)
    assert response.status_code == 200 and reads == 0
    assert response.context["user"].pk == applicant.pk


def test_a_new_name_shows_at_the_next_request(kept, login, applicant):
    client = login(applicant)
    _user_queries(client)
    applicant.name = "改名后的张三"
    applicant.save(update_fields=["name"])
    response, reads = _user_queries(client)
    assert reads == 1 and "改名后的张三" in response.content.decode()


def test_a_password_changed_elsewhere_signs_this_session_out(kept, login, applicant):
    client = login(applicant)
    _user_queries(client)
    applicant.set_password("Another#Passw0rd")
    applicant.save(update_fields=["password"])
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_deactivated_expert_is_refused_at_the_next_request(
    kept, client, committee_office, committee_office_user
):
    expert, _password = committee_services.add_expert(
        actor=committee_office_user, office=committee_office, data=expert_data()
    )
    client.force_login(expert.user, backend="applicants.backends.MultiIdentifierBackend")
    client.get(PAGE)
    client.get(PAGE)  # served from the cache
    # QuerySet.update() underneath: the service retires the kept row itself.
    committee_services.deactivate_expert(actor=committee_office_user, expert=expert)
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_row_read_before_a_change_is_never_kept_after_it(kept, applicant):
    def load_while_a_change_commits():
        user_cache.forget(applicant.pk)  # another request saved the account meanwhile
        return applicant

    assert user_cache.cached_user(applicant.pk, load_while_a_change_commits) is applicant
    assert user_cache.cached_user(applicant.pk, lambda: "fresh") == "fresh"
    assert user_cache.cached_user(applicant.pk, lambda: "newer") == "fresh"  # kept


def test_off_without_a_timeout(settings, login, applicant):
    settings.ACCESS_CACHE_TIMEOUT = 0
    client = login(applicant)
    for _ in range(2):
        assert _user_queries(client)[1] == 1
