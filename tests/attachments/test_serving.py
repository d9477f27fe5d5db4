"""Private serving: files go out only through the download view, only to someone who may see
the declaration, with the original (Chinese) name, a type from the content, and never when
the file was refused or is still being checked."""

from urllib.parse import quote, unquote

import pytest
from django.conf import settings
from django.urls import Resolver404, get_resolver, resolve, reverse

from attachments.models import Attachment
from declarations import services as declaration_services
from declarations.models import Declaration, DeclarationStatus
from tests import factories
from tests.attachments.conftest import jpeg_bytes, pdf_bytes
from tests.declarations.builders import fill_valid, upload_valid

NAME = "2012年 学历证书电子注册备案表（张三）.pdf"


@pytest.fixture
def declaration(engineering_declaration):
    return engineering_declaration


def slot(declaration, code):
    return declaration.plan.sections.get(slots__code=code).slots.get(code=code)


@pytest.fixture
def scan(declaration):
    """A valid PDF with a Chinese name in the education slot of a draft declaration."""
    return upload_valid(declaration, slot(declaration, "education_record"), name=NAME)


@pytest.fixture
def submitted(declaration, unit):
    fill_valid(declaration, unit)
    declaration_services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    declaration.refresh_from_db()
    return declaration


def download_url(attachment, inline=False):
    url = reverse("attachments:download", args=[attachment.pk])
    return f"{url}?inline=1" if inline else url


def body(response):
    return b"".join(response.streaming_content)


def as_user(client, user):
    client.force_login(user, backend="applicants.backends.MultiIdentifierBackend")
    return client


# ---------------------------------------------------------------- the applicant


def test_applicant_downloads_with_the_chinese_name(client, declaration, scan):
    response = as_user(client, declaration.applicant).get(download_url(scan))
    assert response.status_code == 200
    assert body(response) == scan.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    # RFC 6266 with an RFC 5987 filename*: UTF-8, percent-encoded; an ASCII fallback first.
    assert disposition.startswith("attachment; ")
    assert 'filename="file.pdf"' in disposition
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == NAME
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_ascii_name_is_quoted_plainly(client, declaration):
    attachment = upload_valid(
        declaration, slot(declaration, "education_record"), name='scan "1".pdf'
    )
    response = as_user(client, declaration.applicant).get(download_url(attachment))
    assert response["Content-Disposition"] == 'attachment; filename="scan \\"1\\".pdf"'


def test_inline_preview_is_sandboxed(client, declaration, scan):
    response = as_user(client, declaration.applicant).get(download_url(scan, inline=True))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline; ")
    assert quote(NAME, safe="") in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp
    assert "script-src" not in csp and "allow-scripts" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_inline_image(client, declaration):
    photo = upload_valid(declaration, slot(declaration, "photo"), name="照片.jpg")
    response = as_user(client, declaration.applicant).get(download_url(photo, inline=True))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline; ")
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_content_type_comes_from_the_content_not_the_upload(
    client, declaration, django_capture_on_commit_callbacks
):
    from attachments import services
    from tests.attachments.conftest import upload

    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.upload_attachment(
            actor=declaration.applicant,
            declaration=declaration,
            slot=slot(declaration, "education_record"),
            uploaded_file=upload("扫描件.pdf", jpeg_bytes((400, 300)), "application/pdf"),
        )
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    response = as_user(client, declaration.applicant).get(download_url(attachment))
    assert response["Content-Type"] == "image/jpeg"
    # The person's name, with the extension of what the file is.
    assert attachment.original_name == "扫描件.jpg"
    assert quote("扫描件.jpg", safe="") in response["Content-Disposition"]


