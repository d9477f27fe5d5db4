"""In Chromium, the two chains with an HR bureau as a level (seed_demo's data):

- 个人代理: a freelancer (钱七) picks 个人代理 and the 潍城区 HR bureau as declaring unit (the unit
  search offers the county bureaus once 个人代理 is chosen), submits; the bureau reviews as the
  unit level (通过 without an opinion), reports to the reporting department, which 审查通过
  (an opinion required) and reports to the committee.
- Huzhou (S3): unit → 主管部门 → 人社部门 (审核推荐) → committee; each department's 审查通过
  is refused without an opinion, then passes with one.

The declarations' other sections and files are put in place from the test (filling every
section in the browser is tested in test_declaration_in_browser.py), and so are the declaring
units' public notices (their pages are tested in test_review_chain_in_browser.py): each notice
starts on the day of the pass and its outcome is recorded after the clock has moved past its
end (tests.review.builders.notice); everything else is clicked on the pages."""

import re

import pytest
from playwright.sync_api import expect

from applicants.models import User
from applicants.services import agree_commitment
from declarations.models import Declaration, DeclarationStatus, Plan
from declarations.services import create_declaration
from institutions.models import Organization
from review.models import Review
from tests.browser.test_declaration_in_browser import (
    OVERVIEW_URL,
    seed_with_open_plans,
    submit_and_check_timeline,
)
from tests.browser.test_review_chain_in_browser import (
    decide,
    open_queue_row,
    report,
    review,
    signed_in,
)
from tests.declarations.builders import fill_valid
from tests.review.builders import notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPINION = "经审查，符合申报条件，同意推荐"


@pytest.fixture
def contexts():
    """Every person's browser context, closed before the live server stops."""
    opened = []
    yield opened
    for context in opened:
        context.close()


def org(username):
    return Organization.objects.get(memberships__user__username=username)


def passes_only_with_an_opinion(page, name):
    """A department opens the declaration, sees the S3 labels, is refused 审查通过 without an
    opinion (the message at the field), then passes with one."""
    review(page, name)
    panel = page.locator("[data-testid=decision-panel]")
    expect(panel.locator("[data-testid=decide-pass]")).to_have_text("审查通过")
    expect(panel.locator("[data-testid=decide-reject]")).to_have_text("审查不通过")
    page.locator("[data-testid=decide-pass]").click()
    page.wait_for_url(re.compile(r"/review/\d+/decide/pass/(\?.*)?$"))
    expect(page.locator("[data-testid=decide] h1")).to_have_text("确认审查通过")
    page.locator("[data-testid=confirm]").click()
    expect(page.locator("[data-testid=decide]")).to_contain_text("审查通过时必须签署审查意见。")
    page.locator("[data-testid=decide] textarea").first.fill(OPINION)
    page.locator("[data-testid=confirm]").click()
    page.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    expect(page.locator(".alert-success").first).to_contain_text("已审查通过")


