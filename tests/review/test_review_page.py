"""The review page (review:detail): the declaration as submitted, section by section in plan
order with its files previewed inline, per-section result forms, the decision panel, the history
of earlier rounds, read-only once the organization no longer holds it, who may open it, and a
query count that does not grow with rows or files."""

import re

import pytest
from django.urls import reverse

from attachments.models import Attachment
from declarations.models import AttachmentSlot
from declarations.services import submit_declaration
from review import services
from review.services import enabled_section_codes
from tests.declarations.builders import upload_valid
from tests.declarations.test_query_budgets import store, stored_rows

pytestmark = pytest.mark.django_db


def detail_url(declaration):
    return reverse("review:detail", args=[declaration.pk])


def slot_of(declaration, code):
    return AttachmentSlot.objects.get(plan_section__plan=declaration.plan, code=code)


def return_and_resubmit(declaration, reviewer, change=None, reason="请补充材料"):
    """The reviewer returns the declaration; the applicant changes what change() changes and
    submits it again (the next round, back at the unit)."""
    services.return_declaration(actor=reviewer, declaration=declaration, reason=reason)
    declaration.refresh_from_db()
    if change is not None:
        change()
    submit_declaration(actor=declaration.applicant, declaration=declaration)
    declaration.refresh_from_db()
    return declaration


def without_tokens(html):
    """The page without its CSRF tokens (masked anew on every response)."""
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)


def sections_in_page(html):
    return re.findall(r'data-testid="review-section" data-section="([a-z_]+)"', html)


@pytest.fixture
def reviewer_client(login, unit_reviewer):
    return login(unit_reviewer)


# ---------------------------------------------------------------- what the page shows


