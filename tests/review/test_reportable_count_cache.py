"""The queue's cached 上报全部符合条件的（N） count (review/reportable.py, issue 13): served from
the cache until a write it reads, and after every such write the exact count again — a pass, a
return, a notice recorded, corrected, cancelled or given its outcome, an objection raised or
handled, a report, a withdrawal; never another organization's or another filter's count. With
the local-memory cache and, when REDIS_URL is set, with Redis."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from declarations.services import withdraw_declaration
from review import reportable, selectors, services
from review.models import NoticeObjection, PublicNotice
from review.selectors import QueueFilter
from tests import clock
from tests.review.builders import build_queue, notice
from tests.shared_cache import SHARED_CACHE_BACKENDS, own_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(params=SHARED_CACHE_BACKENDS)
def count_cache(request, settings):
    """The count cache on, in a cache of its own (Redis: its own key prefix, removed after)."""
    settings.REVIEW_COUNT_CACHE_TIMEOUT = 300
    with own_cache(settings, request.param, "reportable") as cache:
        yield cache


def _count(organization, f=None):
    return selectors.reportable_count(organization, f or QueueFilter())


def _fresh(organization, f=None):
    return len(selectors.reportable_ids(organization, f or QueueFilter()))


@pytest.fixture
def check(django_assert_num_queries):
    def check(organization, expected, f=None):
        """The count after a write: counted again (one query), exact, then served from the
        cache (no query)."""
        with django_assert_num_queries(1):
            assert _count(organization, f) == expected
        assert _fresh(organization, f) == expected
        with django_assert_num_queries(0):
            assert _count(organization, f) == expected

    return check


def _passed(organization, plan, count, **kwargs):
    made = build_queue(organization, plan, count, state="passed", **kwargs)
    # demo.bulk writes behind the ORM's back (no signal): as the seeders, it retires the count.
    reportable.forget(organization.pk)
    return made


def test_the_unit_count_follows_every_write(
    count_cache,
    check,
    chain,
    unit,
    unit_reviewer,
    engineering_plan,
    submitted,
    committed_applicant,
    django_capture_on_commit_callbacks,
):
    a, b, c = _passed(unit, engineering_plan, 3)
    check(unit, 0)  # passed, no notice yet

    running = services.record_notice(
        actor=unit_reviewer,
        organization=unit,
        plan=engineering_plan,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=9),
        declaration_ids=[a.pk],
    )
    check(unit, 0)  # a notice recorded (still running)
    services.correct_notice(
        actor=unit_reviewer,
        notice=running,
        starts_on=running.starts_on,
        ends_on=running.ends_on,
        declaration_ids=[a.pk, b.pk],
        reason="漏登一人",
    )
    check(unit, 0)  # corrected
    with clock.on_day(running.ends_on + datetime.timedelta(days=1)):
        services.record_notice_outcome(
            actor=unit_reviewer, notice=running, outcome=PublicNotice.Outcome.NO_OBJECTION
        )
    check(unit, 2)  # its outcome: a and b cleared

    cancelled = services.record_notice(
        actor=unit_reviewer,
        organization=unit,
        plan=engineering_plan,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=9),
        declaration_ids=[c.pk],
    )
    check(unit, 2)
    services.cancel_notice(actor=unit_reviewer, notice=cancelled, reason="公示地点有误")
    check(unit, 2)  # cancelled

    notice(unit_reviewer, unit, [c], outcome=PublicNotice.Outcome.OBJECTION, objected=[c])
    check(unit, 2)  # c: an objection raised, still open
    objection = NoticeObjection.objects.get(declaration=c)
    services.record_objection_handling(actor=unit_reviewer, objection=objection, note="经核查不实")
    check(unit, 3)  # handled: unfounded

    notice(unit_reviewer, unit, [a], outcome=PublicNotice.Outcome.OBJECTION, objected=[a])
    check(unit, 2)  # an objection raised against a

    with django_capture_on_commit_callbacks(execute=True):
        services.return_declaration(actor=unit_reviewer, declaration=b, reason="业绩材料不全")
    check(unit, 1)  # b returned

    with django_capture_on_commit_callbacks(execute=True):
        services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    check(unit, 1)  # passed, not yet in a notice
    notice(unit_reviewer, unit, [submitted])
    check(unit, 2)

    with django_capture_on_commit_callbacks(execute=True):
        services.report_declarations(
            actor=unit_reviewer, organization=unit, declaration_ids=[submitted.pk]
        )
    check(unit, 1)  # reported


def test_a_withdrawal_and_a_department_pass_return_and_report(
    count_cache,
    check,
    chain,
    unit,
    supervising_department,
    department_reviewer,
    engineering_plan,
    submitted,
    committed_applicant,
    django_capture_on_commit_callbacks,
):
    check(unit, 0)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_declaration(actor=committed_applicant, declaration=submitted)
    check(unit, 0)  # withdrawn (it was not passed: the count is asked again all the same)

    # A department reports without a notice of its own: a pass counts at once.
    first, second = build_queue(
        supervising_department, engineering_plan, 2, state="pending", received_from=unit
    )
    reportable.forget(supervising_department.pk)
    check(supervising_department, 0)
    for declaration in (first, second):
        with django_capture_on_commit_callbacks(execute=True):
            services.pass_declaration(
                actor=department_reviewer, declaration=declaration, opinion="同意推荐"
            )
    check(supervising_department, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_declaration(
            actor=department_reviewer, declaration=second, reason="请补充业绩"
        )
    check(supervising_department, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_declarations(
            actor=department_reviewer,
            organization=supervising_department,
            declaration_ids=[first.pk],
        )
    check(supervising_department, 0)


def test_never_another_organizations_or_filters_count(
    count_cache,
    check,
    unit,
    supervising_department,
    department_reviewer,
    engineering_plan,
    django_assert_num_queries,
):
    _passed(supervising_department, engineering_plan, 2, received_from=unit)
    pending = build_queue(
        supervising_department, engineering_plan, 1, received_from=unit, prefix="丙"
    )
    reportable.forget(supervising_department.pk)
    _passed(unit, engineering_plan, 1)  # the unit's: no notice
    plan = engineering_plan
    same_plan = QueueFilter(year=plan.year, series=plan.series_id, level=plan.level_id)
    other_year = QueueFilter(year=plan.year + 1)
    other_level = QueueFilter(level=plan.level_id + 1000)
    check(supervising_department, 2)
    check(supervising_department, 2, same_plan)
    check(supervising_department, 0, other_year)
    check(supervising_department, 0, other_level)
    check(unit, 0)
    # The state tab does not change what may be reported: one entry serves every tab.
    with django_assert_num_queries(0):
        assert _count(supervising_department, QueueFilter(state="pending")) == 2
    # A search is always counted.
    name = pending[0].applicant.name
    with django_assert_num_queries(1):
        assert _count(supervising_department, QueueFilter(q=name)) == 0

    # A write in the department leaves the unit's count where it was, and the reverse.
    with transaction.atomic():
        services.pass_declaration(
            actor=department_reviewer, declaration=pending[0], opinion="同意推荐"
        )
    with django_assert_num_queries(0):
        assert _count(unit) == 0
    check(supervising_department, 3)
    check(supervising_department, 3, same_plan)
    check(supervising_department, 0, other_year)


def test_a_count_read_before_a_commit_is_never_served_after_it(count_cache, unit):
    f = QueueFilter()

    def count_while_a_write_commits():
        # Another request's write commits while this one counts (the old rows).
        reportable.forget(unit.pk)
        return 5

    assert reportable.cached_count(unit, f, True, count_while_a_write_commits) == 5
    assert reportable.cached_count(unit, f, True, lambda: 7) == 7
    assert reportable.cached_count(unit, f, True, lambda: 9) == 7  # kept


def test_the_token_is_replaced_again_on_commit(
    count_cache, unit, django_capture_on_commit_callbacks
):
    key = reportable._organization_key(unit.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reportable.forget(unit.pk)
        during = count_cache.get(key)
    assert during is not None and len(callbacks) == 1
    # A request counting between the first replacement and the commit stores its count under
    # the token "during": the commit retires it.
    reportable.cached_count(unit, QueueFilter(), True, lambda: 5)
    callbacks[0]()
    assert count_cache.get(key) != during
    assert reportable.cached_count(unit, QueueFilter(), True, lambda: 6) == 6


def test_nothing_stored_from_inside_the_applications_transaction(count_cache, unit):
    f = QueueFilter()
    with transaction.atomic():
        assert reportable.cached_count(unit, f, True, lambda: 5) == 5
    assert reportable.cached_count(unit, f, True, lambda: 6) == 6


def test_off_without_a_timeout(settings, unit, engineering_plan, django_assert_num_queries):
    settings.REVIEW_COUNT_CACHE_TIMEOUT = 0
    _passed(unit, engineering_plan, 1)
    for _ in range(2):
        with django_assert_num_queries(1):
            assert _count(unit) == 0


def test_a_plan_changed_retires_every_organizations_count(
    count_cache, check, unit, supervising_department, engineering_plan
):
    _passed(supervising_department, engineering_plan, 2, received_from=unit)
    this_year = QueueFilter(year=engineering_plan.year)
    check(supervising_department, 2, this_year)
    check(unit, 0)
    engineering_plan.year += 1
    engineering_plan.save(update_fields=["year"])
    check(supervising_department, 0, this_year)
    check(supervising_department, 2, QueueFilter(year=engineering_plan.year))
    check(unit, 0)


def _tabs_in_db(organization, f):
    from review.models import QUEUE_STATES, Review

    rows = Review.objects.filter(organization=organization).exclude(state="withdrawn")
    if f.year:
        rows = rows.filter(declaration__plan__year=f.year)
    return {state: rows.filter(state=state).count() for state in QUEUE_STATES}


def test_the_tabs_counts_follow_every_move(
    count_cache,
    unit,
    unit_reviewer,
    engineering_plan,
    submitted,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    """The tabs (全部, 待审核, 审核通过, ...) are cached like the count and exact after each
    pass, return and report; another filter has its own entry; a search is always counted."""
    a, b = build_queue(unit, engineering_plan, 2, state="pending")
    reportable.forget(unit.pk)
    this_year = QueueFilter(year=engineering_plan.year)

    def tabs(f, queries):
        with django_assert_num_queries(queries):
            counts = selectors.queue_counts(unit, f)
        assert counts == _tabs_in_db(unit, f)
        return counts

    first = tabs(QueueFilter(), 1)
    assert first["pending"] == 3  # a, b and the submitted declaration
    assert tabs(QueueFilter(), 0) == first
    assert tabs(QueueFilter(state="passed"), 0) == first  # the state tab is not in the key
    tabs(this_year, 1)
    assert tabs(QueueFilter(year=engineering_plan.year + 1), 1)["pending"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.pass_declaration(actor=unit_reviewer, declaration=a)
    after_pass = tabs(QueueFilter(), 1)
    assert (after_pass["pending"], after_pass["passed"]) == (2, 1)
    assert tabs(this_year, 1) == after_pass
    with django_capture_on_commit_callbacks(execute=True):
        services.return_declaration(actor=unit_reviewer, declaration=b, reason="业绩材料不全")
    assert tabs(QueueFilter(), 1)["pending"] == 1
    assert tabs(QueueFilter(), 0)["pending"] == 1

    name = submitted.applicant.name
    for _ in range(2):
        with django_assert_num_queries(1):
            assert selectors.queue_counts(unit, QueueFilter(q=name))["pending"] == 1


def test_a_queue_pages_notice_flags_follow_every_notice_write(
    count_cache, unit, unit_reviewer, engineering_plan, django_assert_num_queries
):
    """The 公示 column's flags (noticed, running, objection open) of a page's rows are kept like
    the counts: served without a query until a notice or objection write, then exact again."""
    a, b = _passed(unit, engineering_plan, 2)
    ids = [a.pk, b.pk]

    def check(expected):
        with django_assert_num_queries(2):  # the page's notices and objections
            assert _flags(unit, ids) == expected
        assert selectors.notice_flags(unit, ids) == expected
        with django_assert_num_queries(0):
            assert _flags(unit, ids) == expected

    none = (False, False, False)
    check({a.pk: none, b.pk: none})
    running = services.record_notice(
        actor=unit_reviewer,
        organization=unit,
        plan=engineering_plan,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=9),
        declaration_ids=[a.pk],
    )
    check({a.pk: (False, True, False), b.pk: none})  # a notice running for a
    services.correct_notice(
        actor=unit_reviewer,
        notice=running,
        starts_on=running.starts_on,
        ends_on=running.ends_on,
        declaration_ids=[a.pk, b.pk],
        reason="漏登一人",
    )
    check({a.pk: (False, True, False), b.pk: (False, True, False)})  # b added
    with clock.on_day(running.ends_on + datetime.timedelta(days=1)):
        services.record_notice_outcome(
            actor=unit_reviewer, notice=running, outcome=PublicNotice.Outcome.NO_OBJECTION
        )
    check({a.pk: (True, False, False), b.pk: (True, False, False)})  # ended, no objection
    notice(unit_reviewer, unit, [b], outcome=PublicNotice.Outcome.OBJECTION, objected=[b])
    check({a.pk: (True, False, False), b.pk: (True, False, True)})  # an objection against b
    objection = NoticeObjection.objects.get(declaration=b)
    services.record_objection_handling(actor=unit_reviewer, objection=objection, note="经核查不实")
    check({a.pk: (True, False, False), b.pk: (True, False, False)})  # found unfounded


def _flags(organization, ids):
    return reportable.cached_notice_flags(
        organization, ids, lambda: selectors.notice_flags(organization, ids)
    )
