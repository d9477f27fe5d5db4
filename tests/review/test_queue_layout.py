"""The queue's and the committee inbox's markup for phones (static/css/app.css turns each row into
a card): the 审核 / 查看 button in the row's first line beside the name, every other cell
labelled, and the filters folded behind a 筛选 button that counts the filters set. The browser
check at 390×844 is tests/browser/test_review_layout_in_browser.py."""

import re

import pytest

from tests.review.builders import build_queue

pytestmark = pytest.mark.django_db

URL = "/review/"


def first_row(html):
    start = html.index('data-testid="queue-row"')
    return html[start : html.index("</tr>", start)]


def test_each_row_has_its_name_and_button_first_and_labelled_cells(login, unit_reviewer, submitted):
    html = login(unit_reviewer).get(URL).content.decode()
    assert 'class="table table-hover align-middle text-nowrap queue-table"' in html
    row = first_row(html)
    assert '<td class="queue-name">' in row and '<td class="queue-action">' in row
    assert re.search(
        r'<td class="queue-action"><a class="btn btn-sm btn-primary"[^>]*>审核</a>', row
    )
    labels = re.findall(r'data-label="([^"]+)"', row)
    assert labels == [
        "身份证号",
        "申报计划/系列/级别",
        "申报单位",
        "收到时间",
        "来自",
        "状态",
        "公示",
    ]


def test_the_committee_inbox_rows_are_cards_too(
    login, committee_office_user, committee_office, reporting_department, unit, engineering_plan
):
    build_queue(
        committee_office,
        engineering_plan,
        1,
        declaring_unit=unit,
        received_from=reporting_department,
        prefix="评委会收",
    )
    row = first_row(login(committee_office_user).get(URL).content.decode())
    assert re.search(r'<td class="queue-action"><a [^>]*>查看</a>', row)
    assert "queue-pick" not in row  # nothing to tick in an inbox
    assert 'data-label="状态"' in row


def test_filters_fold_behind_a_toggle_that_counts_the_filters_set(
    login, unit_reviewer, submitted, engineering_plan
):
    client = login(unit_reviewer)
    html = client.get(URL).content.decode()
    toggle = re.search(r'<button [^>]*data-testid="filter-toggle">([^<]*)(<span[^>]*>(\d+))?', html)
    assert toggle and toggle[1] == "筛选" and toggle[3] is None
    assert 'aria-controls="queue-filter"' in toggle[0]
    assert re.search(r'<form method="get" class="[^"]*collapse d-md-flex" id="queue-filter"', html)

    # Two filters set (the state tab is not one of them): the toggle says 2.
    html = client.get(
        URL, {"series": engineering_plan.series_id, "q": "张三", "state": "pending"}
    ).content.decode()
    toggle = re.search(
        r'data-testid="filter-toggle">筛选 <span class="badge bg-primary">(\d+)<', html
    )
    assert toggle and toggle[1] == "2"
    # A bad value is ignored, so it is not counted.
    html = client.get(URL, {"year": "abc"}).content.decode()
    assert 'data-testid="filter-toggle">筛选</button>' in html
