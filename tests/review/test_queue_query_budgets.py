"""The queue page's cost (issue 13): a fixed number of queries whatever the rows, the filters,
the search and the page; and the search rule — a name matches by any part of it, an ID number
only whole (in any case) — with, on PostgreSQL, the indexes that serve them."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applicants.models import User
from review import selectors
from review.models import Review
from review.selectors import QueueFilter, is_id_number_search
from tests.concurrency import postgresql_only  # noqa: F401  (fixture)
from tests.review.builders import build_queue
from tests.shared_cache import own_cache

pytestmark = pytest.mark.django_db

URL = "/review/"
# Session, user and memberships (3), the tabs' counts, the page's ids, its rows, a unit's
# notice flags (2) and reportable count, the series and level options: 11; a search reads the
# accounts it matches first (selectors.resolve_search): 12.
QUEUE_BUDGET = 11
SEARCH_BUDGET = QUEUE_BUDGET + 1


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def _rows(response) -> int:
    return response.content.decode().count('data-testid="queue-row"')


def _pages(plan, declarations):
    applicant = declarations[0].applicant
    return {
        "page 1": {},
        "state": {"state": "passed"},
        "filters": {
            "year": plan.year,
            "series": plan.series_id,
            "level": plan.level_id,
            "state": "passed",
        },
        "name": {"q": applicant.name[:2]},
        "id number": {"q": applicant.id_number},
        "no match": {"q": "查无此人"},
        "page 2": {"page": 2},
    }


@pytest.mark.parametrize("kind", ["unit", "department"])
def test_every_queue_page_costs_the_same_queries_for_1_and_45_rows(
    kind,
    login,
    unit,
    unit_reviewer,
    supervising_department,
    department_reviewer,
    engineering_plan,
    django_assert_max_num_queries,
):
    organization, user, received = (
        (unit, unit_reviewer, None)
        if kind == "unit"
        else (supervising_department, department_reviewer, unit)
    )
    client = login(user)
    first = build_queue(
        organization, engineering_plan, 1, state="passed", received_from=received, prefix="甲"
    )
    small = {}
    for label, params in _pages(engineering_plan, first).items():
        with django_assert_max_num_queries(SEARCH_BUDGET if "q" in params else QUEUE_BUDGET):
            small[label] = _queries(client, params)
    build_queue(
        organization, engineering_plan, 30, state="passed", received_from=received, prefix="乙"
    )
    build_queue(organization, engineering_plan, 14, received_from=received, prefix="丙")
    large = {
        label: _queries(client, params) for label, params in _pages(engineering_plan, first).items()
    }
    assert large == small, (small, large)
    assert _rows(client.get(URL)) == 20 and _rows(client.get(URL, {"page": 3})) == 5
    print(f"queue pages ({kind}): {small}")


# With the count cache (review/reportable.py): the reportable count is asked of the database
# only when its entry is cold (a write retired it); warm, the page costs one query less. A
# department's page reads no notice flags (two queries fewer than a unit's).
COLD = {"unit": QUEUE_BUDGET, "department": QUEUE_BUDGET - 2}


@pytest.fixture
def count_cache(settings):
    """The reportable count cache on, in a local-memory cache of its own."""
    settings.REVIEW_COUNT_CACHE_TIMEOUT = 300
    with own_cache(settings, name="queue"):
        yield


@pytest.mark.parametrize("kind", ["unit", "department"])
def test_the_reportable_and_tab_counts_cost_a_query_each_cold_and_none_warm_for_1_and_45_rows(
    kind,
    count_cache,
    login,
    unit,
    unit_reviewer,
    supervising_department,
    department_reviewer,
    engineering_plan,
    django_assert_max_num_queries,
):
    from review import reportable

    organization, user, received = (
        (unit, unit_reviewer, None)
        if kind == "unit"
        else (supervising_department, department_reviewer, unit)
    )
    client = login(user)
    client.get(URL)  # the process's own caches (the filter's catalog options) filled once
    params = {"year": engineering_plan.year, "state": "passed"}
    costs = {}
    for count in (1, 44):
        build_queue(
            organization,
            engineering_plan,
            count,
            state="passed",
            received_from=received,
            prefix=f"批{count}",
        )
        # demo.bulk writes behind the ORM's back: the count is retired as a write would.
        reportable.forget(organization.pk)
        expected = len(selectors.reportable_ids(organization, QueueFilter()))
        passed = Review.objects.filter(organization=organization, state="passed").count()
        for page in ({}, params):
            with (
                django_assert_max_num_queries(COLD[kind]),
                CaptureQueriesContext(connection) as cold,
            ):
                first = client.get(URL, page)
            with CaptureQueriesContext(connection) as warm:
                again = client.get(URL, page)
            for response in (first, again):
                assert response.context["reportable_count"] == expected
                tabs = {tab[0]: tab[2] for tab in response.context["tabs"]}
                assert tabs["passed"] == passed
            # (With Redis the session is read from the cache: one query fewer in both.)
            costs.setdefault(count, []).append((len(cold), len(warm)))
        reportable.forget(organization.pk)
    assert costs[1] == costs[44], costs
    # Warm, the tabs' counts and the reportable count both come from the cache, and so do a
    # unit's notice flags of the page's rows (two queries), which the filtered page (the same
    # rows) finds kept already.
    if kind == "unit":
        (cold, warm), (filtered_cold, filtered_warm) = costs[1]
        assert warm == cold - 4 and filtered_cold == cold - 2 and filtered_warm == warm, costs
    else:
        assert all(warm == cold - 2 for cold, warm in costs[1]), costs


def test_a_page_of_20_rows_is_read_in_three_queries(
    unit, engineering_plan, django_assert_num_queries
):
    """The rows with all they show in one query; a unit's notice flags in two more."""
    build_queue(unit, engineering_plan, 25, state="passed")
    keys = list(selectors.queue_page_ids(unit, QueueFilter())[:20])
    with django_assert_num_queries(3):
        page = selectors.queue_page_rows(unit, keys)
        for row in page:
            declaration = row.declaration
            _ = (
                declaration.applicant.name,
                declaration.applicant.id_number,
                declaration.plan.year,
                declaration.plan.series.name,
                declaration.plan.level.name,
                declaration.declaring_unit.name,
                row.received_from_id and row.received_from.name,
                row.noticed,
                row.notice_pending,
                row.objection_open,
            )
    # The ids' order is kept.
    assert [row.pk for row in page] == [key.pk for key in keys]


