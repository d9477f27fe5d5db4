"""职称申报数据审核: the queue page of units, departments and committee offices — filters, tabs
with counts, search, pagination, the 公示 column, who may see what, and a bounded query count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from declarations.models import Plan
from tests import factories
from tests.review.builders import build_queue, notice

pytestmark = pytest.mark.django_db

URL = "/review/"


def rows(response) -> int:
    return response.content.decode().count('data-testid="queue-row"')


def tab_count(response, state) -> int:
    match = re.search(
        rf'data-state="{state}">[^<]*<span class="badge bg-secondary">(\d+)</span>',
        response.content.decode(),
    )
    assert match, state
    return int(match[1])


def test_url_names():
    assert reverse("review:queue") == URL
    assert reverse("review:report_confirm") == "/review/report/confirm/"
    assert reverse("review:report") == "/review/report/"


def test_unit_sees_a_submitted_declaration(login, unit_reviewer, submitted):
    response = login(unit_reviewer).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    applicant = submitted.applicant
    assert applicant.name in html
    masked = f"{applicant.id_number[:6]}******{applicant.id_number[-4:]}"
    assert masked in html and applicant.id_number not in html
    assert f'href="/review/{submitted.pk}/"' in html
    assert "个人提交" in html and "待审核" in html
    assert "2026 · 工程技术 · 中级" in html
    assert "潍坊华东机械制造有限公司" in html
    assert tab_count(response, "pending") == 1 and tab_count(response, "all") == 1
    # Nothing to report yet: the 上报全部 button is disabled.
    assert re.search(r'data-testid="report-all"\s+disabled', html)


def test_queue_rows_escape_what_people_typed(login, unit_reviewer, submitted):
    """The rows are written in Python (issue 13): a name with markup is shown as text, in the
    row and in its checkbox's label."""
    applicant = submitted.applicant
    applicant.name = '<img src=x onerror="alert(1)">'
    applicant.save(update_fields=["name"])
    html = login(unit_reviewer).get(URL).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert f'href="/review/{submitted.pk}/"' in html


@pytest.fixture
def mixed_queue(unit, engineering_plan, culture_plan):
    """At the unit: 3 pending + 2 passed engineering, 1 rejected culture declaration."""
    return {
        "pending": build_queue(unit, engineering_plan, 3, prefix="工程待审"),
        "passed": build_queue(unit, engineering_plan, 2, state="passed", prefix="工程通过"),
        "rejected": build_queue(unit, culture_plan, 1, state="rejected", prefix="文化不通过"),
    }


def test_tabs_count_each_state_under_the_other_filters(
    login, unit_reviewer, mixed_queue, engineering_plan
):
    client = login(unit_reviewer)
    response = client.get(URL)
    assert rows(response) == 6
    assert [tab_count(response, s) for s in ("all", "pending", "passed", "rejected")] == [
        6,
        3,
        2,
        1,
    ]
    assert tab_count(response, "returned") == 0

    response = client.get(URL, {"series": engineering_plan.series_id, "state": "passed"})
    assert rows(response) == 2
    assert "工程通过001" in response.content.decode()
    # The counts follow series, not the state tab.
    assert tab_count(response, "pending") == 3 and tab_count(response, "rejected") == 0
    # The tab links keep the series.
    assert f"series={engineering_plan.series_id}&amp;state=pending" in response.content.decode()


def test_filters_by_year_level_and_search(login, unit_reviewer, mixed_queue, culture_plan):
    client = login(unit_reviewer)
    assert rows(client.get(URL, {"year": 2026})) == 6
    assert rows(client.get(URL, {"year": 2025})) == 0
    assert rows(client.get(URL, {"level": culture_plan.level_id})) == 1
    assert rows(client.get(URL, {"q": "工程待审002"})) == 1
    assert rows(client.get(URL, {"q": "工程"})) == 5
    person = mixed_queue["passed"][0].applicant
    response = client.get(URL, {"q": person.id_number})
    assert rows(response) == 1 and person.name in response.content.decode()


