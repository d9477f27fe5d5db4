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
