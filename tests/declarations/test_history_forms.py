"""现专业技术职称及职业资格, 现任（含兼任）行政职务 and 工作经历: each rule valid and invalid, and
one page-level check per section."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import DeclarationMethod, Level, ProfessionalQualification, Series
from declarations.forms import form_for_section
from declarations.models import DeclarationSection


def bound(code, declaration, data):
    plan_section = declaration.plan.sections.get(code=code)
    return form_for_section(code, declaration=declaration, plan_section=plan_section, data=data)


def rows(code, items):
    data = {f"{code}-TOTAL_FORMS": str(len(items)), f"{code}-INITIAL_FORMS": "0"}
    for i, item in enumerate(items):
        data.update({f"{code}-{i}-{k}": v for k, v in item.items()})
    return data


def choose_method(declaration, code):
    """What the 申报信息 form stores: the method's pk under "method"."""
    method = DeclarationMethod.objects.get(code=code)
    DeclarationSection.objects.update_or_create(
        declaration=declaration, code="declaration_info", defaults={"data": {"method": method.pk}}
    )


def require(declaration, code, *fields):
    plan_section = declaration.plan.sections.get(code=code)
    plan_section.required_fields = list(fields)
    plan_section.save()


def all_errors(formset):
    return str(formset.errors) + str(formset.non_form_errors())


def future(days=1):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def next_month():
    today = timezone.localdate()
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


# ---------------------------------------------------------------- titles


