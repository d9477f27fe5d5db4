"""The expert's vote in Chromium on a phone (375 px wide) and on a desktop: one column, no
sideways scrolling, big buttons, a confirmation before the ballot is cast, and the office sees
only how many voted."""

import pytest
from playwright.sync_api import expect

from committee.models import Ballot
from tests import factories
from tests.browser.conftest import log_in
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import accepted, meeting_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
setting = meeting_fixtures.setting

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_expert_votes_on_a_phone_and_a_desktop(browser, live_server, setting, viewport):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    meeting, _pool, seated = meeting_with(setting, declarations)
    expert = seated[0]
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport=viewport,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, expert.user.username, factories.PASSWORD)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto("/committee/expert/")
        page.get_by_test_id("expert-meeting").first.click()
        items = page.get_by_test_id("vote-item")
        expect(items).to_have_count(2)
        items.first.click()
        agree = page.locator("label[for=choice-agree]")
        expect(agree).to_be_visible()
        # Big, full-width buttons in one column; nothing wider than the screen.
        box = agree.bounding_box()
        assert box["height"] >= 44
        if viewport is PHONE:
            assert box["width"] >= 300
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]
        agree.click()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="提交投票").click()
        expect(page.get_by_test_id("vote-item").filter(has_text="已投票")).to_have_count(1)
        assert Ballot.objects.filter(item__meeting=meeting, choice="agree").count() == 1
    finally:
        context.close()
