"""The results pages: the office publishes, records objections and handling, confirms; the HR
bureau registers; the public reads without signing in; the applicant sees the result (and, for
one who did not pass, the committee's opinion and the vote counts) on the home page and the
declaration's pages."""

import datetime

import pytest
from django.urls import reverse

from committee.models import ResultsNotice, ResultsObjection
from declarations.workflow import DeclarationStatus as S
from institutions.models import OrgKind
from tests import clock, factories
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import evaluate, next_monday, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_office_user(regions):
    office = factories.OrganizationFactory(
        name="威海市工程技术职务资格中级评审委员会办公室",
        kind=OrgKind.COMMITTEE_OFFICE,
        region=regions["371002"],
    )
    return factories.org_user(office, user__username="other_office")


@pytest.fixture
def city_bureau_user(regions):
    bureau = factories.OrganizationFactory(
        name="潍坊市人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["370700"]
    )
    return factories.org_user(bureau, user__username="city_hr")


def test_office_publishes_from_its_results_page(
    client, login, passed, committee_office_user, meeting
):
    login(committee_office_user)
    index = client.get(reverse("committee:results_office")).content.decode()
    url = reverse("committee:results_publish", args=[meeting.pk])
    assert url in index
    monday = next_monday()
    # Bad input: four working days; the message next to the field, the dates stay.
    response = client.post(
        url,
        {"starts_on": monday, "ends_on": monday + datetime.timedelta(days=3), "title": "公示"},
    )
    text = response.content.decode()
    assert "不少于5个工作日" in text and str(monday) in text
    assert not ResultsNotice.objects.exists()
    response = client.post(
        url, {"starts_on": monday, "ends_on": monday + datetime.timedelta(days=4), "title": ""}
    )
    notice = ResultsNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("committee:results_office_notice", args=[notice.pk])
    page = client.get(response["Location"]).content.decode()
    assert "张三" in page and "评审结果公示" in page


@pytest.mark.parametrize("who", ["unit_reviewer", "bureau_reviewer", "applicant"])
def test_others_may_not_use_the_office_pages(request, client, login, passed, meeting, who):
    login(request.getfixturevalue(who))
    assert client.get(reverse("committee:results_office")).status_code == 403
    assert client.get(reverse("committee:results_publish", args=[meeting.pk])).status_code == 403


def test_another_office_gets_404(
    client, login, passed, meeting, committee_office_user, other_office_user
):
    notice = publish(committee_office_user, meeting)
    login(other_office_user)
    assert client.get(reverse("committee:results_publish", args=[meeting.pk])).status_code == 404
    assert (
        client.get(reverse("committee:results_office_notice", args=[notice.pk])).status_code == 404
    )
    response = client.post(
        reverse("committee:results_confirm", args=[notice.pk]),
        {"approval_document_number": "X"},
    )
    assert response.status_code == 404


def test_objection_handling_and_confirmation_through_the_pages(
    client, login, passed, second_at_committee, committee_office_user, meeting
):
    evaluate(second_at_committee, committee_office_user, meeting, passed=True)
    notice = publish(committee_office_user, meeting)
    login(committee_office_user)
    add = reverse("committee:results_add_objection", args=[notice.pk])
    with clock.on_day(notice.starts_on):
        login(committee_office_user)  # a session of that day (sessions expire)
        # Bad input: no content.
        response = client.post(
            add, {"declaration": second_at_committee.pk, "received_on": notice.starts_on}
        )
        assert response.status_code == 400
        assert "异议内容" in response.content.decode()
        response = client.post(
            add,
            {
                "declaration": second_at_committee.pk,
                "received_on": notice.starts_on,
                "content": "反映其论文系代写",
            },
        )
        assert response.status_code == 302
    objection = ResultsObjection.objects.get()
    login(committee_office_user)
    handle = reverse("committee:results_handle_objection", args=[notice.pk, objection.pk])
    response = client.post(handle, {"founded": "", "handling": ""})
    assert response.status_code == 400
    assert "请选择" in response.content.decode()
    response = client.post(handle, {"founded": "yes", "handling": "经核实异议成立。"})
    assert response.status_code == 302
    second_at_committee.refresh_from_db()
    assert second_at_committee.status == S.EVALUATION_FAILED

    confirm_url = reverse("committee:results_confirm", args=[notice.pk])
    early = client.post(confirm_url, {"approval_document_number": "鲁人社〔2026〕1号"})
    assert early.status_code == 400 and "公示尚未结束" in early.content.decode()
    with clock.on_day(notice.ends_on + datetime.timedelta(days=1)):
        login(committee_office_user)
        response = client.post(confirm_url, {"approval_document_number": "鲁人社〔2026〕1号"})
    assert response.status_code == 302
    notice.refresh_from_db()
    passed.refresh_from_db()
    assert notice.status == ResultsNotice.Status.CONFIRMED
    assert passed.status == S.CONFIRMED


