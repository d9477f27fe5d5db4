"""撤销评审结果（证书） for fraud (issue 12 §6): by the committee office or the HR bureau
responsible for the committee's region, with a reason; the certificate is revoked and the
person may not declare again until 31 December of the third year after the evaluation year
(seed: 从评审次年起3年内不得申报), a new declaration being refused with that date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committee.models import Certificate, DeclarationBan
from committee.services import revocation
from declarations import workflow
from declarations.services import create_declaration
from declarations.workflow import Action
from declarations.workflow import DeclarationStatus as S
from institutions.models import AuditAction, AuditEntry, OrgKind
from tests import factories
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import publish

pytestmark = pytest.mark.django_db

REASON = "经查，其提交的学历证书系伪造，属弄虚作假。"


@pytest.fixture
def city_bureau_user(regions):
    """A user of the HR bureau of Weifang city: responsible for the committee's region."""
    bureau = factories.OrganizationFactory(
        name="潍坊市人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["370700"]
    )
    return factories.org_user(bureau, user__username="city_hr")


def test_the_office_revokes_a_confirmed_result_and_its_certificate(
    confirmed, committee_office_user, meeting
):
    ban = revocation.revoke_result(
        actor=committee_office_user, declaration=confirmed, reason=REASON
    )
    confirmed.refresh_from_db()
    certificate = Certificate.objects.get(declaration=confirmed)
    assert confirmed.status == S.REVOKED
    assert certificate.revoked_at is not None and certificate.revoke_reason == REASON
    assert certificate.revoked_by == committee_office_user
    assert ban.id_number == confirmed.applicant.id_number
    assert ban.until == datetime.date(meeting.held_on.year + 3, 12, 31)
    entry = AuditEntry.objects.get(action=AuditAction.RESULT_REVOKED)
    assert entry.reason == REASON and entry.details["certificate"] == certificate.number
    assert confirmed.events.filter(action=Action.REVOKE, reason=REASON).exists()


def test_the_responsible_hr_bureau_may_revoke_others_may_not(
    confirmed, city_bureau_user, bureau_reviewer, unit_reviewer, outsider, applicant
):
    # The district bureau is not responsible for the city committee; outsiders hold nothing;
    # the applicant is not a holder; the unit held it once (told it has moved on).
    for actor in (bureau_reviewer, outsider, applicant):
        with pytest.raises(PermissionDenied):
            revocation.revoke_result(actor=actor, declaration=confirmed, reason=REASON)
    with pytest.raises(ValidationError, match="已不在本单位"):
        revocation.revoke_result(actor=unit_reviewer, declaration=confirmed, reason=REASON)
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert workflow.available(confirmed, city_bureau_user, [Action.REVOKE]) == [Action.REVOKE]
    revocation.revoke_result(actor=city_bureau_user, declaration=confirmed, reason=REASON)
    confirmed.refresh_from_db()
    assert confirmed.status == S.REVOKED
    assert DeclarationBan.objects.get().created_by == city_bureau_user


def test_a_reason_is_required_and_nothing_changes_without_one(confirmed, committee_office_user):
    with pytest.raises(ValidationError, match="撤销原因"):
        revocation.revoke_result(actor=committee_office_user, declaration=confirmed, reason="  ")
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert Certificate.objects.get(declaration=confirmed).revoked_at is None
    assert not DeclarationBan.objects.exists()


def test_revoked_twice_is_refused(confirmed, committee_office_user):
    revocation.revoke_result(actor=committee_office_user, declaration=confirmed, reason=REASON)
    with pytest.raises(ValidationError):
        revocation.revoke_result(actor=committee_office_user, declaration=confirmed, reason=REASON)
    assert DeclarationBan.objects.count() == 1