def title_row(**overrides):
    row = {
        "level": str(Level.objects.get(code="junior").pk),
        "series": str(Series.objects.get(code="engineering").pk),
        "title": "助理工程师",
        "obtained_on": "2019-09-20",
        "appointed_on": "2019-12-01",
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def no_title_row(word="无", **overrides):
    return {"title": word, **overrides}


def titles(declaration, *items):
    return bound("titles", declaration, rows("titles", list(items)))


def test_title_row_is_stored_with_appointment_years_to_the_plan_year_end(
    engineering_declaration,
):
    formset = titles(engineering_declaration, title_row())
    assert formset.is_valid(), all_errors(formset)
    (row,) = formset.to_data()["rows"]
    # 2019-12-01 to 2026-12-31 is 7 years 1 month.
    assert row["appointment_years"] == 7
    assert row["title"] == "助理工程师"
    assert row["obtained_on"] == "2019-09-20" and row["appointed_on"] == "2019-12-01"
    assert row["level"] == Level.objects.get(code="junior").pk
    assert row["qualification"] is None


def test_title_without_appointment_has_no_appointment_years(engineering_declaration):
    formset = titles(engineering_declaration, title_row(appointed_on=None))
    assert formset.is_valid(), all_errors(formset)
    assert formset.to_data()["rows"][0]["appointment_years"] is None


def test_appointment_years_are_not_taken_from_the_input(engineering_declaration):
    formset = titles(engineering_declaration, title_row(appointment_years="30"))
    assert formset.is_valid(), all_errors(formset)
    assert formset.to_data()["rows"][0]["appointment_years"] == 7


@pytest.mark.parametrize("missing", ["level", "series", "obtained_on"])
def test_a_title_needs_level_series_and_obtained_date(engineering_declaration, missing):
    formset = titles(engineering_declaration, title_row(**{missing: None}))
    assert not formset.is_valid()
    assert "有现专业技术职称的，此项必须填写" in str(formset.errors[0][missing])


def test_appointed_date_not_before_obtained_date(engineering_declaration):
    same_day = titles(engineering_declaration, title_row(appointed_on="2019-09-20"))
    assert same_day.is_valid(), all_errors(same_day)
    early = titles(engineering_declaration, title_row(appointed_on="2019-09-19"))
    assert not early.is_valid()
    assert "聘任时间（2019-09-19）不能早于获取资格时间（2019-09-20）" in str(
        early.errors[0]["appointed_on"]
    )


def test_title_dates_not_in_the_future(engineering_declaration):
    formset = titles(engineering_declaration, title_row(obtained_on=future(), appointed_on=None))
    assert not formset.is_valid()
    assert "不能晚于今天" in str(formset.errors[0]["obtained_on"])


def test_plan_may_require_the_appointed_date(culture_declaration):
    require(culture_declaration, "titles", "appointed_on")
    culture_title = title_row(
        series=str(Series.objects.get(code="mass_culture").pk), title="助理馆员"
    )
    assert titles(culture_declaration, culture_title).is_valid()
    missing = titles(culture_declaration, {**culture_title, "appointed_on": ""})
    assert not missing.is_valid()
    assert "本计划要求填写聘任时间" in str(missing.errors[0]["appointed_on"])
    # A row with no title never needs one.
    choose_method(culture_declaration, "high_level")
    assert titles(culture_declaration, no_title_row()).is_valid()


def test_appointed_date_optional_when_the_plan_does_not_require_it(engineering_declaration):
    assert titles(engineering_declaration, title_row(appointed_on="")).is_valid()


@pytest.mark.parametrize(("method", "word"), [("high_skill", "无"), ("high_level", "其他")])
def test_no_title_allowed_for_high_skill_and_high_level(engineering_declaration, method, word):
    choose_method(engineering_declaration, method)
    formset = titles(engineering_declaration, no_title_row(word))
    assert formset.is_valid(), all_errors(formset)
    row = formset.to_data()["rows"][0]
    assert row["title"] == word and row["level"] is None and row["appointment_years"] is None


def test_no_title_allowed_for_normal_promotion_refused_for_change_of_series(
    engineering_declaration,
):
    # S0 二.4(1), S1 三.10(1): anyone without a title declares with "无" under 正常晋升.
    choose_method(engineering_declaration, "normal")
    assert titles(engineering_declaration, no_title_row()).is_valid()
    # 改系列 builds on a current title.
    choose_method(engineering_declaration, "change_series")
    formset = titles(engineering_declaration, no_title_row())
    assert not formset.is_valid()
    message = str(formset.errors[0]["title"])
    assert "申报方式为“改系列”，须填写现专业技术职称" in message
    assert "“正常晋升”" in message
    assert "“高层次人才直评”" in message and "“高技能人才贯通”" in message


def test_no_title_before_declaration_info_is_saved_asks_to_fill_it(engineering_declaration):
    formset = titles(engineering_declaration, no_title_row())
    assert not formset.is_valid()
    assert "请先填写并保存“申报信息”" in str(formset.errors[0]["title"])


def test_no_title_with_a_professional_qualification_is_allowed_for_any_method(
    engineering_declaration,
):
    # (二) 4 上传材料 ②: 考试取得职业资格且没有职称证书的，选“其他”填“无”并选择职业资格.
    choose_method(engineering_declaration, "normal")
    qualification = ProfessionalQualification.objects.get(name="一级建造师")
    formset = titles(
        engineering_declaration,
        no_title_row(qualification=str(qualification.pk), qualification_on="2021-03-15"),
    )
    assert formset.is_valid(), all_errors(formset)
    row = formset.to_data()["rows"][0]
    assert row["qualification"] == qualification.pk
    assert row["qualification_on"] == "2021-03-15"


def test_qualification_and_its_date_go_together(engineering_declaration):
    qualification = str(ProfessionalQualification.objects.get(name="注册安全工程师").pk)
    both = titles(
        engineering_declaration,
        title_row(qualification=qualification, qualification_on="2022-05-01"),
    )
    assert both.is_valid(), all_errors(both)
    no_date = titles(engineering_declaration, title_row(qualification=qualification))
    assert not no_date.is_valid()
    assert "请填写职业资格获取时间" in str(no_date.errors[0]["qualification_on"])
    no_choice = titles(engineering_declaration, title_row(qualification_on="2022-05-01"))
    assert not no_choice.is_valid()
    assert "请选择对应的职业资格" in str(no_choice.errors[0]["qualification"])


def test_catalog_title_must_match_its_level(engineering_declaration):
    wrong = titles(engineering_declaration, title_row(title="工程师"))
    assert not wrong.is_valid()
    assert "“工程师”是工程技术系列中级职称" in str(wrong.errors[0]["level"])
    # A title not in the catalog (e.g. of another series before 改系列) is typed freely.
    archives = titles(
        engineering_declaration, title_row(title="助理馆员（档案）", series=None, level=None)
    )
    assert not archives.is_valid()  # level and series are still needed
    free = titles(engineering_declaration, title_row(title="档案助理馆员"))
    assert free.is_valid(), all_errors(free)


def test_several_titles_stored_current_first(engineering_declaration):
    library = str(Series.objects.get(code="library").pk)
    before = title_row(
        series=library, title="助理馆员", obtained_on="2014-09-01", appointed_on="2015-01-01"
    )
    formset = titles(engineering_declaration, before, title_row())
    assert formset.is_valid(), all_errors(formset)
    assert [r["title"] for r in formset.to_data()["rows"]] == ["助理工程师", "助理馆员"]
    # The earlier title was held from 2015-01-01 until the current appointment on 2019-12-01.
    assert [r["appointment_years"] for r in formset.to_data()["rows"]] == [7, 4]


def test_no_title_row_must_be_the_only_row(engineering_declaration):
    choose_method(engineering_declaration, "high_skill")
    formset = titles(engineering_declaration, no_title_row(), title_row())
    assert not formset.is_valid()
    assert "不能再填写其他职称记录" in str(formset.non_form_errors())


def test_title_field_offers_the_catalog_and_no_title_words(engineering_declaration):
    formset = titles(engineering_declaration)
    html = str(formset.empty_form["title"])
    assert "<datalist" in html and 'value="工程师"' in html and 'value="其他"' in html


# ---------------------------------------------------------------- admin_posts


def posts(declaration, *items):
    return bound("admin_posts", declaration, rows("admin_posts", list(items)))


def test_admin_post_with_start_date(engineering_declaration):
    formset = posts(engineering_declaration, {"post": "设备科科长", "started_on": "2021-03-01"})
    assert formset.is_valid(), all_errors(formset)
    assert formset.to_data()["rows"] == [
        {"post": "设备科科长", "started_on": "2021-03-01", "dual_role": False}
    ]


def test_no_admin_post_means_no_rows(engineering_declaration):
    empty = posts(engineering_declaration)
    assert empty.is_valid() and empty.to_data() == {"rows": []}
    formset = posts(engineering_declaration, {"post": "无", "started_on": "2021-03-01"})
    assert not formset.is_valid()
    assert "没有行政职务的不必添加记录" in str(formset.errors[0]["post"])


def test_admin_post_start_not_in_the_future(engineering_declaration):
    today = posts(
        engineering_declaration,
        {"post": "副主任", "started_on": timezone.localdate().isoformat()},
    )
    assert today.is_valid(), all_errors(today)
    formset = posts(engineering_declaration, {"post": "副主任", "started_on": future()})
    assert not formset.is_valid()
    assert "不能晚于今天" in str(formset.errors[0]["started_on"])


def test_admin_post_needs_a_start_date(engineering_declaration):
    formset = posts(engineering_declaration, {"post": "副主任", "started_on": ""})
    assert not formset.is_valid()
    assert "started_on" in formset.errors[0]


# ---------------------------------------------------------------- work_experience


def job(start, end="", place="潍坊华东机械制造有限公司/设备科/机械电气", **overrides):
    row = {
        "start": start,
        "end": end,
        "unit_dept_post": place,
        "professional_work": "设备维修与改造",
        "position": "助理工程师",
    }
    row.update(overrides)
    return row


def experience(declaration, *items):
    return bound("work_experience", declaration, rows("work_experience", list(items)))


def test_continuous_experience_is_stored_in_time_order(engineering_declaration):
    formset = experience(
        engineering_declaration,
        job("2018-07"),
        job("2012-07", "2015-06", position="无"),
        job("2015-07", "2018-06"),
    )
    assert formset.is_valid(), all_errors(formset)
    stored = formset.to_data()["rows"]
    assert [(r["start"], r["end"]) for r in stored] == [
        ("2012-07", "2015-06"),
        ("2015-07", "2018-06"),
        ("2018-07", None),
    ]
    assert stored[0]["position"] == "无" and stored[0]["summary"] == ""


def test_gap_between_rows_is_refused_naming_both_periods(engineering_declaration):
    formset = experience(engineering_declaration, job("2012-07", "2015-06"), job("2015-09"))
    assert not formset.is_valid()
    message = str(formset.non_form_errors())
    assert "“2012-07～2015-06”与“2015-09～至今”之间有间断（2015-07～2015-08）" in message
    one_month = experience(engineering_declaration, job("2012-07", "2015-06"), job("2015-08"))
    assert "之间有间断（2015-07）" in str(one_month.non_form_errors())


def test_overlap_between_rows_is_refused_naming_both_periods(engineering_declaration):
    formset = experience(engineering_declaration, job("2012-07", "2015-06"), job("2015-06"))
    assert not formset.is_valid()
    message = str(formset.non_form_errors())
    assert "“2012-07～2015-06”与“2015-06～至今”时间重叠，后一段应从2015-07开始" in message


def test_only_the_last_row_may_run_to_now(engineering_declaration):
    formset = experience(engineering_declaration, job("2012-07"), job("2015-07"))
    assert not formset.is_valid()
    assert "“2012-07～至今”不是最后一段经历" in str(formset.non_form_errors())
    closed = experience(engineering_declaration, job("2012-07", "2015-06"))
    assert closed.is_valid(), all_errors(closed)


def test_end_not_before_start(engineering_declaration):
    same = experience(engineering_declaration, job("2015-07", "2015-07"))
    assert same.is_valid(), all_errors(same)
    formset = experience(engineering_declaration, job("2015-07", "2015-06"))
    assert not formset.is_valid()
    assert "结束时间不能早于开始时间" in str(formset.errors[0]["end"])


def test_months_not_after_this_month(engineering_declaration):
    formset = experience(engineering_declaration, job(next_month()))
    assert not formset.is_valid()
    assert "不能晚于本月" in str(formset.errors[0]["start"])
    ended = experience(engineering_declaration, job("2015-07", next_month()))
    assert "仍在该岗位工作的请留空" in str(ended.errors[0]["end"])


def test_month_accepts_chinese_form_and_refuses_nonsense(engineering_declaration):
    formset = experience(engineering_declaration, job("2015年7月"))
    assert formset.is_valid(), all_errors(formset)
    assert formset.to_data()["rows"][0]["start"] == "2015-07"
    bad = experience(engineering_declaration, job("去年"))
    assert "请按“年-月”填写" in str(bad.errors[0]["start"])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("潍坊市华东机械有限公司/设备科/机械电气", "潍坊市华东机械有限公司/设备科/机械电气"),
        ("威海市群众艺术馆-舞蹈部-助理馆员", "威海市群众艺术馆-舞蹈部-助理馆员"),
        ("威海市群众艺术馆 - 舞蹈部 - 无", "威海市群众艺术馆-舞蹈部-无"),
        ("青岛某某-分公司／技术部／工艺岗", "青岛某某-分公司/技术部/工艺岗"),
    ],
)
def test_unit_department_post_in_three_parts(engineering_declaration, typed, stored):
    formset = experience(engineering_declaration, job("2015-07", place=typed))
    assert formset.is_valid(), all_errors(formset)
    assert formset.to_data()["rows"][0]["unit_dept_post"] == stored


