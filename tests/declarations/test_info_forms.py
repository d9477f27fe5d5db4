"""申报信息 and 学历信息: each seed rule with a valid and an invalid case, then the section page."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import DeclarationMethod, Title
from declarations.forms import form_for_section
from declarations.models import Declaration, DeclarationSection
from institutions.models import OrgKind, PermissionStatus
from tests import factories


def bound(code, declaration, values):
    plan_section = declaration.plan.sections.get(code=code)
    data = {f"{code}-{k}": v for k, v in values.items()}
    return form_for_section(code, declaration=declaration, plan_section=plan_section, data=data)


def require_fields(declaration, code, *names):
    declaration.plan.sections.filter(code=code).update(required_fields=list(names))


def method(code):
    return DeclarationMethod.objects.get(code=code).pk


def title(declaration, name=None):
    plan = declaration.plan
    titles = Title.objects.filter(series=plan.series)
    return (titles.get(name=name) if name else titles.get(level=plan.level)).pk


def info(declaration, unit, **changes):
    values = {
        "year": str(declaration.plan.year),
        "ranking": "",
        "title": title(declaration),
        "specialty": "",
        "method": method("normal"),
        "exception_kind": "",
        "declaring_unit": unit.pk,
        "is_work_unit": "是",
        "work_unit": "",
        "entrusted_review": "否",
        "first_work_date": "2015-07-01",
        "professional_years": "10",
    }
    values.update(changes)
    return values


def info_form(declaration, unit, **changes):
    return bound("declaration_info", declaration, info(declaration, unit, **changes))


def required(label, choose=False):
    """The project's required message, which names the field (core.forms.name_required_fields)."""
    return f"请{'选择' if choose else '填写'}“{label}”。"


def errors(form, field):
    return " ".join(form.errors.get(field, []))


@pytest.fixture
def culture_unit(regions):
    """A unit of the culture plan's region (环翠区): the declaring unit lies in the plan's."""
    return factories.OrganizationFactory(name="威海市环翠区文化馆", region=regions["371002"])


# 申报信息


def test_declaration_info_stores_json_safe_values(engineering_declaration, unit):
    form = info_form(engineering_declaration, unit, specialty="")
    assert form.is_valid(), form.errors
    data = form.to_data()
    json.dumps(data)
    assert data["year"] == 2026
    assert data["title"] == title(engineering_declaration, "工程师")
    assert data["method"] == method("normal")
    assert data["declaring_unit"] == unit.pk
    assert data["first_work_date"] == "2015-07-01"
    assert (data["level"], data["series"]) == ("中级", "工程技术")
    assert data["entrusted_review"] == "否"


def test_year_is_the_plan_year(engineering_declaration, unit):
    assert info_form(engineering_declaration, unit, year="2026").is_valid()
    bad = info_form(engineering_declaration, unit, year="2025")
    assert not bad.is_valid()
    assert "年度应为申报计划的年度“2026”" in errors(bad, "year")


def test_year_is_shown_read_only(engineering_declaration):
    form = form_for_section(
        "declaration_info",
        declaration=engineering_declaration,
        plan_section=engineering_declaration.plan.sections.get(code="declaration_info"),
    )
    html = str(form["year"])
    # Posted in a hidden input, shown as text (tests/declarations/test_section_pages_ui.py).
    assert 'type="hidden"' in html and 'value="2026"' in html and ">2026</output>" in html


def test_level_and_series_come_from_the_plan(engineering_declaration, unit):
    form = info_form(engineering_declaration, unit, level="正高级", series="群众文化")
    assert form.is_valid(), form.errors
    assert (form.to_data()["level"], form.to_data()["series"]) == ("中级", "工程技术")
    assert form.fields["level"].disabled and form.fields["series"].disabled


def test_ranking_required_only_where_the_plan_says(
    culture_declaration, engineering_declaration, unit, culture_unit
):
    missing = info_form(culture_declaration, culture_unit, ranking="")
    assert not missing.is_valid()
    assert "须填写单位推荐排序" in errors(missing, "ranking")
    given = info_form(culture_declaration, culture_unit, ranking="3/5")
    assert given.is_valid(), given.errors
    assert given.to_data()["ranking"] == "3/5"
    assert info_form(engineering_declaration, unit, ranking="").is_valid()


