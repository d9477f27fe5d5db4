"""A shared cache of a test's own, for the caches that are on only where every process shares
one (production with Redis): core.token_cache's users (review.reportable, applicants
.user_cache), the kept upload slots. In local memory, or on Redis under a key prefix of the
test's own that is removed afterwards.

    @pytest.fixture(params=SHARED_CACHE_BACKENDS)
    def kept(request, settings):
        settings.ACCESS_CACHE_TIMEOUT = 300
        with own_cache(settings, request.param, "user-cache") as cache:
            yield cache
"""

import os
import re
import uuid
from contextlib import contextmanager

import pytest

SHARED_CACHE_BACKENDS = [
    "locmem",
    pytest.param(
        "redis",
        marks=pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set"),
    ),
]


@contextmanager
def own_cache(settings, backend: str = "locmem", name: str = "cache"):
    prefix = f"test-{name}-{uuid.uuid4().hex}"
    if backend == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.RedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_PREFIX": prefix,
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": prefix,
            }
        }
    from django.core.cache import cache

    try:
        yield cache
    finally:
        if backend == "redis":
            client = cache._cache.get_client(write=True)
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)
        else:
            cache.clear()


def html_of(response) -> str:
    """A page's HTML with its masked CSRF tokens (new in each response) blanked."""
    assert response.status_code == 200
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1-", response.text)


@contextmanager
def kept_on(settings, name: str = "kept"):
    """The shared cache on (ACCESS_CACHE_TIMEOUT, as production with Redis), in an empty local
    cache of the test's own, with this process's kept rows (declarations.services
    .kept_per_version) forgotten before and after."""
    from declarations.services import forget_kept_per_version

    settings.ACCESS_CACHE_TIMEOUT = 300
    forget_kept_per_version()
    try:
        with own_cache(settings, name=name) as cache:
            yield cache
    finally:
        forget_kept_per_version()


def kept_and_fresh(settings, client, url) -> tuple[str, str]:
    """A page as the rows kept per process give it (declarations.kept: read twice, filled then
    served) and as the queries read it without them."""
    with kept_on(settings, "kept-rows"):
        html_of(client.get(url))
        kept_page = html_of(client.get(url))
    settings.ACCESS_CACHE_TIMEOUT = 0
    return kept_page, html_of(client.get(url))
