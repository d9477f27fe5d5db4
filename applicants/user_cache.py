"""The signed-in user's row kept in the shared cache (issue 13): every page reads it, one query
a request. Kept like the queue counts (review.reportable): under a per-user token that every
save or delete of the row replaces, at once and again when the transaction commits, so a row
read before a change is never served after it (a password change still signs other sessions
out, a deactivated account is refused at its next request).

On with ACCESS_CACHE_TIMEOUT > 0 (production with Redis: a cache every process shares). A
QuerySet.update() of users sends no signal: call forget() after one."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from core import token_cache


def cache_timeout() -> int:
    return getattr(settings, "ACCESS_CACHE_TIMEOUT", 0) or 0


def _token_key(pk) -> str:
    return f"applicants:user-token:{pk}"


def _entry_key(pk) -> str:
    return f"applicants:user:{pk}"


def cached_user(pk, load):
    """The user with this primary key: the kept row while its token is current, else load()
    (kept under the token read before it ran). None when load() finds nobody."""
    timeout = cache_timeout()
    if not timeout:
        return load()
    return token_cache.cached(
        (_token_key(pk),),
        _entry_key(pk),
        load,
        timeout=timeout,
        keep=lambda user: user is not None,
    )


def forget(*pks) -> None:
    """Retire the kept rows of these users, now and again when the transaction commits."""
    if not cache_timeout():
        return
    token_cache.retire(_token_key(pk) for pk in pks if pk is not None)


def _on_user(sender, instance, **kwargs):
    forget(instance.pk)


def connect_receivers() -> None:
    from applicants.models import User

    post_save.connect(_on_user, sender=User, dispatch_uid="applicants.user_cache.save")
    post_delete.connect(_on_user, sender=User, dispatch_uid="applicants.user_cache.delete")