def test_paginator_count_comes_from_the_tabs(login, unit, unit_reviewer, engineering_plan):
    """No COUNT(*) of its own: the page count is the tab's."""
    build_queue(unit, engineering_plan, 3, state="passed")
    build_queue(unit, engineering_plan, 2, prefix="待审")
    client = login(unit_reviewer)
    with CaptureQueriesContext(connection) as context:
        page = client.get(URL, {"state": "pending"}).content.decode()
    assert _rows_text(page) == 2
    counts = [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"].upper()]
    # The tabs' grouped count and the 上报全部符合条件的（N） count; no paginator count.
    assert len(counts) == 2, counts


def _rows_text(page: str) -> int:
    return page.count('data-testid="queue-row"')


# --- the search rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "is_id"),
    [
        ("110101199003074477", True),
        ("11010119900307447x", True),
        ("E12345678", True),
        ("何霞健", False),
        ("申报人001", False),  # a name with digits stays a name (test data has them)
        ("Zhang Wei", False),
        ("ABC", False),
    ],
)
def test_what_counts_as_an_id_number(text, is_id):
    assert is_id_number_search(text) is is_id


def test_name_search_matches_any_part_of_the_name(login, unit, unit_reviewer, engineering_plan):
    build_queue(unit, engineering_plan, 3, prefix="欧阳")
    build_queue(unit, engineering_plan, 2, prefix="司马")
    client = login(unit_reviewer)
    assert _rows(client.get(URL, {"q": "欧阳"})) == 3  # the start
    assert _rows(client.get(URL, {"q": "阳00"})) == 3  # the middle
    assert _rows(client.get(URL, {"q": "司马002"})) == 1  # the whole
    assert _rows(client.get(URL, {"q": "诸葛"})) == 0  # no one


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("50%", 1),  # % is a character, not a wildcard
        ("%", 1),
        ("a_b", 1),  # _ is a character, not any one character
        ("a_", 1),
        ("O'Neil", 1),  # a quote is part of the name, not the end of a string
        ("back\\slash", 1),
        ("'; DROP TABLE applicants_user; --", 0),
        ("_", 1),
        ("x%y", 0),
    ],
)
def test_name_search_reads_every_character_literally(unit, engineering_plan, text, found):
    build_queue(unit, engineering_plan, 1, prefix="50%")
    build_queue(unit, engineering_plan, 1, prefix="a_b")
    build_queue(unit, engineering_plan, 1, prefix="O'Neil")
    build_queue(unit, engineering_plan, 1, prefix="back\\slash")
    build_queue(unit, engineering_plan, 1, prefix="aXb")  # what a_ as a wildcard would find
    # Matched in the queue's query (a search of too many accounts) and as the accounts read
    # first (selectors.resolve_search): the same rows.
    joined = QueueFilter(q=text)
    resolved = selectors.resolve_search(joined)
    assert resolved.applicants is not None and len(resolved.applicants) == found
    for f in (joined, resolved):
        assert len(list(selectors.queue_page_ids(unit, f)[:20])) == found
    assert User.objects.count() >= 5  # nothing was dropped


