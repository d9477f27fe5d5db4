"""Queries the review pages use: queues with their filters and counts, and the one
fetch-with-permission helper for a declaration under review."""

import datetime
import functools
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import BooleanField, Count, Exists, Expression, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Upper
from django.db.models.lookups import Exact
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import User
from catalog.models import Level, Series
from core.prepared import prepared
from declarations import kept, workflow
from declarations.models import Declaration, DeclarationEvent, Plan, Submission
from declarations.services import kept_per_version
from declarations.workflow import Action
from institutions import access
from review import reportable
from review.models import (
    QUEUE_STATES,
    NoticeObjection,
    PublicNotice,
    Review,
    ReviewState,
    SectionResult,
)

# Committee offices see the declarations reported to them (their inbox) the same way.
QUEUE_CAPABILITIES = (access.Capability.REVIEW, access.Capability.RECEIVE)


@dataclass(frozen=True)
class QueueFilter:
    year: int | None = None
    series: int | None = None
    level: int | None = None
    state: str | None = None
    q: str = ""
    # The accounts the search q matched, once resolve_search() has read them (None: not read,
    # or too many: the queries then join the applicant and match q themselves).
    applicants: tuple[int, ...] | None = None

    @property
    def matches_text(self) -> bool:
        """Whether the queries match the search text themselves (not resolved to accounts):
        they cannot be compiled or kept, and PostgreSQL plans them with the text."""
        return bool(self.q) and self.applicants is None


# A search matching more accounts than this (a single common character) is matched in the
# queue's own queries, as a join, rather than as a list of ids.
SEARCH_ACCOUNTS_MAX = 50


def resolve_search(f: QueueFilter) -> QueueFilter:
    """f with the accounts its search matches read now (one query on the accounts alone, by the
    trigram index on the name or the unique index on the ID number): the queue's queries then
    take them as ids, which are compiled once (core.prepared), planned once by PostgreSQL and
    kept in the shared cache like the other filters' (review.reportable); with the text in
    them each was planned afresh (a name search's reportable count: 5.5 ms of planning for
    0.9 ms of execution on the bench data). The same rows either way: the accounts are read
    in the same request."""
    if not f.q or f.applicants is not None:
        return f
    ids = list(
        User.objects.filter(search_q(f.q))
        .order_by("pk")
        .values_list("pk", flat=True)[: SEARCH_ACCOUNTS_MAX + 1]
    )
    if len(ids) > SEARCH_ACCOUNTS_MAX:
        return f
    return replace(f, applicants=tuple(ids))


def is_id_number_search(q: str) -> bool:
    """Whether a search box's text is an ID number rather than a name: ASCII letters and digits
    only, with at least one digit (身份证号, passport and other ID numbers all have digits;
    names have none, and are mostly Chinese)."""
    q = q.strip()
    return q.isascii() and q.isalnum() and any(c.isdigit() for c in q)


def search_q(q: str, prefix: str = "") -> Q:
    """The queues' search rule, as a filter on the applicant (prefix: the path to it). Text
    with a digit is an ID number, matched whole in any case (身份证号's final x or X) by the
    unique index on UPPER(id_number); any other text is part of a name (contains, any case:
    on PostgreSQL a trigram index serves searches of three characters or more)."""
    q = q.strip()
    if is_id_number_search(q):
        # UPPER(id_number) = 'Q' (and not null) is the unique index's expression and condition,
        # on SQLite as on PostgreSQL (iexact is a LIKE on SQLite, which no index serves).
        return Q(Exact(Upper(f"{prefix}id_number"), q.upper())) & Q(
            **{f"{prefix}id_number__isnull": False}
        )
    return Q(NameContains(f"{prefix}name", q))