@pytest.mark.parametrize(
    ("typed", "stored"), [("3/5", "3/5"), ("1/1", "1/1"), (" 2 ／ 3 ", "2/3"), ("5/5", "5/5")]
)
def test_ranking_accepts_place_over_count(culture_declaration, culture_unit, typed, stored):
    form = info_form(culture_declaration, culture_unit, ranking=typed)
    assert form.is_valid(), form.errors
    assert form.to_data()["ranking"] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("6/5", "名次应在1至推荐人数之间"),
        ("0/5", "名次应在1至推荐人数之间"),
        ("3", "名次/推荐人数"),
        ("3-5", "名次/推荐人数"),
        ("第3名", "名次/推荐人数"),
    ],
)
def test_ranking_refuses_other_formats(engineering_declaration, unit, typed, message):
    # Not required in the engineering plan, but checked when given.
    form = info_form(engineering_declaration, unit, ranking=typed)
    assert not form.is_valid()
    assert message in errors(form, "ranking")


def test_title_limited_to_the_plan_series_and_level(engineering_declaration, unit):
    assert info_form(
        engineering_declaration, unit, title=title(engineering_declaration, "工程师")
    ).is_valid()
    senior = info_form(
        engineering_declaration, unit, title=title(engineering_declaration, "高级工程师")
    )
    assert not senior.is_valid()
    assert "本计划的申报职称" in errors(senior, "title")
    other_series = Title.objects.get(series__code="mass_culture", name="馆员").pk
    assert not info_form(engineering_declaration, unit, title=other_series).is_valid()


def test_the_only_title_of_the_plan_is_preselected(engineering_declaration):
    form = form_for_section(
        "declaration_info",
        declaration=engineering_declaration,
        plan_section=engineering_declaration.plan.sections.get(code="declaration_info"),
    )
    assert form.initial["title"] == title(engineering_declaration, "工程师")


def test_specialty_limited_to_the_plan_series(engineering_declaration, unit):
    from catalog.models import Specialty

    power = Specialty.objects.get(series__code="engineering", name="电力工程")
    dance = Specialty.objects.get(series__code="mass_culture", name="舞蹈")
    form = info_form(engineering_declaration, unit, specialty=power.pk)
    assert form.is_valid(), form.errors
    assert form.to_data()["specialty"] == power.pk
    bad = info_form(engineering_declaration, unit, specialty=dance.pk)
    assert not bad.is_valid()
    assert "本系列的专业" in errors(bad, "specialty")


def test_specialty_required_when_the_plan_section_says(engineering_declaration, unit):
    assert info_form(engineering_declaration, unit, specialty="").is_valid()
    require_fields(engineering_declaration, "declaration_info", "specialty")
    missing = info_form(engineering_declaration, unit, specialty="")
    assert not missing.is_valid()
    assert required("现从事专业", choose=True) in errors(missing, "specialty")


def test_method_limited_to_the_plan_methods(culture_declaration, culture_unit):
    good = info_form(
        culture_declaration, culture_unit, ranking="1/1", method=method("change_series")
    )
    assert good.is_valid(), good.errors
    # 高技能人才贯通 is open for engineering only.
    bad = info_form(culture_declaration, culture_unit, ranking="1/1", method=method("high_skill"))
    assert not bad.is_valid()
    assert "本计划未开放该申报方式" in errors(bad, "method")


def test_exception_kind_required_for_exceptional_method(engineering_declaration, unit):
    good = info_form(
        engineering_declaration, unit, method=method("exceptional"), exception_kind="学历破格"
    )
    assert good.is_valid(), good.errors
    assert good.to_data()["exception_kind"] == "学历破格"
    missing = info_form(engineering_declaration, unit, method=method("exceptional"))
    assert not missing.is_valid()
    assert "须选填破格情况" in errors(missing, "exception_kind")


