"""电子证书 (issue 12 §7): numbers per committee and year, an unguessable verification code, the
PDF (read back with pypdf), the permission-checked download for every role, and numbering
that stays distinct and consecutive when two confirmations issue at once (PostgreSQL)."""

import io
import re
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from pypdf import PdfReader

from committee import tasks_results
from committee.models import Certificate
from committee.services import certificates as services
from committee.services import results as results_services
from committee.services import revocation
from institutions.models import OrgKind
from tests import factories
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import closed_meeting, confirm, evaluate, publish

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() or "" for page in reader.pages)


def fonts_not_embedded(reader: PdfReader) -> list[str]:
    missing = []
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get_object().get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


def images_of(reader: PdfReader) -> int:
    count = 0
    for page in reader.pages:
        xobjects = (page.get("/Resources") or {}).get_object().get("/XObject") or {}
        count += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return count


def test_a_confirmed_result_gets_a_numbered_certificate_with_an_unguessable_code(
    confirmed, engineering_committee
):
    certificate = Certificate.objects.get(declaration=confirmed)
    year = certificate.approval_date.year
    assert certificate.number == f"{engineering_committee.pk}-{year}-00001"
    assert len(certificate.verification_code) >= 32
    assert certificate.holder_name == "张三"
    assert certificate.title_name == "工程师"
    assert certificate.committee_name == engineering_committee.name


def test_numbers_run_on_within_the_committee_and_year(
    passed, second_at_committee, committee_office_user, meeting, engineering_committee
):
    evaluate(second_at_committee, committee_office_user, meeting, passed=True)
    confirm(committee_office_user, publish(committee_office_user, meeting))
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    year = Certificate.objects.first().approval_date.year
    assert numbers == [f"{engineering_committee.pk}-{year}-{n:05d}" for n in (1, 2)]
    codes = set(Certificate.objects.values_list("verification_code", flat=True))
    assert len(codes) == 2


def test_the_pdf_carries_name_masked_id_number_and_verification_address(confirmed):
    certificate = Certificate.objects.get(declaration=confirmed)
    reader, text = text_of(services.certificate_pdf(certificate))
    id_number = confirmed.applicant.id_number
    masked = id_number[:4] + "*" * 10 + id_number[-4:]
    compact = re.sub(r"\s+", "", text)
    assert "张三" in compact
    assert masked in compact
    assert id_number not in compact
    assert certificate.number in compact
    assert f"/verify/{certificate.verification_code}/" in compact
    for words in (
        "工程技术",
        "工程师",
        "中级",
        "鲁人社职字〔2026〕12号",
        certificate.committee_name,
    ):
        assert words in compact
    assert fonts_not_embedded(reader) == []
    # The ID photo and the QR code (a drawing, not an image) are on the page.
    assert images_of(reader) == 1


def test_masking():
    assert services.mask_id_number("370702198503150011") == "3707**********0011"
    assert services.mask_name("张三") == "张*"
    assert services.mask_name("欧阳修远") == "欧***"


# --- download: every role -------------------------------------------------------------------


@pytest.fixture
def other_office_user(regions):
    office = factories.OrganizationFactory(
        name="威海市工程技术职务资格中级评审委员会办公室",
        kind=OrgKind.COMMITTEE_OFFICE,
        region=regions["371002"],
    )
    return factories.org_user(office, user__username="other_office")


