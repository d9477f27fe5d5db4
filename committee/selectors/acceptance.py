"""Queries of acceptance (受理) and fees (收费): the office's inbox by report batch, the
declarations and plans an office may act on (outsiders get 404), payments, and the one rule of
which accepted declarations are ready for a meeting (ready_for_meeting)."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from catalog.models import Title
from committee.models import FeeSetting, Payment
from core.prepared import prepared
from declarations import kept
from declarations.models import Declaration, DeclarationSection, DeclarationStatus, Plan
from institutions import access
from review import reportable
from review.models import ReportBatch, Review
from review.selectors import QueueFilter

S = DeclarationStatus
Cap = access.Capability

# The inbox pages by declaration, not by batch: a batch may hold a thousand.
INBOX_ROWS_PER_PAGE = 30
PAYMENTS_PER_PAGE = 50


def office_of(user, capability: str):
    """The committee office the user acts for, able to `capability`; otherwise 403."""
    return access.require_organization(user, capability)


# --- the inbox --------------------------------------------------------------------------------


def _waiting(office, batch_ref):
    """The declarations of the batch (OuterRef(batch_ref)) still waiting for the office's
    acceptance."""
    return Review.objects.filter(
        batch=OuterRef(batch_ref),
        declaration__holder_id=getattr(office, "pk", office),
        declaration__status=S.AT_COMMITTEE,
    )


def inbox_ids(office, *, pending_only: bool = True):
    """The declarations reported to the office, one row each (the sender's review row names the
    batch it last came in), as ids in the inbox's order: newest batch first, by name within a
    batch. pending_only: only the batches with some still waiting for acceptance."""
    return _inbox_ids_of(office.pk, pending_only=pending_only)


def inbox_page_ids(office, start: int, stop: int, *, pending_only: bool = True) -> list[int]:
    """inbox_ids()[start:stop], compiled once per page (core.prepared). With the shared cache
    on, kept under the office's tokens as the inbox's counts are (review.reportable): the ids
    and their order change only with a report to the office or a move of a declaration it
    holds, which replace them (the rows themselves are read per request)."""
    query = _pending_inbox_ids if pending_only else _all_inbox_ids
    return reportable.cached(
        office,
        QueueFilter(),
        f"inbox-page:{int(pending_only)}:{int(start)}:{int(stop)}",
        lambda: query(office=office.pk, page=slice(start, stop)),
    )


@prepared
def _pending_inbox_ids(*, office, page):
    return _inbox_ids_of(office, pending_only=True)[page]


@prepared
def _all_inbox_ids(*, office, page):
    return _inbox_ids_of(office, pending_only=False)[page]


def _inbox_ids_of(office_id, *, pending_only):
    rows = Review.objects.filter(batch__to_organization_id=office_id)
    if pending_only:
        rows = rows.filter(Exists(_waiting(office_id, "batch_id")))
    return rows.order_by(
        "-batch__created_at", "-batch_id", "declaration__applicant__name", "declaration_id"
    ).values_list("pk", flat=True)


@dataclass
class InboxRow:
    declaration: Declaration
    title: str
    payment: Payment | None
    decidable: bool


@dataclass
class InboxBatch:
    batch: ReportBatch
    rows: list[InboxRow] = field(default_factory=list)


@prepared
def _applied_titles(*, declarations):
    return DeclarationSection.objects.filter(
        declaration_id__in=declarations, code="declaration_info"
    ).values_list("declaration_id", "data__title")


def title_names(declaration_ids) -> dict[int, str]:
    """The title applied for (declaration_info's 申报资格) of each declaration: two queries, or
    one with the titles kept (declarations.kept)."""
    wanted = {}
    for declaration_id, title in _applied_titles(declarations=list(declaration_ids)):
        if isinstance(title, int):
            wanted[declaration_id] = title
    if kept.on():
        names = {pk: t.name for pk, t in kept.by_id(Title, set(wanted.values())).items()}
    else:
        names = dict(
            Title.objects.filter(pk__in=set(wanted.values())).order_by().values_list("pk", "name")
        )
    return {d: names.get(t, "") for d, t in wanted.items()}


def current_payments(declarations) -> dict[int, Payment]:
    """The payment of each declaration's current round, by declaration id (one query)."""
    rounds = {d.pk: d.round for d in declarations}
    if not rounds:
        return {}
    payments = _payments_of(declarations=list(rounds))
    return {p.declaration_id: p for p in payments if rounds.get(p.declaration_id) == p.round}


@prepared
def _payments_of(*, declarations):
    return Payment.objects.filter(declaration_id__in=declarations)


# What an inbox row shows and decides with: the page loads these columns and no others.
INBOX_ROW_FIELDS = (
    "batch_id",
    "declaration_id",
    "declaration__applicant_id",
    "declaration__plan_id",
    "declaration__declaring_unit_id",
    "declaration__status",
    "declaration__holder_id",
    "declaration__round",
    "declaration__applicant__name",
    "declaration__plan__series__name",
    "declaration__plan__level__name",
    "declaration__declaring_unit__name",
)


# Joined, or for the plan and the unit taken from the kept configuration rows
# (declarations.kept).
INBOX_ROW_RELATED = (
    "declaration__applicant",
    "declaration__plan__series",
    "declaration__plan__level",
    "declaration__declaring_unit",
)


@prepared
def _inbox_rows(*, reviews):
    return kept.related(
        Review.objects.filter(pk__in=reviews), *INBOX_ROW_RELATED, only=INBOX_ROW_FIELDS
    )


@prepared
def _inbox_batches(*, batches, office):
    """The batches, each with how many of its declarations the office still has to accept."""
    return kept.related(
        ReportBatch.objects.filter(pk__in=batches), "from_organization", "committee"
    ).annotate(
        pending=Count(
            "reviews",
            filter=Q(
                reviews__declaration__holder_id=office,
                reviews__declaration__status=S.AT_COMMITTEE,
            ),
        )
    )


def inbox_page(office, ids) -> list[InboxBatch]:
    """A page of the inbox (ids: a page of inbox_ids) grouped by batch, each batch with how
    many of its declarations still wait (pending), each declaration with its applicant, unit,
    plan, applied title, state and payment. A fixed number of queries for any page."""
    ids = list(ids)
    if not ids:
        return []
    by_id = {review.pk: review for review in _inbox_rows(reviews=ids)}
    reviews = [by_id[pk] for pk in ids if pk in by_id]
    kept.attach(reviews, *INBOX_ROW_RELATED)
    batches = {
        b.pk: b
        for b in _inbox_batches(
            batches=sorted({review.batch_id for review in reviews}), office=office.pk
        )
    }
    kept.attach(list(batches.values()), "from_organization", "committee")
    grouped: dict[int, InboxBatch] = {}
    for review in reviews:
        if review.batch_id not in grouped:
            grouped[review.batch_id] = InboxBatch(batch=batches[review.batch_id])
    declarations = [r.declaration for r in reviews]
    titles = title_names(d.pk for d in declarations)
    payments = current_payments(declarations)
    for review in reviews:
        declaration = review.declaration
        grouped[review.batch_id].rows.append(
            InboxRow(
                declaration=declaration,
                title=titles.get(declaration.pk, ""),
                payment=payments.get(declaration.pk),
                decidable=(
                    declaration.holder_id == office.pk and declaration.status == S.AT_COMMITTEE
                ),
            )
        )
    return list(grouped.values())


def inbox_total(office, *, pending_only: bool) -> int:
    """How many rows inbox_ids() has (the paginator's count). With the shared cache on it is
    kept under the office's tokens like the review queues' counts (review.reportable): every
    report to the office and every move of a declaration it holds replaces them."""
    return reportable.cached(
        office,
        QueueFilter(),
        f"inbox:{int(pending_only)}",
        lambda: inbox_ids(office, pending_only=pending_only).count(),
    )


def inbox_counts(office) -> dict[str, int]:
    """How many declarations the office holds waiting for acceptance, and accepted (kept as
    inbox_total is)."""

    def count():
        counts = dict(
            Declaration.objects.filter(holder=office, status__in=[S.AT_COMMITTEE, S.ACCEPTED])
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        return {"waiting": counts.get(S.AT_COMMITTEE, 0), "accepted": counts.get(S.ACCEPTED, 0)}

    return reportable.cached(office, QueueFilter(), "inbox-counts", count)


def received_declarations(office, ids):
    """The declarations among `ids` that were reported to the office (it holds or held them),
    with what the confirmation page shows. Ids of anything else are simply absent."""
    return (
        Declaration.objects.filter(
            pk__in=list(ids),
            reviews__organization=office,
        )
        .select_related(
            "applicant",
            "plan__series",
            "plan__level",
            "plan__region",
            "declaring_unit",
        )
        .order_by("applicant__name", "pk")
        .distinct()
    )


def require_received(office, ids) -> list[Declaration]:
    """received_declarations(), all of them or 404 (an id that is not the office's)."""
    declarations = list(received_declarations(office, ids))
    if len(declarations) != len(set(ids)):
        raise Http404(_("未找到该申报，或该申报未报送至本评委会。"))
    return declarations


# --- fees -----------------------------------------------------------------------------------


def office_plans(office):
    """The plans evaluated by a committee the office runs, newest first."""
    return (
        Plan.objects.filter(committee__office=office)
        .select_related("series", "level", "region", "committee")
        .order_by("-year", "-pk")
    )


def fee_rows(office) -> list[tuple[Plan, FeeSetting | None]]:
    plans = list(office_plans(office))
    settings = {
        (f.committee_id, f.plan_id): f
        for f in FeeSetting.objects.filter(plan__in=[p.pk for p in plans])
    }
    return [(plan, settings.get((plan.committee_id, plan.pk))) for plan in plans]


def get_plan_for_office(user, pk: int) -> tuple[object, Plan]:
    """A plan of one of the office's committees (EVALUATE), or 404."""
    office = office_of(user, Cap.EVALUATE)
    plan = office_plans(office).filter(pk=pk).first() if 0 < pk < 2**31 else None
    if plan is None:
        raise Http404(_("未找到该申报计划，或该计划不由本评委会评审。"))
    return office, plan


def fee_setting(committee_id, plan_id) -> FeeSetting | None:
    return FeeSetting.objects.filter(committee_id=committee_id, plan_id=plan_id).first()


# --- payments -------------------------------------------------------------------------------


def office_payments(office, *, status: str = "", plan_id: int | None = None, q: str = ""):
    payments = (
        Payment.objects.filter(declaration__plan__committee__office=office)
        .select_related(
            "declaration__applicant",
            "declaration__plan__series",
            "declaration__plan__level",
            "declaration__plan__region",
            "declaration__declaring_unit",
            "recorded_by",
        )
        .order_by("status", "-created_at", "-pk")
    )
    if status:
        payments = payments.filter(status=status)
    if plan_id:
        payments = payments.filter(declaration__plan_id=plan_id)
    if q:
        q = q.strip()
        payments = payments.filter(
            Q(declaration__applicant__name__icontains=q)
            | Q(declaration__applicant__id_number__iexact=q)
        )
    return payments


def office_payments_by_ids(office, ids) -> list[Payment]:
    """The office's payments among `ids`, all of them or 404."""
    ids = set(ids)
    payments = list(office_payments(office).filter(pk__in=list(ids)))
    if len(payments) != len(ids):
        raise Http404(_("未找到该缴费记录，或不属于本评委会。"))
    return payments


def payments_for_applicant(user):
    """The applicant's fees of their declarations' current rounds (home page)."""
    payments = _applicants_payments(applicant=user.pk)
    return [p for p in payments if p.round == p.declaration.round]


@kept.prepared_fetch(
    "declaration__plan__series", "declaration__plan__level", "declaration__plan__region"
)
def _applicants_payments(*, applicant):
    return Payment.objects.filter(declaration__applicant_id=applicant).order_by("-created_at")


# A fee is created by 受理: before it (and after a return, in a new round) there is none, and
# the declaration pages ask no query.
STATES_WITH_FEE = frozenset(
    {
        S.ACCEPTED,
        S.IN_EVALUATION,
        S.EVALUATION_PASSED,
        S.EVALUATION_FAILED,
        S.CONFIRMED,
        S.REVOKED,
    }
)


def payment_of(declaration) -> Payment | None:
    """The fee of the declaration's current round, if one was set."""
    if declaration.status not in STATES_WITH_FEE:
        return None
    return Payment.objects.filter(declaration=declaration, round=declaration.round).first()


# --- ready for a meeting ----------------------------------------------------------------------


def fee_settled_q(committee, plan) -> Q:
    """Declarations (of this committee and plan) whose fee does not stop evaluation: no fee
    setting, not charged, not required before evaluation, or the current round paid."""
    setting = fee_setting(committee.pk, plan.pk)
    if setting is None or not setting.charged or not setting.required_before_evaluation:
        return Q()
    paid = Payment.objects.filter(
        declaration=OuterRef("pk"), round=OuterRef("round"), status=Payment.Status.PAID
    )
    return Q(Exists(paid))


def ready_for_meeting(committee, plan):
    """Declarations of the plan accepted (已受理待评审) and held by the committee's office whose
    fee is settled: what a meeting of this committee may evaluate. The reference rule."""
    return (
        Declaration.objects.filter(
            plan=plan,
            status=S.ACCEPTED,
            holder_id=committee.office_id,
        )
        .filter(Q(committee=committee) | Q(committee__isnull=True, plan__committee=committee))
        .filter(fee_settled_q(committee, plan))
    )