def test_the_bureau_registers_through_its_page(
    client, login, confirmed, city_bureau_user, bureau_reviewer
):
    notice = ResultsNotice.objects.get()
    login(bureau_reviewer)  # the district bureau: not responsible for the city committee
    assert notice.title not in client.get(reverse("committee:results_registry")).content.decode()
    page = reverse("committee:results_registry_notice", args=[notice.pk])
    assert client.get(page).status_code == 404
    assert client.post(reverse("committee:results_register", args=[notice.pk])).status_code == 404
    login(city_bureau_user)
    assert notice.title in client.get(reverse("committee:results_registry")).content.decode()
    assert client.get(page).status_code == 200
    response = client.post(reverse("committee:results_register", args=[notice.pk]), follow=True)
    assert "已备案" in response.content.decode()
    notice.refresh_from_db()
    assert notice.registered_by == city_bureau_user


def test_public_pages_need_no_login_and_bounded_queries(
    client, passed, committee_office_user, meeting, django_assert_max_num_queries
):
    notice = publish(committee_office_user, meeting)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("committee:results_public_notice", args=[notice.pk]))
    assert response.status_code == 200
    assert client.get(reverse("committee:results_public_notice", args=[99999])).status_code == 404


# --- the applicant ----------------------------------------------------------------------------


def test_a_failed_applicant_sees_the_opinion_and_the_votes(
    client, login, at_committee, committee_office_user, meeting
):
    evaluate(
        at_committee,
        committee_office_user,
        meeting,
        passed=False,
        votes=(5, 4, 2),
        opinion="业绩成果不足，论文与申报专业关联度不高。",
    )
    login(at_committee.applicant)
    for url in (
        reverse("declarations:overview", args=[at_committee.pk]),
        reverse("declarations:timeline", args=[at_committee.pk]),
        reverse("applicants:dashboard"),
    ):
        text = client.get(url).content.decode()
        assert "评审未通过" in text, url
        assert "同意5票，不同意4票，弃权2票" in text, url
        assert "业绩成果不足，论文与申报专业关联度不高。" in text, url


def test_a_passed_applicant_sees_the_notice_then_the_certificate(
    client, login, passed, committee_office_user, meeting
):
    notice = publish(committee_office_user, meeting)
    login(passed.applicant)
    text = client.get(reverse("declarations:overview", args=[passed.pk])).content.decode()
    assert "评审通过（公示中）" in text
    assert reverse("committee:results_public_notice", args=[notice.pk]) in text


def test_the_result_is_the_applicants_own(client, login, passed):
    other = factories.ApplicantFactory(username="wangwu", name="王五")
    login(other)
    home = client.get(reverse("applicants:dashboard")).content.decode()
    assert 'data-testid="results-card"' not in home
    login(passed.applicant)
    home = client.get(reverse("applicants:dashboard")).content.decode()
    assert 'data-testid="results-card"' in home and "评审通过（公示中）" in home


def test_the_menu_leads_the_office_and_the_bureau_to_their_pages(
    client, login, committee_office_user, city_bureau_user, unit_reviewer
):
    login(committee_office_user)
    home = client.get(reverse("institutions:dashboard")).content.decode()
    assert reverse("committee:results_office") in home
    login(city_bureau_user)
    home = client.get(reverse("institutions:dashboard")).content.decode()
    assert reverse("committee:results_registry") in home
    login(unit_reviewer)
    home = client.get(reverse("institutions:dashboard")).content.decode()
    assert reverse("committee:results_office") not in home
    assert reverse("committee:results_registry") not in home


def test_the_office_notice_page_has_bounded_queries(
    client,
    login,
    passed,
    second_at_committee,
    committee_office_user,
    meeting,
    django_assert_max_num_queries,
):
    evaluate(second_at_committee, committee_office_user, meeting, passed=True)
    notice = publish(committee_office_user, meeting)
    login(committee_office_user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("committee:results_office_notice", args=[notice.pk]))
    assert response.status_code == 200
    assert "张三" in response.content.decode() and "李四" in response.content.decode()


def test_an_applicant_failed_by_a_founded_objection_sees_its_handling(
    client, login, passed, committee_office_user, meeting
):
    from committee.services import results as services

    notice = publish(committee_office_user, meeting)
    with clock.on_day(notice.starts_on):
        objection = services.record_objection(
            actor=committee_office_user,
            notice=notice,
            declaration_id=passed.pk,
            content="反映其业绩系他人完成",
        )
    services.handle_objection(
        actor=committee_office_user,
        objection=objection,
        founded=True,
        handling="经调查，所报业绩系他人完成，异议成立，评审结果不予通过。",
    )
    login(passed.applicant)
    text = client.get(reverse("declarations:overview", args=[passed.pk])).content.decode()
    assert "评审未通过" in text
    assert "经调查，所报业绩系他人完成，异议成立，评审结果不予通过。" in text
    # The meeting's passing vote is not offered as the reason.
    assert 'data-testid="result-votes"' not in text
