"""What every page pays (issue 13): with Redis the session is read from the cache and an
organization account's memberships come from the shared cache, so a light signed-in page
takes one query (the user); without Redis (make run) the database sessions stay. Production
uses the cached template loader."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions import access
from tests.config.test_settings import production_env, run

PRINT_SPEED_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
from django.template import engines
loaders = engines["django"].engine.template_loaders
print(json.dumps({
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "ACCESS_CACHE_TIMEOUT": settings.ACCESS_CACHE_TIMEOUT,
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "LOADER": f"{type(loaders[0]).__module__}.{type(loaders[0]).__name__}",
}))
"""


def _speed_settings(**env) -> dict:
    result = run(["-c", PRINT_SPEED_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_with_redis_reads_sessions_and_memberships_from_the_cache():
    values = _speed_settings(**production_env(REDIS_URL="redis://127.0.0.1:6379/15"))
    assert values["CACHE"] == "core.cache.RedisCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert values["ACCESS_CACHE_TIMEOUT"] == 300
    assert values["LOADER"] == "django.template.loaders.cached.Loader"


def test_without_redis_sessions_stay_in_the_database():
    # Several workers with per-process local-memory caches would disagree about a signed-out
    # session or a removed membership: neither is cached across requests there.
    for env in (production_env(), {}):
        values = _speed_settings(**env)
        assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
        assert values["ACCESS_CACHE_TIMEOUT"] == 0
    development = _speed_settings(REDIS_URL="redis://127.0.0.1:6379/15")
    assert development["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert development["ACCESS_CACHE_TIMEOUT"] == 0


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.fixture
def redis_like(settings):
    """What REDIS_URL configures, on the tests' local-memory cache (one process)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.ACCESS_CACHE_TIMEOUT = 300
    access.invalidate_organizations()
    yield
    access.invalidate_organizations()


@pytest.fixture
def database_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


LIGHT = "applicants:password_change"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["applicant", "unit_reviewer"])
def test_a_light_page_with_database_sessions(request, client, login, persona, database_sessions):
    login(request.getfixturevalue(persona))
    url = reverse(LIGHT)
    client.get(url)
    queries = _queries(client, url)
    # Session, user, and for an organization account its memberships (menu and header).
    assert len(queries) == (2 if persona == "applicant" else 3), queries
    assert "django_session" in queries[0]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["applicant", "unit_reviewer"])
def test_a_light_page_with_redis_takes_no_query(request, client, login, persona, redis_like):
    """Session, signed-in user (applicants.user_cache) and memberships all come from the cache."""
    login(request.getfixturevalue(persona))
    url = reverse(LIGHT)
    client.get(url)
    queries = _queries(client, url)
    assert queries == []


@pytest.mark.django_db
def test_a_signed_out_session_is_gone_from_the_cache_too(client, login, applicant, redis_like):
    login(applicant)
    url = reverse(LIGHT)
    assert client.get(url).status_code == 200
    cookie = client.cookies["sessionid"].value
    client.post(reverse("applicants:logout"))
    client.cookies["sessionid"] = cookie
    response = client.get(url)
    assert response.status_code == 302 and reverse("applicants:login") in response["Location"]
