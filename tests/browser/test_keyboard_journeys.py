"""Keyboard only, in Chromium: signing in, saving a declaration's section and taking a review
decision with Tab, typing, Space and Enter, never the mouse.

Where focus is after each step is read from Python (document.activeElement): the site's
Content Security Policy forbids the eval that Playwright's in-page waiting would use, so the
tests poll from here (as test_review_layout_in_browser does)."""

import re

import pytest
from playwright.sync_api import expect

from declarations.forms.base import ROWS_KEY
from declarations.models import Declaration, DeclarationSection
from declarations.workflow import DeclarationStatus
from demo.files import pdf_bytes
from review.models import SectionResult
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import AXE_SOURCE, axe_violations, describe, draft_of_zhangsan
from tests.browser.test_declaration_in_browser import PASSWORD, seed_with_open_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = """() => {
  const e = document.activeElement;
  return {
    tag: e.tagName.toLowerCase(),
    id: e.id,
    name: e.getAttribute("name") || "",
    type: e.getAttribute("type") || "",
    value: e.value === undefined ? "" : String(e.value),
    text: (e.innerText || e.textContent || "").trim().slice(0, 200),
    testid: e.getAttribute("data-testid") || "",
    classes: e.className && e.className.baseVal === undefined ? e.className : "",
  };
}"""


@pytest.fixture
def keyboard_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.add_init_script(AXE_SOURCE)  # to check the pages after htmx swaps
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def wait_for_focus(page, predicate, what, tries=50):
    """Poll document.activeElement until predicate(active) holds."""
    for _ in range(tries):
        now = active(page)
        if predicate(now):
            return now
        page.wait_for_timeout(100)
    raise AssertionError(f"focus never reached {what}; it is on {active(page)}")


def outline(page) -> tuple[str, str]:
    return tuple(
        page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth]; }"
        )
    )


