"""The signed-in user's row kept in the shared cache (issue 13): every page reads it, one query
a request. Kept like the queue counts (review.reportable): under a per-user token that every
save or delete of the row replaces, at once and again when the transaction commits, so a row
read before a change is never served after it (a password change still signs other sessions
out, a deactivated account is refused at its next request).

On with ACCESS_CACHE_TIMEOUT > 0 (production with Redis: a cache every process shares). A
QuerySet.update() of users sends no signal: call forget() after one."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save


def cache_timeout() -> int:
    return getattr(settings, "ACCESS_CACHE_TIMEOUT", 0) or 0


def _token_key(pk) -> str:
    return f"applicants:user-token:{pk}"


def _entry_key(pk) -> str:
    return f"applicants:user:{pk}"


def _in_own_transaction() -> bool:
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def cached_user(pk, load):
    """The user with this primary key: the kept row while its token is current, else load()
    (kept under the token read before it ran). None when load() finds nobody."""
    timeout = cache_timeout()
    if not timeout:
        return load()
    token_key, entry_key = _token_key(pk), _entry_key(pk)
    found = cache.get_many([token_key, entry_key])
    token, entry = found.get(token_key), found.get(entry_key)
    if token is not None and entry is not None and entry[0] == token:
        return entry[1]
    if token is None:
        cache.add(token_key, uuid.uuid4().hex, timeout=None)
        token = cache.get(token_key)
    user = load()
    if user is not None and token is not None and not _in_own_transaction():
        cache.set(entry_key, (token, user), timeout=timeout)
    return user


def forget(*pks) -> None:
    """Retire the kept rows of these users, now and again when the transaction commits."""
    if not cache_timeout():
        return
    keys = {_token_key(pk) for pk in pks if pk is not None}
    if not keys:
        return

    def replace():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    replace()
    transaction.on_commit(replace, robust=True)


def _on_user(sender, instance, **kwargs):
    forget(instance.pk)


def connect_receivers() -> None:
    from applicants.models import User

    post_save.connect(_on_user, sender=User, dispatch_uid="applicants.user_cache.save")
    post_delete.connect(_on_user, sender=User, dispatch_uid="applicants.user_cache.delete")