def test_exception_kind_refused_for_other_methods(engineering_declaration, unit):
    assert info_form(engineering_declaration, unit, method=method("normal")).is_valid()
    bad = info_form(
        engineering_declaration, unit, method=method("normal"), exception_kind="资历破格"
    )
    assert not bad.is_valid()
    assert "只有破格申报才填写破格情况" in errors(bad, "exception_kind")
    unknown = info_form(
        engineering_declaration, unit, method=method("exceptional"), exception_kind="年龄破格"
    )
    assert not unknown.is_valid()


def test_declaring_unit_must_be_an_authorized_unit(engineering_declaration, unit, regions):
    assert info_form(engineering_declaration, unit).is_valid()
    unapproved = factories.OrganizationFactory(
        region=regions["370702"], permission_status=PermissionStatus.PENDING
    )
    department = factories.OrganizationFactory(region=regions["370702"], kind=OrgKind.SUPERVISING)
    for organization in (unapproved, department):
        bad = info_form(engineering_declaration, unit, declaring_unit=organization.pk)
        assert not bad.is_valid()
        assert "尚未获得职称评审权限" in errors(bad, "declaring_unit")
    # An HR bureau is the declaring unit of freelancers only (tests/declarations/
    # test_declaring_unit.py).
    bureau = factories.OrganizationFactory(region=regions["370702"], kind=OrgKind.HR_BUREAU)
    bad = info_form(engineering_declaration, unit, declaring_unit=bureau.pk)
    assert "只受理自由职业者的申报" in errors(bad, "declaring_unit")
    missing = info_form(engineering_declaration, unit, declaring_unit="")
    assert not missing.is_valid()


@pytest.mark.parametrize("relation", ["人事代理", "劳务派遣"])
def test_agency_and_dispatch_need_the_work_unit(engineering_declaration, unit, relation):
    good = info_form(engineering_declaration, unit, is_work_unit=relation, work_unit="潍坊B公司")
    assert good.is_valid(), good.errors
    assert good.to_data()["work_unit"] == "潍坊B公司"
    bad = info_form(engineering_declaration, unit, is_work_unit=relation, work_unit="  ")
    assert not bad.is_valid()
    assert f"选择“{relation}”的，须填写实际工作单位" in errors(bad, "work_unit")


def test_work_unit_blank_when_declaring_unit_is_the_work_unit(engineering_declaration, unit):
    assert info_form(engineering_declaration, unit, is_work_unit="是", work_unit="").is_valid()
    bad = info_form(engineering_declaration, unit, is_work_unit="是", work_unit="潍坊B公司")
    assert not bad.is_valid()
    assert "申报单位即为工作单位" in errors(bad, "work_unit")


def test_personal_agency_does_not_need_a_work_unit(engineering_declaration, hr_bureau):
    # A freelancer's declaring unit is the county HR bureau (S0 二.3(5)).
    assert info_form(engineering_declaration, hr_bureau, is_work_unit="个人代理").is_valid()
    assert info_form(
        engineering_declaration, hr_bureau, is_work_unit="个人代理", work_unit="自由职业"
    ).is_valid()
    assert not info_form(engineering_declaration, hr_bureau, is_work_unit="否").is_valid()


def test_entrusted_review_defaults_to_no(engineering_declaration, unit):
    form = form_for_section(
        "declaration_info",
        declaration=engineering_declaration,
        plan_section=engineering_declaration.plan.sections.get(code="declaration_info"),
    )
    assert '<option value="否" selected>' in str(form["entrusted_review"])
    assert info_form(engineering_declaration, unit, entrusted_review="是").is_valid()
    assert not info_form(engineering_declaration, unit, entrusted_review="委托").is_valid()


