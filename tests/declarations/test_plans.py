"""Plan configuration: the administrator's checks, and the two seeded plans that differ."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from declarations.models import AchievementCategory, PlanSection


def test_seeded_plans_differ_as_the_seeds_say(plans):
    engineering, culture = plans
    assert AchievementCategory.PATENT in engineering.achievement_categories
    assert AchievementCategory.PATENT not in culture.achievement_categories
    assert not engineering.ranking_required and culture.ranking_required
    assert engineering.vague_word_list == []
    assert {"熟练", "良好"} <= set(culture.vague_word_list)
    assert engineering.methods.filter(code="high_skill").exists()
    assert not culture.methods.filter(code="high_skill").exists()
    assert engineering.achievements_limit == culture.achievements_limit == 15
    assert engineering.statement_max_chars == 1200
    assert engineering.societies_max_chars == 50
    assert engineering.assessment_years == 5
    slots = {s.code for s in culture.sections.get(code="other").slots.all()}
    assert "work_summary" in slots
    photo = engineering.sections.get(code="basic_info").slots.get(code="photo")
    assert photo.required and photo.is_photo and not photo.multiple


def test_seeded_plans_pass_their_own_validation(plans):
    for plan in plans:
        plan.full_clean()
        for section in plan.sections.all():
            section.full_clean()


def test_plan_must_close_after_it_opens(engineering_plan):
    engineering_plan.closes_at = engineering_plan.opens_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        engineering_plan.full_clean()
    assert "截止时间必须晚于开始时间" in str(error.value)


def test_plan_committee_must_match_series_and_level(plans, culture_committee):
    engineering, _culture = plans
    engineering.committee = culture_committee
    with pytest.raises(ValidationError) as error:
        engineering.full_clean()
    assert "评审委员会的系列和级别必须与计划一致" in str(error.value)


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        ([], "请至少选择一个成果类别"),
        (["poem"], "未知的成果类别"),
        (["paper", "paper"], "成果类别不能重复"),
    ],
)
def test_achievement_categories_are_checked(engineering_plan, categories, message):
    engineering_plan.achievement_categories = categories
    with pytest.raises(ValidationError) as error:
        engineering_plan.full_clean()
    assert message in str(error.value)


def test_achievement_limit_range(engineering_plan):
    engineering_plan.achievements_limit = 0
    with pytest.raises(ValidationError) as error:
        engineering_plan.full_clean()
    assert "代表性成果上限" in str(error.value)


def test_required_fields_must_be_optional_fields_of_the_section(engineering_plan):
    section = engineering_plan.sections.get(code="work_experience")
    section.required_fields = ["summary"]
    section.full_clean()
    section.required_fields = ["no_such_field"]
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "no_such_field" in str(error.value)


def test_unknown_section_code_refused(engineering_plan):
    with pytest.raises(ValidationError):
        PlanSection(plan=engineering_plan, code="horoscope").full_clean()


def test_one_plan_per_year_series_level_region(engineering_plan):
    with pytest.raises(IntegrityError):
        engineering_plan.pk = None
        engineering_plan.save()
