"""撤销公示 of a results notice: the office withdraws a running notice with a reason on a
confirmation page; its people stay 评审通过 and may be published again; another office gets
404, no reason is refused with the page kept, a confirmed notice cannot be cancelled."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from committee.models import ResultsNotice
from committee.services import results as services
from declarations.workflow import DeclarationStatus as S
from institutions.models import AuditAction, AuditEntry, OrgKind
from tests import factories
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import confirm, next_monday, publish

pytestmark = pytest.mark.django_db

REASON = "公示名单中的工作单位填写有误，更正后重新公示。"


def cancel_url(notice):
    return reverse("committee:results_cancel", args=[notice.pk])


@pytest.fixture
def notice(passed, committee_office_user, meeting):
    return publish(committee_office_user, meeting)


def test_the_office_cancels_a_running_notice_and_publishes_again(
    client, login, notice, passed, committee_office_user, meeting
):
    login(committee_office_user)
    office_page = client.get(
        reverse("committee:results_office_notice", args=[notice.pk])
    ).content.decode()
    assert cancel_url(notice) in office_page

    page = client.get(cancel_url(notice)).content.decode()
    assert 'data-testid="cancel-form"' in page and "名单中的1人仍为“评审通过”" in page

    response = client.post(cancel_url(notice), {"reason": REASON})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "公示已撤销" in page and REASON in page and 'data-testid="cancel-link"' not in page
    notice.refresh_from_db()
    assert (notice.status, notice.cancel_reason, notice.cancelled_by) == (
        ResultsNotice.Status.CANCELLED,
        REASON,
        committee_office_user,
    )
    entry = AuditEntry.objects.get(action=AuditAction.NOTICE_CANCELLED)
    assert entry.reason == REASON and entry.details["declaration_ids"] == [passed.pk]
    # The public no longer sees it; the person is still passed.
    assert (
        client.get(reverse("committee:results_public_notice", args=[notice.pk])).status_code == 404
    )
    passed.refresh_from_db()
    assert passed.status == S.EVALUATION_PASSED
    # The meeting waits to be published again, and is.
    index = client.get(reverse("committee:results_office")).content.decode()
    assert reverse("committee:results_publish", args=[meeting.pk]) in index
    again = publish(committee_office_user, meeting, starts_on=next_monday())
    assert list(again.entries.values_list("declaration_id", flat=True)) == [passed.pk]


def test_another_office_gets_404_and_others_403(
    client, login, notice, regions, applicant, unit_reviewer
):
    office = factories.OrganizationFactory(
        name="威海市工程技术职务资格中级评审委员会办公室",
        kind=OrgKind.COMMITTEE_OFFICE,
        region=regions["371002"],
    )
    login(factories.org_user(office, user__username="other_office"))
    assert client.get(cancel_url(notice)).status_code == 404
    assert client.post(cancel_url(notice), {"reason": REASON}).status_code == 404
    for user in (applicant, unit_reviewer):
        login(user)
        assert client.post(cancel_url(notice), {"reason": REASON}).status_code == 403
    notice.refresh_from_db()
    assert notice.status == ResultsNotice.Status.RUNNING


@pytest.mark.parametrize("reason", ["", "   "])
def test_no_reason_is_refused_and_nothing_changes(
    client, login, notice, committee_office_user, reason
):
    login(committee_office_user)
    response = client.post(cancel_url(notice), {"reason": reason})
    assert response.status_code == 400
    assert "请填写撤销原因。" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == ResultsNotice.Status.RUNNING
    with pytest.raises(ValidationError):
        services.cancel_results_notice(actor=committee_office_user, notice=notice, reason=reason)
    assert not AuditEntry.objects.filter(action=AuditAction.NOTICE_CANCELLED).exists()


def test_a_too_long_reason_stays_on_the_page(client, login, notice, committee_office_user):
    login(committee_office_user)
    typed = "很长的原因" * 201
    response = client.post(cancel_url(notice), {"reason": typed})
    assert response.status_code == 400
    assert typed in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == ResultsNotice.Status.RUNNING


def test_a_confirmed_notice_cannot_be_cancelled(
    client, login, notice, passed, committee_office_user
):
    confirm(committee_office_user, notice)
    notice.refresh_from_db()
    login(committee_office_user)
    page = client.get(reverse("committee:results_office_notice", args=[notice.pk])).content.decode()
    assert 'data-testid="cancel-link"' not in page
    response = client.get(cancel_url(notice), follow=True)
    assert "不能撤销" in response.content.decode()
    response = client.post(cancel_url(notice), {"reason": REASON})
    assert response.status_code == 400
    assert "评审结果已确认，不能撤销公示" in response.content.decode()
    with pytest.raises(ValidationError):
        services.cancel_results_notice(actor=committee_office_user, notice=notice, reason=REASON)
    notice.refresh_from_db()
    passed.refresh_from_db()
    assert notice.status == ResultsNotice.Status.CONFIRMED and passed.status == S.CONFIRMED


def test_a_cancelled_notice_cannot_be_cancelled_twice(notice, committee_office_user):
    services.cancel_results_notice(actor=committee_office_user, notice=notice, reason=REASON)
    with pytest.raises(ValidationError) as error:
        services.cancel_results_notice(actor=committee_office_user, notice=notice, reason=REASON)
    assert "该公示已撤销" in " ".join(error.value.messages)