def test_professional_years_at_most_whole_years_to_year_end(engineering_declaration, unit):
    # 2015-07-01 to 2026-12-31: 11 whole years.
    ok = info_form(
        engineering_declaration, unit, first_work_date="2015-07-01", professional_years="11"
    )
    assert ok.is_valid(), ok.errors
    assert ok.to_data()["professional_years"] == 11
    bad = info_form(
        engineering_declaration, unit, first_work_date="2015-07-01", professional_years="12"
    )
    assert not bad.is_valid()
    message = errors(bad, "professional_years")
    assert "2026-12-31" in message and "最多11年" in message and "12年" in message


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", "0至60年"), ("61", "0至60年"), ("3.5", "整数年"), ("十年", "整数年")],
)
def test_professional_years_are_whole_years_from_0_to_60(
    engineering_declaration, unit, typed, message
):
    assert info_form(
        engineering_declaration, unit, first_work_date="1960-01-01", professional_years="60"
    ).is_valid()
    assert info_form(engineering_declaration, unit, professional_years="0").is_valid()
    bad = info_form(
        engineering_declaration, unit, first_work_date="1960-01-01", professional_years=typed
    )
    assert not bad.is_valid()
    assert message in errors(bad, "professional_years")


def test_first_work_date_not_after_the_plan_year(engineering_declaration, unit):
    assert info_form(
        engineering_declaration, unit, first_work_date="2026-12-31", professional_years="0"
    ).is_valid()
    bad = info_form(
        engineering_declaration, unit, first_work_date="2027-01-01", professional_years="0"
    )
    assert not bad.is_valid()
    assert "不能晚于2026-12-31" in errors(bad, "first_work_date")


# 学历信息

FULL_TIME = {
    "full_time_school": "山东大学",
    "full_time_major": "机械工程",
    "full_time_education": "大学本科",
    "full_time_degree": "学士",
    "full_time_graduated_on": "2012-06-30",
    "full_time_origin": "国内",
    "full_time_chsi_code": "A1B2C3D4E5F6G7H8",
}
REVIEW = {
    "review_school": "青岛科技大学",
    "review_major": "机械电子工程",
    "review_education": "硕士研究生",
    "review_degree": "硕士",
    "review_graduated_on": "2018-06-30",
    "review_origin": "国内",
    "review_chsi_code": "H8G7F6E5D4C3B2A1",
}


def education(declaration, **changes):
    return bound("education", declaration, {**FULL_TIME, **REVIEW, **changes})


def test_education_stores_both_blocks(engineering_declaration):
    form = education(engineering_declaration)
    assert form.is_valid(), form.errors
    data = form.to_data()
    json.dumps(data)
    assert data["full_time_graduated_on"] == "2012-06-30"
    assert data["review_education"] == "硕士研究生"
    assert data["same_as_full_time"] is False


def test_education_block_fields_are_required(engineering_declaration):
    bad = education(engineering_declaration, full_time_school="", review_graduated_on="")
    assert not bad.is_valid()
    assert required("全日制-毕业院校") in errors(bad, "full_time_school")
    assert required("评审依据-毕业时间") in errors(bad, "review_graduated_on")


@pytest.mark.parametrize("level", ["大学普通班", "党校大学", "中专", "高中及以下", "大学专科"])
def test_education_level_from_the_list(engineering_declaration, level):
    form = education(
        engineering_declaration, full_time_education=level, full_time_graduated_on="1975-07-01"
    )
    assert form.is_valid(), form.errors


def test_education_level_outside_the_list_refused(engineering_declaration):
    bad = education(engineering_declaration, full_time_education="本科")
    assert not bad.is_valid()
    assert "full_time_education" in bad.errors


def test_degree_optional_unless_the_plan_requires_it(engineering_declaration):
    assert education(engineering_declaration, full_time_degree="", review_degree="").is_valid()
    require_fields(engineering_declaration, "education", "full_time_degree", "review_degree")
    bad = education(engineering_declaration, full_time_degree="", review_degree="")
    assert not bad.is_valid()
    assert required("全日制-学位", choose=True) in errors(bad, "full_time_degree")
    assert required("评审依据-学位", choose=True) in errors(bad, "review_degree")
    assert education(engineering_declaration, full_time_degree="无").is_valid()