def test_id_number_search_matches_only_the_whole_number_in_any_case(
    login, unit, unit_reviewer, engineering_plan
):
    [declaration, _other] = build_queue(unit, engineering_plan, 2)
    applicant = declaration.applicant
    applicant.id_number = applicant.id_number[:17] + "X"
    applicant.save(update_fields=["id_number"])
    client = login(unit_reviewer)
    page = client.get(URL, {"q": applicant.id_number.lower()}).content.decode()
    assert _rows_text(page) == 1 and applicant.name in page
    assert _rows(client.get(URL, {"q": applicant.id_number})) == 1
    # Part of a number finds nobody: the ID number is matched whole.
    assert _rows(client.get(URL, {"q": applicant.id_number[:14]})) == 0
    assert _rows(client.get(URL, {"q": "110101190001010000"})) == 0


# --- PostgreSQL: the indexes that serve the queue -------------------------------------------


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny test tables read faster whole: make the planner show which index it can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.usefixtures("postgresql_only")
def test_postgresql_name_search_reads_the_trigram_index(unit, engineering_plan):
    build_queue(unit, engineering_plan, 5, prefix="何霞健")
    # The applicants a search names, the side a large queue starts from (CJK trigrams under
    # the C.UTF-8 locale).
    people = User.objects.filter(selectors.search_q("霞健00"))
    assert "applicants_user_name_upper_trgm" in _plan(people)
    assert people.count() == 5
    assert len(list(selectors.queue_page_ids(unit, QueueFilter(q="霞健00"))[:20])) == 5


@pytest.mark.postgres
@pytest.mark.usefixtures("postgresql_only")
def test_postgresql_name_search_writes_its_pattern_into_the_query(unit, engineering_plan):
    """With server-side binding a statement run five times is prepared, and a generic plan
    cannot know a bound pattern: it scans every account instead of the trigram index. The
    pattern is a quoted literal, so each search is planned with it."""
    build_queue(unit, engineering_plan, 2, prefix="何霞健")
    ids = selectors.queue_page_ids(unit, QueueFilter(q="霞健00"))
    sql, params = ids.query.sql_with_params()
    assert "'%%霞健00%%'" in sql
    assert not any("霞健" in str(p) for p in params)
    for _ in range(7):  # past psycopg's prepare threshold: the same rows every time
        assert len(list(ids[:20])) == 2


@pytest.mark.postgres
@pytest.mark.usefixtures("postgresql_only")
def test_postgresql_id_number_search_reads_the_unique_index(unit, engineering_plan):
    [declaration] = build_queue(unit, engineering_plan, 1)
    ids = selectors.queue_page_ids(unit, QueueFilter(q=declaration.applicant.id_number))
    assert "unique_user_id_number" in _plan(ids[:20])
    assert [key.declaration_id for key in ids] == [declaration.pk]


@pytest.mark.postgres
@pytest.mark.usefixtures("postgresql_only")
def test_postgresql_state_tab_page_reads_the_queue_order_index(unit, engineering_plan):
    build_queue(unit, engineering_plan, 3, state="passed")
    plan = _plan(selectors.queue_page_ids(unit, QueueFilter(state="passed"))[:20])
    assert "review_queue_state_order_idx" in plan


@pytest.mark.postgres
@pytest.mark.usefixtures("postgresql_only")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("state", [None, "passed"], ids=["all", "state-tab"])
def test_postgresql_queue_page_is_read_from_the_index_alone(unit, engineering_plan, state):
    """A later page skips thousands of rows: the queue's indexes carry the page's columns
    (INCLUDE), so once vacuumed PostgreSQL can read a page without visiting the table. On
    these tiny tables the planner's own pick between plans costing a few units varies (an
    index on the organization and a sort, say), so sorting and bitmap scans are switched off:
    the page in the queue's order must then come from an index alone."""
    build_queue(unit, engineering_plan, 3, state="passed")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE review_review")
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        plan = _plan(selectors.queue_page_ids(unit, QueueFilter(state=state))[40:60])
    assert "Index Only Scan using review_queue_" in plan, plan


# --- the page's notice flags follow the notice rule ----------------------------------------


