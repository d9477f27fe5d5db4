"""The figures of 统计分析: one selector per figure, each taking the viewer's Scope and the page's
filter. Every selector is a fixed number of aggregate queries (GROUP BY in the database), so a
figure costs the same whether the scope holds ten declarations or ten thousand.

Scope (who sees what) follows the access model (institutions.access), by capability:
- an administrator: every declaration;
- an HR bureau (APPROVE_UNITS): the declarations of units in its region and below, and what it
  holds or held itself (personal agency, a level of a path);
- a committee office (RECEIVE): the declarations of its committees' plans;
- a supervising or reporting department (DECIDE_PATHS): what it holds or held (its Review rows,
  as its queue lists them) and the declarations of the units whose effective routing path leads
  to it for the plan's series and level;
- anyone else (a unit, an applicant, an expert): no statistics (403).
"""

import datetime
import math
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from catalog.models import Series
from committee.models import Certificate, MeetingDeclaration
from declarations.models import Declaration, Plan
from declarations.sections import SECTIONS
from declarations.workflow import DeclarationStatus as S
from institutions import access
from institutions.models import OrgKind, RoutingPath
from review.models import Review, ReviewState, SectionResult

C = access.Capability


# --- scope and filter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What one viewer's statistics cover (see the module's docstring)."""

    kind: str  # ALL, REGION, COMMITTEE or DEPARTMENT
    organization_ids: tuple[int, ...] = ()
    region_prefix: str = ""
    label: str = ""

    ALL = "all"
    REGION = "region"
    COMMITTEE = "committee"
    DEPARTMENT = "department"

    def declarations_q(self) -> Q:
        """A filter on Declaration: the declarations of this scope."""
        if self.kind == self.ALL:
            return Q()
        ids = self.organization_ids
        held = Exists(Review.objects.filter(declaration=OuterRef("pk"), organization_id__in=ids))
        if self.kind == self.REGION:
            return Q(declaring_unit__region__code__startswith=self.region_prefix) | Q(held)
        if self.kind == self.COMMITTEE:
            return Q(plan__committee__office_id__in=ids) | Q(committee__office_id__in=ids)
        # DEPARTMENT
        below = Exists(
            RoutingPath.objects.filter(
                organization_id=OuterRef("declaring_unit_id"),
                target_id__in=ids,
                series_id=OuterRef("plan__series_id"),
                level_id=OuterRef("plan__level_id"),
                status=RoutingPath.Status.EFFECTIVE,
            )
        )
        return Q(held) | Q(below)


def scope_for(user) -> Scope:
    """The viewer's scope; PermissionDenied for roles without statistics."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if user.is_administrator:
        return Scope(Scope.ALL, label=_("全部"))
    organization = access.organization_of(user)
    if organization is None:
        raise PermissionDenied(_("您的账号无权查看统计分析。"))
    ids = (organization.pk,)
    if access.may(organization, C.APPROVE_UNITS):
        return Scope(
            Scope.REGION,
            ids,
            region_prefix=organization.region.code_prefix(),
            label=organization.region.full_name,
        )
    if access.may(organization, C.RECEIVE):
        return Scope(Scope.COMMITTEE, ids, label=organization.name)
    if access.may(organization, C.DECIDE_PATHS):
        return Scope(Scope.DEPARTMENT, ids, label=organization.name)
    raise PermissionDenied(_("您的账号无权查看统计分析。"))


def may_see_stats(user) -> bool:
    try:
        scope_for(user)
    except PermissionDenied:
        return False
    return True


def organization_sees_stats(organization) -> bool:
    """Whether an organization's accounts have statistics (scope_for's rule, without a query:
    the menu asks it on every page)."""
    return any(access.may(organization, c) for c in (C.APPROVE_UNITS, C.RECEIVE, C.DECIDE_PATHS))


@dataclass(frozen=True)
class StatsFilter:
    year: int | None = None
    series: int | None = None


def declarations(scope: Scope, f: StatsFilter):
    """The declarations of the scope under the filter (a queryset, for use inside queries)."""
    queryset = Declaration.objects.filter(scope.declarations_q())
    if f.year:
        queryset = queryset.filter(plan__year=f.year)
    if f.series:
        queryset = queryset.filter(plan__series_id=f.series)
    return queryset.order_by()


def _of_declarations(scope: Scope, f: StatsFilter, prefix: str = "declaration__") -> Q:
    """A filter on a model pointing at Declaration (prefix: the path to it)."""
    if scope.kind == Scope.ALL:
        q = Q()
        if f.year:
            q &= Q(**{f"{prefix}plan__year": f.year})
        if f.series:
            q &= Q(**{f"{prefix}plan__series_id": f.series})
        return q
    return Q(**{f"{prefix}in": declarations(scope, f).values("pk")})


@contextmanager
def analytic_queries():
    """Run the figures' queries without PostgreSQL's JIT compilation: their estimated cost
    (hashed subplans over every declaration) starts the JIT, whose compiling took 60-80 ms of a
    funnel query that runs in 10 ms on the 10,000-declaration benchmark. SET LOCAL needs a
    transaction and ends with it. Nothing on other databases."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def filter_choices() -> tuple[list[int], list[tuple[int, str]]]:
    """The years of the plans and the series (two queries)."""
    years = list(Plan.objects.order_by("-year").values_list("year", flat=True).distinct())
    series = list(Series.objects.order_by("sort_order", "code").values_list("pk", "name"))
    return years, series


