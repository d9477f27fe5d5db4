"""In Chromium: the applicant and the unit download the evaluation form from their pages, the
committee office watches its packet being built (生成中, then the download appears without
reloading) and downloads it, from the review page and from its inbox. The declaration goes up
the chain through the services (the pages of the chain are tested in
test_review_chain_in_browser.py); every render runs as the worker would, after commit."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from applicants.models import User
from applicants.services import agree_commitment
from declarations.models import Plan
from declarations.services import create_declaration, submit_declaration
from documents.models import DocumentKind, DocumentStatus, GeneratedDocument
from institutions.models import Organization
from review import services as review_services
from tests.browser.test_declaration_in_browser import PASSWORD, seed_with_open_plans
from tests.browser.test_review_chain_in_browser import signed_in
from tests.declarations.builders import fill_valid
from tests.review.builders import notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contexts():
    opened = []
    yield opened
    for context in opened:
        context.close()


def download(page, locator, tmp_path, name):
    """Click a download link; the saved file, read back as a PDF."""
    with page.expect_download() as info:
        locator.click()
    path = tmp_path / name
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".pdf")
    return info.value.suggested_filename, PdfReader(path)


def org_user(username):
    return User.objects.get(username=username)


def test_form_and_packet_are_downloaded_by_those_who_may(browser, live_server, contexts, tmp_path):
    seed_with_open_plans()
    zhangsan = User.objects.get(username="zhangsan")
    unit = Organization.objects.get(memberships__user__username="wf_unit")
    agree_commitment(actor=zhangsan)
    plan = Plan.objects.get(series__code="engineering", region__code="370700")
    declaration = fill_valid(create_declaration(actor=zhangsan, plan=plan), unit)
    submit_declaration(actor=zhangsan, declaration=declaration)
    form = GeneratedDocument.objects.get(declaration=declaration, kind=DocumentKind.FORM)
    assert form.status == DocumentStatus.READY, form.error

    # The applicant: overview → 下载评审表.
    applicant = signed_in(browser, live_server, "zhangsan", contexts)
    applicant.goto(f"/declarations/{declaration.pk}/")
    panel = applicant.locator("[data-testid=documents-panel]")
    expect(panel.locator("[data-testid=document-form]")).to_have_attribute("data-status", "ready")
    expect(panel).not_to_contain_text("评审材料包")
    name, reader = download(
        applicant, panel.locator("[data-testid=download-form]"), tmp_path, "applicant.pdf"
    )
    assert "评审表" in name and "张三" in name
    assert len(reader.pages) == form.pages
    assert "张三" in reader.pages[1].extract_text()
    expect(panel.locator("[data-testid=print-form]")).to_have_attribute(
        "href", re.compile(r"copies=1")
    )

    # The unit: review page → 下载评审表; then it passes, publishes and reports.
    hr = signed_in(browser, live_server, "wf_unit", contexts)
    hr.goto(f"/review/{declaration.pk}/")
    _name, reader = download(
        hr,
        hr.locator("[data-testid=documents-panel] [data-testid=download-form]"),
        tmp_path,
        "unit.pdf",
    )
    assert "潍坊华东机械制造有限公司" in "".join(p.extract_text() for p in reader.pages)

    declaration.refresh_from_db()
    review_services.pass_declaration(
        actor=org_user("wf_unit"), declaration=declaration, opinion="同意推荐。"
    )
    notice(org_user("wf_unit"), unit, [declaration])
    for username in ("wf_unit", "wc_gxj", "wf_gxj"):
        user = org_user(username)
        organization = Organization.objects.get(memberships__user=user)
        declaration.refresh_from_db()
        if username != "wf_unit":
            # Above the unit, 审查通过 is signed with an opinion.
            review_services.pass_declaration(
                actor=user, declaration=declaration, opinion="经审查，同意推荐。"
            )
        review_services.report_declarations(
            actor=user, organization=organization, declaration_ids=[declaration.pk]
        )
    packet = GeneratedDocument.objects.get(declaration=declaration, kind=DocumentKind.PACKET)
    assert packet.status == DocumentStatus.READY, packet.error

    # The unit's form now carries its opinion (drawn again after the decision).
    hr.goto(f"/review/{declaration.pk}/")
    _name, reader = download(
        hr,
        hr.locator("[data-testid=documents-panel] [data-testid=download-form]"),
        tmp_path,
        "unit-after.pdf",
    )
    assert "同意推荐。" in "".join(p.extract_text() for p in reader.pages)

    # The committee office: the packet being built shows 生成中 and its progress; once built,
    # the download appears without reloading the page.
    GeneratedDocument.objects.filter(pk=packet.pk).update(
        status=DocumentStatus.RENDERING, parts_done=3, parts_total=9
    )
    office = signed_in(browser, live_server, "wf_gc_office", contexts)
    office.goto(f"/review/{declaration.pk}/")
    item = office.locator("[data-testid=document-packet]")
    expect(item).to_have_attribute("data-status", "rendering")
    expect(item).to_contain_text("已完成 3 / 9 项")
    GeneratedDocument.objects.filter(pk=packet.pk).update(status=DocumentStatus.READY, parts_done=9)
    expect(item).to_have_attribute("data-status", "ready", timeout=15_000)
    name, reader = download(
        office, item.locator("[data-testid=download-packet]"), tmp_path, "packet.pdf"
    )
    assert "评审材料包" in name
    assert len(reader.pages) == packet.pages
    assert reader.outline[0].title == "评审表"

    # And from its inbox.
    office.get_by_role("link", name="评委会收件箱").first.click()
    row = office.locator("tbody tr", has_text="张三")
    _name, reader = download(
        office, row.locator("[data-testid=packet-download]"), tmp_path, "inbox.pdf"
    )
    assert len(reader.pages) == packet.pages

    # The applicant is never offered the packet, and cannot fetch it.
    response = applicant.request.get(f"/documents/{declaration.pk}/packet/")
    assert response.status == 404
    assert PASSWORD  # the demo accounts' password signed everyone in