def test_thumbnail_of_an_image(client, declaration):
    image = upload_valid(declaration, slot(declaration, "photo"), name="照片.jpg")
    response = as_user(client, declaration.applicant).get(
        reverse("attachments:thumbnail", args=[image.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert body(response)[:3] == b"\xff\xd8\xff"
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_a_pdf_has_no_thumbnail(client, declaration, scan):
    response = as_user(client, declaration.applicant).get(
        reverse("attachments:thumbnail", args=[scan.pk])
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- refused and unchecked files


def test_rejected_file_is_never_served_even_to_its_owner(
    client, declaration, django_capture_on_commit_callbacks
):
    photo = upload_valid(declaration, slot(declaration, "photo"), name="照片.jpg")
    # A photo of the wrong shape: refused by the deep check.
    from attachments import services
    from tests.attachments.conftest import upload

    with django_capture_on_commit_callbacks(execute=True):
        wide = services.upload_attachment(
            actor=declaration.applicant,
            declaration=declaration,
            slot=photo.slot,
            uploaded_file=upload("横向照片.jpg", jpeg_bytes((420, 300))),
        )
    wide.refresh_from_db()
    assert wide.status == Attachment.Status.REJECTED
    as_user(client, declaration.applicant)
    for url in (
        download_url(wide),
        download_url(wide, inline=True),
        reverse("attachments:thumbnail", args=[wide.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        html = response.content.decode()
        assert "未通过检查" in html and wide.reason in html and "横向照片.jpg" in html
        assert response["Content-Type"].startswith("text/html")


def test_file_being_checked_is_not_served(client, declaration):
    from attachments import services
    from tests.attachments.conftest import upload

    attachment = services.upload_attachment(
        actor=declaration.applicant,
        declaration=declaration,
        slot=slot(declaration, "education_record"),
        uploaded_file=upload("a.pdf", pdf_bytes()),
    )
    response = as_user(client, declaration.applicant).get(download_url(attachment))
    assert response.status_code == 403
    assert "检查通过后才能下载" in response.content.decode()


# ---------------------------------------------------------------- who may download


@pytest.mark.parametrize("who", ["other_applicant", "unit_reviewer", "outsider", "administrator"])
def test_nobody_else_gets_a_draft_file(client, scan, who, request):
    user = (
        factories.ApplicantFactory() if who == "other_applicant" else request.getfixturevalue(who)
    )
    as_user(client, user)
    for url in (
        download_url(scan),
        download_url(scan, inline=True),
        reverse("attachments:status", args=[scan.pk]),
    ):
        assert client.get(url).status_code == 404


def test_anonymous_goes_to_login(client, scan):
    response = client.get(download_url(scan))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_unknown_id_is_not_found(client, declaration):
    as_user(client, declaration.applicant)
    assert client.get(reverse("attachments:download", args=[999999])).status_code == 404


def test_the_unit_holding_a_submitted_declaration_can_download(client, submitted, unit_reviewer):
    attachment = submitted.attachments.get(slot__code="education_record")
    response = as_user(client, unit_reviewer).get(download_url(attachment))
    assert response.status_code == 200
    assert body(response) == attachment.file.open("rb").read()


def test_a_unit_that_held_it_still_can_after_it_moved_on(
    client, submitted, unit_reviewer, supervising_department, department_reviewer
):
    attachment = submitted.attachments.get(slot__code="education_record")
    # The declaration moves up to the supervising department (the review app does this with
    # its own event; here only the holder changes).
    Declaration.objects.filter(pk=submitted.pk).update(
        holder=supervising_department, status=DeclarationStatus.UNDER_REVIEW
    )
    assert as_user(client, unit_reviewer).get(download_url(attachment)).status_code == 200
    assert as_user(client, department_reviewer).get(download_url(attachment)).status_code == 200


def test_a_unit_that_never_held_it_cannot(client, submitted, outsider, department_reviewer):
    attachment = submitted.attachments.get(slot__code="education_record")
    assert as_user(client, outsider).get(download_url(attachment)).status_code == 404
    assert as_user(client, department_reviewer).get(download_url(attachment)).status_code == 404


def test_the_unit_of_a_withdrawn_declaration_keeps_what_it_was_sent(
    client, submitted, unit_reviewer
):
    declaration_services.withdraw_declaration(actor=submitted.applicant, declaration=submitted)
    attachment = submitted.attachments.get(slot__code="education_record")
    assert as_user(client, unit_reviewer).get(download_url(attachment)).status_code == 200


def test_the_committee_office_sees_only_what_was_reported_to_it(
    client, submitted, committee_office_user, committee_office
):
    from declarations.models import DeclarationEvent
    from declarations.workflow import Action

    attachment = submitted.attachments.get(slot__code="photo")
    office = as_user(client, committee_office_user)
    # Submitted to the unit: not yet the committee office's business.
    assert office.get(download_url(attachment, inline=True)).status_code == 404
    # Reported up to the committee (the event that handed round 1 to the office, as the
    # review app writes it): now it may.
    DeclarationEvent.objects.create(
        declaration=submitted,
        action=Action.REPORT_TO_COMMITTEE,
        organization=committee_office,
        from_status="passed",
        to_status="at_committee",
        details={"round": 1},
    )
    response = office.get(download_url(attachment, inline=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_the_committee_office_does_not_see_a_draft(client, scan, committee_office_user):
    assert as_user(client, committee_office_user).get(download_url(scan)).status_code == 404


def test_the_office_of_another_committee_cannot(client, submitted, culture_committee):
    office_user = factories.org_user(culture_committee.office)
    attachment = submitted.attachments.get(slot__code="photo")
    assert as_user(client, office_user).get(download_url(attachment)).status_code == 404


def test_another_applicants_declaration_files_stay_hidden(client, submitted, culture_plan):
    stranger = factories.ApplicantFactory()
    attachment = submitted.attachments.first()
    assert as_user(client, stranger).get(download_url(attachment)).status_code == 404


# ---------------------------------------------------------------- nothing under a public URL


def test_media_url_is_not_served(client, declaration, scan):
    assert settings.MEDIA_URL == "/_private_media_never_served/"
    as_user(client, declaration.applicant)
    for path in (scan.file.name, scan.file.name.split("/")[-1]):
        url = f"{settings.MEDIA_URL}{path}"
        assert client.get(url).status_code == 404
        with pytest.raises(Resolver404):
            resolve(url)


def test_no_url_pattern_serves_media_or_storage_paths():
    def patterns(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            text = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from patterns(pattern, text)
            else:
                yield text, getattr(pattern, "callback", None)

    for text, callback in patterns(get_resolver()):
        assert "media" not in text.lower(), text
        name = getattr(callback, "__name__", "")
        assert name != "serve", f"{text} serves files directly"


# ---------------------------------------------------------------- only the rounds handed over


def thumbnail_url(attachment):
    return reverse("attachments:thumbnail", args=[attachment.pk])


def status_url(attachment):
    return reverse("attachments:status", args=[attachment.pk])


def test_a_file_uploaded_after_a_withdrawal_is_not_the_units_until_resubmitted(
    client, submitted, unit_reviewer
):
    """The unit keeps what round 1 sent it; a photo put into the draft after the withdrawal is
    not served to it (download, preview, thumbnail, status: all 404) until the applicant
    submits it; the applicant sees it all along."""
    sent = submitted.attachments.get(slot__code="education_record")
    declaration_services.withdraw_declaration(actor=submitted.applicant, declaration=submitted)
    submitted.refresh_from_db()
    extra = upload_valid(
        submitted,
        submitted.plan.sections.get(code="other").slots.get(code="other_attachments"),
        name="撤回后补充.jpg",
    )
    # a JPEG has a thumbnail: that route is refused too
    extra.thumbnail = submitted.attachments.get(slot__code="photo").thumbnail
    extra.save(update_fields=["thumbnail"])
    assert extra.submitted_round is None

    as_user(client, unit_reviewer)
    assert client.get(download_url(sent)).status_code == 200
    for url in (download_url(extra), download_url(extra, inline=True), thumbnail_url(extra)):
        assert client.get(url).status_code == 404, url
    assert client.get(status_url(extra)).status_code == 404

    as_user(client, submitted.applicant)
    assert client.get(download_url(extra)).status_code == 200
    assert client.get(thumbnail_url(extra)).status_code == 200

    declaration_services.submit_declaration(actor=submitted.applicant, declaration=submitted)
    extra.refresh_from_db()
    assert extra.submitted_round == 2
    as_user(client, unit_reviewer)
    assert client.get(download_url(extra)).status_code == 200
    assert client.get(download_url(sent)).status_code == 200


def test_a_department_sees_only_the_rounds_reported_to_it(
    client, submitted, unit_reviewer, supervising_department, department_reviewer
):
    """Round 1 reported to the department, then returned to the applicant, who adds a file and
    submits round 2 to the unit: the unit sees the new file at once, the department only once
    round 2 is reported to it too; what round 1 sent stays the department's."""
    from declarations.models import DeclarationEvent
    from declarations.workflow import Action

    sent = submitted.attachments.get(slot__code="title_certificate")

    def report(round_):
        DeclarationEvent.objects.create(
            declaration=submitted,
            action=Action.REPORT,
            organization=supervising_department,
            from_status="passed",
            to_status="under_review",
            details={"round": round_},
        )

    report(1)
    Declaration.objects.filter(pk=submitted.pk).update(
        status=DeclarationStatus.RETURNED, holder=None
    )
    submitted.refresh_from_db()
    added = upload_valid(
        submitted,
        submitted.plan.sections.get(code="other").slots.get(code="other_attachments"),
        name="补充材料.pdf",
    )
    declaration_services.submit_declaration(actor=submitted.applicant, declaration=submitted)

    assert as_user(client, unit_reviewer).get(download_url(added)).status_code == 200
    department = as_user(client, department_reviewer)
    assert department.get(download_url(sent)).status_code == 200
    assert department.get(download_url(added)).status_code == 404
    report(2)
    assert department.get(download_url(added)).status_code == 200


def test_the_review_page_lists_only_the_files_that_reached_the_unit(
    client, submitted, unit_reviewer
):
    """Returned to the applicant, who uploads a new file: the unit's (read-only) review page
    lists the files it was sent, not the draft's new one."""
    from review import services as review_services

    review_services.return_declaration(
        actor=unit_reviewer, declaration=submitted, reason="请补充材料"
    )
    submitted.refresh_from_db()
    upload_valid(
        submitted,
        submitted.plan.sections.get(code="other").slots.get(code="other_attachments"),
        name="退回后补充.pdf",
    )
    html = as_user(client, unit_reviewer).get(reverse("review:detail", args=[submitted.pk]))
    html = html.content.decode()
    sent = submitted.attachments.get(slot__code="title_certificate")
    assert sent.original_name in html
    assert "退回后补充.pdf" not in html