@pytest.mark.parametrize(
    "typed", ["潍坊市华东机械有限公司", "潍坊市华东机械有限公司/设备科", "A公司//机械", "A/B/C/D"]
)
def test_unit_department_post_refused_without_three_parts(engineering_declaration, typed):
    formset = experience(engineering_declaration, job("2015-07", place=typed))
    assert not formset.is_valid()
    assert "XX单位/XX科室/XX岗位" in str(formset.errors[0]["unit_dept_post"])


def test_summary_optional_unless_the_plan_requires_it(culture_declaration):
    assert experience(culture_declaration, job("2015-07")).is_valid()
    require(culture_declaration, "work_experience", "summary")
    missing = experience(culture_declaration, job("2015-07"))
    assert not missing.is_valid()
    assert "summary" in missing.errors[0]
    given = experience(culture_declaration, job("2015-07", summary="负责群众舞蹈辅导"))
    assert given.is_valid(), all_errors(given)


def test_professional_work_and_position_are_required(engineering_declaration):
    formset = experience(engineering_declaration, job("2015-07", professional_work="", position=""))
    assert not formset.is_valid()
    assert {"professional_work", "position"} <= set(formset.errors[0])


# ---------------------------------------------------------------- pages


def section_url(declaration, code):
    return reverse("declarations:section", args=[declaration.pk, code])