class NameContains(Expression):
    """UPPER(name) LIKE '%Q%' (icontains). On PostgreSQL the pattern is written into the query
    as a quoted literal rather than bound: with parameters bound on the server, a statement run
    five times is prepared and PostgreSQL may settle on a generic plan, which cannot know the
    pattern and scans every account instead of using the trigram index (5 ms against 0.9 ms on
    10,000 accounts). A literal gives each search its own plan."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, text: str):
        super().__init__()
        self.column = F(column)
        self.text = text

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        [self.column] = exprs

    def _pattern(self, connection):
        return "%" + connection.ops.prep_for_like_query(self.text.upper()) + "%"

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"UPPER({column}) LIKE %s ESCAPE '\\'", [*params, self._pattern(connection)]

    def as_postgresql(self, compiler, connection):
        from psycopg import sql

        column, params = compiler.compile(self.column)
        connection.ensure_connection()  # quoting follows the open connection's encoding
        literal = sql.Literal(self._pattern(connection)).as_string(connection.connection)
        # psycopg reads % as the start of a placeholder in a query with parameters.
        return f"UPPER({column}::text) LIKE {literal.replace('%', '%%')}", params


def _filtered(organization, f: QueueFilter, *, with_state: bool = True):
    reviews = Review.objects.filter(organization=organization).exclude(state=ReviewState.WITHDRAWN)
    if f.year:
        reviews = reviews.filter(declaration__plan__year=f.year)
    if f.series:
        reviews = reviews.filter(declaration__plan__series_id=f.series)
    if f.level:
        reviews = reviews.filter(declaration__plan__level_id=f.level)
    if f.applicants is not None:
        reviews = reviews.filter(declaration__applicant_id__in=list(f.applicants))
    elif f.q:
        reviews = reviews.filter(search_q(f.q, "declaration__applicant__"))
    if with_state and f.state:
        reviews = reviews.filter(state=f.state)
    return reviews


# A review row with what its pages print: the declaration, applicant, plan (str(plan) names the
# region: without it, one query per row), declaring unit, holder and sender.
ROW_RELATED = (
    "declaration__applicant",
    "declaration__plan__series",
    "declaration__plan__level",
    "declaration__plan__region",
    "declaration__declaring_unit",
    "declaration__holder",
    "received_from",
)


def queue(organization, f: QueueFilter):
    """The organization's queue: one row per declaration it holds or has held."""
    return _filtered(organization, f).select_related(*ROW_RELATED).order_by("-arrived_at", "-pk")


def catalog_options() -> tuple[list, list]:
    """The queue filter's series and levels. With the shared cache on (review.reportable) they
    are kept in this process under the catalog version (declarations.services
    .kept_per_version): one cache read instead of two queries a page."""

    def load():
        return list(Series.objects.all()), list(Level.objects.all())

    timeout = reportable.cache_timeout()
    if not timeout:
        return load()
    return kept_per_version("review:catalog-options", load, timeout=timeout)


def queue_counts(organization, f: QueueFilter) -> dict[str, int]:
    """How many declarations in each queue state under the other filters (one query, or none
    while the shared cache holds them: review/reportable.py)."""

    def count() -> dict[str, int]:
        counts = dict.fromkeys(QUEUE_STATES, 0)
        for row in (
            _filtered(organization, f, with_state=False)
            .order_by()
            .values("state")
            .annotate(n=Count("pk"))
        ):
            if row["state"] in counts:
                counts[row["state"]] = row["n"]
        return counts

    return reportable.cached_tabs(organization, f, count)


def _reportable(organization, f: QueueFilter, publishes_notice: bool | None = None):
    reviews = _filtered(organization, f, with_state=False).filter(
        workflow.held_for_q(organization, Action.REPORT, "declaration__"),
        state=ReviewState.PASSED,
    )
    if publishes_notice is None:
        publishes_notice = access.may(organization, access.Capability.PUBLISH_NOTICE)
    if publishes_notice:
        # A unit reports only what its public notice has cleared (the rule report_declarations
        # enforces).
        reviews = reviews.filter(notice_cleared(organization, "declaration_id"))
    return reviews


