"""A 初级 applicant may have no current title (S0 二.4(1), S1 三.10(1)) and no achievement (the
seeds set at most 15 and no minimum; the plan decides whether any is required): such a
declaration is complete without a titles row, an achievement row or the files that would prove
them, and can be submitted."""

import pytest
from django.urls import reverse

from attachments.models import Attachment
from catalog.models import DeclarationMethod
from declarations import services
from declarations.models import DeclarationSection, DeclarationStatus, PlanSection
from demo.fill import bound, rows_data, upload_valid
from tests import factories
from tests.declarations.builders import fill_valid

pytestmark = pytest.mark.django_db

NORMAL, CHANGE_SERIES = "normal", "change_series"


@pytest.fixture
def culture_unit(regions):
    return factories.OrganizationFactory(name="威海市环翠区文化馆", region=regions["371002"])


def choose_method(declaration, code):
    method = DeclarationMethod.objects.get(code=code)
    section = DeclarationSection.objects.get(declaration=declaration, code="declaration_info")
    section.data = {**section.data, "method": method.pk}
    section.save()


def titles(declaration, *items):
    return bound(declaration, "titles", rows_data("titles", list(items)))


def save_rows(declaration, code, items):
    formset = bound(declaration, code, rows_data(code, items))
    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    services.save_section(
        actor=declaration.applicant, declaration=declaration, code=code, data=formset.to_data()
    )


def upload_required_files_but(declaration, *skipped):
    """A valid file in every slot of the plan (those needed only on a condition included),
    except the `skipped` ones."""
    for section in declaration.plan.sections.filter(enabled=True):
        for slot in section.slots.all():
            if slot.code not in skipped:
                assert upload_valid(declaration, slot).status == Attachment.Status.VALID


def messages(declaration):
    return [f"{m['title']}：{m['message']}" for m in services.missing_items(declaration)]


# ---------------------------------------------------------------- no current title


@pytest.mark.parametrize("word", ["无", "其他"])
def test_no_title_is_allowed_under_normal_promotion(culture_declaration, culture_unit, word):
    fill_valid(culture_declaration, culture_unit, files=False)
    choose_method(culture_declaration, NORMAL)
    formset = titles(culture_declaration, {"title": word})
    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    assert formset.to_data()["rows"][0]["title"] == word


def test_no_title_is_refused_where_the_method_builds_on_a_title(culture_declaration, culture_unit):
    fill_valid(culture_declaration, culture_unit, files=False)
    choose_method(culture_declaration, CHANGE_SERIES)
    formset = titles(culture_declaration, {"title": "无"})
    assert not formset.is_valid()
    message = str(formset.errors[0]["title"])
    assert "申报方式为“改系列”，须填写现专业技术职称" in message
    assert "“正常晋升”" in message


def test_titles_section_needs_no_row_without_a_title(culture_declaration, culture_unit):
    fill_valid(culture_declaration, culture_unit, files=False)
    choose_method(culture_declaration, NORMAL)
    empty = titles(culture_declaration)
    assert empty.is_valid(), empty.non_form_errors()
    assert empty.to_data() == {"rows": []}
    choose_method(culture_declaration, CHANGE_SERIES)
    refused = titles(culture_declaration)
    assert not refused.is_valid()
    assert "申报方式为“改系列”，须填写现专业技术职称" in str(refused.non_form_errors())


def test_no_title_needs_no_title_certificate(culture_declaration, culture_unit):
    fill_valid(culture_declaration, culture_unit, files=False)
    upload_required_files_but(culture_declaration, "title_certificate")
    # With a title, its certificate is missing …
    assert any("请上传“现专业技术职务资格证书”" in m for m in messages(culture_declaration))
    # … without one ("无", or no row at all), there is nothing to prove.
    for items in ([{"title": "无"}], []):
        save_rows(culture_declaration, "titles", items)
        assert messages(culture_declaration) == []


def test_no_title_with_a_qualification_still_needs_its_certificate(
    culture_declaration, culture_unit
):
    from catalog.models import ProfessionalQualification

    fill_valid(culture_declaration, culture_unit, files=False)
    upload_required_files_but(culture_declaration, "title_certificate")
    qualification = ProfessionalQualification.objects.get(name="社会工作师")
    save_rows(
        culture_declaration,
        "titles",
        [{"title": "无", "qualification": str(qualification.pk), "qualification_on": "2022-05-01"}],
    )
    assert any("请上传“现专业技术职务资格证书”" in m for m in messages(culture_declaration))


