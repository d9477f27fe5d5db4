"""Health checks for load balancers and orchestration.

/healthz  the process is alive and answers; touches nothing else (no database, no session).
/readyz   the process can serve: the database answers SELECT 1, the Redis cache answers (when
          REDIS_URL is configured) and the file storage is reachable. 200 with each check's
          result, or 503 naming the check that failed.

HealthCheckMiddleware answers both paths first in the middleware list, before the HTTPS
redirect, the ALLOWED_HOSTS check, sessions, authentication and the language, so a load
balancer can probe a worker over plain HTTP by its IP address. The answers are JSON for
machines, never cached.
"""

import logging
import os
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTHZ_PATHS = frozenset({"/healthz", "/healthz/"})
READYZ_PATHS = frozenset({"/readyz", "/readyz/"})
# An object name that never exists; asking the storage for it is its cheapest round trip.
STORAGE_PROBE_NAME = "_readyz_probe"


def _answer(payload, status=200):
    response = JsonResponse(payload, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def healthz(request):
    return _answer({"status": "ok"})


def _check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    # A round trip to Redis: the value written must come back.
    token = str(time.monotonic_ns())
    cache.set("readyz:probe", token, timeout=10)
    if cache.get("readyz:probe") != token:
        raise RuntimeError("the cache did not return the value just written")


def _check_storage():
    if isinstance(default_storage, FileSystemStorage):
        location = default_storage.location
        if not os.path.isdir(location):
            raise RuntimeError("the upload directory does not exist")
        if not os.access(location, os.W_OK | os.X_OK):
            raise RuntimeError("the upload directory is not writable")
    else:
        # S3 and others: one HEAD request for an object that does not exist.
        default_storage.exists(STORAGE_PROBE_NAME)


def readiness_checks():
    """The checks /readyz runs, by name; the cache only when Redis is configured."""
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["cache"] = _check_cache
    checks["storage"] = _check_storage
    return checks


@require_safe
def readyz(request):
    results = {}
    failed = []
    for name, check in readiness_checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # any failure makes the process not ready
            failed.append(name)
            results[name] = {"ok": False, "error": type(error).__name__}
            logger.warning("readiness check %s failed: %s", name, error, exc_info=True)
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    if failed:
        return _answer({"status": "unavailable", "failed": failed, "checks": results}, 503)
    return _answer({"status": "ok", "checks": results})


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before any other middleware runs (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path in HEALTHZ_PATHS:
                return healthz(request)
            if request.path in READYZ_PATHS:
                return readyz(request)
        return self.get_response(request)