def test_notice_flags_agree_with_the_notice_rule_in_sql(unit, unit_reviewer, engineering_plan):
    """notice_flags (Python over the page's rows) and _notice_passed / _notice_exists /
    _objection_open (the SQL that notice_cleared and the reporting use) say the same for every
    mix of notices, outcomes and objection handlings, another unit's notices included."""
    import datetime
    import random

    from django.utils import timezone

    from declarations.models import Declaration
    from review.models import NoticeObjection, PublicNotice
    from tests import factories

    Outcome, Handling = PublicNotice.Outcome, NoticeObjection.Handling
    declarations = build_queue(unit, engineering_plan, 40, state="passed")
    other = factories.OrganizationFactory()
    now = timezone.now()
    rng = random.Random(13)
    notices = []
    for n, outcome in enumerate(
        [Outcome.NO_OBJECTION, Outcome.OBJECTION, Outcome.PENDING, Outcome.CANCELLED] * 2
    ):
        notices.append(
            PublicNotice.objects.create(
                organization=unit if n < 6 else other,
                plan=engineering_plan,
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate(),
                outcome=outcome,
                created_by=unit_reviewer,
                created_at=now - datetime.timedelta(days=40 - n * 5),
            )
        )
    for declaration in declarations:
        for notice in rng.sample(notices, rng.randint(0, 3)):
            notice.declarations.add(declaration)
            if rng.random() < 0.6:
                handling = rng.choice(list(Handling))
                NoticeObjection.objects.create(
                    notice=notice,
                    declaration=declaration,
                    handling=handling,
                    handled_at=None
                    if handling == Handling.OPEN
                    else now - datetime.timedelta(days=rng.randint(0, 45)),
                )
    ids = [d.pk for d in declarations]
    expected = {
        pk: (noticed, pending, objection)
        for pk, noticed, pending, objection in Declaration.objects.filter(pk__in=ids)
        .annotate(
            noticed=selectors._notice_passed(unit, "pk"),
            pending=selectors._notice_exists(unit, Outcome.PENDING, "pk"),
            objection=selectors._objection_open(unit, "pk"),
        )
        .values_list("pk", "noticed", "pending", "objection")
    }
    flags = selectors.notice_flags(unit, ids)
    assert flags == expected
    # The mix covers each flag both ways.
    for flag in range(3):
        assert {value[flag] for value in flags.values()} == {True, False}


def test_reportable_count_follows_the_data_though_its_query_text_is_kept(
    unit, unit_reviewer, engineering_plan, django_assert_num_queries
):
    """reportable_count keeps the compiled text of its query, never a count: each call asks the
    database, and sees a declaration passed, a notice cleared or an objection raised since."""
    from review.models import NoticeObjection
    from tests.review.builders import notice

    declarations = build_queue(unit, engineering_plan, 3, state="passed")
    f = QueueFilter()
    assert selectors.reportable_count(unit, f) == 0  # no notice yet
    first = notice(unit_reviewer, unit, declarations[:2])
    with django_assert_num_queries(1):
        assert selectors.reportable_count(unit, f) == 2
    notice(unit_reviewer, unit, declarations[2:])
    assert selectors.reportable_count(unit, f) == 3
    NoticeObjection.objects.create(notice=first, declaration=declarations[0])
    assert selectors.reportable_count(unit, f) == 2
    assert selectors.reportable_count(unit, QueueFilter(q=declarations[1].applicant.name)) == 1
    assert selectors.reportable_count(unit, QueueFilter(q="查无此人")) == 0


def test_the_filters_series_and_levels_are_kept_until_the_catalog_changes(
    count_cache, login, unit, unit_reviewer, engineering_plan, django_assert_num_queries
):
    """With the shared cache on, the 职称系列/申报级别 options cost no query once read, and a
    series added by an administrator shows at once (the catalog version changes)."""
    from tests.factories import SeriesFactory

    client = login(unit_reviewer)
    chosen = {"series": engineering_plan.series_id, "level": engineering_plan.level_id}
    client.get(URL)
    for params in ({}, chosen):  # the chosen values are checked against the kept rows
        with CaptureQueriesContext(connection) as warm:
            page = client.get(URL, params)
        assert not any('"declarations_series"' in q["sql"] for q in warm.captured_queries)
        assert not any('"declarations_level"' in q["sql"] for q in warm.captured_queries)
        assert engineering_plan.series.name in page.content.decode()
    assert page.context["selected_series"] == engineering_plan.series_id
    assert client.get(URL, {"series": 999999}).context["selected_series"] is None
    added = SeriesFactory(code="new-series", name="新增系列甲")
    with CaptureQueriesContext(connection) as after:
        page = client.get(URL)
    assert any('"declarations_series"' in q["sql"] for q in after.captured_queries)
    assert f'<option value="{added.pk}">新增系列甲</option>' in page.content.decode()