# --- 1. the funnel by stage ---------------------------------------------------------------------

# The furthest stage a declaration has reached, from the workflow's states (declarations.workflow)
# and the committee's records: created → submitted → reviewed by its unit → reported up to a
# department → reported to the committee → passed the evaluation → certificate.
STAGES = (
    _l("草稿"),
    _l("已提交"),
    _l("单位审核"),
    _l("主管（呈报）部门"),
    _l("报送评委会"),
    _l("评审通过"),
    _l("获发证书"),
)
COMMITTEE_STATES = (
    S.AT_COMMITTEE,
    S.NOT_ACCEPTED,
    S.ACCEPTED,
    S.IN_EVALUATION,
    S.EVALUATION_PASSED,
    S.EVALUATION_FAILED,
    S.CONFIRMED,
    S.REVOKED,
)
PASSED_STATES = (S.EVALUATION_PASSED, S.CONFIRMED)
UNIT_STATES = (S.UNDER_REVIEW, S.PASSED, S.REJECTED)


def _stage() -> Case:
    return Case(
        When(
            Exists(Certificate.objects.filter(declaration=OuterRef("pk"), revoked_at__isnull=True)),
            then=Value(6),
        ),
        When(status__in=PASSED_STATES, then=Value(5)),
        When(Q(committee__isnull=False) | Q(status__in=COMMITTEE_STATES), then=Value(4)),
        When(
            Exists(Review.objects.filter(declaration=OuterRef("pk"), received_from__isnull=False)),
            then=Value(3),
        ),
        When(Q(review_started_at__isnull=False) | Q(status__in=UNIT_STATES), then=Value(2)),
        When(round__gte=1, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class FunnelRow:
    label: str
    reached: int  # declarations that reached this stage or a later one
    here: int  # declarations whose furthest stage is this one
    share: float | None  # reached / all, in percent


def funnel(scope: Scope, f: StatsFilter) -> list[FunnelRow]:
    """How many declarations reached each stage (one query)."""
    counts = dict.fromkeys(range(len(STAGES)), 0)
    for row in (
        declarations(scope, f).annotate(stage=_stage()).values("stage").annotate(n=Count("pk"))
    ):
        counts[row["stage"]] = row["n"]
    total = sum(counts.values())
    rows, reached = [], total
    for index, label in enumerate(STAGES):
        rows.append(
            FunnelRow(
                str(label),
                reached,
                counts[index],
                round(100 * reached / total, 1) if total else None,
            )
        )
        reached -= counts[index]
    return rows


# --- 2. by series and level; 3. by region -------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    label: str
    total: int
    submitted: int
    passed: int
    # The chart's label where the table's is long (a region's name without its province).
    short: str = ""


def _counts():
    return {
        "total": Count("pk"),
        "submitted": Count("pk", filter=Q(round__gte=1)),
        "passed": Count("pk", filter=Q(status__in=PASSED_STATES)),
    }


def by_series_level(scope: Scope, f: StatsFilter) -> list[CountRow]:
    """Declarations per series and level (one query)."""
    rows = (
        declarations(scope, f)
        .values(
            "plan__series__sort_order",
            "plan__series__name",
            "plan__level__rank",
            "plan__level__name",
        )
        .annotate(**_counts())
        .order_by("plan__series__sort_order", "plan__series__name", "plan__level__rank")
    )
    return [
        CountRow(
            f"{r['plan__series__name']} {r['plan__level__name']}",
            r["total"],
            r["submitted"],
            r["passed"],
        )
        for r in rows
    ]


def by_region(scope: Scope, f: StatsFilter) -> list[CountRow]:
    """Declarations per region of the declaring unit (one query)."""
    rows = (
        declarations(scope, f)
        .values(
            "declaring_unit__region__code",
            "declaring_unit__region__full_name",
            "declaring_unit__region__name",
        )
        .annotate(**_counts())
        .order_by("declaring_unit__region__code")
    )
    return [
        CountRow(
            r["declaring_unit__region__full_name"] or _("未选择申报单位"),
            r["total"],
            r["submitted"],
            r["passed"],
            short=r["declaring_unit__region__name"] or "",
        )
        for r in rows
    ]


# --- 4. returns by section and reason -----------------------------------------------------------


@dataclass(frozen=True)
class SectionRow:
    section: str
    failures: int  # section results marked 不通过
    declarations: int  # distinct declarations concerned


@dataclass(frozen=True)
class ReasonRow:
    section: str
    reason: str
    count: int


def _section_title(code: str) -> str:
    spec = SECTIONS.get(code)
    return str(spec.title) if spec else code


def returns_by_section(scope: Scope, f: StatsFilter) -> list[SectionRow]:
    """Failed section results per section, most frequent first (one query)."""
    rows = (
        SectionResult.objects.filter(_of_declarations(scope, f), passed=False)
        .values("code")
        .annotate(failures=Count("pk"), declarations=Count("declaration_id", distinct=True))
        .order_by("-failures", "code")
    )
    return [SectionRow(_section_title(r["code"]), r["failures"], r["declarations"]) for r in rows]


def top_reasons(scope: Scope, f: StatsFilter, *, top: int = 10) -> list[ReasonRow]:
    """The most frequent reasons for failing a section (one query)."""
    rows = (
        SectionResult.objects.filter(_of_declarations(scope, f), passed=False)
        .values("code", "reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "code", "reason")[:top]
    )
    return [ReasonRow(_section_title(r["code"]), r["reason"], r["n"]) for r in rows]


# --- 5. days at each level ----------------------------------------------------------------------


@dataclass(frozen=True)
class DaysRow:
    level: str
    count: int  # reviews that left this level (reported up, returned or rejected)
    median: float | None
    p90: float | None


class Percentile(Aggregate):
    """PostgreSQL's PERCENTILE_CONT(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


class EpochDays(Func):
    """A duration in days (PostgreSQL)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)"
    output_field = FloatField()


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PERCENTILE_CONT in Python (linear interpolation between the nearest ranks), for databases
    without it (SQLite)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _left_at() -> Case:
    """When a review left its organization: reported up, returned or rejected; at a committee
    office, accepted too (its Review turns PASSED on 受理, committee.services.acceptance)."""
    return Case(
        When(state=ReviewState.REPORTED, then=F("reported_at")),
        When(state__in=(ReviewState.RETURNED, ReviewState.REJECTED), then=F("decided_at")),
        When(
            state=ReviewState.PASSED,
            organization__kind__in=access.kinds_with(C.RECEIVE),
            then=F("decided_at"),
        ),
        default=None,
        output_field=DateTimeField(),
    )


LEVEL_ORDER = (
    OrgKind.UNIT,
    OrgKind.HR_BUREAU,
    OrgKind.SUPERVISING,
    OrgKind.REPORTING,
    OrgKind.COMMITTEE_OFFICE,
)


def days_at_level(scope: Scope, f: StatsFilter) -> list[DaysRow]:
    """Days from arrival to leaving (reported up, returned, rejected; accepted by a committee
    office) per kind of organization:
    median and 90th percentile. PostgreSQL computes them (PERCENTILE_CONT); other databases
    fetch the durations in one query and compute them here (percentile_cont)."""
    reviews = (
        Review.objects.filter(_of_declarations(scope, f))
        .annotate(left_at=_left_at())
        .filter(left_at__isnull=False)
        .order_by()
    )
    found: dict[str, tuple[int, float | None, float | None]] = {}
    if connection.vendor == "postgresql":
        days = EpochDays(
            ExpressionWrapper(F("left_at") - F("arrived_at"), output_field=DurationField())
        )
        for r in reviews.values("organization__kind").annotate(
            n=Count("pk"), median=Percentile(days, 0.5), p90=Percentile(days, 0.9)
        ):
            found[r["organization__kind"]] = (r["n"], r["median"], r["p90"])
    else:
        durations: dict[str, list[float]] = {}
        for kind, arrived, left in reviews.values_list(
            "organization__kind", "arrived_at", "left_at"
        ):
            durations.setdefault(kind, []).append((left - arrived) / datetime.timedelta(days=1))
        for kind, values in durations.items():
            found[kind] = (len(values), percentile_cont(values, 0.5), percentile_cont(values, 0.9))
    rows = []
    for kind in LEVEL_ORDER:
        if kind in found:
            n, median, p90 = found[kind]
            rows.append(
                DaysRow(
                    str(OrgKind(kind).label),
                    n,
                    None if median is None else round(median, 1),
                    None if p90 is None else round(p90, 1),
                )
            )
    return rows


# --- 6. pass rates per committee and year -------------------------------------------------------


@dataclass(frozen=True)
class PassRow:
    committee: str
    year: int
    evaluated: int
    passed: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.passed / self.evaluated, 1) if self.evaluated else None

    @property
    def label(self) -> str:
        """The chart's label: the year first, so that a shortened label keeps it."""
        return f"{self.year} {self.committee}"


def pass_rates(scope: Scope, f: StatsFilter) -> list[PassRow]:
    """Evaluations with a result per committee and plan year, and how many passed (one query)."""
    q = _of_declarations(scope, f)
    rows = (
        MeetingDeclaration.objects.filter(q, passed__isnull=False)
        .values("meeting__plan__year", "meeting__committee__name")
        .annotate(evaluated=Count("pk"), passed_count=Count("pk", filter=Q(passed=True)))
        .order_by("-meeting__plan__year", "meeting__committee__name")
    )
    return [
        PassRow(
            r["meeting__committee__name"],
            r["meeting__plan__year"],
            r["evaluated"],
            r["passed_count"],
        )
        for r in rows
    ]
