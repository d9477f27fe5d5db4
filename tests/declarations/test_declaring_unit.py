"""申报单位 and 是否是工作单位: freelancers (个人代理) declare through the county HR bureau of
their household registration or residence (S0 二.3(5)); everyone else through a unit; the
declaring unit lies in the plan's region. Each rule with a valid and an invalid case, then the
section page and the search it uses."""

import json
import re

import pytest
from django.urls import reverse

from declarations import services
from declarations.forms import form_for_section
from declarations.models import Declaration, DeclarationSection, DeclarationStatus
from institutions.models import OrgKind
from tests import factories
from tests.declarations.builders import fill_valid

PERSONAL_AGENCY = "个人代理"


def info_form(declaration, unit, **changes):
    from tests.declarations.test_info_forms import info

    plan_section = declaration.plan.sections.get(code="declaration_info")
    values = info(declaration, unit, **changes)
    data = {f"declaration_info-{k}": v for k, v in values.items()}
    return form_for_section(
        "declaration_info", declaration=declaration, plan_section=plan_section, data=data
    )


def errors(form, field="declaring_unit"):
    return " ".join(form.errors.get(field, []))


@pytest.fixture
def city_bureau(regions):
    return factories.OrganizationFactory(
        name="潍坊市人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["370700"]
    )


@pytest.fixture
def huancui_unit(regions):
    return factories.OrganizationFactory(name="威海市环翠区文化馆", region=regions["371002"])


# --- the form ---------------------------------------------------------------------------------


def test_freelancer_chooses_the_county_hr_bureau(engineering_declaration, hr_bureau):
    form = info_form(engineering_declaration, hr_bureau, is_work_unit=PERSONAL_AGENCY)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["declaring_unit"] == hr_bureau
    assert form.to_data()["is_work_unit"] == PERSONAL_AGENCY


def test_freelancer_cannot_choose_a_unit(engineering_declaration, unit):
    form = info_form(engineering_declaration, unit, is_work_unit=PERSONAL_AGENCY)

    assert not form.is_valid()
    assert "选择“个人代理”（自由职业者）的，“申报单位”须选择户籍所在地" in errors(form)
    assert "县（市、区）人力资源社会保障局" in errors(form)


def test_freelancer_cannot_choose_a_city_hr_bureau(engineering_declaration, city_bureau):
    form = info_form(engineering_declaration, city_bureau, is_work_unit=PERSONAL_AGENCY)

    assert not form.is_valid()
    assert "“潍坊市人力资源和社会保障局”不是" in errors(form)


@pytest.mark.parametrize("relation", ["是", "人事代理", "劳务派遣"])
def test_hr_bureau_accepts_only_freelancers(engineering_declaration, hr_bureau, relation):
    work_unit = "" if relation == "是" else "潍坊B公司"
    form = info_form(engineering_declaration, hr_bureau, is_work_unit=relation, work_unit=work_unit)

    assert not form.is_valid()
    assert "只受理自由职业者的申报" in errors(form)
    assert "须选择“个人代理”" in errors(form)


def test_a_department_is_never_a_declaring_unit(engineering_declaration, supervising_department):
    form = info_form(engineering_declaration, supervising_department)

    assert not form.is_valid()
    assert "所选单位不存在或尚未获得职称评审权限" in errors(form)


def test_declaring_unit_lies_in_the_plans_region(culture_declaration, unit, huancui_unit):
    # The culture plan is 环翠区's: a 潍城区 unit is outside it.
    inside = info_form(culture_declaration, huancui_unit, ranking="1/1")
    assert inside.is_valid(), inside.errors

    outside = info_form(culture_declaration, unit, ranking="1/1")
    assert not outside.is_valid()
    message = errors(outside)
    assert "所属地区为山东省潍坊市潍城区" in message
    assert "不在本申报计划的地区（山东省威海市环翠区）内" in message