def reportable_ids(organization, f: QueueFilter) -> list[int]:
    """Ids of the declarations matching the filter that this organization may report now."""
    return list(_reportable(organization, f).values_list("declaration_id", flat=True))


def reportable_count(organization, f: QueueFilter) -> int:
    """How many there are (the queue's 上报全部符合条件的（N） button), without loading them:
    counted by the database, or with REVIEW_COUNT_CACHE_TIMEOUT kept in the shared cache until
    a write it reads retires it (review/reportable.py). Display only: report_declarations
    checks each declaration itself."""
    publishes_notice = access.may(organization, access.Capability.PUBLISH_NOTICE)

    def count() -> int:
        if f.applicants == ():
            return 0  # a search that matched nobody (an empty IN has no SQL)
        sql, params = _reportable_count_sql(organization, f, publishes_notice)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    return reportable.cached_count(organization, f, publishes_notice, count)


@functools.lru_cache(maxsize=1024)
def _reportable_count_sql(organization, f: QueueFilter, publishes_notice: bool):
    """The text of reportable_count's query. Only the text is kept (per organization, filter
    and whether the notice rule applies, which is all it depends on), never a count: compiling
    the notice rule's nested EXISTS costs ~3 ms of CPU, more than running it."""
    reviews = _reportable(organization, f, publishes_notice).order_by().values("pk")
    sql, params = reviews.query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) reportable", tuple(params)


# The rows the review page shows beside the review; the plan and the organizations come from
# the kept configuration rows when the shared cache is on (declarations.kept).
REVIEW_PAGE_RELATED = (*ROW_RELATED, "declaration__committee")


@prepared
def _review_for_page(*, declaration, organization):
    """The organization's review row of the declaration (unless withdrawn), with what the review
    page shows (compiled once: core.prepared)."""
    return kept.related(
        Review.objects.filter(declaration_id=declaration, organization_id=organization).exclude(
            state=ReviewState.WITHDRAWN
        ),
        *REVIEW_PAGE_RELATED,
    )


def get_declaration_for_reviewer(user, pk: int) -> tuple[Declaration, Review]:
    """A declaration the user's organization holds or has held, with that organization's review
    row. Anything else, including an id that exists elsewhere, is not found."""
    organization = access.require_organization(user, *QUEUE_CAPABILITIES)
    # One row at most (one_review_per_organization).
    reviews = _review_for_page(declaration=int(pk), organization=organization.pk)
    if not reviews:
        raise Http404(_("未找到该申报，或该申报不在本单位审核范围内。"))
    review = reviews[0]
    kept.attach([review], *REVIEW_PAGE_RELATED)
    review.organization = organization  # the user's own, read already: no join for it
    return review.declaration, review


@prepared
def _round_results(*, declaration, organization, round):
    return SectionResult.objects.filter(
        declaration_id=declaration, organization_id=organization, round=round
    )


def round_results(declaration: Declaration, organization) -> dict[str, SectionResult]:
    """This organization's section results in the declaration's current round, by section."""
    return {
        r.code: r
        for r in _round_results(
            declaration=declaration.pk, organization=organization.pk, round=declaration.round
        )
    }


@kept.prepared_fetch("organization", "reviewer")
def section_results(*, declaration):
    """Every section result of the declaration, newest round first (the review page's cards:
    this organization's and the earlier ones), with who recorded it."""
    return SectionResult.objects.filter(declaration_id=declaration).order_by(
        "-round", "organization_id", "pk"
    )


def returned_round(declaration: Declaration) -> int | None:
    """The round before this one, if it ended with a return (so the reviewer can see what
    changed since)."""
    if declaration.round < 2:
        return None
    returned = DeclarationEvent.objects.filter(
        declaration=declaration,
        action__in=(Action.RETURN, Action.COMMITTEE_RETURN),
        details__round=declaration.round - 1,
    ).exists()
    return declaration.round - 1 if returned else None


