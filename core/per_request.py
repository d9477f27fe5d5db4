"""Values read once per request: a dict that lives from Django's request_started signal to its
request_finished, in the request's own context (a gunicorn worker, a thread of a threaded
server). Outside a request (commands, tasks, tests' direct calls) nothing is kept and every call
computes afresh."""

import contextvars

from django.core.signals import request_finished, request_started

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("per_request", default=None)


def once_per_request(key, compute):
    """compute() the first time this request asks for key; the same value after that."""
    memo = _memo.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


def replace(key, value) -> None:
    """The request changed what key stands for (it wrote a new version, say)."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def _start(**kwargs) -> None:
    _memo.set({})


def _finish(**kwargs) -> None:
    _memo.set(None)


def connect() -> None:
    request_started.connect(_start, dispatch_uid="core.per_request.start")
    request_finished.connect(_finish, dispatch_uid="core.per_request.finish")