def test_bad_filter_values_are_ignored(login, unit_reviewer, mixed_queue):
    response = login(unit_reviewer).get(
        URL,
        {
            "year": "abc",
            "series": "999999",
            "level": "x'; drop",
            "state": "bogus",
            "page": "zzz",
            "q": "  ",
        },
    )
    assert response.status_code == 200
    assert rows(response) == 6


def test_pagination_keeps_the_filters(login, unit_reviewer, unit, engineering_plan):
    build_queue(unit, engineering_plan, 25, sections=False)
    client = login(unit_reviewer)
    response = client.get(URL, {"series": engineering_plan.series_id, "state": "pending"})
    assert rows(response) == 20
    html = response.content.decode()
    assert "1 / 2" in html
    assert f"series={engineering_plan.series_id}&amp;state=pending&amp;page=2" in html
    response = client.get(
        URL, {"series": engineering_plan.series_id, "state": "pending", "page": 2}
    )
    assert rows(response) == 5


def test_unit_rows_show_their_notice(login, unit, unit_reviewer, engineering_plan):
    noticed = build_queue(unit, engineering_plan, 1, state="passed", prefix="已公示")
    running = build_queue(unit, engineering_plan, 1, state="passed", prefix="公示中")
    build_queue(unit, engineering_plan, 1, state="passed", prefix="未公示")
    notice(unit_reviewer, unit, noticed)
    notice(unit_reviewer, unit, running, outcome="pending")
    html = login(unit_reviewer).get(URL, {"state": "passed"}).content.decode()
    assert html.count('data-testid="queue-row"') == 3
    assert html.count("公示无异议") == 1
    assert html.count('badge bg-warning text-dark">公示中') == 1
    assert f'href="/review/notices/new/?plan={engineering_plan.pk}">未公示' in html
    # Every passed row the unit holds can be ticked for reporting.
    assert html.count('name="ids"') == 3


def test_only_rows_still_held_get_a_checkbox(login, unit, unit_reviewer, engineering_plan):
    passed = build_queue(unit, engineering_plan, 2, state="passed")
    build_queue(unit, engineering_plan, 2, state="reported", prefix="已上报")
    build_queue(unit, engineering_plan, 1, state="pending", prefix="待审")
    client = login(unit_reviewer)
    html = client.get(URL).content.decode()
    assert html.count('name="ids"') == 2
    # Not yet published: none may be reported now.
    assert "上报全部符合条件的（0）" in html
    notice(unit_reviewer, unit, passed)
    assert "上报全部符合条件的（2）" in client.get(URL).content.decode()


def test_department_sees_only_what_reached_it(
    login, department_reviewer, supervising_department, unit, mixed_queue, engineering_plan
):
    client = login(department_reviewer)
    response = client.get(URL)
    assert response.status_code == 200 and rows(response) == 0
    build_queue(supervising_department, engineering_plan, 2, received_from=unit, prefix="上报来的")
    html = client.get(URL).content.decode()
    assert html.count('data-testid="queue-row"') == 2
    assert "上报来的001" in html and "工程待审" not in html
    assert "潍坊华东机械制造有限公司" in html  # 来自 / 申报单位
    # A declaration id of the unit's queue is not linked from here.
    assert f"/review/{mixed_queue['pending'][0].pk}/" not in html


def test_committee_office_inbox_has_no_report_buttons(
    login,
    committee_office_user,
    committee_office,
    reporting_department,
    unit,
    engineering_plan,
):
    build_queue(
        committee_office,
        engineering_plan,
        2,
        declaring_unit=unit,
        received_from=reporting_department,
        prefix="评委会收",
    )
    response = login(committee_office_user).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "评委会收件箱" in html
    assert html.count('data-testid="queue-row"') == 2
    assert "潍坊市工业和信息化局" in html
    assert 'data-testid="report-form"' not in html and "上报选中" not in html
    assert html.count(">查看</a>") == 2 and ">审核</a>" not in html


