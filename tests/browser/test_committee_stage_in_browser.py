"""The committee stage as one journey in Chromium: the office accepts (受理, with its confirmation
page) a declaration reported to its inbox, marks its 200 元 fee paid, creates a meeting, draws
the experts, records attendance and opens the vote; eight experts vote 同意 on phone-sized pages
(375×740); the office closes the vote and publishes the results notice; once its five working
days have passed (the clock moved as tests/clock.py allows) it confirms, the applicant downloads
the certificate from 证书状态 and the public page at the QR code's address says 有效.

Confirmation, download and verification in detail are in test_results_in_browser.py and the
vote's layout in test_voting_in_browser.py; this file checks that the pages carry a declaration
from one end to the other."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committee.models import Certificate, Meeting, Payment, ResultsNotice
from committee.services import fees
from committee.services.certificates import verification_path, verification_url
from declarations.workflow import DeclarationStatus
from demo.committee_stage import end_after_working_days
from tests import clock, factories
from tests.browser.conftest import log_in, sign_in
from tests.committee.meeting_fixtures import appoint, experts
from tests.committee.results_fixtures import *  # noqa: F403

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
VOTERS = 8  # of 11 attending: 8 同意 ≥ 2/3 passes


def _context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _signed_in(page, username):
    log_in(page, username, factories.PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _session_for(page, live_server, username):
    """Signed in without the form (the voters above sign in through it); the next goto opens
    the signed-in page."""
    sign_in(page, live_server, username)


def test_from_the_inbox_to_the_verified_certificate(
    browser, live_server, at_committee, committee_office_user, engineering_plan
):
    declaration = at_committee
    committee = engineering_plan.committee
    fees.set_fee(actor=committee_office_user, plan=engineering_plan, charged=True, amount=200)
    pool = experts(committee.office, 11)
    appoint(committee, pool, timezone.localdate().year)
    today = timezone.localdate()

    office, page = _context(browser, live_server)
    try:
        _session_for(page, live_server, committee_office_user.username)
        # 受理, after the confirmation page.
        page.goto("/committee/inbox/")
        row = page.get_by_test_id("inbox-row").filter(has_text="张三")
        row.locator("input[name=ids]").check()
        page.get_by_test_id("bulk-accept").click()
        expect(page.get_by_test_id("confirm-row")).to_have_count(1)
        page.get_by_test_id("confirm-decide").click()
        page.goto("/committee/inbox/?show=all")
        expect(page.get_by_test_id("row-status")).to_have_text("已受理待评审")
        expect(page.get_by_test_id("row-payment")).to_contain_text("200")
        # 缴费登记 by the office.
        page.goto("/committee/payments/")
        page.get_by_test_id("payment-row").locator("input[name=ids]").check()
        page.get_by_test_id("mark-paid").click()
        page.fill("input[name=reference]", "12333-0001")
        page.get_by_test_id("confirm-record").click()
        expect(page.get_by_test_id("payment-status")).to_have_text("已缴费")
        assert Payment.objects.get(declaration=declaration).status == Payment.Status.PAID
        # 评审会议: create, draw, attendance, open.
        page.goto(f"/committee/meetings/new/?plan={engineering_plan.pk}")
        page.fill("input[name=name]", "2026年度第一次评审会议")
        page.fill("input[name=held_on]", today.isoformat())
        page.get_by_test_id("ready-declaration").filter(has_text="张三").locator("input").check()
        page.get_by_role("button", name="创建会议").click()
        expect(page.get_by_test_id("meeting-status")).to_be_visible()
        meeting = Meeting.objects.get()
        page.fill("input[name=count]", "11")
        page.get_by_role("button", name="随机抽取专家").click()
        expect(page.get_by_test_id("seat-row")).to_have_count(11)
        for box in page.locator("input[name=attended]").all():
            box.check()
        page.get_by_role("button", name="登记出席").click()
        expect(page.get_by_test_id("attending")).to_contain_text("出席 11 / 抽取 11 人")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="开始投票").click()
        expect(page.get_by_role("link", name="结束投票并计票")).to_be_visible()
    finally:
        office.close()

    # Eight experts vote 同意, each on a phone.
    seated = list(meeting.experts.select_related("expert__user").order_by("draw_order"))
    for seat in seated[:VOTERS]:
        phone, page = _context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
        try:
            _signed_in(page, seat.expert.user.username)
            assert page.url.endswith("/committee/expert/")
            page.get_by_test_id("expert-meeting").first.click()
            page.get_by_test_id("vote-item").first.click()
            page.locator("label[for=choice-agree]").click()
            page.once("dialog", lambda dialog: dialog.accept())
            page.get_by_role("button", name="提交投票").click()
            expect(page.get_by_test_id("vote-item").filter(has_text="已投票")).to_have_count(1)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            phone.close()

    ends_on = end_after_working_days(today, 5)
    office, page = _context(browser, live_server)
    try:
        _session_for(page, live_server, committee_office_user.username)
        # The office sees how many voted, never how; then closes and tallies.
        page.goto(f"/committee/meetings/{meeting.pk}/")
        expect(page.get_by_test_id("voted-count")).to_have_text(str(VOTERS))
        page.get_by_role("link", name="结束投票并计票").click()
        page.get_by_role("button", name="确认结束投票").click()
        expect(page.get_by_test_id("tally")).to_be_visible()
        declaration.refresh_from_db()
        assert declaration.status == DeclarationStatus.EVALUATION_PASSED
        # 结果公示 from today for five working days.
        page.goto(f"/committee/results/office/meeting/{meeting.pk}/publish/")
        page.fill("input[name=starts_on]", today.isoformat())
        page.fill("input[name=ends_on]", ends_on.isoformat())
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="发布公示").click()
        expect(page.get_by_test_id("notice-status")).to_be_visible()
    finally:
        office.close()
    notice = ResultsNotice.objects.get()
    assert (notice.starts_on, notice.ends_on) == (today, ends_on)

    with clock.on_day(ends_on + datetime.timedelta(days=1)):
        office, page = _context(browser, live_server)
        try:
            _session_for(page, live_server, committee_office_user.username)
            page.goto(f"/committee/results/office/{notice.pk}/")
            page.fill("input[name=approval_document_number]", "潍人社职字〔2026〕1号")
            page.once("dialog", lambda dialog: dialog.accept())
            page.get_by_role("button", name="确认评审结果").click()
            expect(page.get_by_test_id("notice-status")).to_have_text("已确认")
        finally:
            office.close()
        certificate = Certificate.objects.get(declaration=declaration)

        mine, page = _context(browser, live_server)
        try:
            _session_for(page, live_server, declaration.applicant.username)
            page.goto("/declarations/")
            link = page.get_by_test_id("certificate-cell").get_by_role("link", name="下载证书")
            response = page.request.get(link.get_attribute("href"))
            assert response.headers["content-type"] == "application/pdf"
            assert response.body()[:5] == b"%PDF-"
        finally:
            mine.close()

    # The QR code carries SITE_URL + /verify/<code>/: the same path on this server.
    assert verification_url(certificate).endswith(verification_path(certificate))
    public, page = _context(browser, live_server, viewport=PHONE, is_mobile=True)
    try:
        page.goto(verification_path(certificate))
        expect(page.get_by_test_id("verify-status")).to_have_text("有效")
        expect(page.get_by_test_id("verify-answer")).to_contain_text("张*")
    finally:
        public.close()