def test_a_revocation_during_the_notice_takes_the_person_off_the_list(
    client, passed, committee_office_user, meeting
):
    notice = publish(committee_office_user, meeting)
    revocation.revoke_result(actor=committee_office_user, declaration=passed, reason=REASON)
    assert not notice.entries.exists()
    page = client.get(reverse("committee:results_public_notice", args=[notice.pk]))
    assert "张三" not in page.content.decode()


# --- the ban ----------------------------------------------------------------------------------


def test_the_ban_runs_to_its_last_day_inclusive(confirmed, committee_office_user, culture_plan):
    ban = revocation.revoke_result(
        actor=committee_office_user, declaration=confirmed, reason=REASON
    )
    applicant = confirmed.applicant
    last_day = ban.until
    refusal = revocation.creation_refusal(applicant, culture_plan, today=last_day)
    assert refusal and f"{last_day.year}年12月31日" in refusal
    assert revocation.creation_refusal(
        applicant, culture_plan, today=last_day - datetime.timedelta(days=1)
    )
    assert (
        revocation.creation_refusal(
            applicant, culture_plan, today=last_day + datetime.timedelta(days=1)
        )
        is None
    )


def test_a_new_declaration_is_refused_naming_the_date(
    engineering_declaration, committee_office_user, culture_plan
):
    applicant = engineering_declaration.applicant
    today = timezone.localdate()
    ban = DeclarationBan.objects.create(
        id_number=applicant.id_number,
        name=applicant.name,
        until=today,
        reason=REASON,
        declaration=engineering_declaration,
        created_by=committee_office_user,
    )
    with pytest.raises(ValidationError) as refused:
        create_declaration(actor=applicant, plan=culture_plan)
    assert f"{today.year}年{today.month}月{today.day}日" in str(refused.value)
    # The day after the ban ends, the person may declare again.
    ban.until = today - datetime.timedelta(days=1)
    ban.save()
    declaration = create_declaration(actor=applicant, plan=culture_plan)
    assert declaration.status == S.DRAFT


def test_the_refusal_shows_on_the_page(
    client, login, engineering_declaration, committee_office_user, culture_plan
):
    applicant = engineering_declaration.applicant
    DeclarationBan.objects.create(
        id_number=applicant.id_number,
        name=applicant.name,
        until=datetime.date(2099, 12, 31),
        reason=REASON,
        declaration=engineering_declaration,
        created_by=committee_office_user,
    )
    login(applicant)
    response = client.post(reverse("declarations:create", args=[culture_plan.pk]), follow=True)
    assert "2099年12月31日之前（含当日）不得申报" in response.content.decode()


# --- the page ---------------------------------------------------------------------------------


def test_revoke_page_for_the_office(client, login, confirmed, committee_office_user):
    login(committee_office_user)
    url = reverse("committee:results_revoke", args=[confirmed.pk])
    page = client.get(url)
    assert page.status_code == 200 and "撤销评审结果" in page.content.decode()
    # Bad input: the message next to the field, nothing revoked.
    response = client.post(url, {"reason": "", "seen_status": S.CONFIRMED})
    assert response.status_code == 400
    assert "撤销原因" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    response = client.post(url, {"reason": REASON, "seen_status": S.CONFIRMED}, follow=True)
    assert "已撤销张三的评审结果" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == S.REVOKED


def test_revoke_page_for_the_bureau_and_404_for_others(
    client, login, confirmed, city_bureau_user, bureau_reviewer, outsider, applicant
):
    url = reverse("committee:results_revoke", args=[confirmed.pk])
    for user in (bureau_reviewer, outsider, applicant):
        login(user)
        assert client.get(url).status_code == 404
    login(city_bureau_user)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": REASON, "seen_status": S.CONFIRMED})
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == S.REVOKED


def test_a_stale_page_does_not_revoke(client, login, confirmed, committee_office_user):
    login(committee_office_user)
    url = reverse("committee:results_revoke", args=[confirmed.pk])
    response = client.post(url, {"reason": REASON, "seen_status": S.EVALUATION_PASSED})
    assert response.status_code == 400
    assert "请刷新页面" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
