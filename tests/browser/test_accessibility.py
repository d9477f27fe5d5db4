"""axe-core (WCAG 2.0 / 2.1, levels A and AA) on the key pages of every role, on a desktop
(1280×800) and on a phone (390×844): zero violations.

axe-core is vendored from npm in tests/browser/vendor/axe-core/ (never served by the site). The
site's Content Security Policy allows no inline script and no eval; axe is added to each page
with Playwright's init script (the DevTools protocol, which the policy does not govern) and run
with page.evaluate, like the other browser tests' reads.

The data is seed_demo's (tests/browser/test_declaration_in_browser.seed_with_open_plans), plus
a draft of 张三 with every section saved (two rows each) and its required files uploaded, so the
section page has rows and files in edit mode. One browser context per role, several pages each.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from declarations.models import Declaration
from tests.browser.conftest import sign_in
from tests.browser.test_declaration_in_browser import PASSWORD, seed_with_open_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """axe's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    return page.evaluate(RUN_AXE, WCAG_AA)


def describe(url: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(
                f"{url}: {violation['id']} ({violation['impact']}) {node['target']} — {summary}"
            )
    return "\n".join(lines)


def open_context(browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport=viewport,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    context.add_init_script(AXE_SOURCE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


FIRST_STOP = """() => {
  const stops = [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]"
  )].filter(e => e.tabIndex >= 0 && !e.disabled);
  return stops.length ? stops[0].textContent.trim() : "";
}"""


UNREACHABLE_TABLES = """() => [...document.querySelectorAll(".table-responsive")]
  .filter(w => w.scrollWidth > w.clientWidth + 1)
  .filter(w => w.tabIndex !== 0 || w.getAttribute("role") !== "region"
               || !(w.getAttribute("aria-label") || "").trim())
  .map(w => (w.querySelector("table") || w).getAttribute("data-testid") || w.className)"""


# The folded menu is open (Bootstrap adds .show when its collapse transition has ended) and no
# CSS transition is running any more (a focus ring or a colour fading in). Polled every frame:
# expect(...).to_be_visible() backs off to 0.5-1 s between its checks, and the menu takes 0.35 s.
MENU_OPEN = """() => {
  const menu = document.querySelector("#main-nav.show");
  return !!menu && menu.checkVisibility() && !document.getAnimations()
    .some(a => a instanceof CSSTransition && a.playState === "running");
}"""


def check_pages(page, urls, found):
    for url in urls:
        # goto returns after the load event: the page, its styles and scripts and any framed
        # document are in (the pages load nothing later on their own).
        page.goto(url)
        # On a phone the header's menu is folded: open it, so its links are checked too.
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            page.wait_for_function(MENU_OPEN)
            expect(page.locator("#main-nav.show")).to_be_visible()
        violations = axe_violations(page)
        if violations:
            found.append(describe(url, violations))
        # A table wider than the screen scrolls in a focusable, named region.
        unreachable = page.evaluate(UNREACHABLE_TABLES)
        if unreachable:
            found.append(f"{url}: tables the keyboard cannot scroll: {unreachable}")
        first = page.evaluate(FIRST_STOP)
        if first != "跳到主要内容":
            found.append(f"{url}: the first focusable element is {first!r}, not the skip link")


def draft_of_zhangsan() -> Declaration:
    """张三's engineering draft: every section saved (two rows each), required files uploaded."""
    from applicants.models import User
    from applicants.services import agree_commitment
    from declarations.models import Plan
    from declarations.services import create_declaration
    from demo.fill import fill_declaration
    from institutions.models import Organization

    applicant = User.objects.get(username="zhangsan")
    agree_commitment(actor=applicant)
    plan = Plan.objects.get(series__code="engineering", committee__name__contains="潍坊")
    declaration = create_declaration(actor=applicant, plan=plan)
    unit = Organization.objects.get(memberships__user__username="wf_unit")
    return fill_declaration(declaration, unit, rows=2)


def expert_with_an_open_vote():
    """Two declarations accepted by the Weifang engineering office on a meeting whose vote is
    open (tests/committee/meeting_fixtures, as test_voting_in_browser); returns the username of
    a seated expert (password PASSWORD), the meeting and its first item."""
    from django.utils import timezone

    from applicants.models import User
    from committee.services import fees
    from declarations.models import Plan
    from institutions.models import Organization
    from tests.committee.meeting_fixtures import accepted, meeting_with

    plan = Plan.objects.get(series__code="engineering", committee__name__contains="潍坊")
    office_user = User.objects.get(username="wf_gc_office")
    fees.set_fee(actor=office_user, plan=plan, charged=False, amount=0)
    unit = Organization.objects.get(memberships__user__username="wf_unit")
    declarations = accepted(plan, plan.committee, unit, 2)
    setting = {
        "committee": plan.committee,
        "plan": plan,
        "unit": unit,
        "office": plan.committee.office,
        "actor": office_user,
        "year": timezone.localdate().year,
    }
    meeting, _pool, seated = meeting_with(setting, declarations)
    user = seated[0].user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user.username, meeting, meeting.items.order_by("pk").first()


def pages_by_role():
    """(username or None, [urls]) for every role, built on seed_demo's data."""
    from committee.models import Certificate

    draft = draft_of_zhangsan()
    wangwu = Declaration.objects.get(applicant__name="王五")
    sunqi = Declaration.objects.get(applicant__name="孙七")
    certificate = Certificate.objects.order_by("pk").first()
    expert, meeting, item = expert_with_an_open_vote()
    expert_pages = [
        "/committee/expert/",
        f"/committee/expert/meetings/{meeting.pk}/",
        f"/committee/expert/items/{item.pk}/",
    ]
    return [
        (
            None,
            ["/accounts/login/", "/accounts/register/", "/verify/", "/help/"]
            + ([f"/verify/{certificate.verification_code}/"] if certificate else []),
        ),
        (
            "zhangsan",
            [
                "/accounts/me/",
                f"/declarations/{draft.pk}/",
                f"/declarations/{draft.pk}/sections/work_experience/",
                f"/declarations/{draft.pk}/sections/education/",
            ],
        ),
        ("wangwu", ["/declarations/", f"/declarations/{wangwu.pk}/timeline/"]),
        # 孙七's declaration went the whole way: every step of the status chain is done.
        ("sunqi", [f"/declarations/{sunqi.pk}/timeline/"]),
        ("wf_unit", ["/review/", f"/review/{wangwu.pk}/"]),
        ("wc_gxj", ["/review/"]),
        ("wf_gc_office", ["/committee/inbox/"]),
        (expert, expert_pages),
        ("admin", ["/org/admin-home/"]),
    ]


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
def test_key_pages_of_every_role_have_no_axe_violations(browser, live_server, viewport):
    seed_with_open_plans()
    found: list[str] = []
    for username, urls in pages_by_role():
        context, page = open_context(browser, live_server, VIEWPORTS[viewport])
        try:
            if username:
                sign_in(page, live_server, username)
            check_pages(page, urls, found)
        finally:
            context.close()
    assert not found, f"{len(found)} page(s) with axe violations:\n" + "\n".join(found)


def test_axe_reports_a_violation(browser, live_server):
    """The check itself works: a page with an unlabelled field is reported."""
    context, page = open_context(browser, live_server, DESKTOP)
    try:
        page.goto("/accounts/login/")
        page.locator("input[name=username]").evaluate("e => e.removeAttribute('id')")
        ids = {v["id"] for v in axe_violations(page)}
        assert "label" in ids, ids
    finally:
        context.close()