# ---------------------------------------------------------------- no achievement


def test_the_plan_decides_whether_an_achievement_is_required(
    culture_declaration, engineering_declaration, culture_unit, unit
):
    # The culture 初级 plan requires none: saved with no row, nothing is missing, not even
    # the achievement materials.
    fill_valid(culture_declaration, culture_unit, files=False)
    upload_required_files_but(culture_declaration, "achievement_materials")
    save_rows(culture_declaration, "achievements", [])
    assert messages(culture_declaration) == []
    # The engineering plan keeps the section's default: at least one.
    fill_valid(engineering_declaration, unit)
    save_rows(engineering_declaration, "achievements", [])
    assert "任现职以来代表性成果：至少需要填写1条" in messages(engineering_declaration)


def test_an_achievement_filled_in_needs_its_materials_even_where_none_is_required(
    culture_declaration, culture_unit
):
    fill_valid(culture_declaration, culture_unit, files=False)
    upload_required_files_but(culture_declaration, "achievement_materials")
    assert "任现职以来代表性成果：请上传“成果材料”" in messages(culture_declaration)


def test_plan_section_min_rows_is_checked(engineering_plan):
    from django.core.exceptions import ValidationError

    section = engineering_plan.sections.get(code="achievements")
    section.min_rows = 0
    section.full_clean()
    assert section.needed_rows == 0
    section.min_rows = None
    assert section.needed_rows == 1
    single = engineering_plan.sections.get(code="performance")
    single.min_rows = 1
    with pytest.raises(ValidationError) as error:
        single.full_clean()
    assert "只有多条记录的模块可以设置至少填写条数" in str(error.value)


def test_admin_sets_the_plan_s_achievement_minimum(login, administrator, engineering_plan):
    from tests.declarations.test_plan_admin import plan_post

    client = login(administrator)
    url = reverse("admin:declarations_plan_change", args=[engineering_plan.pk])
    assert "至少填写条数" in client.get(url).content.decode()
    sections = list(engineering_plan.sections.order_by("sort_order", "pk"))

    def post(min_rows_of):
        data = plan_post(
            engineering_plan,
            **{"sections-TOTAL_FORMS": len(sections), "sections-INITIAL_FORMS": len(sections)},
        )
        for i, section in enumerate(sections):
            data.update(
                {
                    f"sections-{i}-id": section.pk,
                    f"sections-{i}-plan": engineering_plan.pk,
                    f"sections-{i}-code": section.code,
                    f"sections-{i}-enabled": "on",
                    f"sections-{i}-sort_order": section.sort_order,
                    f"sections-{i}-required_fields": "[]",
                    f"sections-{i}-min_rows": min_rows_of.get(section.code, ""),
                }
            )
        return client.post(url, data)

    response = post({"achievements": "0"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert PlanSection.objects.get(plan=engineering_plan, code="achievements").min_rows == 0
    # Only row sections have a minimum.
    response = post({"performance": "1"})
    assert response.status_code == 200
    assert "只有多条记录的模块可以设置至少填写条数" in response.content.decode()


# ---------------------------------------------------------------- the whole declaration


def test_junior_culture_applicant_without_title_or_achievement_submits(
    culture_declaration, culture_unit
):
    fill_valid(culture_declaration, culture_unit, files=False)
    choose_method(culture_declaration, NORMAL)
    save_rows(culture_declaration, "titles", [])
    save_rows(culture_declaration, "achievements", [])
    upload_required_files_but(culture_declaration, "title_certificate", "achievement_materials")
    assert messages(culture_declaration) == []
    services.submit_declaration(
        actor=culture_declaration.applicant, declaration=culture_declaration
    )
    culture_declaration.refresh_from_db()
    assert culture_declaration.status == DeclarationStatus.SUBMITTED
    snapshot = culture_declaration.submissions.get(round=1).snapshot["sections"]
    assert snapshot["titles"] == {"rows": []} and snapshot["achievements"] == {"rows": []}


def test_titles_page_says_no_row_is_needed_without_a_title(login, culture_declaration):
    html = (
        login(culture_declaration.applicant)
        .get(reverse("declarations:section", args=[culture_declaration.pk, "titles"]))
        .content.decode()
    )
    assert "无现专业技术职称的不必添加，直接点击“保存”即可" in html
