"""A return seen from both sides: the unit fails sections with reasons and returns; the applicant
sees the reasons on the overview, on each returned section's page and on the timeline (every
round's reasons stay there); the applicant fixes a field and replaces a file and resubmits; the
reviewer sees what changed since the returned round."""

import pytest
from django.urls import reverse

from declarations.models import DeclarationStatus as S
from declarations.services import submit_declaration
from tests.attachments.conftest import pdf_bytes, upload
from tests.declarations.builders import fill_valid
from tests.declarations.test_query_budgets import prefixed, single_values
from tests.review.test_review_page import slot_of

pytestmark = pytest.mark.django_db


def overview_url(declaration):
    return reverse("declarations:overview", args=[declaration.pk])


def section_url(declaration, code):
    return reverse("declarations:section", args=[declaration.pk, code])


def timeline_url(declaration):
    return reverse("declarations:timeline", args=[declaration.pk])


def fail(client, declaration, code, reason):
    response = client.post(
        reverse("review:section_result", args=[declaration.pk, code]),
        {f"{code}-result": "fail", f"{code}-reason": reason},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "已保存" in response.content.decode()


def decide(client, declaration, action, **data):
    response = client.post(reverse("review:decide", args=[declaration.pk, action]), data)
    assert response.status_code == 302, response.content.decode()
    declaration.refresh_from_db()


@pytest.fixture
def submitted(engineering_declaration, unit, committed_applicant):
    """Complete and submitted to the unit (as tests/review's fixture of the same name)."""
    fill_valid(engineering_declaration, unit)
    return submit_declaration(actor=committed_applicant, declaration=engineering_declaration)


@pytest.fixture
def returned(login, submitted, unit_reviewer):
    """Returned by the unit: two sections failed with reasons, plus an overall reason."""
    reviewer = login(unit_reviewer)
    fail(reviewer, submitted, "education", "毕业院校与学历证书不一致")
    fail(reviewer, submitted, "basic_info", "身份证扫描件不清晰，请重新上传")
    decide(reviewer, submitted, "return", reason="请在5日内修改后重新提交")
    assert submitted.status == S.RETURNED
    return submitted


def test_overview_lists_the_returned_sections_with_links(login, returned, unit):
    html = login(returned.applicant).get(overview_url(returned)).content.decode()
    panel = html[html.index('data-testid="returned"') :]
    panel = panel[: panel.index("</div>\n</div>") if "</div>\n</div>" in panel else 3000]
    assert unit.name in panel
    assert f'href="{section_url(returned, "basic_info")}">基本信息</a>：身份证扫描件不清晰' in panel
    assert (
        f'href="{section_url(returned, "education")}">学历信息</a>：毕业院校与学历证书不一致'
        in panel
    )
    assert "退回原因：请在5日内修改后重新提交" in panel
    # In plan order: basic information comes first.
    assert panel.index("基本信息") < panel.index("学历信息")
    assert html.count("需修改") == 2


def test_each_returned_section_page_shows_its_reason(login, returned):
    client = login(returned.applicant)
    html = client.get(section_url(returned, "education")).content.decode()
    box = html[html.index('data-testid="return-reason"') :]
    assert "毕业院校与学历证书不一致" in box[:600]
    assert "身份证扫描件不清晰" not in html
    html = client.get(section_url(returned, "performance")).content.decode()
    assert 'data-testid="return-reason"' not in html


def test_timeline_shows_who_returned_when_and_why(login, returned, unit):
    html = login(returned.applicant).get(timeline_url(returned)).content.decode()
    step = html[html.index("退回修改</div>") :]
    step = step[: step.index("</li>\n")]
    assert unit.name in step
    assert "<strong>学历信息</strong>：毕业院校与学历证书不一致" in step
    assert "<strong>基本信息</strong>：身份证扫描件不清晰，请重新上传" in step
    assert "退回原因：请在5日内修改后重新提交" in step


def test_no_return_box_while_not_returned(login, submitted):
    client = login(submitted.applicant)
    assert 'data-testid="returned"' not in client.get(overview_url(submitted)).content.decode()
    html = client.get(section_url(submitted, "education")).content.decode()
    assert 'data-testid="return-reason"' not in html


def test_the_applicant_cannot_open_the_review_page(login, returned):
    client = login(returned.applicant)
    assert client.get(reverse("review:detail", args=[returned.pk])).status_code == 403
    response = client.post(
        reverse("review:decide", args=[returned.pk, "pass"]), {"opinion": "自己通过"}
    )
    assert response.status_code == 403


def test_fix_resubmit_and_the_reviewer_sees_what_changed(
    login, returned, unit, unit_reviewer, django_capture_on_commit_callbacks
):
    applicant = login(returned.applicant)
    # The applicant corrects the school …
    values = single_values(returned, unit)["education"]
    values["full_time_school"] = "山东科技大学"
    response = applicant.post(section_url(returned, "education"), prefixed("education", values))
    assert response.status_code == 302, response.content.decode()
    # … replaces the identity scan (a one-file slot: the new file replaces the old one) …
    slot = slot_of(returned, "identity")
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(
            reverse("attachments:upload", args=[returned.pk, slot.pk]),
            {"file": upload("身份证（清晰）.pdf", pdf_bytes(pages=2), "application/pdf")},
        )
    assert response.status_code == 302
    # … and submits again.
    response = applicant.post(reverse("declarations:submit", args=[returned.pk]))
    assert response.status_code == 302
    returned.refresh_from_db()
    assert (returned.status, returned.round, returned.holder) == (S.SUBMITTED, 2, unit)
    # The overview no longer shows the return; the timeline still does.
    assert 'data-testid="returned"' not in applicant.get(overview_url(returned)).content.decode()
    assert "毕业院校与学历证书不一致" in applicant.get(timeline_url(returned)).content.decode()

    html = login(unit_reviewer).get(reverse("review:detail", args=[returned.pk])).content.decode()
    diff = html[html.index('data-testid="diff"') :]
    diff = diff[: diff.index("</section>")]
    assert "与退回时提交的内容相比的修改" in diff
    assert 'data-section="education"' in diff and 'data-section="basic_info"' in diff
    assert "全日制-毕业院校" in diff
    assert "<del>山东大学</del>" in diff and "<ins>山东科技大学</ins>" in diff
    # Same-as-full-time: the review block changed with it.
    assert "评审依据-毕业院校" in diff
    assert 'data-testid="diff-file" data-kind="replaced"' in diff
    assert "身份信息" in diff and "身份证（清晰）.pdf" in diff
    # Sections that did not change are not listed, and the changed ones are marked.
    assert 'data-section="performance"' not in diff
    for code in ("education", "basic_info"):
        card = html[html.index(f'data-testid="review-section" data-section="{code}"') :]
        assert 'data-testid="changed"' in card[: card.index("</h2>") + 200]
    card = html[html.index('data-testid="review-section" data-section="performance"') :]
    assert 'data-testid="changed"' not in card[: card.index("</h2>") + 200]
    # Round 1's reasons are listed under the section.
    education = html[html.index('data-testid="review-section" data-section="education"') :]
    assert "毕业院校与学历证书不一致" in education[: education.index("</section>")]


def test_every_rounds_reasons_stay_on_the_timeline(login, returned, unit_reviewer):
    applicant = login(returned.applicant)
    applicant.post(reverse("declarations:submit", args=[returned.pk]))
    reviewer = login(unit_reviewer)
    decide(reviewer, returned, "return", reason="请补充聘书")
    html = login(returned.applicant).get(overview_url(returned)).content.decode()
    panel = html[html.index('data-testid="returned"') :]
    panel = panel[: panel.index("</div>\n</div>")]
    # The overview shows the return being worked on (round 2): no failed section this time.
    assert "退回原因：请补充聘书" in panel and "毕业院校" not in panel
    applicant = login(returned.applicant)
    applicant.post(reverse("declarations:submit", args=[returned.pk]))
    decide(login(unit_reviewer), returned, "reject", reason="不具备申报资格")
    html = login(returned.applicant).get(timeline_url(returned)).content.decode()
    assert html.count('data-testid="timeline-return-section"') == 2
    assert "毕业院校与学历证书不一致" in html and "请补充聘书" in html
    assert "不通过原因：不具备申报资格" in html
    assert (
        'data-testid="returned"'
        not in login(returned.applicant).get(overview_url(returned)).content.decode()
    )


def test_returned_pages_add_one_query(login, returned, django_assert_max_num_queries):
    """The return shown on the overview and section pages is one more query (only while the
    declaration is returned): within the declarations pages' budgets."""
    from tests.declarations.test_query_budgets import GET_BUDGET, GET_DEFAULT_BUDGET

    client = login(returned.applicant)
    client.get(overview_url(returned))
    with django_assert_max_num_queries(GET_BUDGET["overview"] + 1):
        assert client.get(overview_url(returned)).status_code == 200
    with django_assert_max_num_queries(GET_DEFAULT_BUDGET + 1):
        assert client.get(section_url(returned, "performance")).status_code == 200
