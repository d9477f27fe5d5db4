"""In Chromium, a seeded applicant's declaration goes from submission to the committee office's
inbox: the unit fails a section and returns it, the applicant reads why, fixes and resubmits,
the unit sees what changed, passes, records the public notice (from the day of the pass) and,
once the clock has moved past its end, its outcome, and reports; the supervising and
the reporting department pass and report along the seeded paths; the committee office finds it
in its inbox; the applicant's timeline shows every step with its reasons.

The declaration's data and files are put in place from the test (the applicant filling every
section in the browser is tested in test_declaration_in_browser.py); everything from the
submission on is clicked on the pages."""

import datetime
import re
from contextlib import ExitStack

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import User
from applicants.services import agree_commitment
from declarations.models import Declaration, DeclarationStatus, Plan
from declarations.services import create_declaration
from institutions.models import Organization
from review.models import PublicNotice, Review
from tests import clock
from tests.browser.conftest import sign_in
from tests.browser.test_declaration_in_browser import (
    seed_with_open_plans,
    submit_and_check_timeline,
)
from tests.declarations.builders import fill_valid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDUCATION_REASON = "学历证书扫描件不清晰，请重新上传并核对毕业院校名称"


@pytest.fixture
def contexts():
    """Every person's browser context, closed before the live server stops: an open context
    keeps connections to the server's threads alive past the test."""
    opened = []
    yield opened
    for context in opened:
        context.close()


@pytest.fixture
def move_clock_to():
    """Move the clock (timezone.now, in this process: the live server's threads too) to a day,
    for the rest of the test."""
    with ExitStack() as stack:
        yield lambda day: stack.enter_context(clock.on_day(day))


def signed_in(browser, live_server, username, contexts, *, accept_dialogs=True):
    """A fresh browser context for one person (as on their own computer)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Irreversible steps ask for confirmation (static/js/app.js); the person agrees.
    if accept_dialogs:
        page.on("dialog", lambda dialog: dialog.accept())
    # Signed in by a session cookie (tests/browser/conftest.sign_in; the login form is tested in
    # test_accounts_in_browser), then on the person's home page as after the form.
    sign_in(page, live_server, username)
    page.goto("/")
    return page


def choose_result(section, label):
    """Click 通过 / 不通过 of a section's result (radio buttons drawn as a button pair)."""
    section.locator("[data-testid=section-result] label", has_text=re.compile(f"^{label}$")).click()


def leave_field(page):
    """Leave the field being typed in (a section's reason is saved when it is left)."""
    page.locator("[data-testid=review-header]").click()


def open_queue_row(page, name):
    page.get_by_role("link", name=re.compile("申报审核与上报|评委会收件箱")).first.click()
    page.wait_for_url("**/review/**")
    row = page.locator("tbody tr", has_text=name)
    expect(row).to_have_count(1)
    return row


def review(page, name):
    open_queue_row(page, name).get_by_role("link", name=re.compile("审核|查看")).click()
    page.wait_for_url(re.compile(r"/review/\d+/$"))


def decide(page, action, reason=""):
    page.locator(f"[data-testid=decide-{action}]").click()
    page.wait_for_url(re.compile(rf"/review/\d+/decide/{action}/(\?.*)?$"))
    if reason:
        page.locator("[data-testid=decide] textarea").first.fill(reason)
    page.locator("[data-testid=confirm]").click()
    page.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    expect(page.locator(".alert-success").first).to_be_visible()


def report(page, name, destination):
    row = open_queue_row(page, name)
    row.locator("input[name=ids]").check()
    page.get_by_role("button", name="上报选中").click()
    page.wait_for_url("**/report/confirm/")
    expect(page.locator("[data-testid=report-group]")).to_contain_text(destination)
    page.locator("[data-testid=confirm-report]").click()
    page.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    expect(page.locator(".alert-success").first).to_contain_text(destination)


