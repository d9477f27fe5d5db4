"""The committee office's 受理 pages: the inbox by batch, the confirmation naming how many and
which, the decision (all or nothing, a stale page told so), and what the applicant sees after a
committee return or refusal; wrong roles get 403, ids of others 404."""

import pytest
from django.urls import reverse

from declarations.models import DeclarationStatus as S
from declarations.workflow import Action
from institutions.access import menu_for
from tests.committee.acceptance_fixtures import *  # noqa: F403
from tests.committee.acceptance_fixtures import accept, bulk_at_committee

pytestmark = pytest.mark.django_db

INBOX = reverse("committee:inbox")
CONFIRM = reverse("committee:decide_confirm")
DECIDE = reverse("committee:decide")


@pytest.fixture
def office_client(login, committee_office_user):
    return login(committee_office_user)


def test_inbox_shows_the_batch_and_its_declarations(
    office_client, at_committee, reporting_department, unit
):
    response = office_client.get(INBOX)
    assert response.status_code == 200
    page = response.content.decode()
    assert reporting_department.name in page  # from which department
    assert "共 1 人" in page and "待受理 1 人" in page
    assert at_committee.applicant.name in page
    assert unit.name in page
    assert "工程技术" in page and "中级" in page
    assert "中级 / 工程师" in page  # the title applied for
    assert f'data-testid="row-status">{S.AT_COMMITTEE.label}<' in page
    assert f'value="accept:{at_committee.pk}"' in page


def test_inbox_menu_entries_for_the_office_only(committee_office_user, unit_reviewer):
    office_items = dict(menu_for(committee_office_user)["items"])
    assert office_items["受理"] == INBOX
    assert office_items["收费设定"] == reverse("committee:fee_list")
    assert office_items["缴费登记"] == reverse("committee:payment_list")
    assert "受理" not in dict(menu_for(unit_reviewer)["items"])


@pytest.mark.parametrize("who", ["committed_applicant", "unit_reviewer", "reporting_reviewer"])
def test_other_roles_cannot_open_the_inbox(request, login, at_committee, who):
    client = login(request.getfixturevalue(who))
    assert client.get(INBOX).status_code == 403
    assert client.post(CONFIRM, {"action": "accept", "ids": [at_committee.pk]}).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302


def test_another_office_sees_nothing_and_gets_404_for_the_id(login, at_committee, other_office):
    _office, user = other_office
    client = login(user)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert at_committee.applicant.name not in response.content.decode()
    assert client.post(CONFIRM, {"action": "accept", "ids": [at_committee.pk]}).status_code == 404
    response = client.post(DECIDE, {"action": "accept", "ids": str(at_committee.pk), "reason": ""})
    assert response.status_code == 404
    at_committee.refresh_from_db()
    assert at_committee.status == S.AT_COMMITTEE


def test_inbox_queries_do_not_grow_with_batches_and_declarations(
    office_client,
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    chain,
    django_assert_max_num_queries,
):
    bulk_at_committee(reporting_department, reporting_reviewer, engineering_plan, 2, unit=unit)
    with django_assert_max_num_queries(14) as small:
        assert office_client.get(INBOX).status_code == 200
    for n in range(4):
        bulk_at_committee(
            reporting_department,
            reporting_reviewer,
            engineering_plan,
            8,
            unit=unit,
            prefix=f"批{n}申报人",
        )
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = office_client.get(INBOX)
    # 30 declarations a page: the three newest batches of 8 and 6 of the fourth.
    page = response.content.decode()
    assert page.count('data-testid="inbox-row"') == 30
    assert page.count('data-testid="batch"') == 4
    assert len(large.captured_queries) == len(small.captured_queries)
    # The rest on page 2: the fourth batch's last 2 (its header again) and the first batch's 2.
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = office_client.get(INBOX, {"page": 2}).content.decode()
    assert page.count('data-testid="inbox-row"') == 4
    assert page.count('data-testid="batch"') == 2
    # A page past the end is the last page; one that is no number, the first.
    page = office_client.get(INBOX, {"page": 99}).content.decode()
    assert page.count('data-testid="inbox-row"') == 4
    page = office_client.get(INBOX, {"page": "abc"}).content.decode()
    assert page.count('data-testid="inbox-row"') == 30