def tab_to(page, predicate, what, limit=80, key="Tab"):
    """Press Tab until the focused element matches; fail after `limit` presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if predicate(active(page)):
            return presses
    raise AssertionError(f"{what} not reached in {limit} presses of {key}; focus on {active(page)}")


def test_sign_in_with_the_keyboard_only(keyboard_page):
    seed_with_open_plans()
    page = keyboard_page
    page.goto("/accounts/login/")
    page.wait_for_load_state("networkidle")

    # 账号 has focus from the start (autofocus); back up to the skip link (the page's first
    # stop), Enter puts focus on <main>, whose first field is 账号.
    assert active(page)["name"] == "username", active(page)
    tab_to(page, lambda a: a["text"] == "跳到主要内容", "the skip link", limit=10, key="Shift+Tab")
    page.keyboard.press("Enter")
    wait_for_focus(page, lambda a: a["id"] == "main", "<main>")
    page.keyboard.press("Tab")
    assert active(page)["name"] == "username", active(page)

    # 账号, 密码, 验证码, each typed, then Enter submits.
    page.keyboard.type("wangwu")
    page.keyboard.press("Tab")
    assert active(page)["name"] == "password", active(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    captcha = active(page)
    assert captcha["name"] == "captcha_1", captcha
    # The answer box is named 验证码 for screen readers.
    expect(page.get_by_label("验证码", exact=True)).to_be_visible()
    page.keyboard.type("PASSED")
    # 换一张 (a new picture) is the next stop, then 立即登录.
    page.keyboard.press("Tab")
    assert active(page)["text"] == "换一张", active(page)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("王五")


def test_save_a_section_with_the_keyboard_only(keyboard_page, live_server):
    seed_with_open_plans()
    draft = draft_of_zhangsan()
    page = keyboard_page
    sign_in(page, live_server, "zhangsan")
    page.goto(f"/declarations/{draft.pk}/sections/work_experience/")
    rows = page.locator("[data-testid=row]")
    expect(rows).to_have_count(2)
    # Each row is a group named 第 N 行.
    expect(page.get_by_role("group", name="第 2 行")).to_be_visible()

    # Skip the header, then Tab to 添加一行; Enter adds a row and focus lands in its first field.
    page.keyboard.press("Tab")
    assert active(page)["text"] == "跳到主要内容"
    page.keyboard.press("Enter")
    wait_for_focus(page, lambda a: a["id"] == "main", "<main>")
    tab_to(page, lambda a: a["name"] == "add_row", "添加一行")
    # Focus is visible: a 3 px outline (not Bootstrap's faint glow).
    assert outline(page) == ("solid", "3px"), outline(page)
    page.keyboard.press("Enter")
    expect(rows).to_have_count(3)
    field = wait_for_focus(
        page, lambda a: a["name"].startswith("work_experience-2-"), "the new row's first field"
    )
    assert field["tag"] in ("input", "select", "textarea"), field
    expect(page.get_by_role("group", name="第 3 行")).to_be_visible()
    assert not (found := axe_violations(page)), describe(page.url, found)

    # Its 删除此行 removes it again; focus goes back to 添加一行.
    tab_to(
        page,
        lambda a: a["name"] == "remove_row" and a["value"] == "2",
        "the new row's 删除此行",
    )
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=row]:visible")).to_have_count(2)
    wait_for_focus(page, lambda a: a["name"] == "add_row", "添加一行")

    # 保存 is the next stops away; Enter in a row's text field saves too (and does not delete
    # the first row, whose 删除此行 would otherwise be the form's default button).
    presses = tab_to(page, lambda a: a["tag"] == "button" and a["text"] == "保存", "保存")
    assert presses <= 2
    tab_to(
        page,
        lambda a: a["tag"] == "input" and a["type"] == "text" and "-1-" in a["name"],
        "a text field of 第 2 行",
        key="Shift+Tab",
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/declarations/{draft.pk}/$"))
    message = wait_for_focus(page, lambda a: "messages" in a["classes"], "the result message")
    assert "保存" in message["text"], message
    # Both rows kept (Enter saved, it did not press the first row's 删除此行).
    saved = DeclarationSection.objects.get(declaration=draft, code="work_experience").data
    assert len(saved[ROWS_KEY]) == 2, saved


def test_an_upload_puts_focus_on_the_new_file(keyboard_page, live_server):
    """The file input is named after its slot; once the chosen file is uploaded (the slot's card
    is replaced), focus is on the new file's entry, whose buttons name the file."""
    seed_with_open_plans()
    draft = draft_of_zhangsan()
    page = keyboard_page
    sign_in(page, live_server, "zhangsan")
    page.goto(f"/declarations/{draft.pk}/sections/education/")
    slot = page.locator("[data-testid=slot]").first
    name = slot.locator("h3").inner_text().rstrip("*").strip()
    field = page.get_by_label(f"上传：{name}")
    expect(field).to_have_count(1)
    before = slot.locator("[data-testid=attachment]").evaluate_all("els => els.map(e => e.id)")
    field.focus()
    field.set_input_files(
        files=[{"name": "补充的学历证书.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    entry = wait_for_focus(
        page,
        lambda a: a["id"].startswith("attachment-") and a["id"] not in before,
        "the new file's entry",
    )
    assert "补充的学历证书.pdf" in entry["text"], entry
    new = page.locator(f"#{entry['id']}")
    # (Chromium reads the visually hidden name after a space: "删除 ：补充的学历证书.pdf".)
    delete = new.get_by_role("button", name=re.compile("^删除 ?：补充的学历证书.pdf$"))
    expect(delete).to_have_count(1)

    # 删除 by keyboard (after the confirmation): the slot comes back, focus stays in it.
    page.once("dialog", lambda dialog: dialog.accept())
    tab_to(page, lambda a: a["tag"] == "button" and "补充的学历证书.pdf" in a["text"], "删除")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{entry['id']}")).to_have_count(0)
    landed = wait_for_focus(
        page, lambda a: a["tag"] == "h3" or "已删除" in a["text"], "the slot's heading or message"
    )
    assert name in landed["text"] or "已删除" in landed["text"], landed


def test_review_decision_with_the_keyboard_only(keyboard_page, live_server):
    seed_with_open_plans()
    declaration = Declaration.objects.get(applicant__name="王五")
    page = keyboard_page
    sign_in(page, live_server, "wf_unit")
    page.goto(f"/review/{declaration.pk}/")

    # A section's result: skip to the main content, open 基本信息 and choose 通过 with Space.
    page.keyboard.press("Tab")
    assert active(page)["text"] == "跳到主要内容"
    page.keyboard.press("Enter")
    wait_for_focus(page, lambda a: a["id"] == "main", "<main>")
    tab_to(page, lambda a: a["tag"] == "summary" and "基本信息" in a["text"], "基本信息")
    page.keyboard.press("Enter")
    tab_to(
        page,
        lambda a: a["type"] == "radio" and a["name"].endswith("result"),
        "基本信息's result",
    )
    # Arrow keys choose within the group (Space ticks the first one reached).
    if active(page)["value"] != "pass":
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    # Saved in place: the chosen 通过 keeps focus (the result form was swapped; htmx gives
    # focus back to the same control) and 已保存 is read out by the live region.
    section = page.locator("[data-testid=review-section][data-section=basic_info]")
    expect(section.locator("[data-testid=saved]")).to_have_text("已保存")
    expect(page.locator("#live-status")).to_have_text("已保存")
    chosen = active(page)
    assert (chosen["type"], chosen["value"]) == ("radio", "pass"), chosen
    assert SectionResult.objects.get(declaration=declaration, code="basic_info").passed
    assert not (found := axe_violations(page)), describe(page.url, found)

    # The decision: the second skip link (跳到审核意见) passes every section and PDF viewer.
    page.goto(f"/review/{declaration.pk}/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert active(page)["text"] == "跳到审核意见", active(page)
    page.keyboard.press("Enter")
    wait_for_focus(page, lambda a: a["id"] == "decision", "the decision bar")
    presses = tab_to(page, lambda a: a["testid"] == "decide-pass", "通过", limit=5)
    assert presses <= 3
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/decide/pass/"))

    # The confirmation page: skip, type the opinion, Tab to 确认通过, Enter.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_for_focus(page, lambda a: a["id"] == "main", "<main>")
    tab_to(page, lambda a: a["tag"] == "textarea", "审核意见")
    page.keyboard.type("同意推荐")
    tab_to(page, lambda a: a["testid"] == "confirm", "确认通过")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/review/{declaration.pk}/$|/review/$"))
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PASSED, declaration.status