def post_rows(client, declaration, code, items):
    return client.post(section_url(declaration, code), rows(code, items))


def test_titles_page_refuses_no_title_for_change_of_series(login, engineering_declaration):
    choose_method(engineering_declaration, "change_series")
    client = login(engineering_declaration.applicant)
    response = post_rows(
        client,
        engineering_declaration,
        "titles",
        [no_title_row(obtained_on="2020-01-02", appointed_on="2020-03-04")],
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "申报方式为“改系列”" in page
    assert 'value="2020-01-02"' in page and 'value="2020-03-04"' in page
    assert not DeclarationSection.objects.filter(code="titles").exists()
    response = post_rows(client, engineering_declaration, "titles", [title_row()])
    assert response.status_code == 302
    saved = DeclarationSection.objects.get(code="titles").data["rows"]
    assert saved[0]["appointment_years"] == 7
    page = client.get(section_url(engineering_declaration, "titles")).content.decode()
    assert 'value="2019-12-01"' in page and 'value="7"' in page


def test_admin_posts_page_refuses_a_future_start(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    response = post_rows(
        client,
        engineering_declaration,
        "admin_posts",
        [{"post": "设备科科长", "started_on": future(3)}],
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能晚于今天" in page and "设备科科长" in page and future(3) in page
    assert not DeclarationSection.objects.filter(code="admin_posts").exists()


def test_work_experience_page_refuses_a_gap_and_keeps_the_rows(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    response = post_rows(
        client,
        engineering_declaration,
        "work_experience",
        [job("2012-07", "2015-06", place="甲公司/设备科/机械电气"), job("2016-01")],
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "之间有间断（2015-07～2015-12）" in page
    assert "甲公司/设备科/机械电气" in page and 'value="2016-01"' in page
    assert not DeclarationSection.objects.filter(code="work_experience").exists()
    response = post_rows(
        client,
        engineering_declaration,
        "work_experience",
        [job("2016-01"), job("2012-07", "2015-12")],
    )
    assert response.status_code == 302
    saved = DeclarationSection.objects.get(code="work_experience").data["rows"]
    assert [r["start"] for r in saved] == ["2012-07", "2016-01"]
    page = client.get(section_url(engineering_declaration, "work_experience")).content.decode()
    assert 'value="2012-07"' in page and 'value="2015-12"' in page