def snapshots(declaration: Declaration, rounds) -> dict[int, dict]:
    return dict(
        Submission.objects.filter(declaration=declaration, round__in=list(rounds)).values_list(
            "round", "snapshot"
        )
    )


def notices_for(organization, plan=None):
    notices = PublicNotice.objects.filter(organization=organization).select_related(
        "plan__series", "plan__level", "plan__region", "created_by"
    )
    if plan is not None:
        notices = notices.filter(plan=plan)
    return notices.annotate(people=Count("declarations")).order_by("-created_at")


def get_notice_for_unit(user, pk: int) -> PublicNotice:
    organization = access.require_organization(user, access.Capability.PUBLISH_NOTICE)
    try:
        return PublicNotice.objects.select_related(
            "plan__series", "plan__level", "plan__region", "organization"
        ).get(pk=pk, organization=organization)
    except PublicNotice.DoesNotExist:
        raise Http404(_("未找到该公示。")) from None


# --- queue page, notices and reporting (review/views/queue.py, review/views/notices.py) -------


def mask_id_number(value: str | None) -> str:
    """身份证号 with its middle hidden: first 6, ******, last 4 (short numbers as they are)."""
    value = value or ""
    if len(value) <= 10:
        return value
    return f"{value[:6]}******{value[-4:]}"


def _notice_exists(organization, outcome, ref="declaration_id"):
    """Whether the declaration (OuterRef(ref)) is in a notice of the organization with this
    outcome (or one of these outcomes)."""
    outcomes = [outcome] if isinstance(outcome, str) else list(outcome)
    return Exists(
        PublicNotice.declarations.through.objects.filter(
            declaration_id=OuterRef(ref),
            publicnotice__organization=organization,
            publicnotice__outcome__in=outcomes,
        )
    )


def queue_page_ids(organization, f: QueueFilter):
    """The queue's order as review ids only (a page slices it): on the narrow review table with
    its (organization, [state,] arrived_at, id) indexes, joined only where a filter needs it."""
    return (
        _filtered(organization, f)
        .order_by("-arrived_at", "-pk")
        .values_list("pk", "declaration_id", named=True)
    )


def queue_page_keys(organization, f: QueueFilter, start: int, stop: int) -> list:
    """queue_page_ids()[start:stop] as (review id, declaration id) pairs. Without a search the
    query is compiled once per filter combination and page (core.prepared), a resolved
    search's too (its accounts as ids); an unresolved one's is built for its text each time
    (NameContains writes the text into the SQL)."""
    if f.matches_text:
        return list(queue_page_ids(organization, f)[start:stop])
    filters = {
        name: value
        for name, value in (("year", f.year), ("series", f.series), ("level", f.level))
        if value
    }
    if f.state:
        filters["state"] = f.state
    if f.applicants is not None:
        filters["applicants"] = list(f.applicants)
    return _queue_page_keys(organization=organization.pk, page=slice(start, stop), **filters)


@prepared
def _queue_page_keys(*, organization, page, **filters):
    return (
        _filtered(organization, QueueFilter(**filters))
        .order_by("-arrived_at", "-pk")
        .values_list("pk", "declaration_id")[page]
    )


# What a queue row shows (review/queue.html): the page loads these columns and no others.
QUEUE_ROW_FIELDS = (
    "declaration_id",
    "organization_id",
    "state",
    "arrived_at",
    "received_from__name",
    "declaration__applicant_id",
    "declaration__plan_id",
    "declaration__status",
    "declaration__holder_id",
    "declaration__declaring_unit_id",
    "declaration__applicant__name",
    "declaration__applicant__id_number",
    "declaration__plan__year",
    "declaration__plan__series__name",
    "declaration__plan__level__name",
    "declaration__declaring_unit__name",
)


