"""The memberships cache (issue 13): with ACCESS_CACHE_TIMEOUT an organization account's
organizations come from the shared cache on later requests (no membership query per page),
each user's own, and any change to a membership, an organization or a region is seen by the
very next request, also when a request read the rows just before the change."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.models import User
from institutions import access
from institutions.models import Membership, OrgKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def access_cache(settings):
    settings.ACCESS_CACHE_TIMEOUT = 300
    # A new generation: entries of earlier tests (whose ids SQLite reuses) are never served.
    access.invalidate_organizations()
    yield
    access.invalidate_organizations()


def fresh(user) -> User:
    """The user as the next request loads it (nothing cached on the object)."""
    return User.objects.get(pk=user.pk)


def _membership_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return sum("institutions_membership" in q["sql"] for q in captured.captured_queries)


def test_off_unless_configured():
    # Tests and development (DEBUG) keep the per-request query; production with Redis sets it.
    from django.conf import settings

    assert settings.ACCESS_CACHE_TIMEOUT == 0


def test_a_page_reads_the_memberships_once_across_requests(
    client, login, unit_reviewer, unit, access_cache
):
    login(unit_reviewer)
    url = reverse("applicants:password_change")
    assert _membership_queries(client, url) == 1
    assert _membership_queries(client, url) == 0
    page = client.get(url).content.decode()
    assert unit.name in page and "申报审核与上报" in page


def test_without_the_cache_every_request_reads_them(client, login, unit_reviewer):
    login(unit_reviewer)
    url = reverse("applicants:password_change")
    assert _membership_queries(client, url) == 1
    assert _membership_queries(client, url) == 1


def test_each_user_sees_only_their_own_organizations(
    unit_reviewer, bureau_reviewer, unit, hr_bureau, access_cache
):
    for _ in range(2):
        assert access.organizations_of(fresh(unit_reviewer)) == [unit]
        assert access.organizations_of(fresh(bureau_reviewer)) == [hr_bureau]


def test_a_removed_membership_is_seen_by_the_next_request(
    client, login, unit_reviewer, unit, access_cache
):
    login(unit_reviewer)
    dashboard = reverse("institutions:dashboard")
    assert client.get(dashboard).status_code == 200
    assert access.organizations_of(fresh(unit_reviewer)) == [unit]
    Membership.objects.filter(user=unit_reviewer).delete()
    assert access.organizations_of(fresh(unit_reviewer)) == []
    assert client.get(dashboard).status_code == 403


def test_a_new_membership_a_renamed_organization_and_a_changed_kind_are_seen(
    unit_reviewer, unit, hr_bureau, access_cache
):
    assert access.menu_for(fresh(unit_reviewer))["organization"].name == unit.name
    unit.name = "改名后的单位"
    unit.save()
    assert access.menu_for(fresh(unit_reviewer))["organization"].name == "改名后的单位"
    unit.kind = OrgKind.SUPERVISING
    unit.save()
    assert access.role_of(fresh(unit_reviewer)) == OrgKind.SUPERVISING
    assert not access.may(access.organization_of(fresh(unit_reviewer)), access.C.PUBLISH_NOTICE)
    Membership.objects.create(user=unit_reviewer, organization=hr_bureau)
    assert [o.pk for o in access.organizations_of(fresh(unit_reviewer))] == [unit.pk, hr_bureau.pk]


def test_a_changed_region_is_seen(unit_reviewer, unit, access_cache):
    assert access.organization_of(fresh(unit_reviewer)).region.name == unit.region.name
    region = unit.region
    region.name = "新地区名"
    region.save()
    assert access.organization_of(fresh(unit_reviewer)).region.name == "新地区名"


def test_the_generation_changes_again_after_the_commit(
    unit_reviewer, hr_bureau, access_cache, django_capture_on_commit_callbacks
):
    access.organizations_of(fresh(unit_reviewer))
    before = cache.get(access._GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Membership.objects.create(user=unit_reviewer, organization=hr_bureau)
    at_once = cache.get(access._GENERATION_KEY)
    assert at_once != before
    for callback in callbacks:
        callback()
    assert cache.get(access._GENERATION_KEY) not in (before, at_once)


def test_rows_read_before_a_change_are_not_served_after_it(
    unit_reviewer, unit, hr_bureau, access_cache
):
    # A request read the token and the rows, then a change commits, then it stores them.
    access.organizations_of(fresh(unit_reviewer))
    token = cache.get(access._GENERATION_KEY)
    stale = access._query_organizations(unit_reviewer)
    Membership.objects.filter(user=unit_reviewer).update(organization=hr_bureau)
    access.invalidate_organizations()  # what the signals do for a save (update() sends none)
    cache.set(access._user_key(unit_reviewer), (token, stale), 300)
    assert access.organizations_of(fresh(unit_reviewer)) == [hr_bureau]


def test_a_personal_account_never_touches_the_cache(applicant, access_cache):
    cache.delete(access._user_key(applicant))
    assert access.organizations_of(fresh(applicant)) == []
    assert cache.get(access._user_key(applicant)) is None


def test_the_cache_is_per_user_key(access_cache, unit):
    one = factories.org_user(unit)
    two = factories.org_user(unit)
    assert access._user_key(one) != access._user_key(two)
    assert access.organizations_of(fresh(one)) == access.organizations_of(fresh(two)) == [unit]
