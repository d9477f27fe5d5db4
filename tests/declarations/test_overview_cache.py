"""The overview keeps the saved data's problems (each saved section re-checked with its form)
for the declaration's exact state (services.missing_items(cached=True)): a save, a change of
the plan or its sections, of a catalog or an organization gives a new key; the files' problems
are read on every view; submission checks everything afresh; nobody else's request reads it."""

import pytest
from django.urls import reverse

from attachments.models import Attachment
from catalog.models import Level
from declarations import services
from tests import factories
from tests.declarations.builders import fill_valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete(engineering_declaration, unit):
    return fill_valid(engineering_declaration, unit)


def missing_block(page: str) -> str:
    """The 还有 n 项未完成 list ("" when there is none)."""
    start = page.find('data-testid="missing"')
    return "" if start < 0 else page[start : page.index("</ul>", start)]


def overview(client, declaration) -> str:
    response = client.get(reverse("declarations:overview", args=[declaration.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_changed_plan_and_a_new_save_are_seen_at_once(login, complete):
    client = login(complete.applicant)
    assert 'data-testid="missing"' not in overview(client, complete)
    assert 'data-testid="missing"' not in overview(client, complete)  # kept
    plan = complete.plan
    plan.societies_max_chars = 5
    plan.save()
    page = overview(client, complete)
    assert "学术团体及社会兼职" in missing_block(page)
    response = client.post(
        reverse("declarations:section", args=[complete.pk, "societies"]),
        {"societies-text": "学会会员"},
    )
    assert response.status_code == 302
    assert 'data-testid="missing"' not in overview(client, complete)


def test_a_changed_plan_section_is_seen_at_once(login, complete):
    client = login(complete.applicant)
    assert 'data-testid="missing"' not in overview(client, complete)
    plan_section = complete.plan.sections.get(code="other")
    plan_section.required_fields = ["note"]
    plan_section.save()
    page = overview(client, complete)
    assert "其他附件" in missing_block(page)


def test_catalogs_organizations_and_plans_give_a_new_version(complete, unit):
    before = services.config_version()
    assert services.config_version() == before
    level = Level.objects.first()
    level.save()
    after_level = services.config_version()
    assert after_level != before
    unit.save()
    assert services.config_version() != after_level


def test_a_save_renews_its_own_sections_key_and_the_day_all(complete, monkeypatch):
    from django.utils import timezone

    enabled = list(complete.plan.sections.all())
    rows = list(complete.section_data.all())
    keys = services.data_problems_keys(complete, enabled, rows)
    assert services.data_problems_keys(complete, enabled, rows) == keys
    education = next(row for row in rows if row.code == "education")
    education.updated_at = education.updated_at.replace(year=2000)
    changed = services.data_problems_keys(complete, enabled, rows)
    assert {code for code in keys if keys[code] != changed[code]} == {"education"}
    # 现专业技术职称 reads the 申报方式 saved in 申报信息.
    info = next(row for row in rows if row.code == "declaration_info")
    info.updated_at = info.updated_at.replace(year=2000)
    again = services.data_problems_keys(complete, enabled, rows)
    assert {code for code in keys if changed[code] != again[code]} == {"declaration_info", "titles"}
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    monkeypatch.setattr(services.timezone, "localdate", lambda: tomorrow)
    later = services.data_problems_keys(complete, enabled, rows)
    assert all(later[code] != again[code] for code in keys)


def test_a_changed_declared_method_is_seen_in_the_titles(login, complete):
    """The titles section is checked against the 申报方式 saved in 申报信息: saving 申报信息
    renews the titles' key too."""
    client = login(complete.applicant)
    overview(client, complete)
    enabled = list(complete.plan.sections.all())
    before = services.data_problems_keys(complete, enabled, list(complete.section_data.all()))
    info = complete.section_data.get(code="declaration_info")
    services.save_section(
        actor=complete.applicant, declaration=complete, code="declaration_info", data=info.data
    )
    after = services.data_problems_keys(complete, enabled, list(complete.section_data.all()))
    assert before["titles"] != after["titles"] and before["education"] == after["education"]


def test_files_are_read_on_every_view(login, complete):
    client = login(complete.applicant)
    assert 'data-testid="missing"' not in overview(client, complete)
    Attachment.objects.filter(declaration=complete).update(status=Attachment.Status.CHECKING)
    assert 'data-testid="missing"' in overview(client, complete)


def test_submission_checks_afresh(login, complete, monkeypatch):
    """What the overview kept never lets an incomplete declaration through."""
    client = login(complete.applicant)
    overview(client, complete)  # kept: no problem
    monkeypatch.setattr(
        services, "_section_problems", lambda declaration, plan_section, data: ["不再有效"]
    )
    with pytest.raises(services.ValidationError):
        services.submit_declaration(actor=complete.applicant, declaration=complete)


def test_another_applicant_reads_nothing(login, complete):
    """The declaration is looked up for the requesting applicant before anything is read."""
    assert 'data-testid="missing"' not in overview(login(complete.applicant), complete)
    stranger = factories.ApplicantFactory()
    response = login(stranger).get(reverse("declarations:overview", args=[complete.pk]))
    assert response.status_code == 404