def test_confirmation_names_how_many_and_which(
    office_client, reporting_department, reporting_reviewer, engineering_plan, unit, chain
):
    first, second, _third = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 3, unit=unit
    )
    response = office_client.post(CONFIRM, {"action": "accept", "ids": [first.pk, second.pk]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "将对以下2份申报执行“受理”" in page
    assert first.applicant.name in page and second.applicant.name in page
    assert _third.applicant.name not in page
    # Confirming nothing has happened yet.
    first.refresh_from_db()
    assert first.status == S.AT_COMMITTEE


def test_a_rows_own_button_confirms_that_one(office_client, at_committee):
    response = office_client.post(CONFIRM, {"pick": f"refuse:{at_committee.pk}"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "将对以下1份申报执行“不予受理”" in page
    assert "不予受理原因" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "accept"}, "请先勾选要受理的申报"),
        ({"ids": ["1"]}, "请选择要执行的操作"),
        ({"action": "accept", "ids": ["x"]}, "所选记录无效"),
        ({"action": "accept", "ids": ["99999999999999999999"]}, "所选记录无效"),
        ({"pick": "steal:1"}, "所选操作无效"),
    ],
)
def test_a_bad_selection_goes_back_to_the_inbox_with_a_message(
    office_client, at_committee, data, message
):
    response = office_client.post(CONFIRM, data, follow=True)
    assert message in response.content.decode()


def test_accepting_several_after_confirmation(
    office_client, reporting_department, reporting_reviewer, engineering_plan, unit, chain
):
    declarations = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 3, unit=unit
    )
    ids = ",".join(str(d.pk) for d in declarations)
    response = office_client.post(DECIDE, {"action": "accept", "ids": ids}, follow=True)
    assert "已受理3份申报" in response.content.decode()
    for declaration in declarations:
        declaration.refresh_from_db()
        assert declaration.status == S.ACCEPTED


def test_return_without_a_reason_stays_on_the_confirmation(office_client, at_committee):
    response = office_client.post(
        DECIDE, {"action": Action.COMMITTEE_RETURN, "ids": str(at_committee.pk), "reason": " "}
    )
    assert response.status_code == 400
    assert "退回修改时必须填写退回原因" in response.content.decode()
    at_committee.refresh_from_db()
    assert at_committee.status == S.AT_COMMITTEE


def test_a_stale_page_is_told_and_nothing_is_decided(
    office_client,
    committee_office,
    committee_office_user,
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    chain,
):
    first, second = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 2, unit=unit
    )
    # A colleague refused the second one while this page was open.
    accept(committee_office_user, committee_office, [second], action="refuse", reason="不符合条件")
    response = office_client.post(
        DECIDE, {"action": "accept", "ids": f"{first.pk},{second.pk}", "reason": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "可能已被其他工作人员处理" in page
    assert second.applicant.name in page
    first.refresh_from_db()
    assert first.status == S.AT_COMMITTEE


def test_the_applicant_sees_the_committee_return_like_a_units(
    office_client, login, at_committee, committed_applicant, committee_office
):
    response = office_client.post(
        DECIDE,
        {
            "action": Action.COMMITTEE_RETURN,
            "ids": str(at_committee.pk),
            "reason": "请补充近五年年度考核表",
        },
    )
    assert response.status_code == 302
    applicant = login(committed_applicant)
    overview = applicant.get(reverse("declarations:overview", args=[at_committee.pk]))
    page = overview.content.decode()
    assert 'data-testid="returned"' in page
    assert committee_office.name in page
    assert "请补充近五年年度考核表" in page
    timeline = applicant.get(reverse("declarations:timeline", args=[at_committee.pk]))
    assert "退回原因：请补充近五年年度考核表" in timeline.content.decode()


def test_the_applicant_sees_why_it_was_refused(
    office_client, login, at_committee, committed_applicant
):
    office_client.post(
        DECIDE, {"action": Action.REFUSE, "ids": str(at_committee.pk), "reason": "学历不符合要求"}
    )
    applicant = login(committed_applicant)
    timeline = applicant.get(reverse("declarations:timeline", args=[at_committee.pk]))
    page = timeline.content.decode()
    assert "不予受理原因：学历不符合要求" in page


def test_the_review_inbox_links_waiting_rows_to_acceptance(
    office_client, at_committee, committee_office, committee_office_user
):
    page = office_client.get(reverse("review:queue")).content.decode()
    assert 'data-testid="accept-link"' in page
    assert str(S.AT_COMMITTEE.label) in page
    accept(committee_office_user, committee_office, [at_committee])
    page = office_client.get(reverse("review:queue")).content.decode()
    assert 'data-testid="accept-link"' not in page
    # The office's inbox names the declaration's state, not a unit's 已通过待上报.
    assert str(S.ACCEPTED.label) in page


def test_inbox_rows_escape_what_people_typed(office_client, at_committee):
    """The rows are written in Python (issue 13): a name with markup is shown as text."""
    applicant = at_committee.applicant
    applicant.name = '<img src=x onerror="alert(1)">'
    applicant.save(update_fields=["name"])
    page = office_client.get(INBOX).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert f'value="accept:{at_committee.pk}"' in page  # the row's buttons are markup