@pytest.mark.parametrize(
    "who, expected",
    [
        ("applicant", 200),
        ("committee_office_user", 200),
        ("other_applicant", 404),
        ("unit_reviewer", 404),
        ("other_office_user", 404),
        ("outsider", 404),
        ("bureau_reviewer", 404),
    ],
)
def test_download_is_for_the_holder_and_the_office_only(
    request, client, login, confirmed, who, expected
):
    certificate = Certificate.objects.get(declaration=confirmed)
    if who == "other_applicant":
        user = factories.ApplicantFactory(username="wangwu", name="王五")
    else:
        user = request.getfixturevalue(who)
    login(user)
    response = client.get(reverse("committee:certificate_download", args=[certificate.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "private" in response["Cache-Control"]
        assert (
            b"".join(response.streaming_content if response.streaming else [response.content])[:5]
            == b"%PDF-"
        )


def test_anonymous_is_sent_to_sign_in(client, confirmed):
    certificate = Certificate.objects.get(declaration=confirmed)
    response = client.get(reverse("committee:certificate_download", args=[certificate.pk]))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_a_revoked_certificate_is_not_downloadable_by_the_applicant(
    client, login, confirmed, committee_office_user
):
    certificate = Certificate.objects.get(declaration=confirmed)
    revocation.revoke_result(
        actor=committee_office_user, declaration=confirmed, reason="学历证书系伪造"
    )
    login(confirmed.applicant)
    response = client.get(
        reverse("committee:certificate_download", args=[certificate.pk]), follow=True
    )
    text = response.content.decode()
    assert "已撤销" in text and "学历证书系伪造" in text
    assert response.redirect_chain[-1][0] == reverse("declarations:index")
    # The office still sees it (marked 已撤销).
    login(committee_office_user)
    response = client.get(reverse("committee:certificate_download", args=[certificate.pk]))
    assert response.status_code == 200
    assert "已撤销" in text_of(response.content)[1]


def test_the_applicant_finds_download_on_the_list_page_and_home(client, login, confirmed):
    certificate = Certificate.objects.get(declaration=confirmed)
    url = reverse("committee:certificate_download", args=[certificate.pk])
    login(confirmed.applicant)
    listing = client.get(reverse("declarations:index")).content.decode()
    assert "证书状态" in listing and url in listing and "下载证书" in listing
    home = client.get(reverse("applicants:dashboard")).content.decode()
    assert url in home
    overview = client.get(reverse("declarations:overview", args=[confirmed.pk])).content.decode()
    assert url in overview and certificate.number in overview


# --- numbering under concurrency ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_certificates_issued_at_once_get_distinct_consecutive_numbers(
    passed, second_at_committee, committee_office_user, meeting, engineering_committee, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are only real on PostgreSQL")
    evaluate(second_at_committee, committee_office_user, meeting, passed=True)
    # Confirm without issuing: the two issues then race.
    monkeypatch.setattr(results_services, "INLINE_CERTIFICATES", 0)
    monkeypatch.setattr(tasks_results.issue_certificates, "delay", lambda *a, **k: None)
    notice = publish(committee_office_user, meeting)
    confirm(committee_office_user, notice)
    notice.refresh_from_db()
    assert not Certificate.objects.exists()

    barrier = threading.Barrier(2)
    errors = []

    def issue(declaration_id):
        try:
            barrier.wait()
            services.issue_certificate(declaration_id=declaration_id, notice=notice)
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=issue, args=(pk,)) for pk in (passed.pk, second_at_committee.pk)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    year = Certificate.objects.first().approval_date.year
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [f"{engineering_committee.pk}-{year}-{n:05d}" for n in (1, 2)]


def test_the_qr_code_carries_the_absolute_verification_url(confirmed, settings):
    settings.SITE_URL = "https://zc.example.gov.cn"
    certificate = Certificate.objects.get(declaration=confirmed)
    data = services.certificate_data(certificate)
    path = f"/verify/{certificate.verification_code}/"
    assert data.verification_path == path
    assert data.verification_url == "https://zc.example.gov.cn" + path
    text = re.sub(r"\s+", "", text_of(services.certificate_pdf(certificate))[1])
    assert "https://zc.example.gov.cn" + path in text


def test_issuing_again_changes_nothing(confirmed):
    from committee.models import ResultsNotice

    before = Certificate.objects.get(declaration=confirmed)
    assert services.issue_for_notice(notice_id=ResultsNotice.objects.get().pk) == []
    again = services.issue_certificate(
        declaration_id=confirmed.pk, notice=ResultsNotice.objects.get()
    )
    assert (again.pk, again.number) == (before.pk, before.number)
    assert Certificate.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_notices_certified_at_once_share_one_sequence(
    at_committee,
    second_at_committee,
    committee_office_user,
    engineering_committee,
    engineering_plan,
    monkeypatch,
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are only real on PostgreSQL")
    monkeypatch.setattr(results_services, "INLINE_CERTIFICATES", 0)
    monkeypatch.setattr(tasks_results.issue_certificates, "delay", lambda *a, **k: None)
    notices = []
    for declaration in (at_committee, second_at_committee):
        meeting = closed_meeting(engineering_committee, engineering_plan, committee_office_user)
        evaluate(declaration, committee_office_user, meeting, passed=True)
        notice = publish(committee_office_user, meeting)
        confirm(committee_office_user, notice)
        notices.append(notice.pk)
    assert not Certificate.objects.exists()

    barrier = threading.Barrier(2)
    errors = []

    def issue(notice_id):
        try:
            barrier.wait()
            services.issue_for_notice(notice_id=notice_id)
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(pk,)) for pk in notices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    year = Certificate.objects.first().approval_date.year
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [f"{engineering_committee.pk}-{year}-{n:05d}" for n in (1, 2)]
