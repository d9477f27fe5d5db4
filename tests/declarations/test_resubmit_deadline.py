"""A return is not a rejection: after 退回修改 the applicant may fix and resubmit after the plan
closed, until the plan's resubmission deadline (Plan.resubmit_until); new declarations and
drafts still stop at closes_at. One rule (Plan.is_open_for) for the workflow table, the
declaration services and the attachment services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attachments import services as attachment_services
from declarations import services, workflow
from declarations.models import DeclarationStatus, Plan
from declarations.workflow import Action
from demo.files import scan
from review import services as review_services
from tests import factories
from tests.declarations.builders import fill_valid

pytestmark = pytest.mark.django_db


def close(plan, *, closed_ago=timedelta(days=1), resubmit_in=timedelta(days=10)):
    """Move the plan's window: closed `closed_ago`, resubmissions until now + resubmit_in
    (None: no resubmission deadline)."""
    now = timezone.now()
    Plan.objects.filter(pk=plan.pk).update(
        opens_at=now - timedelta(days=60),
        closes_at=now - closed_ago,
        resubmit_until=None if resubmit_in is None else now + resubmit_in,
    )


def fresh(declaration):
    return workflow.lock(declaration)


@pytest.fixture
def returned(engineering_declaration, unit, unit_reviewer):
    fill_valid(engineering_declaration, unit)
    services.submit_declaration(
        actor=engineering_declaration.applicant, declaration=engineering_declaration
    )
    review_services.return_declaration(
        actor=unit_reviewer, declaration=engineering_declaration, reason="请补充材料"
    )
    engineering_declaration.refresh_from_db()
    assert engineering_declaration.status == DeclarationStatus.RETURNED
    return engineering_declaration


def upload(declaration, code="other_attachments"):
    """Upload a scan to the slot and check it at once (as the worker would after commit)."""
    slot = declaration.plan.sections.get(code="other").slots.get(code=code)
    attachment = attachment_services.upload_attachment(
        actor=declaration.applicant,
        declaration=declaration,
        slot=slot,
        uploaded_file=SimpleUploadedFile("补充材料.pdf", scan(), "application/pdf"),
    )
    return attachment_services.check_attachment(attachment_id=attachment.pk)


# ---------------------------------------------------------------- the plan's rule


def test_resubmit_until_must_be_after_the_deadline(engineering_plan):
    engineering_plan.resubmit_until = engineering_plan.closes_at
    with pytest.raises(ValidationError) as error:
        engineering_plan.full_clean()
    assert "退回修改截止时间必须晚于申报截止时间" in str(error.value)
    engineering_plan.resubmit_until = engineering_plan.closes_at + timedelta(days=1)
    engineering_plan.full_clean()


def test_is_open_for_a_returned_declaration_until_resubmit_until(returned):
    plan = returned.plan
    close(plan)
    plan.refresh_from_db()
    assert not plan.is_open()
    assert plan.is_open_for(returned)
    # Not for a new declaration, and not once resubmit_until has passed.
    assert not plan.is_open_for(None)
    assert not plan.is_open_for(returned, at=plan.resubmit_until + timedelta(seconds=1))
    assert "退回修改已于" in plan.closed_message(
        returned, at=plan.resubmit_until + timedelta(seconds=1)
    )
    # Without a resubmission deadline a return after the deadline cannot be fixed.
    close(plan, resubmit_in=None)
    plan.refresh_from_db()
    assert not plan.is_open_for(returned)


def test_admin_edits_the_resubmission_deadline(login, administrator, engineering_plan):
    from tests.declarations.test_plan_admin import plan_post

    client = login(administrator)
    url = reverse("admin:declarations_plan_change", args=[engineering_plan.pk])
    assert "退回修改截止时间" in client.get(url).content.decode()
    bad = client.post(
        url, plan_post(engineering_plan, resubmit_until_0="2027-01-31", resubmit_until_1="17:00:00")
    )
    assert bad.status_code == 200
    assert "退回修改截止时间必须晚于申报截止时间" in bad.content.decode()
    good = client.post(
        url, plan_post(engineering_plan, resubmit_until_0="2027-02-28", resubmit_until_1="17:00:00")
    )
    assert good.status_code == 302
    engineering_plan.refresh_from_db()
    assert timezone.localtime(engineering_plan.resubmit_until).date().isoformat() == "2027-02-28"


# ---------------------------------------------------------------- the services


def test_returned_declaration_is_fixed_and_resubmitted_after_the_plan_closed(returned):
    close(returned.plan)
    declaration = fresh(returned)
    assert workflow.allowed(declaration, Action.SUBMIT, declaration.applicant)
    assert services.available_actions(declaration, declaration.applicant) == ["submit"]
    services.save_section(
        actor=declaration.applicant,
        declaration=declaration,
        code="societies",
        data={"text": "中国机械工程学会会员（已补充）"},
    )
    assert upload(declaration).pk is not None
    services.submit_declaration(actor=declaration.applicant, declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED and declaration.round == 2


def test_returned_declaration_is_refused_after_resubmit_until(returned):
    close(returned.plan, closed_ago=timedelta(days=20), resubmit_in=-timedelta(days=1))
    declaration = fresh(returned)
    assert services.available_actions(declaration, declaration.applicant) == []
    with pytest.raises(ValidationError, match="退回修改已于"):
        services.save_section(
            actor=declaration.applicant,
            declaration=declaration,
            code="societies",
            data={"text": "太晚了"},
        )
    with pytest.raises(ValidationError, match="退回修改已于"):
        upload(declaration)
    with pytest.raises(ValidationError, match="退回修改已于"):
        services.submit_declaration(actor=declaration.applicant, declaration=declaration)


def test_drafts_and_new_declarations_still_stop_at_the_deadline(
    engineering_declaration, unit, culture_plan
):
    fill_valid(engineering_declaration, unit)
    close(engineering_declaration.plan)
    draft = fresh(engineering_declaration)
    assert draft.plan.resubmit_until is not None
    assert services.available_actions(draft, draft.applicant) == []
    with pytest.raises(ValidationError, match="申报计划已于"):
        services.save_section(
            actor=draft.applicant, declaration=draft, code="societies", data={"text": "晚了"}
        )
    with pytest.raises(ValidationError, match="申报计划已于"):
        upload(draft)
    with pytest.raises(ValidationError, match="申报计划已于"):
        services.submit_declaration(actor=draft.applicant, declaration=draft)
    close(culture_plan)
    culture_plan.refresh_from_db()
    with pytest.raises(ValidationError, match="申报计划已于"):
        services.create_declaration(actor=draft.applicant, plan=culture_plan)


# ---------------------------------------------------------------- the pages


def test_section_page_of_a_returned_declaration_stays_editable_after_the_deadline(login, returned):
    close(returned.plan)
    client = login(returned.applicant)
    url = reverse("declarations:section", args=[returned.pk, "societies"])
    html = client.get(url).content.decode()
    assert 'data-testid="not-editable"' not in html and "保存</button>" in html
    response = client.post(url, {"societies-text": "中国机械工程学会会员（已补充）"})
    assert response.status_code == 302
    overview = client.get(reverse("declarations:overview", args=[returned.pk])).content.decode()
    assert "确定申报" in overview


def test_section_page_of_a_draft_says_the_plan_closed(login, engineering_declaration):
    close(engineering_declaration.plan)
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, "societies"])
    html = client.get(url).content.decode()
    assert 'data-testid="not-editable"' in html and "申报计划已于" in html
    assert "保存</button>" not in html
    response = client.post(url, {"societies-text": "晚了"})
    assert response.status_code == 200
    assert "申报计划已于" in response.content.decode()
    assert not engineering_declaration.section_data.filter(code="societies").exists()


def test_someone_else_cannot_reach_a_returned_declaration(login, returned):
    close(returned.plan)
    other = factories.ApplicantFactory()
    client = login(other)
    url = reverse("declarations:section", args=[returned.pk, "societies"])
    assert client.get(url).status_code == 404
    assert client.post(reverse("declarations:submit", args=[returned.pk])).status_code == 404