@pytest.mark.parametrize("prefix", ["full_time", "review"])
@pytest.mark.parametrize("graduated_on", ["2001-01-01", "2001-07-01", "2002-07-01"])
def test_chsi_code_required_for_domestic_education_from_2001(
    engineering_declaration, prefix, graduated_on
):
    """S3: "2001年以后取得国内大专及以上学历" — 以后 counts 2001 itself."""
    bad = education(
        engineering_declaration,
        **{f"{prefix}_graduated_on": graduated_on, f"{prefix}_chsi_code": ""},
    )
    assert not bad.is_valid()
    message = errors(bad, f"{prefix}_chsi_code")
    assert "2001年以后（含2001年）取得的国内大专及以上学历须填写学信网验证码" in message
    assert f"{graduated_on[:4]}年" in message
    given = education(
        engineering_declaration,
        **{f"{prefix}_graduated_on": graduated_on, f"{prefix}_chsi_code": "A1B2C3"},
    )
    assert given.is_valid(), given.errors


@pytest.mark.parametrize("prefix", ["full_time", "review"])
@pytest.mark.parametrize("graduated_on", ["2000-12-31", "1998-07-01"])
def test_chsi_code_not_required_before_2001(engineering_declaration, prefix, graduated_on):
    good = education(
        engineering_declaration,
        **{f"{prefix}_graduated_on": graduated_on, f"{prefix}_chsi_code": ""},
    )
    assert good.is_valid(), good.errors


def test_chsi_code_not_required_abroad_or_outside_chsi(engineering_declaration):
    abroad = education(engineering_declaration, review_origin="国（境）外", review_chsi_code="")
    assert abroad.is_valid(), abroad.errors
    party_school = education(
        engineering_declaration, review_education="党校大学", review_chsi_code=""
    )
    assert party_school.is_valid(), party_school.errors
    foreign_word = education(engineering_declaration, review_origin="国外")
    assert not foreign_word.is_valid()


def test_chsi_code_letters_and_digits(engineering_declaration):
    form = education(engineering_declaration, full_time_chsi_code=" a1b2 c3d4 ")
    assert form.is_valid(), form.errors
    assert form.to_data()["full_time_chsi_code"] == "A1B2C3D4"
    bad = education(engineering_declaration, full_time_chsi_code="A1B2-C3D4")
    assert not bad.is_valid()
    assert "只能包含字母和数字" in errors(bad, "full_time_chsi_code")


def test_graduation_date_not_in_the_future(engineering_declaration):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    bad = education(engineering_declaration, review_graduated_on=tomorrow)
    assert not bad.is_valid()
    assert "毕业时间不能晚于今天" in errors(bad, "review_graduated_on")


def test_same_as_full_time_copies_the_full_time_block(engineering_declaration):
    blank_review = dict.fromkeys(REVIEW, "")
    form = education(engineering_declaration, same_as_full_time="on", **blank_review)
    assert form.is_valid(), form.errors
    data = form.to_data()
    assert data["same_as_full_time"] is True
    for name in ("school", "major", "education", "degree", "graduated_on", "origin", "chsi_code"):
        assert data[f"review_{name}"] == data[f"full_time_{name}"]
    unticked = education(engineering_declaration, **blank_review)
    assert not unticked.is_valid()
    assert "review_school" in unticked.errors


def test_same_as_full_time_checks_the_rules_on_the_full_time_block(engineering_declaration):
    blank_review = dict.fromkeys(REVIEW, "")
    require_fields(engineering_declaration, "education", "review_degree")
    bad = education(
        engineering_declaration,
        same_as_full_time="on",
        full_time_degree="",
        full_time_chsi_code="",
        **blank_review,
    )
    assert not bad.is_valid()
    assert required("全日制-学位", choose=True) in errors(bad, "full_time_degree")
    assert "2001年以后（含2001年）" in errors(bad, "full_time_chsi_code")
    assert not bad.has_error("review_degree") and not bad.has_error("review_chsi_code")


# The section page


def section_url(declaration, code):
    return reverse("declarations:section", args=[declaration.pk, code])


def posted(code, values):
    return {f"{code}-{k}": v for k, v in values.items()}


