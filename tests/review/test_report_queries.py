"""Query budgets of batch reporting and of the queue selectors: the same number of queries for
1 declaration as for 50, and for a queue of 5 as for a queue of 60.

report_declarations, measured (SQLite and PostgreSQL), inside the test's transaction:
  savepoint, the actor's memberships, the locked declarations (one SELECT … FOR UPDATE), the
  unit's 公示无异议 check, the effective paths, the batch, one UPDATE of the declarations, one of
  the review rows, one INSERT … ON CONFLICT of the destination's review rows, one INSERT of the
  events, release: 11; from a department (no 公示 check) 10. The bulk inserts go in chunks of
  500 rows, so 1,000 declarations take 13.
Budgets are the measured numbers plus 2; growth with the batch fails the equality whatever the
budget."""

import pytest

from declarations.models import Declaration
from declarations.models import DeclarationStatus as S
from demo import benchmark
from review import selectors, services
from review.models import Review, ReviewState
from review.selectors import QueueFilter

pytestmark = pytest.mark.django_db

REPORT_BUDGET = 13
PAGE_BUDGET = 2  # COUNT(*) and the page with everything select_related
PER_PAGE = 20


def report(actor, organization, ids, budget, assert_max):
    # A fresh user object, as in a new request (the actor's organizations are cached on it).
    actor = type(actor).objects.get(pk=actor.pk)
    with assert_max(budget) as captured:
        batches = services.report_declarations(
            actor=actor, organization=organization, declaration_ids=ids
        )
    assert sum(b.count for b in batches) == len(ids)
    return len(captured.captured_queries)


def test_unit_report_queries_do_not_grow(django_assert_max_num_queries):
    seeded = benchmark.seed(60)
    actor, unit, ids = seeded.users["unit"], seeded.unit, seeded.declaration_ids

    one = report(actor, unit, ids[:1], REPORT_BUDGET, django_assert_max_num_queries)
    fifty = report(actor, unit, ids[1:51], REPORT_BUDGET, django_assert_max_num_queries)

    assert one == fifty
    assert (
        Declaration.objects.filter(holder=seeded.supervising, status=S.UNDER_REVIEW).count() == 51
    )
    assert Review.objects.filter(organization=seeded.supervising).count() == 51


def test_report_to_committee_queries_do_not_grow(django_assert_max_num_queries):
    """From the reporting department to the committee office's inbox."""
    seeded = benchmark.seed(51)
    reporting, ids = seeded.reporting, seeded.declaration_ids
    Declaration.objects.filter(pk__in=ids).update(holder=reporting)
    Review.objects.bulk_create(
        [
            Review(
                declaration_id=pk,
                organization=reporting,
                state=ReviewState.PASSED,
                round=1,
                received_from=seeded.supervising,
            )
            for pk in ids
        ]
    )
    actor = seeded.users["reporting"]

    one = report(actor, reporting, ids[:1], REPORT_BUDGET, django_assert_max_num_queries)
    fifty = report(actor, reporting, ids[1:], REPORT_BUDGET, django_assert_max_num_queries)

    assert one == fifty
    at_committee = Declaration.objects.filter(holder=seeded.office, status=S.AT_COMMITTEE)
    assert at_committee.filter(committee=seeded.committee).count() == 51


def queue_queries(organization, f, assert_max):
    """Page 1 of the queue, with every related object the list shows, and the counts."""
    with assert_max(PAGE_BUDGET) as page:
        queryset = selectors.queue(organization, f)
        total = queryset.count()
        rows = list(queryset[:PER_PAGE])
        for review in rows:
            declaration = review.declaration
            # Everything a queue row shows comes with the page: no query per row.
            str(declaration.plan)
            _ = (
                declaration.applicant.name,
                declaration.applicant.masked_id_number,
                declaration.declaring_unit.name,
                declaration.holder.name,
                review.received_from and review.received_from.name,
            )
    with assert_max(1) as counts:
        selectors.queue_counts(organization, f)
    with assert_max(1) as reportable:
        selectors.reportable_ids(organization, f)
    return (
        len(page.captured_queries),
        len(counts.captured_queries),
        len(reportable.captured_queries),
        total,
    )


@pytest.mark.parametrize(
    "make_filter",
    [
        lambda s: QueueFilter(),
        lambda s: QueueFilter(state="passed"),
        lambda s: QueueFilter(year=s.plan.year, series=s.plan.series_id, level=s.plan.level_id),
        lambda s: QueueFilter(q=s.sample_name),
    ],
    ids=["all", "state", "plan", "search"],
)
def test_queue_selectors_do_not_grow(make_filter, django_assert_max_num_queries):
    small, large = benchmark.seed(5), benchmark.seed(60)
    measured = {}
    for name, seeded in (("small", small), ("large", large)):
        # Some reported upward, so the department's queue has rows received from a unit.
        half = seeded.declaration_ids[: len(seeded.declaration_ids) // 2]
        services.report_declarations(
            actor=seeded.users["unit"], organization=seeded.unit, declaration_ids=half
        )
        f = make_filter(seeded)
        measured[name] = [
            queue_queries(org, f, django_assert_max_num_queries)
            for org in (seeded.unit, seeded.supervising)
        ]
    for small_org, large_org in zip(measured["small"], measured["large"], strict=True):
        assert small_org[:3] == large_org[:3]


def test_queue_search_finds_by_name_and_id_number():
    seeded = benchmark.seed(30)
    by_id = selectors.queue(seeded.unit, QueueFilter(q=seeded.sample_id_number.lower()))
    assert [r.declaration.applicant.id_number for r in by_id] == [seeded.sample_id_number]
    by_name = selectors.queue(seeded.unit, QueueFilter(q=seeded.sample_name))
    assert seeded.sample_name in {r.declaration.applicant.name for r in by_name}