# Joined for a queue row, or, for the plan and the organizations, taken from the kept
# configuration rows (declarations.kept).
QUEUE_ROW_RELATED = (
    "declaration__applicant",
    "declaration__plan__series",
    "declaration__plan__level",
    "declaration__declaring_unit",
    "received_from",
)


def queue_page_rows(organization, keys) -> list[Review]:
    """The rows of one queue page (keys: a page of queue_page_ids, kept in its order) with what
    the page shows, in a fixed number of queries whatever the page: the row's declaration,
    applicant, plan with its series and level, declaring unit and sender (one query), and for
    a unit the notice flags (noticed, notice_pending, objection_open: notice_flags)."""
    keys = list(keys)
    if not keys:
        return []
    by_id = {row.pk: row for row in _queue_rows(reviews=[key[0] for key in keys])}
    rows = [by_id[key[0]] for key in keys if key[0] in by_id]
    kept.attach(rows, *QUEUE_ROW_RELATED)
    if access.may(organization, access.Capability.PUBLISH_NOTICE):
        ids = [row.declaration_id for row in rows]
        flags = reportable.cached_notice_flags(
            organization, ids, lambda: notice_flags(organization, ids)
        )
        for row in rows:
            row.noticed, row.notice_pending, row.objection_open = flags[row.declaration_id]
    return rows


def queue_page_queryset(review_ids):
    """queue_page_rows' query of the rows."""
    return kept.related(
        Review.objects.filter(pk__in=review_ids), *QUEUE_ROW_RELATED, only=QUEUE_ROW_FIELDS
    )


@prepared
def _queue_rows(*, reviews):
    return queue_page_queryset(reviews)


def notice_flags(organization, declaration_ids) -> dict[int, tuple[bool, bool, bool]]:
    """For each of a page's declarations: whether a notice of the organization cleared it
    (noticed: the rule of _notice_passed), one is still running (notice_pending) and an
    objection against it waits to be handled (objection_open: _objection_open). The same rule
    as those filters, worked out from the page's notice and objection rows: two small queries
    without the nested EXISTS that cost milliseconds to compile and plan
    (tests/review/test_notice_rules.py checks that both agree)."""
    ids = list(declaration_ids)
    if not ids:
        return {}
    Outcome, Handling = PublicNotice.Outcome, NoticeObjection.Handling
    notices = PublicNotice.declarations.through.objects.filter(
        declaration_id__in=ids, publicnotice__organization=organization
    ).values_list(
        "declaration_id", "publicnotice_id", "publicnotice__outcome", "publicnotice__created_at"
    )
    objections: dict[int, list[tuple]] = {}
    for declaration_id, *objection in NoticeObjection.objects.filter(
        declaration_id__in=ids, notice__organization=organization
    ).values_list("declaration_id", "notice_id", "handling", "handled_at"):
        objections.setdefault(declaration_id, []).append(objection)
    noticed, pending = set(), set()
    for declaration_id, notice_id, outcome, created_at in notices:
        against = objections.get(declaration_id, ())
        if outcome == Outcome.PENDING:
            pending.add(declaration_id)
        standing = any(n == notice_id and h != Handling.UNFOUNDED for n, h, _at in against)
        founded_since = any(
            h in (Handling.RETURNED, Handling.REJECTED) and at is not None and at >= created_at
            for _n, h, at in against
        )
        cleared = outcome == Outcome.NO_OBJECTION or (outcome == Outcome.OBJECTION and not standing)
        if cleared and not founded_since:
            noticed.add(declaration_id)
    return {
        pk: (
            pk in noticed,
            pk in pending,
            any(h == Handling.OPEN for _n, h, _at in objections.get(pk, ())),
        )
        for pk in ids
    }


