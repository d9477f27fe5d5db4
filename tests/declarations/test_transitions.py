"""create → save sections → submit → withdraw / resubmit, in the service layer."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from declarations import services
from declarations.models import (
    Declaration,
    DeclarationEvent,
    DeclarationStatus,
    Plan,
    Submission,
)
from tests import factories


def fill_everything(declaration, unit):
    """Save every section with valid data, as a person could through the forms."""
    from tests.declarations.builders import fill_valid

    fill_valid(declaration, unit)


@pytest.fixture
def declaration(committed_applicant, engineering_plan):
    return services.create_declaration(actor=committed_applicant, plan=engineering_plan)


def test_create_requires_the_commitment(applicant, engineering_plan):
    with pytest.raises(ValidationError, match="承诺书"):
        services.create_declaration(actor=applicant, plan=engineering_plan)
    assert not Declaration.objects.exists()


def test_create_records_a_draft_with_an_audit_row(declaration, committed_applicant):
    assert declaration.status == DeclarationStatus.DRAFT
    event = declaration.events.get()
    assert (event.action, event.actor) == ("create", committed_applicant)


def test_only_one_declaration_per_plan(declaration, committed_applicant, engineering_plan):
    with pytest.raises(ValidationError, match="不能重复新增"):
        services.create_declaration(actor=committed_applicant, plan=engineering_plan)


def test_no_second_active_declaration_for_same_year_and_series(
    declaration, committed_applicant, engineering_plan, regions
):
    other_region = Plan.objects.get(pk=engineering_plan.pk)
    other_region.pk = None
    other_region.region = regions["371000"]
    other_region.save()
    with pytest.raises(ValidationError, match="同一年度同一系列只能有一个有效申报"):
        services.create_declaration(actor=committed_applicant, plan=other_region)


@pytest.mark.parametrize("shift", [timedelta(days=5), timedelta(days=-60)])
def test_create_only_inside_the_plan_window(committed_applicant, engineering_plan, shift):
    now = timezone.now()
    Plan.objects.filter(pk=engineering_plan.pk).update(
        opens_at=now + shift, closes_at=now + shift + timedelta(days=1)
    )
    engineering_plan.refresh_from_db()
    with pytest.raises(ValidationError, match=r"尚未开始|已于"):
        services.create_declaration(actor=committed_applicant, plan=engineering_plan)


def test_organization_accounts_cannot_declare(unit_reviewer, engineering_plan):
    with pytest.raises(PermissionDenied):
        services.create_declaration(actor=unit_reviewer, plan=engineering_plan)


def test_saving_one_section_keeps_the_others(declaration):
    services.save_section(
        actor=declaration.applicant, declaration=declaration, code="societies", data={"text": "无"}
    )
    services.save_section(
        actor=declaration.applicant,
        declaration=declaration,
        code="performance",
        data={"text": "完成项目"},
    )
    services.save_section(
        actor=declaration.applicant,
        declaration=declaration,
        code="societies",
        data={"text": "中国机械工程学会会员"},
    )
    data = {s.code: s.data for s in declaration.section_data.all()}
    assert data == {
        "societies": {"text": "中国机械工程学会会员"},
        "performance": {"text": "完成项目"},
    }


def test_someone_else_cannot_save_a_section(declaration):
    stranger = factories.ApplicantFactory()
    with pytest.raises(PermissionDenied):
        services.save_section(
            actor=stranger, declaration=declaration, code="societies", data={"text": "x"}
        )


def test_submit_refused_while_anything_is_missing(declaration):
    with pytest.raises(ValidationError) as error:
        services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    assert "未完成" in str(error.value) and "基本信息" in str(error.value)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT
    assert not Submission.objects.exists()


def test_saved_data_that_no_longer_passes_the_plan_is_listed(engineering_declaration, unit):
    fill_everything(engineering_declaration, unit)
    # The administrator makes a field required after the applicant saved the section.
    section = engineering_declaration.plan.sections.get(code="work_experience")
    section.required_fields = ["summary"]
    section.save()
    missing = services.missing_items(engineering_declaration)
    assert [m["section"] for m in missing] == ["work_experience"]
    assert "第1条" in missing[0]["message"] and "经历简介" in missing[0]["message"]
    with pytest.raises(ValidationError, match="经历简介"):
        services.submit_declaration(
            actor=engineering_declaration.applicant, declaration=engineering_declaration
        )


def test_submit_sends_it_to_the_unit_with_a_snapshot(declaration, unit):
    fill_everything(declaration, unit)
    services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.holder == unit
    assert declaration.round == 1
    snapshot = declaration.submissions.get(round=1).snapshot
    assert snapshot["sections"]["societies"] == {"text": "中国机械工程学会会员"}
    assert snapshot["applicant"]["id_number"] == declaration.applicant.id_number
    event = declaration.events.get(action="submit")
    assert (event.from_status, event.to_status, event.organization) == ("draft", "submitted", unit)


def test_submitted_declaration_is_read_only(declaration, unit):
    fill_everything(declaration, unit)
    services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    with pytest.raises(ValidationError, match="不能修改"):
        services.save_section(
            actor=declaration.applicant,
            declaration=declaration,
            code="societies",
            data={"text": "改"},
        )


def test_submit_refused_to_an_unauthorized_unit(declaration, unit):
    fill_everything(declaration, unit)
    unit.permission_status = "none"
    unit.save()
    with pytest.raises(ValidationError, match="尚未获得职称评审权限"):
        services.submit_declaration(actor=declaration.applicant, declaration=declaration)


def test_submit_refused_after_the_deadline(declaration, unit):
    fill_everything(declaration, unit)
    Plan.objects.filter(pk=declaration.plan_id).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="截止"):
        services.submit_declaration(actor=declaration.applicant, declaration=declaration)


def test_withdraw_before_review_makes_it_editable_again(declaration, unit):
    fill_everything(declaration, unit)
    declaration = services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    assert services.available_actions(declaration, declaration.applicant) == ["withdraw"]
    stranger = factories.ApplicantFactory()
    assert services.available_actions(declaration, stranger) == []
    services.withdraw_declaration(actor=declaration.applicant, declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT and declaration.holder is None
    assert services.available_actions(declaration, declaration.applicant) == ["submit"]


def test_withdraw_refused_once_the_unit_started_reviewing(declaration, unit):
    fill_everything(declaration, unit)
    services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    Declaration.objects.filter(pk=declaration.pk).update(review_started_at=timezone.now())
    declaration.refresh_from_db()
    assert services.available_actions(declaration, declaration.applicant) == []
    with pytest.raises(ValidationError, match="已开始审核"):
        services.withdraw_declaration(actor=declaration.applicant, declaration=declaration)


def test_returned_declaration_resubmits_and_keeps_the_first_round(declaration, unit):
    fill_everything(declaration, unit)
    services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    Declaration.objects.filter(pk=declaration.pk).update(status=DeclarationStatus.RETURNED)
    declaration.refresh_from_db()
    services.save_section(
        actor=declaration.applicant,
        declaration=declaration,
        code="societies",
        data={"text": "修改后"},
    )
    services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    first, second = declaration.submissions.order_by("round")
    assert first.snapshot["sections"]["societies"] == {"text": "中国机械工程学会会员"}
    assert second.snapshot["sections"]["societies"] == {"text": "修改后"}
    with pytest.raises(ValidationError):
        first.save()


def test_audit_rows_cannot_be_changed_or_deleted(declaration):
    event = DeclarationEvent.objects.get(declaration=declaration)
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
