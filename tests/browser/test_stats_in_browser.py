"""The statistics page in Chromium on a phone: no WCAG A/AA violations (axe), nothing wider
than the screen but the scrollable tables, the charts drawn to the screen's width."""

import pytest

from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import PHONE, axe_violations, describe, open_context
from tests.stats.conftest import dataset  # noqa: F401  (the statistics tests' data)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  screen: window.innerWidth,
  charts: [...document.querySelectorAll("svg.stats-chart")].map(
    s => s.getBoundingClientRect().width),
})"""


def test_stats_page_on_a_phone(browser, live_server, dataset, department_reviewer):  # noqa: F811
    context, page = open_context(browser, live_server, PHONE)
    try:
        log_in(page, department_reviewer.username, factories.PASSWORD)
        page.goto("/stats/")
        assert page.locator("h1").inner_text() == "统计分析"
        widths = page.evaluate(WIDTHS)
        assert widths["page"] <= widths["screen"]
        assert len(widths["charts"]) == 6
        assert all(0 < w <= widths["screen"] for w in widths["charts"])
        violations = axe_violations(page)
        assert not violations, describe("/stats/", violations)
        page.screenshot(path="/tmp/stats-phone.png", full_page=True)
    finally:
        context.close()
