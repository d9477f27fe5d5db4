"""Administrators edit plans in the admin; bad configuration is refused with a message."""

from django.urls import reverse


def plan_post(plan, **overrides):
    data = {
        "year": plan.year,
        "series": plan.series_id,
        "level": plan.level_id,
        "region": plan.region_id,
        "committee": plan.committee_id,
        "opens_at_0": "2026-10-01",
        "opens_at_1": "00:00:00",
        "closes_at_0": "2027-01-31",
        "closes_at_1": "17:00:00",
        "methods": [m.pk for m in plan.methods.all()],
        "achievement_categories": '["paper", "patent"]',
        "achievements_limit": 15,
        "statement_max_chars": 1200,
        "societies_max_chars": 50,
        "assessment_years": 5,
        "vague_words": "",
        "ce_hours_required": 90,
        "ce_years": 5,
        "sections-TOTAL_FORMS": 0,
        "sections-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_admin_saves_a_valid_plan_and_refuses_a_bad_window(login, administrator, engineering_plan):
    client = login(administrator)
    url = reverse("admin:declarations_plan_change", args=[engineering_plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, plan_post(engineering_plan, achievements_limit=12))
    assert response.status_code == 302
    engineering_plan.refresh_from_db()
    assert engineering_plan.achievements_limit == 12
    assert engineering_plan.achievement_categories == ["paper", "patent"]

    response = client.post(url, plan_post(engineering_plan, closes_at_0="2026-09-01"))
    assert response.status_code == 200
    assert "截止时间必须晚于开始时间" in response.content.decode()
    engineering_plan.refresh_from_db()
    assert engineering_plan.closes_at.year == 2027


def test_admin_refuses_unknown_achievement_category(login, administrator, engineering_plan):
    client = login(administrator)
    url = reverse("admin:declarations_plan_change", args=[engineering_plan.pk])
    response = client.post(url, plan_post(engineering_plan, achievement_categories='["poem"]'))
    assert response.status_code == 200
    assert "未知的成果类别" in response.content.decode()


def test_non_administrators_cannot_open_the_plan_admin(
    login, committed_applicant, engineering_plan
):
    client = login(committed_applicant)
    url = reverse("admin:declarations_plan_change", args=[engineering_plan.pk])
    assert client.get(url).status_code == 302