def reportable_declarations(organization, ids):
    """Of the given ids, the declarations this organization may report now, with what the
    confirmation page shows (series, level, name)."""
    return (
        Declaration.objects.filter(
            workflow.held_for_q(organization, Action.REPORT),
            pk__in=list(ids),
            reviews__organization=organization,
            reviews__state=ReviewState.PASSED,
        )
        .select_related("applicant", "plan__series", "plan__level")
        .order_by("plan__series__sort_order", "plan__level__rank", "applicant__name", "pk")
    )


def _notice_passed(organization, ref="declaration_id"):
    """Whether a notice of the organization that ran to its end covers the declaration
    (OuterRef(ref)) without an objection against it that still counts: 公示无异议, or 有异议
    where the objection was not about this person or was checked and found unfounded. A
    founded objection (the declaration returned or rejected over it) also voids the notices
    registered before it was handled: after it, the person needs a new notice."""
    Through = PublicNotice.declarations.through
    Handling = NoticeObjection.Handling
    standing = NoticeObjection.objects.filter(
        notice_id=OuterRef("publicnotice_id"), declaration_id=OuterRef("declaration_id")
    ).exclude(handling=Handling.UNFOUNDED)
    founded_since = NoticeObjection.objects.filter(
        declaration_id=OuterRef("declaration_id"),
        notice__organization=organization,
        handling__in=(Handling.RETURNED, Handling.REJECTED),
        handled_at__gte=OuterRef("publicnotice__created_at"),
    )
    return Exists(
        Through.objects.filter(
            declaration_id=OuterRef(ref), publicnotice__organization=organization
        )
        .annotate(standing_objection=Exists(standing), founded_since=Exists(founded_since))
        .filter(
            Q(publicnotice__outcome=PublicNotice.Outcome.NO_OBJECTION)
            | Q(publicnotice__outcome=PublicNotice.Outcome.OBJECTION, standing_objection=False),
            founded_since=False,
        )
    )


def _objection_open(organization, ref="declaration_id"):
    """Whether an objection raised in a notice of the organization against the declaration
    (OuterRef(ref)) is still waiting for the unit to record how it was handled."""
    return Exists(
        NoticeObjection.objects.filter(
            declaration_id=OuterRef(ref),
            notice__organization=organization,
            handling=NoticeObjection.Handling.OPEN,
        )
    )


def notice_cleared(organization, ref="pk") -> Q:
    """The one notice rule for a unit's reporting, as a filter on the declaration (ref names
    its id: "pk" on Declaration, "declaration_id" on Review): a notice of the unit ran to its
    end without a standing objection against the declaration, and no objection against it is
    waiting to be handled. report_declarations (through unnoticed_names), the confirmation page
    and the queue's 上报全部符合条件的（N） all use it.

    Only the declaring unit publishes a notice of its declarants (S3: 各单位…在本单位进行…公示;
    an HR bureau for the freelancers it accepts): a level above (a Huzhou HR bureau 审核推荐
    what departments reported) is not asked for one."""
    declaring_unit = _DECLARING_UNIT_OF[ref]
    return ~Q(**{declaring_unit: organization}) | (
        Q(_notice_passed(organization, ref)) & ~Q(_objection_open(organization, ref))
    )


# The declaring unit of the declaration a notice_cleared ref names.
_DECLARING_UNIT_OF = {"pk": "declaring_unit", "declaration_id": "declaration__declaring_unit"}


def unnoticed_names(organization, ids) -> list[str]:
    """Names of the declarations among ids that this unit's public notice has not cleared
    (notice_cleared): the rule report_declarations enforces and the confirmation page shows in
    advance."""
    return list(
        Declaration.objects.filter(pk__in=list(ids))
        .exclude(notice_cleared(organization, "pk"))
        .order_by("applicant__name")
        .values_list("applicant__name", flat=True)
    )


