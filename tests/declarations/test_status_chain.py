# ruff: noqa: F401, F811 (fixtures imported from the committee tests' fixture modules)
"""状态跟踪 leads with a picture of the chain: each level done, current (with the days it has
been there) or not yet, and a return or rejection said in words at the level that decided it."""

import re

import pytest
from django.urls import reverse

from declarations.services import submit_declaration
from review import services as review_services
from tests import factories
from tests.clock import days_later
from tests.committee.acceptance_fixtures import chain, levels, up_the_chain
from tests.committee.results_fixtures import (
    at_committee,
    confirmed,
    evaluate,
    meeting,
    passed,
    reporters,
)
from tests.declarations.builders import fill_valid


def chain_levels(html: str) -> list[tuple[str, str, str]]:
    """(kind, state, the level's text) of each level of the picture, in order."""
    found = re.findall(
        r'data-testid="chain-level" data-kind="(\w+)" data-state="(\w+)"[^>]*>(.*?)</li>',
        html,
        re.S,
    )
    return [(kind, state, re.sub(r"<[^>]+>|\s+", " ", text)) for kind, state, text in found]


def page(login, declaration):
    response = login(declaration.applicant).get(
        reverse("declarations:timeline", args=[declaration.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def submitted(engineering_declaration, committed_applicant, unit, chain):
    fill_valid(engineering_declaration, unit)
    return submit_declaration(actor=committed_applicant, declaration=engineering_declaration)


def test_a_draft_shows_every_level_not_yet(login, engineering_declaration, unit, chain):
    html = page(login, engineering_declaration)
    found = chain_levels(html)
    assert [kind for kind, _state, _text in found] == [
        "unit",
        "committee",
        "result",
        "certificate",
    ]
    assert {state for _kind, state, _text in found} == {"todo"}
    assert all("未开始" in text for _kind, _state, text in found)
    assert "申报尚未提交" in html
    # The picture comes before the timeline.
    assert html.index('data-testid="status-chain"') < html.index('data-testid="timeline-step"')


def test_at_the_unit_the_unit_is_current_with_its_days(
    login, submitted, unit, supervising_department, reporting_department
):
    with days_later(3):
        html = page(login, submitted)
    found = chain_levels(html)
    assert [kind for kind, _state, _text in found] == [
        "unit",
        "department",
        "department",
        "committee",
        "result",
        "certificate",
    ]
    _kind, state, text = found[0]
    assert state == "current" and unit.name in text and "当前所在" in text
    assert "已停留3天" in text
    assert supervising_department.name in found[1][2] and reporting_department.name in found[2][2]
    assert [state for _kind, state, _text in found[1:]] == ["todo"] * 5
    assert 'aria-current="step"' in html


def test_after_the_departments_they_are_done_and_the_committee_current(
    login,
    submitted,
    unit,
    unit_reviewer,
    levels,
    engineering_committee,
):
    declaration = up_the_chain(submitted, unit=unit, unit_reviewer=unit_reviewer, levels=levels)
    html = page(login, declaration)
    found = chain_levels(html)
    assert [state for _kind, state, _text in found] == [
        "done",
        "done",
        "done",
        "current",
        "todo",
        "todo",
    ]
    assert all("已完成" in text for _kind, state, text in found[:3])
    assert engineering_committee.name in found[3][2] and "已停留0天" in found[3][2]


def test_a_return_is_said_in_words_at_the_level_that_returned_it(login, submitted, unit_reviewer):
    review_services.return_declaration(
        actor=unit_reviewer, declaration=submitted, reason="请补充业绩材料"
    )
    html = page(login, submitted)
    found = chain_levels(html)
    assert found[0][1] == "returned" and "已退回修改" in found[0][2]
    assert [state for _kind, state, _text in found[1:]] == ["todo"] * 5
    assert "申报已退回" in html


def test_a_rejection_above_the_unit_is_said_in_words_there(
    login, submitted, unit, unit_reviewer, department_reviewer
):
    from tests.review.builders import notice

    review_services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    notice(unit_reviewer, unit, [submitted])
    review_services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[submitted.pk]
    )
    submitted.refresh_from_db()
    review_services.reject_declaration(
        actor=department_reviewer, declaration=submitted, reason="不符合申报条件"
    )
    found = chain_levels(page(login, submitted))
    assert [state for _kind, state, _text in found] == [
        "done",
        "rejected",
        "todo",
        "todo",
        "todo",
        "todo",
    ]
    assert "审核不通过" in found[1][2]


def test_a_refusal_by_the_committee_office_is_said_at_the_committee(
    login, at_committee, committee_office_user, committee_office
):
    from committee.services import acceptance

    acceptance.decide(
        actor=committee_office_user,
        office=committee_office,
        action="refuse",
        declaration_ids=[at_committee.pk],
        reason="不符合申报条件",
    )
    found = chain_levels(page(login, at_committee))
    assert [state for _kind, state, _text in found] == [
        "done",
        "done",
        "done",
        "refused",
        "todo",
        "todo",
    ]
    assert "不予受理" in found[3][2]


def test_a_failed_evaluation_is_said_at_the_result(
    login, at_committee, committee_office_user, meeting
):
    evaluate(at_committee, committee_office_user, meeting, passed=False)
    found = chain_levels(page(login, at_committee))
    assert [state for _kind, state, _text in found][3:] == ["done", "failed", "todo"]
    assert "评审未通过" in found[4][2]


def test_a_passed_evaluation_under_notice_and_then_the_certificate(
    login, passed, committee_office_user, meeting
):
    found = chain_levels(page(login, passed))
    assert [state for _kind, state, _text in found][3:] == ["done", "current", "todo"]
    assert "评审通过（公示中）" in found[4][2]


def test_a_confirmed_result_shows_the_certificate_issued(login, confirmed):
    found = chain_levels(page(login, confirmed))
    assert {state for _kind, state, _text in found} == {"done"}
    assert "已颁发" in found[5][2]


def test_query_count_does_not_grow_with_the_steps(
    login,
    submitted,
    unit,
    unit_reviewer,
    levels,
    django_assert_max_num_queries,
):
    client = login(submitted.applicant)
    url = reverse("declarations:timeline", args=[submitted.pk])
    client.get(url)
    with django_assert_max_num_queries(9):
        client.get(url)
    up_the_chain(submitted, unit=unit, unit_reviewer=unit_reviewer, levels=levels)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_another_applicants_declaration_is_not_found(login, submitted):
    client = login(factories.ApplicantFactory())
    assert client.get(reverse("declarations:timeline", args=[submitted.pk])).status_code == 404
