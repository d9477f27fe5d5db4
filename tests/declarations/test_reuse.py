"""A new declaration copies education, titles, work experience and achievements from the last one,
re-checked under the new plan's rules."""

import pytest
from django.urls import reverse

from declarations import services
from declarations.models import DeclarationSection
from tests import factories
from tests.declarations.test_achievements import paper, patent
from tests.declarations.test_achievements import rows as achievement_rows
from tests.declarations.test_history_forms import bound, job, rows


@pytest.fixture
def previous(engineering_declaration):
    """The engineering declaration with work experience and achievements saved through forms."""
    for code, data in [
        ("work_experience", rows("work_experience", [job("2012-07", "2016-06"), job("2016-07")])),
        ("achievements", achievement_rows([paper(), patent()])),
    ]:
        form = bound(code, engineering_declaration, data)
        assert form.is_valid(), (form.errors, form.non_form_errors())
        services.save_section(
            actor=engineering_declaration.applicant,
            declaration=engineering_declaration,
            code=code,
            data=form.to_data(),
        )
    return engineering_declaration


def test_reuse_copies_what_still_fits_and_names_what_does_not(login, previous, culture_plan):
    current = services.create_declaration(actor=previous.applicant, plan=culture_plan)
    client = login(previous.applicant)
    overview = client.get(reverse("declarations:overview", args=[current.pk])).content.decode()
    assert "复用以往申报信息" in overview
    response = client.post(reverse("declarations:reuse", args=[current.pk]), follow=True)
    page = response.content.decode()
    copied = {s.code: s.data for s in current.section_data.all()}
    assert copied["work_experience"] == previous.section_data.get(code="work_experience").data
    # The culture plan has no patents, so the achievements are not copied and are named.
    assert "achievements" not in copied
    assert "已复用：工作经历" in page
    assert "任现职以来代表性成果" in page and "请重新填写" in page
    event = current.events.get(action="reuse")
    assert event.details["source"] == previous.pk
    assert event.details["refused"] == ["achievements"]


def test_reuse_refused_without_a_previous_declaration(login, engineering_declaration):
    response = login(engineering_declaration.applicant).post(
        reverse("declarations:reuse", args=[engineering_declaration.pk]), follow=True
    )
    assert "没有可复用的以往申报" in response.content.decode()
    assert not DeclarationSection.objects.exists()


def test_reuse_refused_for_someone_elses_declaration(login, previous, culture_plan):
    current = services.create_declaration(actor=previous.applicant, plan=culture_plan)
    response = login(factories.ApplicantFactory()).post(
        reverse("declarations:reuse", args=[current.pk])
    )
    assert response.status_code == 404
    assert not current.section_data.exists()
