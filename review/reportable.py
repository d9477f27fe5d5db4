"""The queue's 上报全部符合条件的（N） count and its tabs' counts per state, kept in the shared
cache (issue 13).

Counting what an organization may report runs the public-notice rule (selectors.notice_cleared)
over every passed row: 5-10 ms of SQL per queue page at 9,000 rows; the tabs' GROUP BY state
another 3-10 ms. Each is kept per organization, filter and notice rule under two version
tokens, the organization's and a global one, and served only while both tokens are the ones it
was stored with:

- the organization's token is replaced by every write the count reads: a declaration moving
  from, to or within the organization (workflow.declaration_moved: passes, returns, reports,
  withdrawals, ...), a review row saved, a public notice of the organization
  created, corrected (its people too), cancelled, given its outcome or deleted, an objection
  raised or handled, a held declaration saved and the organization itself saved or deleted;
- the global token is replaced when a plan changes (the filter's year, series and level).

Each token is replaced at once and again when the transaction commits: a request that counted
before the commit stored its count under a token the second replacement retires, so nobody is
served a count read before a change after it. Nothing is stored from inside a transaction of
the application's own (a count of rows not yet committed). The rule itself does not read the
date (a notice's outcome is recorded by the unit once it ended), so no date is in the key. A
search (q) is cached only once resolved to the accounts it matches (selectors.resolve_search,
read per request), under a key naming those accounts: its text reads the applicant's name and
ID number, which change outside the review app. Only the displayed count is cached;
report_declarations checks every declaration for real.

On with REVIEW_COUNT_CACHE_TIMEOUT > 0 (seconds an entry lives; by default the same as
ACCESS_CACHE_TIMEOUT: production with Redis, a cache every process shares). Off where the
cache is per process (several workers would not see each other's replacements) and in
development and tests, where rows change behind the ORM's back (demo.bulk, the seeders).
"""

import hashlib

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import token_cache

_GLOBAL_KEY = "review:reportable:global"


def cache_timeout() -> int:
    timeout = getattr(settings, "REVIEW_COUNT_CACHE_TIMEOUT", None)
    if timeout is None:
        timeout = getattr(settings, "ACCESS_CACHE_TIMEOUT", 0)
    return timeout or 0


def _organization_key(organization_id) -> str:
    return f"review:reportable:org:{organization_id}"


def _entry_key(organization_id, f, part: str) -> str:
    key = (
        f"review:reportable:{part}:{organization_id}:"
        f"{f.year or ''}:{f.series or ''}:{f.level or ''}"
    )
    if f.applicants is not None:
        # A resolved search: its accounts (read per request), not its text.
        accounts = ",".join(map(str, sorted(f.applicants)))
        key += ":a" + hashlib.sha256(accounts.encode()).hexdigest()[:32]
    return key


def cached_count(organization, f, publishes_notice: bool, count) -> int:
    """The count for the organization and filter: the cached one while its tokens are current,
    else count() (stored under the tokens read before it ran)."""
    return cached(organization, f, f"count:{int(publishes_notice)}", count)


def cached_tabs(organization, f, counts) -> dict:
    """The queue tabs' counts per state under the filter (without its state), kept like the
    reportable count: they read the organization's review rows and the plans, the same writes
    retire them."""
    return cached(organization, f, "tabs", counts)


def cached_notice_flags(organization, declaration_ids, compute) -> dict:
    """The public-notice flags of a queue page's declarations (selectors.notice_flags), kept
    under the same tokens as the counts: they read the organization's notices, their people and
    the objections, and every write to those replaces the organization's token."""
    timeout = cache_timeout()
    if not timeout:
        return compute()
    page = hashlib.sha256(",".join(map(str, declaration_ids)).encode()).hexdigest()[:32]
    return token_cache.cached(
        (_GLOBAL_KEY, _organization_key(organization.pk)),
        f"review:reportable:notice-flags:{organization.pk}:{page}",
        compute,
        timeout=timeout,
    )


def cached(organization, f, part: str, compute):
    """compute() for the organization and filter, served from the cache while both tokens are
    the ones it was stored with."""
    timeout = cache_timeout()
    if not timeout or f.matches_text:
        return compute()
    return token_cache.cached(
        (_GLOBAL_KEY, _organization_key(organization.pk)),
        _entry_key(organization.pk, f, part),
        compute,
        timeout=timeout,
    )


def forget(*organization_ids, everyone: bool = False) -> None:
    """Retire the cached counts of these organizations (everyone: of all), now and again when
    the transaction commits."""
    if not cache_timeout():
        return
    keys = {_organization_key(pk) for pk in organization_ids if pk is not None}
    if everyone:
        keys.add(_GLOBAL_KEY)
    token_cache.retire(keys)


# --- receivers --------------------------------------------------------------------------------


def _on_declaration_moved(*, declaration=None, events=(), organization=None, **kwargs):
    ids = {getattr(organization, "pk", organization)}
    if declaration is not None:
        ids.add(declaration.holder_id)
    ids.update(event.organization_id for event in events or ())
    forget(*ids)


def _on_declaration_saved(sender, instance, **kwargs):
    if instance.holder_id is not None:
        forget(instance.holder_id)


def _on_organization_row(sender, instance, **kwargs):
    forget(instance.organization_id)


def _on_organization(sender, instance, **kwargs):
    forget(instance.pk)


def _on_objection(sender, instance, **kwargs):
    if not cache_timeout():
        return
    from review.models import PublicNotice

    cached = instance._state.fields_cache.get("notice")
    if cached is not None:
        forget(cached.organization_id)
        return
    organization_id = (
        PublicNotice.objects.filter(pk=instance.notice_id)
        .values_list("organization_id", flat=True)
        .first()
    )
    forget(organization_id, everyone=organization_id is None)


def _on_notice_people(sender, instance, action, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # declaration.publicnotice_set changed: whose notices, not known here.
        forget(everyone=True)
    else:
        forget(instance.organization_id)


def _on_plan(sender, **kwargs):
    forget(everyone=True)


def connect_receivers() -> None:
    from declarations import workflow
    from declarations.models import Declaration, Plan
    from institutions.models import Organization
    from review.models import NoticeObjection, PublicNotice, Review

    workflow.declaration_moved.connect(
        _on_declaration_moved, dispatch_uid="review.reportable.declaration_moved"
    )
    post_save.connect(
        _on_declaration_saved, sender=Declaration, dispatch_uid="review.reportable.declaration"
    )
    m2m_changed.connect(
        _on_notice_people,
        sender=PublicNotice.declarations.through,
        dispatch_uid="review.reportable.notice_people",
    )
    # Saves only for review rows and objections: a delete listener would cost every cascade
    # through them (a declaration's, an account's) a SELECT, which a deletion's fast path saves.
    # They are deleted only with their declaration, notice or organization (not a service of
    # the queue); the entry's timeout bounds such an edit in the admin.
    post_save.connect(_on_organization_row, sender=Review, dispatch_uid="review.reportable.review")
    post_save.connect(
        _on_objection, sender=NoticeObjection, dispatch_uid="review.reportable.objection"
    )
    # Plans and organizations have delete listeners already; notices go with them.
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(
            _on_organization_row,
            sender=PublicNotice,
            dispatch_uid=f"review.reportable.notice.{name}",
        )
        signal.connect(_on_plan, sender=Plan, dispatch_uid=f"review.reportable.plan.{name}")
        signal.connect(
            _on_organization,
            sender=Organization,
            dispatch_uid=f"review.reportable.organization.{name}",
        )
