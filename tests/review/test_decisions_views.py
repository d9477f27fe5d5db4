"""Per-section results (htmx fragment and plain POST) and the three decisions through their
confirmation page: happy paths, bad input, wrong roles and a decision in a state that no longer
allows it (a colleague was quicker) — a message, never a 500."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from declarations.models import DeclarationStatus as S
from review import services
from review.models import Review, ReviewState, SectionResult

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def result_url(declaration, code):
    return reverse("review:section_result", args=[declaration.pk, code])


def decide_url(declaration, action):
    return reverse("review:decide", args=[declaration.pk, action])


def detail_url(declaration):
    return reverse("review:detail", args=[declaration.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def reviewer_client(login, unit_reviewer):
    return login(unit_reviewer)


@pytest.fixture
def colleague(unit):
    """A second reviewer account of the same unit."""
    from tests import factories

    return factories.org_user(unit, user__username="unit_hr2")


# ---------------------------------------------------------------- section results


def test_htmx_fail_with_reason_returns_the_updated_fragment(reviewer_client, submitted):
    response = reviewer_client.post(
        result_url(submitted, "education"),
        {"education-result": "fail", "education-reason": "学历证书扫描件不清晰"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="result-education"' in html and "<html" not in html
    assert 'data-testid="result-badge">不通过' in html and "已保存" in html
    # Out of band: the decision panel (failed sections; buttons carrying the state the page
    # now shows) and the status badge.
    assert 'id="decision-actions" data-testid="decision-actions" hx-swap-oob="true"' in html
    assert "学历证书扫描件不清晰" in html
    assert decide_url(submitted, "return") + "?seen=under_review" in html
    assert 'id="declaration-status"' in html and "审核中" in html
    result = SectionResult.objects.get(declaration=submitted, code="education")
    assert (result.passed, result.reason, result.round) == (False, "学历证书扫描件不清晰", 1)
    submitted.refresh_from_db()
    assert submitted.status == S.UNDER_REVIEW


def test_htmx_fail_without_reason_shows_the_error_inline(reviewer_client, submitted):
    response = reviewer_client.post(
        result_url(submitted, "education"),
        {"education-result": "fail", "education-reason": "   "},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="reason-error"' in html
    assert "模块审核不通过时必须填写需要修改的内容。" in html
    assert 'value="fail" id="id_education-result_1" checked' in html
    assert not SectionResult.objects.exists()


def test_a_too_long_reason_keeps_the_typed_text(reviewer_client, submitted):
    typed = "扫描件不清晰" * 200
    response = reviewer_client.post(
        result_url(submitted, "education"),
        {"education-result": "fail", "education-reason": typed},
        **HTMX,
    )
    html = response.content.decode()
    assert 'data-testid="reason-error"' in html
    assert typed in html
    assert not SectionResult.objects.exists()


def test_without_javascript_a_result_redirects_back_to_the_section(reviewer_client, submitted):
    response = reviewer_client.post(
        result_url(submitted, "titles"), {"titles-result": "pass", "titles-reason": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(submitted) + "#section-titles"
    assert "“现专业技术职称及职业资格”的审核结果已保存。" in messages_of(response)
    assert SectionResult.objects.get(code="titles").passed is True
    # The page then shows it, and the form holds the saved choice.
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    titles = html[html.index('id="result-titles"') :]
    assert 'data-testid="result-badge">通过' in titles[:2000]
    assert 'value="pass" id="id_titles-result_0" checked' in titles[:4000]


def test_without_javascript_a_fail_without_reason_rerenders_the_page(reviewer_client, submitted):
    response = reviewer_client.post(
        result_url(submitted, "education"), {"education-result": "fail", "education-reason": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'data-section="education"' in html
    assert "模块审核不通过时必须填写需要修改的内容。" in html
    assert html.count('data-testid="reason-error"') == 1
    assert not SectionResult.objects.exists()


def test_a_result_may_be_changed_until_the_decision(reviewer_client, submitted):
    url = result_url(submitted, "education")
    reviewer_client.post(url, {"education-result": "fail", "education-reason": "不清晰"}, **HTMX)
    reviewer_client.post(url, {"education-result": "pass", "education-reason": "不清晰"}, **HTMX)
    result = SectionResult.objects.get(code="education")
    assert (result.passed, result.reason) == (True, "")


def test_unknown_section_code_is_refused_with_a_message(reviewer_client, submitted):
    response = reviewer_client.post(
        result_url(submitted, "no_such_section"),
        {"no_such_section-result": "pass"},
    )
    assert response.status_code == 302 and response["Location"] == detail_url(submitted)
    assert "该申报没有这个模块。" in messages_of(response)
    response = reviewer_client.post(
        result_url(submitted, "no_such_section"), {"no_such_section-result": "pass"}, **HTMX
    )
    assert response.status_code == 400
    assert not SectionResult.objects.exists()


def test_a_section_disabled_in_the_plan_is_refused(reviewer_client, submitted):
    submitted.plan.sections.filter(code="societies").update(enabled=False)
    response = reviewer_client.post(
        result_url(submitted, "societies"), {"societies-result": "pass"}
    )
    assert "该申报没有这个模块。" in messages_of(response)
    assert not SectionResult.objects.exists()


def test_a_result_after_the_decision_is_a_message(reviewer_client, submitted, unit_reviewer):
    services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    response = reviewer_client.post(
        result_url(submitted, "education"), {"education-result": "fail", "education-reason": "晚了"}
    )
    assert response.status_code == 302
    assert any("不能再审核模块" in m for m in messages_of(response))
    # With htmx the message is shown in the fragment, above the form.
    response = reviewer_client.post(
        result_url(submitted, "education"),
        {"education-result": "fail", "education-reason": "晚了"},
        **HTMX,
    )
    assert response.status_code == 200
    assert 'data-testid="result-errors"' in response.content.decode()
    assert not SectionResult.objects.filter(passed=False).exists()


# ---------------------------------------------------------------- decisions


def test_pass_with_an_opinion(reviewer_client, submitted, unit):
    page = reviewer_client.get(decide_url(submitted, "pass"))
    assert page.status_code == 200
    assert 'data-testid="confirm"' in page.content.decode()
    response = reviewer_client.post(decide_url(submitted, "pass"), {"opinion": "同意推荐"})
    assert response.status_code == 302 and response["Location"] == reverse("review:queue")
    assert "已审核通过“张三”的申报。" in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.status == S.PASSED
    review = Review.objects.get(declaration=submitted, organization=unit)
    assert (review.state, review.opinion) == (ReviewState.PASSED, "同意推荐")


def test_pass_is_blocked_while_a_section_failed(reviewer_client, submitted, unit_reviewer):
    services.record_section_result(
        actor=unit_reviewer, declaration=submitted, code="education", passed=False, reason="不清晰"
    )
    html = reviewer_client.get(decide_url(submitted, "pass")).content.decode()
    assert 'data-testid="decide-blocked"' in html and "学历信息" in html
    assert 'data-testid="confirm"' not in html
    response = reviewer_client.post(decide_url(submitted, "pass"), {"opinion": ""})
    assert response.status_code == 302 and response["Location"] == detail_url(submitted)
    assert any("以下模块审核不通过" in m for m in messages_of(response))
    submitted.refresh_from_db()
    assert submitted.status == S.UNDER_REVIEW


def test_return_shows_what_the_applicant_will_see_then_returns(
    reviewer_client, submitted, unit_reviewer
):
    for code, reason in (("education", "学历证书扫描件不清晰"), ("titles", "缺少聘书")):
        services.record_section_result(
            actor=unit_reviewer, declaration=submitted, code=code, passed=False, reason=reason
        )
    html = reviewer_client.get(detail_url(submitted)).content.decode()
    panel = html[html.index('data-testid="decision-panel"') :]
    assert "学历证书扫描件不清晰" in panel and "缺少聘书" in panel
    html = reviewer_client.get(decide_url(submitted, "return")).content.decode()
    failed = html[html.index('data-testid="decide-failed"') :]
    assert failed.index("学历信息") < failed.index("现专业技术职称及职业资格")
    response = reviewer_client.post(decide_url(submitted, "return"), {"reason": "请一并核对照片"})
    assert response.status_code == 302 and response["Location"] == reverse("review:queue")
    assert "已将“张三”的申报退回申报人修改。" in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED and submitted.holder is None
    event = submitted.events.get(action="return")
    assert event.reason == "请一并核对照片"
    assert [s["code"] for s in event.details["sections"]] == ["education", "titles"]


def test_return_without_failed_sections_needs_a_reason(reviewer_client, submitted):
    response = reviewer_client.post(decide_url(submitted, "return"), {"reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请在需要修改的模块点击“不通过”并填写原因，或填写退回原因。" in html
    assert 'id="id_reason"' in html and "is-invalid" in html
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_reject_needs_a_reason_then_is_final(reviewer_client, submitted):
    response = reviewer_client.post(decide_url(submitted, "reject"), {"reason": "  "})
    assert response.status_code == 200
    assert "审核不通过时必须填写原因。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    response = reviewer_client.post(decide_url(submitted, "reject"), {"reason": "不具备申报资格"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED
    assert submitted.events.get(action="reject").reason == "不具备申报资格"


def test_a_decision_in_a_wrong_state_is_a_message(reviewer_client, submitted, unit_reviewer):
    services.reject_declaration(actor=unit_reviewer, declaration=submitted, reason="不具备资格")
    for action in ("pass", "return", "reject"):
        response = reviewer_client.get(decide_url(submitted, action))
        assert response.status_code == 302 and response["Location"] == detail_url(submitted)
        assert any("不能" in m for m in messages_of(response)), action
        response = reviewer_client.post(
            decide_url(submitted, action), {"reason": "x", "opinion": ""}
        )
        assert response.status_code == 302 and response["Location"] == detail_url(submitted)
        assert any("已不在本单位待审核" in m for m in messages_of(response)), action
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED


def test_a_colleague_decided_first(login, submitted, unit_reviewer, colleague):
    """Both reviewers have the page open; the colleague passes; the other's return, written on
    a page that showed 待审核, is refused with the service's message (although a return is
    allowed from 已通过待上报), instead of being applied on top of a decision not seen."""
    mine = login(unit_reviewer)
    html = mine.get(detail_url(submitted)).content.decode()
    link = decide_url(submitted, "return") + "?seen=submitted"
    assert link in html
    page = mine.get(link).content.decode()
    assert 'name="seen_status" value="submitted"' in page
    services.pass_declaration(actor=colleague, declaration=submitted, opinion="同意推荐")
    response = mine.post(
        decide_url(submitted, "return"), {"reason": "材料不全", "seen_status": "submitted"}
    )
    assert response.status_code == 302 and response["Location"] == detail_url(submitted)
    assert any("可能已被其他审核人处理" in m for m in messages_of(response))
    submitted.refresh_from_db()
    assert submitted.status == S.PASSED
    assert not submitted.events.filter(action="return").exists()
    # The stale page's link says so too, before anything is typed.
    response = mine.get(link)
    assert response.status_code == 302 and response["Location"] == detail_url(submitted)
    assert any("可能已被其他审核人处理" in m for m in messages_of(response))
    # The fresh page's link works: a return after the pass, seen as such.
    fresh = decide_url(submitted, "return") + "?seen=passed"
    assert fresh in mine.get(detail_url(submitted)).content.decode()
    assert mine.get(fresh).status_code == 200
    response = mine.post(
        decide_url(submitted, "return"), {"reason": "材料不全", "seen_status": "passed"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("review:queue")
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED


def test_a_colleague_returned_first(login, submitted, unit_reviewer, colleague):
    mine = login(unit_reviewer)
    services.return_declaration(actor=colleague, declaration=submitted, reason="补充材料")
    response = mine.post(
        decide_url(submitted, "reject"), {"reason": "材料不全", "seen_status": "submitted"}
    )
    assert response.status_code == 302
    assert any("可能已被其他审核人处理" in m for m in messages_of(response))
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    assert Review.objects.get(declaration=submitted).opinion == "补充材料"


def test_unknown_action_is_not_found(reviewer_client, submitted):
    for action in ("report", "approve"):
        assert reviewer_client.get(decide_url(submitted, action)).status_code == 404
        assert reviewer_client.post(decide_url(submitted, action), {}).status_code == 404


# ---------------------------------------------------------------- wrong roles


def test_other_organizations_applicants_and_outsiders_cannot_act(
    client, login, submitted, department_reviewer, outsider
):
    posts = [
        (result_url(submitted, "education"), {"education-result": "pass"}),
        (decide_url(submitted, "pass"), {"opinion": ""}),
        (decide_url(submitted, "reject"), {"reason": "越权"}),
    ]
    for user, status in ((department_reviewer, 404), (outsider, 404), (submitted.applicant, 403)):
        user_client = login(user)
        assert user_client.get(decide_url(submitted, "pass")).status_code == status
        for url, data in posts:
            assert user_client.post(url, data).status_code == status, (user, url)
    client.logout()
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not SectionResult.objects.exists()


def test_get_is_not_a_way_to_record_a_result(reviewer_client, submitted):
    assert reviewer_client.get(result_url(submitted, "education")).status_code == 405


def test_htmx_result_updates_the_navigation_and_the_progress(reviewer_client, submitted):
    from review.services import enabled_section_codes

    total = len(enabled_section_codes(submitted))
    html = reviewer_client.post(
        result_url(submitted, "education"),
        {"education-result": "fail", "education-reason": "不清晰"},
        **HTMX,
    ).content.decode()
    assert re.search(
        r'id="nav-result-education" data-testid="nav-result" hx-swap-oob="true">不通过<', html
    )
    assert re.search(rf'id="review-progress"[^>]*hx-swap-oob="true">已审 1/{total}', html)
    assert "不通过 1" in html
    # A refused fail (no reason) leaves the section unreviewed in the navigation.
    html = reviewer_client.post(
        result_url(submitted, "titles"),
        {"titles-result": "fail", "titles-reason": ""},
        **HTMX,
    ).content.decode()
    assert re.search(
        r'id="nav-result-titles" data-testid="nav-result" hx-swap-oob="true">未审<', html
    )
    assert re.search(rf'id="review-progress"[^>]*>已审 1/{total}', html)


def test_without_javascript_a_refused_result_opens_its_section(reviewer_client, submitted):
    html = reviewer_client.post(
        result_url(submitted, "education"), {"education-result": "fail", "education-reason": ""}
    ).content.decode()
    assert html.count('data-testid="section-details" open>') == 1
    education = html[html.index('data-testid="review-section" data-section="education"') :]
    assert education.index('data-testid="section-details" open>') < education.index("</section>")