def test_page_shows_the_declaration_section_by_section(reviewer_client, submitted, unit):
    response = reviewer_client.get(detail_url(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    applicant = submitted.applicant
    header = html[html.index('data-testid="review-header"') : html.index("</section>")]
    for text in (
        applicant.name,
        applicant.id_number,
        "2026年度 工程技术 中级",
        unit.name,
        "待审核",
        "第 1 次提交",
    ):
        assert text in header, text
    # Every enabled section, in plan order.
    assert sections_in_page(html) == enabled_section_codes(submitted)
    # Data as a person reads it: choices and model choices by name, booleans, dates, months.
    for text in (
        "正常晋升",
        "工程师",
        "大学本科",
        "2012-06-30",
        "至今",
        "论文/著作",
        "注册安全工程师",
    ):
        assert text in html, text
    assert "<dt" in html and "评审依据学历同全日制学历" in html
    # One result form per section, and the three decisions.
    assert html.count('data-testid="section-result"') == len(enabled_section_codes(submitted))
    for action in ("pass", "return", "reject"):
        assert reverse("review:decide", args=[submitted.pk, action]) in html
    assert 'data-testid="read-only"' not in html and 'data-testid="diff"' not in html


def test_files_are_previewed_inline_through_the_permission_checked_urls(reviewer_client, submitted):
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    photo = Attachment.objects.get(declaration=submitted, slot__code="photo")
    scan = Attachment.objects.get(declaration=submitted, slot__code="education_record")
    # The photo as an image (its thumbnail), linked to the whole image.
    assert f'src="{reverse("attachments:thumbnail", args=[photo.pk])}"' in html
    # A PDF embedded in a frame of the inline URL, plus a download link.
    download = reverse("attachments:download", args=[scan.pk])
    assert f'<iframe src="{download}?inline=frame"' in html
    assert f'href="{download}" download' in html


def test_the_embedded_pdf_may_be_framed_by_this_site_only(reviewer_client, submitted):
    scan = Attachment.objects.get(declaration=submitted, slot__code="education_record")
    url = reverse("attachments:download", args=[scan.pk])
    framed = reviewer_client.get(f"{url}?inline=frame")
    assert framed.status_code == 200
    assert framed["Content-Disposition"].startswith("inline; ")
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    csp = framed["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "frame-ancestors 'self'" in csp
    assert "script-src" not in csp
    # Everything else stays unframeable.
    assert reviewer_client.get(f"{url}?inline=1")["X-Frame-Options"] == "DENY"
    assert reviewer_client.get(url)["X-Frame-Options"] == "DENY"
    page = reviewer_client.get(detail_url(submitted))
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_a_section_not_filled_in_says_so(reviewer_client, submitted):
    submitted.section_data.filter(code="other").delete()
    # The page shows the submitted snapshot, which has the section: delete it there too.
    snapshot = submitted.submissions.get(round=1).snapshot
    del snapshot["sections"]["other"]
    submitted.submissions.filter(round=1).update(snapshot=snapshot)
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    section = html[html.index('data-section="other"') :]
    assert "申报人未填写该模块。" in section[: section.index("</section>")]


def test_history_lists_earlier_rounds_of_this_and_other_organizations(
    login, submitted, unit, unit_reviewer, department_reviewer, chain
):
    services.record_section_result(
        actor=unit_reviewer,
        declaration=submitted,
        code="education",
        passed=False,
        reason="学历证书扫描件不清晰",
    )
    return_and_resubmit(submitted, unit_reviewer)
    html = login(unit_reviewer).get(detail_url(submitted)).content.decode()
    education = html[html.index('data-section="education"') :]
    education = education[: education.index("</section>")]
    assert 'data-testid="section-history"' in education
    assert "第 1 次提交 · " + unit.name in education and "学历证书扫描件不清晰" in education
    # This round's result is not set yet.
    assert "未审核" in education

    # The unit passes and reports: the department sees the unit's results as history.
    services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    from tests.review.test_chain_services import notice_no_objection

    notice_no_objection(unit_reviewer, submitted)
    services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[submitted.pk]
    )
    html = login(department_reviewer).get(detail_url(submitted)).content.decode()
    assert html.count('data-testid="history-entry"') >= len(enabled_section_codes(submitted))
    assert "第 2 次提交 · " + unit.name in html


# ---------------------------------------------------------------- read-only states


def test_read_only_once_returned_or_rejected(reviewer_client, submitted, unit_reviewer):
    services.reject_declaration(actor=unit_reviewer, declaration=submitted, reason="不具备申报资格")
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    assert 'data-testid="read-only"' in html and "审核已结束" in html
    assert '<form method="post" action="/review/' not in html
    assert reverse("review:decide", args=[submitted.pk, "pass"]) not in html
    assert "不具备申报资格" in html  # the decision and its opinion


def test_read_only_for_the_unit_once_reported_while_the_department_may_act(
    login, submitted, unit, unit_reviewer, department_reviewer, supervising_department, chain
):
    from tests.review.test_chain_services import notice_no_objection

    services.pass_declaration(actor=unit_reviewer, declaration=submitted, opinion="同意推荐")
    notice_no_objection(unit_reviewer, submitted)
    services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[submitted.pk]
    )
    html = login(unit_reviewer).get(detail_url(submitted)).content.decode()
    assert "已由本单位上报至“" + supervising_department.name in html
    assert 'name="education-result"' not in html
    assert "同意推荐" in html
    html = login(department_reviewer).get(detail_url(submitted)).content.decode()
    assert 'data-testid="read-only"' not in html
    assert 'name="education-result"' in html
    assert "由“" + unit.name + "”上报" in html


def test_after_passing_the_unit_may_still_return_or_reject(
    reviewer_client, submitted, unit_reviewer
):
    services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    assert reverse("review:decide", args=[submitted.pk, "return"]) in html
    assert reverse("review:decide", args=[submitted.pk, "reject"]) in html
    assert reverse("review:decide", args=[submitted.pk, "pass"]) not in html
    # Sections are reviewed before the decision, not after.
    assert 'name="education-result"' not in html


# ---------------------------------------------------------------- who may open it


def test_other_organizations_applicants_and_outsiders_get_nothing(
    client, login, submitted, department_reviewer, outsider
):
    url = detail_url(submitted)
    for user in (department_reviewer, outsider):
        assert login(user).get(url).status_code == 404
    assert login(submitted.applicant).get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_id_that_does_not_exist_is_not_found(reviewer_client, submitted):
    assert reviewer_client.get(reverse("review:detail", args=[submitted.pk + 999])).status_code == (
        404
    )


# ---------------------------------------------------------------- query budget

# Measured on SQLite and PostgreSQL (round 2 after a return, so the page also shows the diff).
# Every view: session, user, the organization (membership), the review with the declaration and
# all the header shows, the plan sections, the acting organizations (available actions), the
# returned round, the files and the slots (2), every section result of every round (1) and the
# continuing-education hours: 11 once the round's reading is cached (review.views.decision:
# rendered once per round). The first view of a round reads it: + both snapshots (one query),
# the titles catalog (the titles form) and the names of the model choices stored as ids, of
# every model and every row of both snapshots in one query (declarations.reader.Lookup.name);
# the slots and the hours are not read a second time for it: 14.
# The same with 1 row and 1 file as with 30 rows, 10 titles and 10 files in one slot.
PAGE_BUDGET = 11
FIRST_VIEW_BUDGET = 14


def test_page_queries_do_not_grow_with_rows_or_files(
    reviewer_client, submitted, unit_reviewer, django_assert_max_num_queries
):
    url = detail_url(submitted)
    return_and_resubmit(submitted, unit_reviewer)

    def measure(budget):
        with django_assert_max_num_queries(budget) as captured:
            response = reviewer_client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    first_one, _html = measure(FIRST_VIEW_BUDGET)  # the round's reading is rendered and kept
    one, html = measure(PAGE_BUDGET)
    assert without_tokens(html) == without_tokens(_html)  # the kept reading: the same page
    assert html.count('data-testid="section-row"') == 5  # one row in each row section
    # The 7 required files, the 聘书 and the 任命文件 (the demo values have a 聘任时间 and a post).
    assert html.count('data-testid="review-file"') == 9

    def more():
        store(submitted, "work_experience", {"rows": stored_rows(submitted, "work_experience", 30)})
        store(submitted, "titles", {"rows": stored_rows(submitted, "titles", 10)})
        slot = slot_of(submitted, "achievement_materials")
        for number in range(2, 11):
            upload_valid(submitted, slot, name=f"成果材料{number}.pdf")

    return_and_resubmit(submitted, unit_reviewer, more)
    first_many, html = measure(FIRST_VIEW_BUDGET)
    many, cached_html = measure(PAGE_BUDGET)
    assert without_tokens(cached_html) == without_tokens(html)
    assert html.count('data-testid="section-row"') == 5 - 2 + 30 + 10
    assert html.count('data-testid="review-file"') == 9 + 9
    # The diff lists the added rows and files.
    assert html.count('data-kind="added"') >= 29 + 9 + 9
    assert (first_many, many) == (first_one, one)


# ---------------------------------------------------------------- the reading kept per round


def test_a_new_round_is_read_again_not_served_from_the_cache(
    reviewer_client, submitted, unit_reviewer
):
    """The reading of round 1 is kept; round 2 (changed after a return) is another key."""
    url = detail_url(submitted)
    html = without_tokens(reviewer_client.get(url).content.decode())
    assert without_tokens(reviewer_client.get(url).content.decode()) == html

    def change():
        stored = submitted.section_data.get(code="performance").data
        store(submitted, "performance", {**stored, "text": "第二轮修改后的工作总结"})

    return_and_resubmit(submitted, unit_reviewer, change)
    html = reviewer_client.get(url).content.decode()
    assert "第二轮修改后的工作总结" in html
    assert 'data-testid="diff"' in html


def test_results_files_and_actions_are_never_cached(reviewer_client, submitted, unit_reviewer):
    """Section results, the files' check status and the decision buttons change within a
    round: each view shows them as they are now."""
    url = detail_url(submitted)
    reviewer_client.get(url)  # the reading is kept
    services.record_section_result(
        actor=unit_reviewer,
        declaration=submitted,
        code="education",
        passed=False,
        reason="学历证书不清晰",
    )
    attachment = Attachment.objects.filter(declaration=submitted).first()
    Attachment.objects.filter(pk=attachment.pk).update(
        status=Attachment.Status.REJECTED, reason="页面模糊"
    )
    html = reviewer_client.get(url).content.decode()
    assert "学历证书不清晰" in html
    assert "页面模糊" in html
    assert html.count('data-status="rejected"') == 1


def test_a_kept_reading_is_shown_to_nobody_else(
    login, reviewer_client, submitted, department_reviewer, outsider
):
    """The reading is kept per round, but who may open the page is checked on every request
    before it is looked up: another organization, an outsider and the applicant get nothing."""
    url = detail_url(submitted)
    assert reviewer_client.get(url).status_code == 200
    for user in (department_reviewer, outsider):
        assert login(user).get(url).status_code == 404
    assert login(submitted.applicant).get(url).status_code == 403


def test_the_page_fetches_nothing_lazily(reviewer_client, submitted, unit_reviewer, monkeypatch):
    """Django 6.1 fetch modes: the review and everything selected with it (declaration,
    applicant, plan, units) is loaded with FETCH_RAISE, so a related object the page reaches
    without having loaded it raises instead of quietly running a query (per row or not)."""
    from types import SimpleNamespace

    from django.db.models import FETCH_RAISE

    from review import selectors
    from review.models import Review

    services.record_section_result(
        actor=unit_reviewer, declaration=submitted, code="education", passed=False, reason="不清晰"
    )
    return_and_resubmit(submitted, unit_reviewer)
    monkeypatch.setattr(
        selectors, "Review", SimpleNamespace(objects=Review.objects.fetch_mode(FETCH_RAISE))
    )
    assert reviewer_client.get(detail_url(submitted)).status_code == 200
    response = reviewer_client.post(
        reverse("review:section_result", args=[submitted.pk, "education"]),
        {"education-result": "pass"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert reviewer_client.get(
        reverse("review:decide", args=[submitted.pk, "return"])
    ).status_code == (200)


def test_pages_need_nothing_the_csp_would_block(reviewer_client, submitted, unit_reviewer):
    """No inline script, event handler or style on the review page, its htmx fragment or the
    confirmation page (the CSP would drop them silently)."""
    from tests.config.test_csp_and_i18n import Page

    services.record_section_result(
        actor=unit_reviewer, declaration=submitted, code="education", passed=False, reason="不清晰"
    )
    return_and_resubmit(submitted, unit_reviewer)
    responses = [
        reviewer_client.get(detail_url(submitted)),
        reviewer_client.post(
            reverse("review:section_result", args=[submitted.pk, "education"]),
            {"education-result": "fail", "education-reason": ""},
            HTTP_HX_REQUEST="true",
        ),
        reviewer_client.get(reverse("review:decide", args=[submitted.pk, "reject"])),
    ]
    for response in responses:
        page = Page(response.content.decode())
        assert [body for attrs, body in page.scripts if not attrs.get("src")] == []
        assert page.event_handlers == [] and page.inline_styles == []


def test_the_committee_office_sees_what_was_reported_to_it_read_only(
    login,
    submitted,
    unit,
    unit_reviewer,
    department_reviewer,
    reporting_reviewer,
    committee_office_user,
    supervising_department,
    reporting_department,
    chain,
):
    from tests.review.test_chain_services import notice_no_objection

    services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    notice_no_objection(unit_reviewer, submitted)
    services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[submitted.pk]
    )
    for reviewer, organization in (
        (department_reviewer, supervising_department),
        (reporting_reviewer, reporting_department),
    ):
        services.pass_declaration(actor=reviewer, declaration=submitted, opinion="同意推荐")
        services.report_declarations(
            actor=reviewer, organization=organization, declaration_ids=[submitted.pk]
        )
    response = login(committee_office_user).get(detail_url(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert "本单位不能审核该申报，页面仅供查看。" in html
    assert 'name="education-result"' not in html
    assert reverse("review:decide", args=[submitted.pk, "pass"]) not in html
    # Every organization's results of the round are listed under the sections.
    assert html.count('data-testid="history-entry"') >= 3 * len(enabled_section_codes(submitted))


# ---------------------------------------------------------------- folded sections, navigation, bar


def nav_badges(html):
    return dict(
        re.findall(r'id="nav-result-([a-z_]+)" data-testid="nav-result"[^>]*>([^<]+)<', html)
    )


def test_the_navigation_lists_every_section_with_this_rounds_result(
    reviewer_client, submitted, unit_reviewer
):
    codes = enabled_section_codes(submitted)
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    assert 'data-testid="section-nav"' in html
    assert nav_badges(html) == dict.fromkeys(codes, "未审")
    assert f"已审 0/{len(codes)}" in html

    services.record_section_result(
        actor=unit_reviewer, declaration=submitted, code="basic_info", passed=True, reason=""
    )
    services.record_section_result(
        actor=unit_reviewer, declaration=submitted, code="education", passed=False, reason="不清晰"
    )
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    badges = nav_badges(html)
    assert (badges["basic_info"], badges["education"], badges["titles"]) == (
        "通过",
        "不通过",
        "未审",
    )
    assert f"已审 2/{len(codes)}" in html and "不通过 1" in html


def test_sections_are_folded_to_a_summary_line(reviewer_client, submitted):
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    codes = enabled_section_codes(submitted)
    # Every section's data and files sit in a closed <details>; its result control stays out.
    assert html.count('<details class="section-details" data-testid="section-details">') == len(
        codes
    )
    assert 'class="section-details" data-testid="section-details" open' not in html
    education = html[html.index('data-section="education"') :]
    education = education[: education.index("</section>")]
    assert education.index("</details>") < education.index('data-testid="section-result"')
    # The summary line says what is inside.
    assert re.search(r'data-testid="section-gist">[^<]*1 个附件', education)
    work = html[html.index('data-section="work_experience"') :]
    assert re.search(r'data-testid="section-gist">1 条记录', work)


def test_pdfs_are_framed_only_when_asked_for(reviewer_client, submitted):
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    pdfs = Attachment.objects.filter(declaration=submitted, kind=Attachment.Kind.PDF).count()
    assert pdfs >= 1
    # Each PDF's frame is in an inert <template> (static/js/review.js copies it in on 预览).
    framed = re.findall(r"<template data-pdf-frame><div[^>]*><iframe ", html)
    assert len(framed) == html.count("<iframe ") == pdfs
    assert html.count('data-testid="pdf-preview"') == pdfs
    # Without the script, 新窗口查看 still opens every file.
    assert html.count("新窗口查看") == Attachment.objects.filter(declaration=submitted).count()


def test_one_decision_bar_and_no_save_button_but_without_javascript(reviewer_client, submitted):
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    assert html.count('data-testid="decision-panel"') == 1
    assert "decision-bar-sticky" in html
    assert html.count('data-testid="decide-') == 3
    # Results are saved as they are chosen; the 保存审核结果 buttons are for browsers without
    # JavaScript only.
    buttons = re.findall(r"<noscript><button[^>]*>保存审核结果</button></noscript>", html)
    assert len(buttons) == html.count("保存审核结果") == len(enabled_section_codes(submitted))
    assert 'hx-trigger="save"' in html


def test_a_decided_declaration_has_no_sticky_bar(reviewer_client, submitted, unit_reviewer):
    services.reject_declaration(actor=unit_reviewer, declaration=submitted, reason="不具备申报资格")
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    assert 'data-testid="decision-panel"' in html and "decision-bar-sticky" not in html
    assert "保存审核结果" not in html and 'hx-trigger="save"' not in html


def test_kept_cards_carry_each_requests_csrf_token(submitted, unit_reviewer):
    """The section cards are kept as HTML without a token: each page puts in its own, and a
    result posted with it is accepted (CSRF checks on)."""
    from django.test import Client

    url = detail_url(submitted)
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(unit_reviewer, backend="applicants.backends.MultiIdentifierBackend")
        html = client.get(url).content.decode()
        assert "csrf0placeholder" not in html
        form = html[html.index('action="/review/') :]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        tokens.append(token)
        response = client.post(
            reverse("review:section_result", args=[submitted.pk, "education"]),
            {"csrfmiddlewaretoken": token, "education-result": "pass"},
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]


def test_a_kept_card_shows_the_result_just_recorded(reviewer_client, submitted, unit_reviewer):
    url = detail_url(submitted)
    reviewer_client.get(url)  # every card kept
    services.record_section_result(
        actor=unit_reviewer, declaration=submitted, code="societies", passed=False, reason="请补充"
    )
    html = reviewer_client.get(url).content.decode()
    card = html[html.index('data-section="societies"') :]
    card = card[: card.index("</section>")]
    assert "请补充" in card and 'value="fail" id="id_societies-result_1" checked' in card


def test_a_renamed_organization_or_changed_plan_is_read_again(reviewer_client, submitted, unit):
    """The reading shows names of catalog entries and organizations: a change to them, or to
    the plan's settings, gives the kept reading a new key."""
    url = detail_url(submitted)

    def card(code):
        html = reviewer_client.get(url).content.decode()
        start = html.index(f'data-section="{code}"')
        return html[start : html.index("</section>", start)]

    assert unit.name in card("declaration_info")
    unit.name = "改名后的申报单位有限公司"
    unit.save()
    assert "改名后的申报单位有限公司" in card("declaration_info")
    plan_section = submitted.plan.sections.get(code="societies")
    plan_section.sort_order += 100
    plan_section.save()
    html = reviewer_client.get(url).content.decode()
    assert sections_in_page(html)[-1] == "societies"


def test_the_files_shortcut_sees_what_the_full_filter_sees(
    submitted, unit, unit_reviewer, department_reviewer, supervising_department, chain
):
    """attachments.selectors.viewable_attachments_of (the page's files): for the organization
    holding the declaration it decides from the declaration's row, for one that held it before
    it is the full filter; either way the same files as viewable_attachments_q, never a file
    uploaded to the draft after a return until it is submitted."""
    from attachments.selectors import viewable_attachments_of, viewable_attachments_q
    from declarations.models import Declaration
    from institutions import access
    from tests.review.test_chain_services import notice_no_objection

    def both(user):
        access.organizations_of(user)  # the acting organizations known, as in a request
        declaration = Declaration.objects.get(pk=submitted.pk)
        short = Attachment.objects.filter(viewable_attachments_of(user, declaration))
        full = Attachment.objects.filter(viewable_attachments_q(user), declaration_id=submitted.pk)
        assert sorted(a.pk for a in short) == sorted(a.pk for a in full)
        return {a.pk for a in short}

    services.return_declaration(actor=unit_reviewer, declaration=submitted, reason="补")
    submitted.refresh_from_db()
    draft_file = upload_valid(submitted, slot_of(submitted, "achievement_materials"))
    seen = both(unit_reviewer)
    assert seen and draft_file.pk not in seen
    submit_declaration(actor=submitted.applicant, declaration=submitted)
    submitted.refresh_from_db()
    assert draft_file.pk in both(unit_reviewer)
    services.pass_declaration(actor=unit_reviewer, declaration=submitted, opinion="同意推荐")
    notice_no_objection(unit_reviewer, submitted)
    services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[submitted.pk]
    )
    assert both(unit_reviewer) == both(department_reviewer) != set()