def test_a_unit_below_a_city_plans_region_is_inside_it(engineering_declaration, unit, regions):
    # The engineering plan is 潍坊市's: 潍城区 lies below it, 环翠区 does not.
    assert info_form(engineering_declaration, unit).is_valid()
    weihai = factories.OrganizationFactory(name="威海某机械有限公司", region=regions["371002"])
    form = info_form(engineering_declaration, weihai)
    assert not form.is_valid()
    assert "不在本申报计划的地区（山东省潍坊市）内" in errors(form)


def test_hr_bureau_of_another_region_is_refused(engineering_declaration, regions):
    huancui_bureau = factories.OrganizationFactory(
        name="威海市环翠区人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["371002"]
    )
    form = info_form(engineering_declaration, huancui_bureau, is_work_unit=PERSONAL_AGENCY)

    assert not form.is_valid()
    assert "不在本申报计划的地区（山东省潍坊市）内" in errors(form)


# --- the page and the search ------------------------------------------------------------------


def section_url(declaration):
    return reverse("declarations:section", args=[declaration.pk, "declaration_info"])


def test_freelancer_saves_the_bureau_as_declaring_unit(login, engineering_declaration, hr_bureau):
    from tests.declarations.test_info_forms import info

    client = login(engineering_declaration.applicant)
    values = info(engineering_declaration, hr_bureau, is_work_unit=PERSONAL_AGENCY, specialty="")
    response = client.post(
        section_url(engineering_declaration),
        {f"declaration_info-{k}": v for k, v in values.items()},
    )

    assert response.status_code == 302
    engineering_declaration.refresh_from_db()
    assert engineering_declaration.declaring_unit == hr_bureau


def test_wrong_pair_is_explained_at_the_field_and_nothing_is_saved(
    login, engineering_declaration, unit
):
    from tests.declarations.test_info_forms import info

    client = login(engineering_declaration.applicant)
    values = info(engineering_declaration, unit, is_work_unit=PERSONAL_AGENCY)
    response = client.post(
        section_url(engineering_declaration),
        {f"declaration_info-{k}": v for k, v in values.items()},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_declaration_info-declaring_unit"' in page
    assert "县（市、区）人力资源社会保障局" in page
    assert f'<option value="{unit.pk}" selected>' in page
    assert not DeclarationSection.objects.exists()
    assert Declaration.objects.get().declaring_unit is None


def test_search_box_sends_the_plans_region_and_the_relation(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    page = client.get(section_url(engineering_declaration)).content.decode()

    search = re.search(r'<input type="search" name="q"[^>]*>', page)[0]
    vals = json.loads(re.search(r'hx-vals="([^"]*)"', search)[1].replace("&quot;", '"'))
    assert vals == {
        "region": str(engineering_declaration.plan.region_id),
        "relation_field": "declaration_info-is_work_unit",
    }
    assert 'hx-include="#id_declaration_info-is_work_unit"' in search
    # Choosing 个人代理 searches again (the county bureaus, without typing).
    assert "change from:#id_declaration_info-is_work_unit" in search


def test_freelancer_submits_to_the_bureau(engineering_declaration, hr_bureau, committed_applicant):
    fill_valid(engineering_declaration, hr_bureau)
    assert services.missing_items(engineering_declaration) == []

    services.submit_declaration(actor=committed_applicant, declaration=engineering_declaration)

    engineering_declaration.refresh_from_db()
    assert engineering_declaration.status == DeclarationStatus.SUBMITTED
    assert engineering_declaration.holder == engineering_declaration.declaring_unit == hr_bureau


def test_submission_rechecks_the_region(engineering_declaration, unit, regions):
    """A declaring unit saved before its region changed is caught at submission."""
    fill_valid(engineering_declaration, unit)
    type(unit).objects.filter(pk=unit.pk).update(region=regions["371002"])

    problems = [m["message"] for m in services.missing_items(engineering_declaration)]

    assert any("不在本申报计划的地区（山东省潍坊市）内" in p for p in problems)
