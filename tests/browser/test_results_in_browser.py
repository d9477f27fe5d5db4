"""Results in Chromium: the office confirms an ended results notice with its 批准文号 (after the
confirmation dialog), the applicant finds 证书状态 → 下载证书 and gets the PDF, and anyone checks
the certificate on a phone at /verify/<code>/ and through the form at /verify/."""

import datetime

import pytest
from playwright.sync_api import expect

from committee.models import Certificate, ResultsNotice
from tests import clock
from tests.browser.conftest import sign_in
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def test_confirm_download_and_verify(browser, live_server, passed, committee_office_user, meeting):
    notice = publish(committee_office_user, meeting)
    applicant = passed.applicant
    with clock.on_day(notice.ends_on + datetime.timedelta(days=1)):
        office = browser.new_context(base_url=live_server.url, locale="zh-CN")
        try:
            page = office.new_page()
            page.set_default_timeout(15_000)
            sign_in(page, live_server, committee_office_user.username)
            page.goto(f"/committee/results/office/{notice.pk}/")
            expect(page.get_by_test_id("results-row")).to_have_count(1)
            page.fill("input[name=approval_document_number]", "鲁人社职字〔2026〕12号")
            page.once("dialog", lambda dialog: dialog.accept())
            page.get_by_role("button", name="确认评审结果").click()
            expect(page.get_by_test_id("notice-status")).to_have_text("已确认")
        finally:
            office.close()
        notice.refresh_from_db()
        assert notice.status == ResultsNotice.Status.CONFIRMED
        certificate = Certificate.objects.get(declaration=passed)

        mine = browser.new_context(base_url=live_server.url, locale="zh-CN")
        try:
            page = mine.new_page()
            page.set_default_timeout(15_000)
            sign_in(page, live_server, applicant.username)
            page.goto("/declarations/")
            link = page.get_by_test_id("certificate-cell").get_by_role("link", name="下载证书")
            expect(link).to_be_visible()
            response = page.request.get(link.get_attribute("href"))
            assert response.status == 200
            assert response.headers["content-type"] == "application/pdf"
            assert response.body()[:5] == b"%PDF-"
        finally:
            mine.close()

    public = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        page = public.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/verify/{certificate.verification_code}/")
        expect(page.get_by_test_id("verify-status")).to_have_text("有效")
        expect(page.get_by_test_id("verify-answer")).to_contain_text("张*")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.goto("/verify/")
        page.fill("input[name=number]", certificate.number)
        page.fill("input[name=name]", "张三")
        page.get_by_role("button", name="查验").click()
        expect(page.get_by_test_id("verify-status")).to_have_text("有效")
        page.fill("input[name=name]", "李四")
        page.get_by_role("button", name="查验").click()
        expect(page.get_by_test_id("verify-none")).to_be_visible()
    finally:
        public.close()
