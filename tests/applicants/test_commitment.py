"""承诺书: an applicant agrees to the commitment once before entering the declaration pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from applicants import services
from applicants.models import CommitmentAgreement
from tests.applicants.helpers import flash_messages

pytestmark = pytest.mark.django_db

INDEX = "/declarations/"
COMMITMENT = "/declarations/commitment/"


def test_first_entry_goes_to_the_commitment(login, applicant):
    client = login(applicant)
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"] == COMMITMENT

    page = client.get(COMMITMENT)
    content = page.content.decode()
    assert page.status_code == 200
    assert "职称申报承诺书" in content
    assert 'name="agree"' in content


def test_posting_without_agreeing_records_nothing(login, applicant):
    client = login(applicant)
    response = client.post(COMMITMENT, {})
    assert response.status_code == 200
    assert "请阅读承诺书并勾选“我同意”后再继续。" in flash_messages(response)
    assert not CommitmentAgreement.objects.exists()
    assert client.get(INDEX)["Location"] == COMMITMENT

    client.post(COMMITMENT, {"agree": "no"})
    assert not CommitmentAgreement.objects.exists()


def test_agreeing_is_recorded_with_time_and_opens_the_declarations(login, applicant):
    client = login(applicant)
    before = timezone.now()
    response = client.post(COMMITMENT, {"agree": "yes"}, follow=True)
    after = timezone.now()

    assert response.redirect_chain[0][0] == INDEX
    assert response.status_code == 200
    assert "您已签署申报承诺书。" in flash_messages(response)
    agreement = CommitmentAgreement.objects.get()
    assert agreement.user == applicant
    assert agreement.version == services.COMMITMENT_VERSION
    assert before - timedelta(seconds=1) <= agreement.agreed_at <= after
    assert agreement.ip_address == "127.0.0.1"

    # The next visit goes straight in.
    next_visit = client.get(INDEX)
    assert next_visit.status_code == 200
    assert 'data-testid="declarations-heading"' in next_visit.content.decode()


def test_agreeing_twice_keeps_one_record(login, applicant):
    client = login(applicant)
    client.post(COMMITMENT, {"agree": "yes"})
    first = CommitmentAgreement.objects.get()
    client.post(COMMITMENT, {"agree": "yes"})
    assert CommitmentAgreement.objects.get() == first
    assert "您已同意本承诺书。" in client.get(COMMITMENT).content.decode()


def test_one_persons_agreement_does_not_count_for_another(login, applicant, regions):
    from tests import factories

    services.agree_commitment(actor=applicant)
    other = factories.ApplicantFactory()
    assert login(other).get(INDEX)["Location"] == COMMITMENT


def test_dashboard_reminds_about_the_commitment_until_agreed(login, applicant):
    client = login(applicant)
    reminder = "首次进入需阅读并同意《职称申报承诺书》。"
    assert reminder in client.get("/accounts/me/").content.decode()
    services.agree_commitment(actor=applicant)
    assert reminder not in client.get("/accounts/me/").content.decode()


@pytest.mark.parametrize("persona", ["unit_reviewer", "outsider", "administrator"])
@pytest.mark.parametrize("url", [INDEX, COMMITMENT])
def test_organization_and_admin_accounts_get_403(login, request, persona, url):
    user = request.getfixturevalue(persona)
    client = login(user)
    assert client.get(url).status_code == 403
    assert client.post(COMMITMENT, {"agree": "yes"}).status_code == 403
    assert not CommitmentAgreement.objects.exists()


def test_service_refuses_an_organization_account(unit_reviewer):
    with pytest.raises(PermissionDenied):
        services.agree_commitment(actor=unit_reviewer)
    assert not CommitmentAgreement.objects.exists()


@pytest.mark.parametrize("url", [INDEX, COMMITMENT])
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response["Location"] == f"/accounts/login/?next={url}"
