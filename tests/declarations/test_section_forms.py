"""Each seed rule of the sections built so far, with a valid and an invalid case."""

import pytest

from declarations.forms import form_for_section


def bound(code, declaration, data):
    plan_section = declaration.plan.sections.get(code=code)
    return form_for_section(code, declaration=declaration, plan_section=plan_section, data=data)


def prefixed(code, values):
    return {f"{code}-{k}": v for k, v in values.items()}


def rows(code, items):
    data = {f"{code}-TOTAL_FORMS": str(len(items)), f"{code}-INITIAL_FORMS": "0"}
    for i, item in enumerate(items):
        data.update({f"{code}-{i}-{k}": v for k, v in item.items()})
    return data


def test_basic_info_phone_is_checked(engineering_declaration):
    good = bound(
        "basic_info", engineering_declaration, prefixed("basic_info", {"phone": "13912345678"})
    )
    assert good.is_valid(), good.errors
    assert good.to_data()["phone"] == "13912345678"
    bad = bound("basic_info", engineering_declaration, prefixed("basic_info", {"phone": "12345"}))
    assert not bad.is_valid()
    assert "11位" in str(bad.errors["phone"])


def test_performance_statement_limit_is_1200_characters(engineering_declaration):
    ok = bound(
        "performance", engineering_declaration, prefixed("performance", {"text": "完" * 1200})
    )
    assert ok.is_valid(), ok.errors
    too_long = bound(
        "performance", engineering_declaration, prefixed("performance", {"text": "完" * 1201})
    )
    assert not too_long.is_valid()
    assert "1200" in str(too_long.errors["text"]) and "1201" in str(too_long.errors["text"])


def test_performance_statement_must_not_contain_the_name(engineering_declaration):
    name = engineering_declaration.applicant.name
    bad = bound(
        "performance",
        engineering_declaration,
        prefixed("performance", {"text": f"{name}同志负责设备改造项目"}),
    )
    assert not bad.is_valid()
    assert "不得体现个人姓名" in str(bad.errors["text"])


def test_societies_limit_is_50_characters(engineering_declaration):
    assert bound(
        "societies", engineering_declaration, prefixed("societies", {"text": "无"})
    ).is_valid()
    bad = bound("societies", engineering_declaration, prefixed("societies", {"text": "会" * 51}))
    assert not bad.is_valid()
    assert "50" in str(bad.errors["text"])


def test_vague_words_refused_only_where_the_plan_says(culture_declaration, engineering_declaration):
    vague = prefixed(
        "language_computer", {"foreign_language": "英语熟练", "computer_level": "良好"}
    )
    culture = bound("language_computer", culture_declaration, vague)
    assert not culture.is_valid()
    assert "熟练" in str(culture.errors["foreign_language"])
    assert "良好" in str(culture.errors["computer_level"])
    assert bound("language_computer", engineering_declaration, vague).is_valid()
    precise = prefixed(
        "language_computer", {"foreign_language": "大学英语四级证书", "computer_level": "无"}
    )
    assert bound("language_computer", culture_declaration, precise).is_valid()


def assessment(year, grade="合格"):
    return {"year": str(year), "post": "工程师", "grade": grade, "assessor": "潍坊华东机械"}


def test_assessments_within_the_last_five_years(engineering_declaration):
    year = engineering_declaration.plan.year
    ok = bound(
        "assessments",
        engineering_declaration,
        rows("assessments", [assessment(y) for y in range(year - 5, year)]),
    )
    assert ok.is_valid(), (ok.errors, ok.non_form_errors())
    assert [r["year"] for r in ok.to_data()["rows"]] == list(range(year - 5, year))
    old = bound("assessments", engineering_declaration, rows("assessments", [assessment(year - 6)]))
    assert not old.is_valid()
    assert "近5个年度" in str(old.errors[0]["year"])


def test_assessment_years_must_be_distinct(engineering_declaration):
    year = engineering_declaration.plan.year - 1
    formset = bound(
        "assessments",
        engineering_declaration,
        rows("assessments", [assessment(year), assessment(year, "优秀")]),
    )
    assert not formset.is_valid()
    assert "同一年度只能填写一次" in str(formset.non_form_errors())


@pytest.mark.parametrize("count", [6])
def test_at_most_five_assessment_rows(engineering_declaration, count):
    year = engineering_declaration.plan.year
    formset = bound(
        "assessments",
        engineering_declaration,
        rows("assessments", [assessment(year - 1 - i) for i in range(count)]),
    )
    assert not formset.is_valid()