def test_saving_declaration_info_sets_the_declaring_unit(login, engineering_declaration, unit):
    client = login(engineering_declaration.applicant)
    url = section_url(engineering_declaration, "declaration_info")
    response = client.post(
        url, posted("declaration_info", info(engineering_declaration, unit, specialty=""))
    )
    assert response.status_code == 302
    engineering_declaration.refresh_from_db()
    assert engineering_declaration.declaring_unit == unit
    saved = DeclarationSection.objects.get(code="declaration_info").data
    assert saved["declaring_unit"] == unit.pk and saved["professional_years"] == 10
    # The page shows the saved unit as the chosen option.
    page = client.get(url).content.decode()
    assert f'<option value="{unit.pk}" selected>潍坊华东机械制造有限公司' in page


def test_bad_declaration_info_shows_the_message_at_the_field_and_keeps_input(
    login, engineering_declaration, unit
):
    client = login(engineering_declaration.applicant)
    values = info(
        engineering_declaration,
        unit,
        method=method("exceptional"),
        is_work_unit="劳务派遣",
        work_unit="潍坊B公司",
        first_work_date="2015-07-01",
        professional_years="12",
    )
    response = client.post(
        section_url(engineering_declaration, "declaration_info"),
        posted("declaration_info", values),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_declaration_info-exception_kind"' in page
    assert "须选填破格情况" in page
    assert 'id="error_1_id_declaration_info-professional_years"' in page and "最多11年" in page
    assert 'value="潍坊B公司"' in page and 'value="2015-07-01"' in page and 'value="12"' in page
    assert f'<option value="{unit.pk}" selected>' in page
    assert not DeclarationSection.objects.exists()
    assert Declaration.objects.get().declaring_unit is None


def test_unauthorized_unit_cannot_be_chosen(login, engineering_declaration, unit, regions):
    other = factories.OrganizationFactory(
        name="潍坊未授权有限公司", region=regions["370702"], permission_status=PermissionStatus.NONE
    )
    client = login(engineering_declaration.applicant)
    response = client.post(
        section_url(engineering_declaration, "declaration_info"),
        posted("declaration_info", info(engineering_declaration, other)),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "所选单位不存在或尚未获得职称评审权限" in page
    assert "潍坊未授权有限公司" not in page
    assert Declaration.objects.get().declaring_unit is None
    assert not DeclarationSection.objects.exists()
    # Nor does the search offer it.
    options = client.get(reverse("institutions:unit_search"), {"q": "潍坊"}).content.decode()
    assert "潍坊华东机械制造有限公司" in options and "潍坊未授权有限公司" not in options


def test_declaring_unit_is_a_select_filled_by_htmx_search(login, engineering_declaration, unit):
    factories.OrganizationFactory(name="另一家有权限单位有限公司")
    client = login(engineering_declaration.applicant)
    page = client.get(section_url(engineering_declaration, "declaration_info")).content.decode()
    assert '<select name="declaration_info-declaring_unit"' in page
    assert 'hx-get="/org/units/search/"' in page
    assert 'hx-target="#id_declaration_info-declaring_unit"' in page
    assert 'hx-swap="innerHTML"' in page
    # Only the chosen unit is rendered; the rest come from the search.
    assert "另一家有权限单位有限公司" not in page and "潍坊华东机械制造有限公司" not in page
    form_html = page[page.index('<form method="post" novalidate id="section-form"') :]
    assert "<script" not in form_html[: form_html.index("</form>")]


def test_saving_education_through_the_page(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    url = section_url(engineering_declaration, "education")
    response = client.post(
        url,
        posted("education", {**FULL_TIME, "full_time_chsi_code": "", "same_as_full_time": "on"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_education-full_time_chsi_code"' in page
    assert 'value="山东大学"' in page
    response = client.post(url, posted("education", {**FULL_TIME, "same_as_full_time": "on"}))
    assert response.status_code == 302
    data = DeclarationSection.objects.get(code="education").data
    assert data["review_school"] == "山东大学" and data["same_as_full_time"] is True
