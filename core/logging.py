"""Request ids and structured logs (LOG_FORMAT=json), and optional error reporting (SENTRY_DSN).

Every request carries an id: the caller's X-Request-ID when it is sane (a load balancer or
nginx sets one), otherwise a new one. config.middleware.RequestIdMiddleware keeps it in a
context variable for the request's duration and echoes it in the response's X-Request-ID
header; RequestContextFilter writes it (and the signed-in user's id) into every log record;
JsonFormatter prints each record as one JSON object. A Celery task queued during a request
carries the id in its message headers, so the worker's log lines of that task have it too.

Nothing here touches the database: the user id is read only from a user the request has
already loaded.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from celery import signals
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it looks like an id: no spaces, quotes or control characters
# that could forge log lines or headers, and short.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_request: contextvars.ContextVar[object | None] = contextvars.ContextVar("request", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    if value and _SANE_REQUEST_ID.match(value):
        return value
    return None


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request(request, request_id: str):
    """Start a request's log context; returns the tokens for unbind_request."""
    return _request_id.set(request_id), _request.set(request)


def unbind_request(tokens) -> None:
    id_token, request_token = tokens
    _request_id.reset(id_token)
    _request.reset(request_token)


def loaded_user_id(request) -> int | None:
    """The signed-in user's id if the request has already loaded its user, else None.

    request.user is lazy (AuthenticationMiddleware); evaluating it here would cost a session
    read and a user query on requests that never needed them (health checks, static files).
    """
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:
        return None
    if getattr(user, "is_authenticated", False):
        return user.pk
    return None


class RequestContextFilter(logging.Filter):
    """Adds request_id and user_id to every record (None outside a request or task)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        if not hasattr(record, "user_id"):
            record.user_id = loaded_user_id(_request.get())
        return True


# Attributes a record may carry (passed as `extra=`) that the JSON line includes.
_EXTRA_FIELDS = ("path", "method", "status", "duration_ms", "task_name", "task_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, user_id, and the
    request line's path, method, status and duration_ms; an exception's traceback as `exc`."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for field in _EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if "status" not in entry and isinstance(getattr(record, "status_code", None), int):
            # django.request's warnings about 4xx/5xx responses.
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# Celery: the id travels in the task message's headers and is restored around the task.
_TASK_HEADER = "request_id"
_task_tokens: dict[str, contextvars.Token] = {}


@signals.before_task_publish.connect(weak=False)
def _add_request_id_header(headers=None, **kwargs):
    request_id = _request_id.get()
    if request_id and headers is not None and _TASK_HEADER not in headers:
        headers[_TASK_HEADER] = request_id


@signals.task_prerun.connect(weak=False)
def _bind_task_request_id(task_id=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    # Message headers become attributes of task.request (Celery's protocol 2); older
    # releases nest custom ones under request.headers.
    carried = getattr(request, _TASK_HEADER, None) or (
        (getattr(request, "headers", None) or {}).get(_TASK_HEADER)
    )
    request_id = sane_request_id(carried)
    if request_id and task_id:
        # An eager task runs inside the request and already has its id; a worker's task
        # gets the one its message carried.
        _task_tokens[task_id] = _request_id.set(request_id)


@signals.task_postrun.connect(weak=False)
def _unbind_task_request_id(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _request_id.reset(token)
        except ValueError:  # set in another context (should not happen); leave it
            _request_id.set(None)


def keep_django_logging_in_celery_worker() -> None:
    """A Celery worker replaces the root logger's handlers with its own format unless someone
    answers its setup_logging signal: with LOG_FORMAT=json the worker keeps Django's LOGGING
    (JSON lines) instead."""

    @signals.setup_logging.connect(weak=False)
    def _configure(**kwargs):
        import logging.config

        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)


def init_error_reporting(dsn: str, *, environment: str = "", release: str = "") -> None:
    """Send unhandled errors of the site and of Celery tasks to Sentry (or a compatible
    service such as GlitchTip). No personal data, no performance tracing."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