def test_seeded_declaration_goes_from_submission_to_the_committee_inbox(
    browser, live_server, contexts, move_clock_to
):
    seed_with_open_plans()
    zhangsan = User.objects.get(username="zhangsan")
    unit = Organization.objects.get(memberships__user__username="wf_unit")
    supervising = Organization.objects.get(memberships__user__username="wc_gxj")
    reporting = Organization.objects.get(memberships__user__username="wf_gxj")
    office = Organization.objects.get(memberships__user__username="wf_gc_office")
    agree_commitment(actor=zhangsan)
    plan = Plan.objects.get(series__code="engineering", region__code="370700")
    declaration = fill_valid(create_declaration(actor=zhangsan, plan=plan), unit)

    # The applicant submits on the page.
    # (submit_and_check_timeline accepts its own confirmation dialog)
    applicant = signed_in(browser, live_server, "zhangsan", contexts, accept_dialogs=False)
    applicant.goto(f"/declarations/{declaration.pk}/")
    submit_and_check_timeline(applicant, unit.name)

    # The unit fails the education section with a reason and returns the declaration.
    hr = signed_in(browser, live_server, "wf_unit", contexts)
    review(hr, "张三")
    education = hr.locator("[data-testid=review-section][data-section=education]")
    # (The result is saved as it is chosen: 不通过 once its reason is entered and left.)
    choose_result(education, "不通过")
    education.locator("textarea").fill("")
    leave_field(hr)
    # A fail without a reason is refused on the spot.
    expect(education.locator("[data-testid=reason-error]")).to_be_visible()
    education.locator("textarea").fill(EDUCATION_REASON)
    leave_field(hr)
    expect(education.locator("[data-testid=result-badge]")).to_have_text("不通过")
    hr.locator("[data-testid=decide-return]").click()
    expect(hr.locator("[data-testid=decide-failed]")).to_contain_text(EDUCATION_REASON)
    hr.locator("[data-testid=confirm]").click()
    hr.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RETURNED

    # The applicant reads why on the timeline and on the section page, fixes it, resubmits.
    applicant.goto(f"/declarations/{declaration.pk}/timeline/")
    expect(applicant.locator("main")).to_contain_text(EDUCATION_REASON)
    applicant.goto(f"/declarations/{declaration.pk}/sections/education/")
    expect(applicant.locator("main")).to_contain_text(EDUCATION_REASON)
    applicant.fill("#id_education-full_time_school", "山东科技大学")
    applicant.get_by_role("button", name=re.compile("^保存")).first.click()
    expect(applicant.locator(".alert-success").first).to_be_visible()
    applicant.goto(f"/declarations/{declaration.pk}/")
    submit_and_check_timeline(applicant, unit.name)

    # Back at the unit: the changed field is shown, the unit passes.
    review(hr, "张三")
    diff = hr.locator("[data-testid=diff]")
    expect(diff).to_contain_text("山东大学")
    expect(diff).to_contain_text("山东科技大学")
    decide(hr, "pass")

    # Without a public notice, reporting is refused with the reason.
    row = open_queue_row(hr, "张三")
    row.locator("input[name=ids]").check()
    hr.get_by_role("button", name="上报选中").click()
    expect(hr.locator("main")).to_contain_text("公示")
    expect(hr.locator("[data-testid=confirm-report]")).to_be_disabled()

    # The public notice starts today, the day of the pass, for five working days (the form's
    # default dates); it cannot be dated before the pass, and while it runs no outcome is taken.
    hr.get_by_role("link", name="公示").first.click()
    hr.get_by_role("link", name=re.compile("登记公示")).first.click()
    today = timezone.localdate()
    hr.fill("input[name=starts_on]", (today - datetime.timedelta(days=21)).isoformat())
    hr.locator("[data-testid=notice-form] button.btn-primary", has_text="保存公示").click()
    expect(hr.locator("main")).to_contain_text("公示须在本单位审核通过之后开始")
    hr.fill("input[name=starts_on]", today.isoformat())
    hr.locator("[data-testid=notice-form] button.btn-primary", has_text="保存公示").click()
    hr.wait_for_url(re.compile(r"/review/notices/\d+/$"))
    expect(hr.locator("[data-testid=notice-running]")).to_be_visible()
    expect(hr.locator("[data-testid=outcome-form]")).to_have_count(0)

    # The days go by: from here on the clock (the live server's too) is the day after the notice
    # ended. Sessions last 8 hours, so everyone signs in again; the unit records no objection.
    notice = PublicNotice.objects.get(declarations=declaration)
    move_clock_to(notice.ends_on + datetime.timedelta(days=1))
    hr = signed_in(browser, live_server, "wf_unit", contexts)
    hr.goto(f"/review/notices/{notice.pk}/")
    hr.get_by_label("公示无异议").check()
    hr.get_by_role("button", name="登记公示结果").click()
    expect(hr.locator("[data-testid=notice-outcome]")).to_contain_text("公示无异议")

    report(hr, "张三", supervising.name)

    # The supervising department and the reporting department pass and report along the path.
    for username, destination in (("wc_gxj", reporting.name), ("wf_gxj", "评审委员会")):
        department = signed_in(browser, live_server, username, contexts)
        review(department, "张三")
        expect(department.locator("[data-testid=holder]")).to_contain_text(
            Organization.objects.get(memberships__user__username=username).name
        )
        # Above the unit, 审查通过 is signed with an opinion (S3 附件2 二.3).
        decide(department, "pass", "经审查，同意推荐")
        report(department, "张三", destination)

    # It waits in the committee office's inbox.
    inbox = signed_in(browser, live_server, "wf_gc_office", contexts)
    # The office's inbox shows the declaration's state, with a link to its 受理 page.
    row = open_queue_row(inbox, "张三")
    expect(row).to_contain_text("待评委会受理")
    expect(row.locator("[data-testid=accept-link]")).to_have_text("受理")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.AT_COMMITTEE
    assert declaration.holder == office
    assert Review.objects.filter(declaration=declaration).count() == 4

    # The applicant's timeline has every step, with the return's reason.
    applicant = signed_in(browser, live_server, "zhangsan", contexts)
    applicant.goto(f"/declarations/{declaration.pk}/timeline/")
    timeline = applicant.locator("main")
    expect(applicant.locator("[data-testid=status]")).to_have_text("待评委会受理")
    for text in (
        "提交申报",
        "退回修改",
        EDUCATION_REASON,
        "审核通过",
        "上报",
        "上报评委会",
        supervising.name,
    ):
        expect(timeline).to_contain_text(text)
    actions = list(
        Declaration.objects.get(pk=declaration.pk).events.values_list("action", flat=True)
    )
    assert actions.count("pass") == 3 and actions.count("report") == 2
    assert actions.count("report_committee") == 1
    assert actions.count("return") == 1 and actions.count("submit") == 2