def pass_dates(organization, ids) -> dict[int, tuple[str, datetime.date]]:
    """For each declaration among ids, the applicant's name and the day this organization
    passed it (its review row's decision; a row without one counts from its arrival, before
    which it cannot have been passed). A notice of these people cannot start earlier."""
    rows = Review.objects.filter(organization=organization, declaration_id__in=list(ids))
    return {
        pk: (name, timezone.localdate(decided_at or arrived_at))
        for pk, name, decided_at, arrived_at in rows.values_list(
            "declaration_id", "declaration__applicant__name", "decided_at", "arrived_at"
        )
    }


def open_objection_names(organization, ids) -> list[str]:
    """Names of the declarations among ids with an objection still to be handled."""
    return list(
        Declaration.objects.filter(pk__in=list(ids))
        .filter(_objection_open(organization, "pk"))
        .order_by("applicant__name")
        .values_list("applicant__name", flat=True)
    )


def notice_plans(organization):
    """Plans for which the unit holds declarations passed and waiting to be reported."""
    return (
        Plan.objects.filter(
            pk__in=Declaration.objects.filter(
                workflow.held_for_q(organization, Action.REPORT), declaring_unit=organization
            ).values("plan_id")
        )
        .select_related("series", "level", "region")
        .order_by("-year", "series__sort_order", "level__rank")
    )


def notice_candidates(organization, plan, *, exclude_notice=None):
    """The unit's 已通过待上报 declarations of the plan, the people a new notice lists: with
    the day the unit passed each (passed_at), whether another running notice or one that
    cleared them already covers them (noticed), and whether an objection against them waits to
    be handled (objection_open). exclude_notice: the notice being corrected (it does not count
    as another one)."""
    if plan is None:
        return Declaration.objects.none()
    running = PublicNotice.declarations.through.objects.filter(
        declaration_id=OuterRef("pk"),
        publicnotice__organization=organization,
        publicnotice__outcome=PublicNotice.Outcome.PENDING,
    )
    if exclude_notice is not None:
        running = running.exclude(publicnotice_id=exclude_notice.pk)
    passed_at = (
        Review.objects.filter(declaration_id=OuterRef("pk"), organization=organization)
        .annotate(on=Coalesce("decided_at", "arrived_at"))
        .values("on")[:1]
    )
    return (
        Declaration.objects.filter(
            workflow.held_for_q(organization, Action.REPORT),
            plan=plan,
            # A notice lists the declaring unit's own declarants (notice_cleared).
            declaring_unit=organization,
        )
        .select_related("applicant")
        .annotate(
            noticed=Q(Exists(running)) | Q(_notice_passed(organization, "pk")),
            objection_open=_objection_open(organization, "pk"),
            passed_at=Subquery(passed_at),
        )
        .order_by("applicant__name", "pk")
    )


def notice_people(notice: PublicNotice):
    """The declarations a notice lists, with what its page and its 公示表 show."""
    return (
        notice.declarations.select_related(
            "applicant", "plan__series", "plan__level", "declaring_unit"
        )
        .annotate(
            unit_state=Subquery(
                Review.objects.filter(
                    declaration_id=OuterRef("pk"), organization_id=notice.organization_id
                ).values("state")[:1]
            )
        )
        .order_by("applicant__name", "pk")
    )


def earliest_notice_end(start, days: int = 5):
    """The first end date that gives a notice starting on start the given number of working
    days (weekends and holidays excluded, moved working days counted; one query)."""
    from review.models import Holiday

    horizon = start + datetime.timedelta(days=days * 3 + 30)
    exceptions = dict(
        Holiday.objects.filter(date__range=(start, horizon)).values_list("date", "is_workday")
    )
    day, counted = start, 0
    while day <= horizon:
        if exceptions.get(day, day.weekday() < 5):
            counted += 1
            if counted == days:
                return day
        day += datetime.timedelta(days=1)
    return horizon


def notice_objections(notice: PublicNotice) -> list[NoticeObjection]:
    """The objections of a notice with the person each is against and who handled it."""
    return list(
        notice.objections.select_related("declaration__applicant", "handled_by").order_by(
            "declaration__applicant__name", "pk"
        )
    )
