"""Completeness counts attachment slots: each required slot needs a valid file, and nothing can
be submitted while a file is still being checked. Each round's snapshot records the files."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attachments import services
from attachments.models import Attachment
from declarations import services as declaration_services
from declarations.models import AttachmentSlot, DeclarationStatus, Submission
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, upload
from tests.declarations.builders import fill_valid, upload_valid

ENGINEERING_REQUIRED = {
    "identity": "身份信息",
    "photo": "照片",
    "social_security": "社保明细",
    "education_record": "学历证书电子注册备案表",
    "title_certificate": "现专业技术职务资格证书",
    "assessment_forms": "年度考核表",
    "achievement_materials": "成果材料",
}
# Needed by condition for the demo values (demo.fill: a 聘任时间 and an administrative post),
# with why the missing list says they are.
ENGINEERING_CONDITIONAL = {
    "appointment": "已填写“聘任时间”，请上传“聘书或聘任文件”",
    "post_documents": "已填写“现任（含兼任）行政职务”，请上传“任命文件”",
}
# Every slot the declaration needs, in plan order (sections, then slots).
NEEDED = [
    "identity",
    "photo",
    "social_security",
    "education_record",
    "title_certificate",
    "appointment",
    "post_documents",
    "assessment_forms",
    "achievement_materials",
]


@pytest.fixture
def declaration(engineering_declaration, unit):
    """Every section saved with valid data, no file uploaded yet."""
    return fill_valid(engineering_declaration, unit, files=False)


def slot(declaration, code):
    return AttachmentSlot.objects.select_related("plan_section").get(
        plan_section__plan=declaration.plan, code=code
    )


def messages_of(declaration):
    return [m["message"] for m in declaration_services.missing_items(declaration)]


def upload_all_but(declaration, *skipped):
    for code in NEEDED:
        if code not in skipped:
            upload_valid(declaration, slot(declaration, code))


def submit(declaration):
    return declaration_services.submit_declaration(
        actor=declaration.applicant, declaration=declaration
    )


def test_every_required_slot_without_a_file_is_listed_by_name(declaration):
    missing = declaration_services.missing_items(declaration)
    assert [m["message"] for m in missing] == [
        ENGINEERING_CONDITIONAL[code]
        if code in ENGINEERING_CONDITIONAL
        else f"请上传“{ENGINEERING_REQUIRED[code]}”"
        for code in NEEDED
    ]
    by_slot = {m["message"]: m["section"] for m in missing}
    assert by_slot["请上传“照片”"] == "basic_info"
    assert by_slot["请上传“成果材料”"] == "achievements"
    # Optional slots, and those whose condition does not hold (学位认证报告: no degree awarded
    # since 2008-09 is given; 破格推荐审批表: 正常晋升), are not asked for.
    assert not any(
        "学位认证报告" in m or "其他附件" in m or "破格" in m or "技师证书" in m for m in by_slot
    )


def test_slots_are_listed_even_before_the_section_is_saved(engineering_declaration):
    missing = declaration_services.missing_items(engineering_declaration)
    basic = [m["message"] for m in missing if m["section"] == "basic_info"]
    assert basic == ["尚未填写并保存", "请上传“身份信息”", "请上传“照片”", "请上传“社保明细”"]


def test_submit_refused_until_every_required_slot_has_a_valid_file(declaration):
    upload_all_but(declaration, "social_security")
    with pytest.raises(ValidationError, match="请上传“社保明细”"):
        submit(declaration)
    upload_valid(declaration, slot(declaration, "social_security"))
    submit(declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


def test_a_file_being_checked_blocks_submit(declaration, django_capture_on_commit_callbacks):
    upload_all_but(declaration, "achievement_materials")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.upload_attachment(
            actor=declaration.applicant,
            declaration=declaration,
            slot=slot(declaration, "achievement_materials"),
            uploaded_file=upload("论文.pdf", pdf_bytes()),
        )
    assert messages_of(declaration) == ["“成果材料”：文件检查中，请稍候"]
    with pytest.raises(ValidationError, match="文件检查中，请稍候"):
        submit(declaration)
    # The check finishes: now it can be submitted.
    for callback in callbacks:
        callback()
    assert messages_of(declaration) == []
    submit(declaration)


def test_a_checking_file_in_an_optional_slot_also_blocks_submit(declaration):
    upload_all_but(declaration)
    services.upload_attachment(
        actor=declaration.applicant,
        declaration=declaration,
        slot=slot(declaration, "degree_report"),
        uploaded_file=upload("学位.pdf", pdf_bytes()),
    )
    assert messages_of(declaration) == ["“学位认证报告”：文件检查中，请稍候"]
    with pytest.raises(ValidationError):
        submit(declaration)


def test_only_valid_files_count(declaration, django_capture_on_commit_callbacks):
    upload_all_but(declaration, "photo")
    with django_capture_on_commit_callbacks(execute=True):
        services.upload_attachment(
            actor=declaration.applicant,
            declaration=declaration,
            slot=slot(declaration, "photo"),
            uploaded_file=upload("横向.jpg", jpeg_bytes((420, 300))),
        )
    assert Attachment.objects.get(slot__code="photo").status == Attachment.Status.REJECTED
    assert messages_of(declaration) == ["“照片”的文件不合格，请重新上传"]
    with pytest.raises(ValidationError, match="照片"):
        submit(declaration)


def test_one_valid_file_is_enough_beside_a_rejected_one(
    declaration, django_capture_on_commit_callbacks
):
    upload_all_but(declaration)
    with django_capture_on_commit_callbacks(execute=True):
        services.upload_attachment(
            actor=declaration.applicant,
            declaration=declaration,
            slot=slot(declaration, "education_record"),
            uploaded_file=upload("坏.jpg", jpeg_bytes((300, 420))[:4000]),
        )
    assert Attachment.objects.filter(status="rejected").count() == 1
    assert messages_of(declaration) == []


def test_slots_of_a_disabled_section_are_not_required(declaration):
    upload_all_but(declaration, "achievement_materials")
    section = slot(declaration, "achievement_materials").plan_section
    section.enabled = False
    section.save()
    assert messages_of(declaration) == []


def test_a_slot_made_required_later_is_asked_for(declaration):
    upload_all_but(declaration)
    AttachmentSlot.objects.filter(plan_section__plan=declaration.plan, code="degree_report").update(
        required=True
    )
    assert messages_of(declaration) == ["请上传“学位认证报告”"]


def test_the_snapshot_records_the_files_of_each_round(declaration):
    upload_all_but(declaration)
    submit(declaration)
    first = Submission.objects.get(declaration=declaration, round=1).snapshot["attachments"]
    assert [(f["section"], f["slot"]) for f in first] == [
        (slot(declaration, code).plan_section.code, code) for code in NEEDED
    ]
    photo = next(f for f in first if f["slot"] == "photo")
    stored = Attachment.objects.get(slot__code="photo")
    assert photo == {
        "id": stored.pk,
        "section": "basic_info",
        "slot": "photo",
        "name": "照片.jpg",
        "sha256": stored.sha256,
        "size": stored.size,
        "status": "valid",
    }
    assert len(photo["sha256"]) == 64

    # Returned; the applicant replaces the photo and resubmits: round 2 records the new file,
    # round 1 still the old one.
    type(declaration).objects.filter(pk=declaration.pk).update(status=DeclarationStatus.RETURNED)
    declaration.refresh_from_db()
    new_photo = upload_valid(declaration, slot(declaration, "photo"), name="新照片.jpg")
    submit(declaration)
    second = Submission.objects.get(declaration=declaration, round=2).snapshot["attachments"]
    assert next(f for f in second if f["slot"] == "photo")["name"] == "新照片.jpg"
    assert next(f for f in second if f["slot"] == "photo")["sha256"] == new_photo.sha256
    first_again = Submission.objects.get(declaration=declaration, round=1).snapshot
    assert next(f for f in first_again["attachments"] if f["slot"] == "photo")["name"] == "照片.jpg"


# ---------------------------------------------------------------- through the pages


def test_overview_lists_the_missing_files_with_links_to_their_sections(login, declaration):
    upload_all_but(declaration, "photo", "assessment_forms")
    client = login(declaration.applicant)
    html = client.get(reverse("declarations:overview", args=[declaration.pk])).content.decode()
    assert "请上传“照片”" in html and "请上传“年度考核表”" in html
    assert reverse("declarations:section", args=[declaration.pk, "basic_info"]) in html
    assert reverse("declarations:section", args=[declaration.pk, "assessments"]) in html


def test_submit_view_refuses_while_a_file_is_checked(login, declaration):
    upload_all_but(declaration, "photo")
    services.upload_attachment(
        actor=declaration.applicant,
        declaration=declaration,
        slot=slot(declaration, "photo"),
        uploaded_file=upload("照片.jpg", jpeg_bytes((300, 420))),
    )
    client = login(declaration.applicant)
    response = client.post(reverse("declarations:submit", args=[declaration.pk]), follow=True)
    assert "文件检查中，请稍候" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT
    assert not Submission.objects.exists()


def test_submit_view_succeeds_once_every_file_is_valid(login, declaration):
    upload_all_but(declaration)
    client = login(declaration.applicant)
    response = client.post(reverse("declarations:submit", args=[declaration.pk]), follow=True)
    assert "申报已提交" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


def test_culture_plan_asks_for_its_own_slot(culture_declaration):
    messages = messages_of(culture_declaration)
    assert "请上传“业务工作总结”" in messages
    assert "请上传“社保明细”" not in messages