def test_other_roles_are_refused(client, login, applicant, administrator):
    # (An HR bureau has a queue: freelancers' declaring unit, a level of a path.)
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    for user in (applicant, administrator):
        assert login(user).get(URL).status_code == 403


def test_outsider_unit_sees_none_of_the_units_rows(login, outsider, mixed_queue):
    response = login(outsider).get(URL)
    assert response.status_code == 200
    assert rows(response) == 0 and "工程待审" not in response.content.decode()


def test_report_confirm_and_report_only_take_post(login, unit_reviewer):
    client = login(unit_reviewer)
    assert client.get(reverse("review:report_confirm")).status_code == 405
    assert client.get(reverse("review:report")).status_code == 405


def _page_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("kind", ["unit", "department"])
def test_queue_query_count_does_not_grow_with_rows(
    kind,
    login,
    unit,
    unit_reviewer,
    department_reviewer,
    supervising_department,
    engineering_plan,
    culture_plan,
    django_assert_max_num_queries,
):
    organization, user = (
        (unit, unit_reviewer) if kind == "unit" else (supervising_department, department_reviewer)
    )
    received = None if kind == "unit" else unit
    client = login(user)
    filtered = {"series": engineering_plan.series_id, "level": engineering_plan.level_id}
    filtered |= {"year": 2026, "state": "passed", "q": "批量"}
    build_queue(
        organization, engineering_plan, 1, state="passed", received_from=received, prefix="批量"
    )
    one = _page_queries(client)
    one_filtered = _page_queries(client, filtered)
    other_unit = factories.OrganizationFactory()
    build_queue(
        organization,
        engineering_plan,
        15,
        state="passed",
        received_from=received,
        declaring_unit=other_unit,
        prefix="批量通过",
    )
    build_queue(organization, culture_plan, 14, received_from=received, prefix="批量待审")
    assert Plan.objects.count() == 2
    thirty = _page_queries(client)
    assert one == thirty
    # Filters add their own validation queries (series, level), never one per row.
    assert _page_queries(client, filtered) == one_filtered <= one + 2
    with django_assert_max_num_queries(one):
        client.get(URL, {"page": 2})
    print(f"queue page ({kind}): {one} queries for 1 and 30 rows, {one_filtered} filtered")


def test_queue_rows_need_no_lazy_fetch(
    login, unit, unit_reviewer, engineering_plan, supervising_department, monkeypatch
):
    """Django 6.1 fetch modes: the rows are loaded with FETCH_RAISE, so any related object the
    page reaches without having loaded it up front raises instead of running a query per row."""
    from django.db.models import FETCH_RAISE

    from review import selectors

    build_queue(unit, engineering_plan, 2, state="passed", received_from=supervising_department)
    build_queue(unit, engineering_plan, 2, prefix="待审")
    original = selectors.queue_page_queryset
    monkeypatch.setattr(
        selectors,
        "queue_page_queryset",
        lambda *a, **k: original(*a, **k).fetch_mode(FETCH_RAISE),
    )
    # The rows' query is compiled once per process (core.prepared): again now, raising, and
    # again after the test without it.
    selectors._queue_rows.clear()
    try:
        response = login(unit_reviewer).get(URL)
    finally:
        selectors._queue_rows.clear()
    assert response.status_code == 200 and rows(response) == 4


def test_dashboard_shows_the_queue_counts(login, submitted, unit_reviewer):
    page = login(unit_reviewer).get("/org/").content.decode()
    assert 'data-testid="review-counts"' in page
    assert "/review/?state=pending" in page
    counts = page.split('data-testid="review-counts"')[1].split("</ul>")[0]
    assert "待审核</a> <span" in counts and ">1</span>" in counts


def test_navigation_names_the_review_pages_per_role(login, unit_reviewer, committee_office_user):
    unit_page = login(unit_reviewer).get("/org/").content.decode()
    assert "申报审核与上报" in unit_page and "/review/notices/" in unit_page
    office_page = login(committee_office_user).get("/org/").content.decode()
    assert "评委会收件箱" in office_page and "/review/notices/" not in office_page