def test_freelancer_declares_through_the_county_hr_bureau(browser, live_server, contexts):
    seed_with_open_plans()
    qianqi = User.objects.get(username="qianqi")
    bureau, reporting, office = org("wc_rsj"), org("wf_gxj"), org("wf_gc_office")
    agree_commitment(actor=qianqi)
    plan = Plan.objects.get(series__code="engineering", region__code="370700")
    # Filled as if employed by the demo unit; the applicant changes that on the page.
    declaration = fill_valid(create_declaration(actor=qianqi, plan=plan), org("wf_unit"))

    applicant = signed_in(browser, live_server, "qianqi", contexts, accept_dialogs=False)
    applicant.goto(f"/declarations/{declaration.pk}/sections/declaration_info/")
    relation = applicant.locator("#id_declaration_info-is_work_unit")
    units = applicant.locator("#id_declaration_info-declaring_unit")
    relation.select_option("个人代理")
    # The search offers the plan region's county HR bureaus at once, and no unit.
    expect(units.locator("option", has_text=bureau.name)).to_have_count(1)
    expect(units.locator("option", has_text="华东机械")).to_have_count(0)
    units.select_option(str(bureau.pk))
    applicant.get_by_role("button", name=re.compile("^保存")).first.click()
    expect(applicant.locator(".alert-success").first).to_be_visible()
    declaration.refresh_from_db()
    assert declaration.declaring_unit == bureau
    applicant.goto(f"/declarations/{declaration.pk}/")
    applicant.wait_for_url(OVERVIEW_URL)
    submit_and_check_timeline(applicant, bureau.name)

    # The bureau reviews as the unit level: the unit's labels, 通过 without an opinion.
    hr = signed_in(browser, live_server, "wc_rsj", contexts)
    row = open_queue_row(hr, "钱七")
    expect(row).to_contain_text("个人提交")
    review(hr, "钱七")
    expect(hr.locator("[data-testid=decide-pass]")).to_have_text("通过")
    decide(hr, "pass")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PASSED

    # Its notice of its own declarant, then the report up its path.
    notice(User.objects.get(username="wc_rsj"), bureau, [declaration])
    report(hr, "钱七", reporting.name)

    # The reporting department 审查通过 (with an opinion) and reports to the committee.
    department = signed_in(browser, live_server, "wf_gxj", contexts)
    passes_only_with_an_opinion(department, "钱七")
    report(department, "钱七", "评审委员会")

    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.AT_COMMITTEE
    assert declaration.holder == office
    assert list(
        Review.objects.filter(declaration=declaration)
        .order_by("arrived_at", "pk")
        .values_list("organization", flat=True)
    ) == [bureau.pk, reporting.pk, office.pk]


def test_huzhou_chain_unit_department_bureau_committee(browser, live_server, contexts):
    seed_with_open_plans()
    sunba = User.objects.get(username="sunba")
    unit, department, bureau = org("hz_unit"), org("wx_jxj"), org("wx_rsj")
    office = org("hz_office")
    agree_commitment(actor=sunba)
    plan = Plan.objects.get(series__code="engineering", region__code="330500")
    declaration = fill_valid(create_declaration(actor=sunba, plan=plan), unit)

    applicant = signed_in(browser, live_server, "sunba", contexts, accept_dialogs=False)
    applicant.goto(f"/declarations/{declaration.pk}/")
    submit_and_check_timeline(applicant, unit.name)

    # The unit passes (通过: the unit level keeps its labels), publishes its notice, reports.
    hr = signed_in(browser, live_server, "hz_unit", contexts)
    review(hr, "孙八")
    expect(hr.locator("[data-testid=decide-pass]")).to_have_text("通过")
    decide(hr, "pass")
    notice(User.objects.get(username="hz_unit"), unit, [Declaration.objects.get(pk=declaration.pk)])
    report(hr, "孙八", department.name)

    # 主管部门, then 人社部门 (审核推荐): 审查通过 needs an opinion; each reports up its path.
    supervising = signed_in(browser, live_server, "wx_jxj", contexts)
    passes_only_with_an_opinion(supervising, "孙八")
    report(supervising, "孙八", bureau.name)

    hr_bureau = signed_in(browser, live_server, "wx_rsj", contexts)
    passes_only_with_an_opinion(hr_bureau, "孙八")
    report(hr_bureau, "孙八", plan.committee.name)

    # It waits in the Huzhou committee office's inbox: the row shows the declaration's state
    # and links to the office's 受理 page.
    inbox = signed_in(browser, live_server, "hz_office", contexts)
    row = open_queue_row(inbox, "孙八")
    expect(row).to_contain_text("待评委会受理")
    expect(row.locator("[data-testid=accept-link]")).to_have_text("受理")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.AT_COMMITTEE
    assert (declaration.holder, declaration.committee) == (office, plan.committee)
    opinions = dict(
        Review.objects.filter(declaration=declaration).values_list("organization", "opinion")
    )
    assert opinions[department.pk] == opinions[bureau.pk] == OPINION
