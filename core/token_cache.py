"""Values kept in the shared cache under version tokens (issue 13): an entry is served only
while every token it was stored with is still current, and a write retires it by replacing a
token, at once and again when its transaction commits. A value computed before a commit is
therefore never served after it. Used by the queue counts (review.reportable) and the
signed-in user's row (applicants.user_cache)."""

import uuid

from django.core.cache import cache
from django.db import connection, transaction


def in_own_transaction() -> bool:
    """Whether this request runs inside an atomic block of the application (not a test's):
    nothing read there (rows not yet committed) is stored."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def cached(token_keys, entry_key: str, compute, *, timeout: int, keep=lambda value: True):
    """compute(), served from entry_key while the tokens it was stored with are current; a
    fresh value is stored under the tokens read before compute() ran (when keep(value))."""
    token_keys = list(token_keys)
    found = cache.get_many([*token_keys, entry_key])
    tokens = tuple(found.get(key) for key in token_keys)
    entry = found.get(entry_key)
    if None not in tokens and entry is not None and entry[0] == tokens:
        return entry[1]
    if None in tokens:
        for key, token in zip(token_keys, tokens, strict=True):
            if token is None:
                cache.add(key, uuid.uuid4().hex, timeout=None)
        found = cache.get_many(token_keys)
        tokens = tuple(found.get(key) for key in token_keys)
    value = compute()
    if None not in tokens and keep(value) and not in_own_transaction():
        cache.set(entry_key, (tokens, value), timeout=timeout)
    return value


def retire(keys) -> None:
    """Replace these tokens now and again when the transaction commits."""
    keys = set(keys)
    if not keys:
        return

    def replace():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    replace()
    transaction.on_commit(replace, robust=True)
