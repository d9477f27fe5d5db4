"""The upload UI on the section pages: slots listed, upload (htmx/XHR and plain form), the file
row that polls its status while checked, delete and replace only while editable, and query
counts that do not grow with files."""

import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from attachments.models import Attachment
from declarations import services as declaration_services
from declarations.models import AttachmentSlot, DeclarationStatus
from tests import factories
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, upload
from tests.declarations.builders import fill_valid

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def declaration(engineering_declaration):
    return engineering_declaration


@pytest.fixture
def applicant_client(login, declaration):
    return login(declaration.applicant)


def slot(declaration, code):
    return AttachmentSlot.objects.select_related("plan_section").get(
        plan_section__plan=declaration.plan, code=code
    )


def upload_url(declaration, slot_code):
    return reverse("attachments:upload", args=[declaration.pk, slot(declaration, slot_code).pk])


def section_url(declaration, code):
    return reverse("declarations:section", args=[declaration.pk, code])


def stored_files():
    """Every file in the private storage (uploads and thumbnails)."""
    root = Path(default_storage.location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_file(client, declaration, slot_code, name, content, htmx=True):
    return client.post(
        upload_url(declaration, slot_code),
        {"file": upload(name, content)},
        **(HTMX if htmx else {}),
    )


def text(response):
    return response.content.decode()


# ---------------------------------------------------------------- the section page


def test_section_page_lists_every_slot_of_the_section(applicant_client, declaration):
    response = applicant_client.get(section_url(declaration, "basic_info"))
    assert response.status_code == 200
    html = text(response)
    for name in ("身份信息", "照片", "社保明细"):
        assert name in html
    assert "身份证正反面或护照主要信息页置于一张图片内" in html  # the hint
    assert html.count('class="asteriskField"') >= 3  # all three are required
    assert "只能上传一个文件" in html and "可上传多个文件" in html
    # The file input allows several files only where the slot does.
    inputs = re.findall(r"<input[^>]*type=\"file\"[^>]*>", html)
    assert len(inputs) == 3
    by_id = {s.pk: s for s in AttachmentSlot.objects.filter(plan_section__plan=declaration.plan)}
    for tag in inputs:
        slot_pk = int(re.search(r'id="file-(\d+)"', tag).group(1))
        assert (" multiple" in tag) == by_id[slot_pk].multiple
    # Plain form fallback and the upload script (no inline script anywhere).
    assert 'enctype="multipart/form-data"' in html
    assert "/static/js/upload.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


def test_section_without_slots_shows_no_upload(applicant_client, declaration):
    html = text(applicant_client.get(section_url(declaration, "performance")))
    assert 'data-testid="attachment-slots"' not in html and "upload.js" not in html


def test_optional_slot_is_not_marked_required(applicant_client, declaration):
    html = text(applicant_client.get(section_url(declaration, "societies")))
    proof = html[html.index('data-slot="society_proof"') :]
    proof = proof[: proof.index("</h3>")]
    assert "asteriskField" not in proof and "按条件必传" not in proof


# ---------------------------------------------------------------- upload


def test_upload_is_checking_then_the_row_shows_valid(
    applicant_client, declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_file(
            applicant_client, declaration, "education_record", "学历备案表.pdf", pdf_bytes(2)
        )
    assert response.status_code == 200
    html = text(response)
    # The slot's fragment, the new file "checking", its row polling its status.
    assert html.lstrip().startswith('<div class="card mb-3 attachment-slot"')
    attachment = Attachment.objects.get()
    status_url = reverse("attachments:status", args=[attachment.pk])
    row = re.search(rf'<li[^>]*id="attachment-{attachment.pk}"[^>]*>', html).group(0)
    assert 'data-status="checking"' in row
    assert f'hx-get="{status_url}"' in row and 'hx-trigger="every 2s"' in row
    assert "检查中" in html and "学历备案表.pdf" in html
    assert len(callbacks) == 1  # the check, queued after commit
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID

    # The next poll brings the decided row, which no longer polls.
    polled = applicant_client.get(status_url, **HTMX)
    assert polled.status_code == 200
    row = text(polled)
    assert 'data-status="valid"' in row and "有效" in row
    assert "hx-trigger" not in row
    assert reverse("attachments:download", args=[attachment.pk]) in row
    assert "2 页" in row
    assert reverse("attachments:delete", args=[attachment.pk]) in row


def test_image_row_has_a_thumbnail(
    applicant_client, declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_file(applicant_client, declaration, "identity", "身份证.jpg", jpeg_bytes((600, 400)))
    attachment = Attachment.objects.get()
    row = text(applicant_client.get(reverse("attachments:status", args=[attachment.pk])))
    assert reverse("attachments:thumbnail", args=[attachment.pk]) in row
    assert f"{reverse('attachments:download', args=[attachment.pk])}?inline=1" in row


def test_rejected_file_shows_its_reason_and_no_download(
    applicant_client, declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_file(applicant_client, declaration, "photo", "照片.jpg", jpeg_bytes((420, 300)))
    attachment = Attachment.objects.get()
    assert attachment.status == Attachment.Status.REJECTED
    html = text(applicant_client.get(section_url(declaration, "basic_info")))
    row = html[html.index(f'id="attachment-{attachment.pk}"') :]
    row = row[: row.index("</li>")]
    assert "不合格" in row and attachment.reason in row and "照片.jpg" in row
    assert reverse("attachments:download", args=[attachment.pk]) not in row
    assert reverse("attachments:thumbnail", args=[attachment.pk]) not in row


def test_plain_form_upload_of_several_files_without_javascript(applicant_client, declaration):
    url = upload_url(declaration, "education_record")
    response = applicant_client.post(
        url,
        {"file": [upload("本科.pdf", pdf_bytes()), upload("硕士.pdf", pdf_bytes())]},
        follow=True,
    )
    assert response.redirect_chain == [(section_url(declaration, "education"), 302)]
    html = text(response)
    assert "已上传2个文件" in html
    assert "本科.pdf" in html and "硕士.pdf" in html
    assert Attachment.objects.count() == 2


def test_too_large_refused_with_message_and_nothing_stored(applicant_client, declaration):
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 - 8)
    response = post_file(applicant_client, declaration, "education_record", "大文件.pdf", big)
    assert response.status_code == 400
    html = text(response)
    assert "大文件.pdf" in html and "超过5MB" in html
    assert 'data-testid="upload-error"' in html
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_wrong_type_refused_with_message_and_nothing_stored(applicant_client, declaration):
    response = post_file(
        applicant_client, declaration, "education_record", "scan.pdf", b"MZ\x90\x00" + b"\0" * 99
    )
    assert response.status_code == 400
    assert "只支持 jpg、png、gif、pdf" in text(response)
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_plain_form_refusal_is_a_message_on_the_section_page(applicant_client, declaration):
    response = post_file(
        applicant_client, declaration, "identity", "a.jpg", b"<html></html>", htmx=False
    )
    assert response.status_code == 302
    page = applicant_client.get(response.url)
    assert "“a.jpg”未上传" in text(page)
    assert not Attachment.objects.exists()


def test_no_file_chosen(applicant_client, declaration):
    response = applicant_client.post(upload_url(declaration, "identity"), {}, **HTMX)
    assert response.status_code == 400
    assert "请选择要上传的文件" in text(response)


def test_several_files_into_a_one_file_slot_refused(applicant_client, declaration):
    response = applicant_client.post(
        upload_url(declaration, "identity"),
        {"file": [upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes())]},
        **HTMX,
    )
    assert response.status_code == 400
    assert "只能上传一个文件" in text(response)
    assert not Attachment.objects.exists()


def test_a_second_file_replaces_the_one_of_a_one_file_slot(applicant_client, declaration):
    post_file(applicant_client, declaration, "identity", "旧.pdf", pdf_bytes())
    response = post_file(applicant_client, declaration, "identity", "新.pdf", pdf_bytes())
    assert response.status_code == 200
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["新.pdf"]
    assert "旧.pdf" not in text(response)


def test_get_is_not_allowed_on_upload(applicant_client, declaration):
    assert applicant_client.get(upload_url(declaration, "identity")).status_code == 405


@pytest.mark.parametrize("who", ["other_applicant", "unit_reviewer", "outsider"])
def test_nobody_else_can_upload(client, declaration, who, request):
    if who == "other_applicant":
        user = factories.ApplicantFactory()
    else:
        user = request.getfixturevalue(who)
    client.force_login(user, backend="applicants.backends.MultiIdentifierBackend")
    response = post_file(client, declaration, "identity", "a.pdf", pdf_bytes())
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_anonymous_upload_goes_to_login(client, declaration):
    response = post_file(client, declaration, "identity", "a.pdf", pdf_bytes())
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Attachment.objects.exists()


def test_slot_of_another_plan_is_not_found(applicant_client, declaration, culture_plan):
    other = AttachmentSlot.objects.get(plan_section__plan=culture_plan, code="identity")
    response = applicant_client.post(
        reverse("attachments:upload", args=[declaration.pk, other.pk]),
        {"file": upload("a.pdf", pdf_bytes())},
        **HTMX,
    )
    assert response.status_code == 404


def test_slot_of_a_disabled_section_is_not_found(applicant_client, declaration):
    target = slot(declaration, "society_proof")
    target.plan_section.enabled = False
    target.plan_section.save()
    response = post_file(applicant_client, declaration, "society_proof", "a.pdf", pdf_bytes())
    assert response.status_code == 404


# ---------------------------------------------------------------- delete and replace


def test_delete_with_htmx_returns_the_slot_without_the_file(
    applicant_client, declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_file(applicant_client, declaration, "education_record", "a.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    assert stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            reverse("attachments:delete", args=[attachment.pk]), **HTMX
        )
    assert response.status_code == 200
    assert "尚未上传文件" in text(response)
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_delete_with_a_plain_form(applicant_client, declaration):
    post_file(applicant_client, declaration, "education_record", "备案表.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    response = applicant_client.post(
        reverse("attachments:delete", args=[attachment.pk]), follow=True
    )
    assert response.redirect_chain == [(section_url(declaration, "education"), 302)]
    assert "已删除“备案表.pdf”" in text(response)
    assert not Attachment.objects.exists()


def test_delete_row_asks_for_confirmation(applicant_client, declaration):
    post_file(applicant_client, declaration, "education_record", "备案表.pdf", pdf_bytes())
    html = text(applicant_client.get(section_url(declaration, "education")))
    assert 'hx-confirm="确认删除“备案表.pdf”？"' in html


def test_delete_needs_post(applicant_client, declaration):
    post_file(applicant_client, declaration, "education_record", "a.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    response = applicant_client.get(reverse("attachments:delete", args=[attachment.pk]))
    assert response.status_code == 405
    assert Attachment.objects.exists()


def submitted(declaration, unit):
    fill_valid(declaration, unit)
    return declaration_services.submit_declaration(
        actor=declaration.applicant, declaration=declaration
    )


def test_delete_and_replace_refused_after_submit(applicant_client, declaration, unit):
    submitted(declaration, unit)
    identity = Attachment.objects.get(slot__code="identity")
    response = applicant_client.post(reverse("attachments:delete", args=[identity.pk]), **HTMX)
    assert response.status_code == 400
    assert "申报已提交" in text(response)
    # Replacing the one file of a slot is refused the same way; the file stays.
    response = post_file(applicant_client, declaration, "identity", "新.pdf", pdf_bytes())
    assert response.status_code == 400 and "申报已提交" in text(response)
    assert list(Attachment.objects.filter(slot__code="identity")) == [identity]
    # Adding to a several-files slot too.
    count = Attachment.objects.count()
    response = post_file(applicant_client, declaration, "education_record", "新.pdf", pdf_bytes())
    assert response.status_code == 400
    assert Attachment.objects.count() == count


def test_submitted_section_page_shows_files_without_upload_or_delete(
    applicant_client, declaration, unit
):
    submitted(declaration, unit)
    html = text(applicant_client.get(section_url(declaration, "basic_info")))
    assert "身份信息.pdf" in html and "有效" in html
    assert 'type="file"' not in html
    assert "/delete/" not in html
    assert "upload.js" not in html


def test_plain_form_delete_after_submit_is_a_message(applicant_client, declaration, unit):
    submitted(declaration, unit)
    identity = Attachment.objects.get(slot__code="identity")
    response = applicant_client.post(reverse("attachments:delete", args=[identity.pk]), follow=True)
    assert "申报已提交" in text(response)
    assert Attachment.objects.filter(pk=identity.pk).exists()


def test_returned_declaration_files_can_be_replaced_again(applicant_client, declaration, unit):
    submitted(declaration, unit)
    type(declaration).objects.filter(pk=declaration.pk).update(status=DeclarationStatus.RETURNED)
    response = post_file(applicant_client, declaration, "identity", "新身份证.pdf", pdf_bytes())
    assert response.status_code == 200
    assert list(
        Attachment.objects.filter(slot__code="identity").values_list("original_name", flat=True)
    ) == ["新身份证.pdf"]


def test_the_unit_holding_it_cannot_delete(client, declaration, unit, unit_reviewer):
    submitted(declaration, unit)
    identity = Attachment.objects.get(slot__code="identity")
    client.force_login(unit_reviewer, backend="applicants.backends.MultiIdentifierBackend")
    response = client.post(reverse("attachments:delete", args=[identity.pk]), **HTMX)
    assert response.status_code == 403
    assert Attachment.objects.filter(pk=identity.pk).exists()


@pytest.mark.parametrize("who", ["other_applicant", "outsider"])
def test_nobody_else_can_delete_or_poll(client, applicant_client, declaration, who, request):
    post_file(applicant_client, declaration, "education_record", "a.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    user = (
        factories.ApplicantFactory() if who == "other_applicant" else request.getfixturevalue(who)
    )
    client.force_login(user, backend="applicants.backends.MultiIdentifierBackend")
    assert client.post(reverse("attachments:delete", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("attachments:status", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.exists()


def test_status_of_an_unknown_id_is_not_found(applicant_client):
    assert applicant_client.get(reverse("attachments:status", args=[999999])).status_code == 404


# ---------------------------------------------------------------- query counts

# Measured (SQLite): the status fragment runs 3 queries — session, user, and the attachment
# fetched with its declaration, plan and slot in one query whose permission test is part of
# the WHERE clause; the same for the applicant and for an organization (its memberships and
# the declaration's events are subqueries of that one query).
STATUS_BUDGET = 3


@pytest.mark.parametrize("status", ["checking", "valid"])
def test_status_fragment_query_count(
    applicant_client, declaration, django_assert_max_num_queries, status
):
    post_file(applicant_client, declaration, "education_record", "a.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    Attachment.objects.filter(pk=attachment.pk).update(status=status)
    url = reverse("attachments:status", args=[attachment.pk])
    applicant_client.get(url, **HTMX)  # warm-up
    with django_assert_max_num_queries(STATUS_BUDGET):
        response = applicant_client.get(url, **HTMX)
    assert response.status_code == 200


def test_status_fragment_query_count_for_the_holding_unit(
    client, declaration, unit, unit_reviewer, django_assert_max_num_queries
):
    submitted(declaration, unit)
    attachment = Attachment.objects.filter(declaration=declaration).first()
    client.force_login(unit_reviewer, backend="applicants.backends.MultiIdentifierBackend")
    url = reverse("attachments:status", args=[attachment.pk])
    client.get(url)
    with django_assert_max_num_queries(STATUS_BUDGET):
        assert client.get(url).status_code == 200


def fake_files(declaration, slot_code, count):
    """`count` decided files in the slot, rows only (the page never opens the files)."""
    target = slot(declaration, slot_code)
    Attachment.objects.filter(declaration=declaration, slot=target).delete()
    for i in range(count):
        Attachment.objects.create(
            declaration=declaration,
            slot=target,
            file=f"declarations/{declaration.pk}/fake{i}.pdf",
            thumbnail=f"thumbnails/{declaration.pk}/fake{i}.jpg" if i % 2 else "",
            original_name=f"文件{i}.pdf",
            size=1000 + i,
            kind="pdf",
            status=("valid", "checking", "rejected")[i % 3],
            reason="不合格" if i % 3 == 2 else "",
            uploaded_by=declaration.applicant,
        )


# Measured (SQLite): 7 on the education page with files — session, user, the declaration,
# plan sections, the saved section, the section's slots, and all their files in one prefetch.
SECTION_BUDGET = 7


@pytest.mark.parametrize("code", ["education", "basic_info"])
def test_section_page_queries_do_not_grow_with_files(
    applicant_client, declaration, django_assert_max_num_queries, code
):
    url = section_url(declaration, code)
    slot_codes = list(
        AttachmentSlot.objects.filter(
            plan_section__plan=declaration.plan, plan_section__code=code
        ).values_list("code", flat=True)
    )

    def get(count):
        for slot_code in slot_codes:
            fake_files(declaration, slot_code, count)
        with django_assert_max_num_queries(SECTION_BUDGET) as captured:
            response = applicant_client.get(url)
        assert response.status_code == 200
        assert text(response).count('data-testid="attachment"') == count * len(slot_codes)
        return len(captured)

    get(1)  # warm-up
    assert get(1) == get(10)
