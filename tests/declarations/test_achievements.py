"""代表性成果: each seed rule (category fields, rank N/M, limit 15, by date) valid and invalid."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.forms import form_for_section
from declarations.models import DeclarationSection

CODE = "achievements"


def bound(declaration, items, plan_section=None):
    plan_section = plan_section or declaration.plan.sections.get(code=CODE)
    return form_for_section(
        CODE, declaration=declaration, plan_section=plan_section, data=rows(items)
    )


def rows(items):
    data = {f"{CODE}-TOTAL_FORMS": str(len(items)), f"{CODE}-INITIAL_FORMS": "0"}
    for i, item in enumerate(items):
        data.update({f"{CODE}-{i}-{k}": v for k, v in item.items()})
    return data


def paper(**overrides):
    return {
        "category": "paper",
        "name": "论文：基于机械臂作业中吊装技术的应用探析",
        "date": "2024-05-01",
        "rank": "1/1",
        "publisher": "《机械工程学报》",
        "reprinted_in": "无",
        **overrides,
    }


def patent(**overrides):
    return {
        "category": "patent",
        "name": "一种数控机床用自动送料装置",
        "date": "2023-03-15",
        "rank": "2/3",
        "patent_type": "实用新型专利",
        "authority": "国家知识产权局",
        **overrides,
    }


def award(**overrides):
    return {
        "category": "award",
        "name": "《智能产线改造》获潍坊市科学技术进步奖二等奖",
        "date": "2025-01-10",
        "rank": "3/5",
        "level": "市厅级",
        "authority": "潍坊市人民政府",
        **overrides,
    }


def errors_of(formset, index=0):
    return {field: " ".join(messages) for field, messages in formset.errors[index].items()}


def test_a_valid_row_of_each_category_is_stored(engineering_declaration):
    items = [
        paper(),
        patent(),
        award(),
        award(category="project", name="课题：高精度齿轮加工工艺研究", level="省部级"),
        {"category": "other", "name": "其他：市级技术能手", "date": "2022-09-01", "rank": "1/1"},
    ]
    formset = bound(engineering_declaration, items)
    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    stored = {row["category"]: row for row in formset.to_data()["rows"]}
    assert set(stored) == {"paper", "patent", "award", "project", "other"}
    assert stored["patent"]["patent_type"] == "实用新型专利"
    assert stored["paper"]["date"] == "2024-05-01"
    assert stored["other"]["authority"] == ""


def test_category_must_be_one_the_plan_offers(culture_declaration, engineering_declaration):
    # 专利 exists for engineering only (culture offers 论文/著作、课题、获奖、其他).
    assert bound(engineering_declaration, [patent()]).is_valid()
    culture = bound(culture_declaration, [patent()])
    assert not culture.is_valid()
    assert "category" in errors_of(culture)
    choices = [c for c, _ in culture.forms[0].fields["category"].choices if c]
    assert choices == ["paper", "project", "award", "other"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1/1", "1/1"), ("2/3", "2/3"), ("2／3", "2/3"), (" 3 / 3 ", "3/3")],
)
def test_rank_accepts_n_of_m(engineering_declaration, typed, stored):
    formset = bound(engineering_declaration, [paper(rank=typed)])
    assert formset.is_valid(), formset.errors
    assert formset.to_data()["rows"][0]["rank"] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4/3", "不能大于合作人数"),
        ("0/3", "从1开始"),
        ("1/0", "从1开始"),
        ("2-3", "例如“2/3”"),
        ("第一", "例如“2/3”"),
        ("1", "独立完成的填写“1/1”"),
    ],
)
def test_rank_refuses_anything_else(engineering_declaration, typed, message):
    formset = bound(engineering_declaration, [paper(rank=typed)])
    assert not formset.is_valid()
    assert message in errors_of(formset)["rank"]


def test_name_and_date_are_required_and_date_not_in_the_future(engineering_declaration):
    missing = bound(engineering_declaration, [paper(name="", date="")])
    assert not missing.is_valid()
    assert {"name", "date"} <= set(errors_of(missing))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = bound(engineering_declaration, [paper(date=tomorrow)])
    assert not future.is_valid()
    assert "不能晚于今天" in errors_of(future)["date"]
    today = bound(engineering_declaration, [paper(date=timezone.localdate().isoformat())])
    assert today.is_valid(), today.errors


def test_paper_needs_publisher_and_reprinted_in(engineering_declaration):
    formset = bound(engineering_declaration, [paper(publisher="", reprinted_in="")])
    assert not formset.is_valid()
    errors = errors_of(formset)
    assert "类别为“论文/著作”时必须填写“报刊或出版社”" in errors["publisher"]
    assert "转摘刊物" in errors["reprinted_in"]
    reprinted = bound(engineering_declaration, [paper(reprinted_in="《新华文摘》")])
    assert reprinted.is_valid(), reprinted.errors


@pytest.mark.parametrize(
    "url", ["", "https://kns.cnki.net/kcms/detail/11.2187.TH.20240501.html", "http://wanfang.cn/a"]
)
def test_verify_url_is_optional_and_http(engineering_declaration, url):
    formset = bound(engineering_declaration, [paper(verify_url=url)])
    assert formset.is_valid(), formset.errors
    assert formset.to_data()["rows"][0]["verify_url"] == url


@pytest.mark.parametrize("url", ["ftp://cnki.net/a", "www.cnki.net/a", "javascript:alert(1)"])
def test_verify_url_refuses_other_schemes(engineering_declaration, url):
    formset = bound(engineering_declaration, [paper(verify_url=url)])
    assert not formset.is_valid()
    assert "http:// 或 https://" in errors_of(formset)["verify_url"]


def test_plan_can_require_verify_url_for_papers_only(engineering_declaration):
    plan_section = engineering_declaration.plan.sections.get(code=CODE)
    plan_section.required_fields = ["verify_url"]
    plan_section.save()
    without = bound(engineering_declaration, [paper()], plan_section)
    assert not without.is_valid()
    assert "验证网址" in errors_of(without)["verify_url"]
    assert bound(
        engineering_declaration, [paper(verify_url="https://kns.cnki.net/a")], plan_section
    ).is_valid()
    assert bound(engineering_declaration, [patent()], plan_section).is_valid()


def test_patent_needs_type_and_authority(engineering_declaration):
    missing = bound(engineering_declaration, [patent(patent_type="", authority="")])
    assert not missing.is_valid()
    errors = errors_of(missing)
    assert "专利类别" in errors["patent_type"] and "批准机关" in errors["authority"]
    design = bound(engineering_declaration, [patent(patent_type="外观设计专利")])
    assert not design.is_valid()
    assert "patent_type" in errors_of(design)
    invention = bound(engineering_declaration, [patent(patent_type="发明专利")])
    assert invention.is_valid(), invention.errors


@pytest.mark.parametrize("category", ["project", "award"])
def test_project_and_award_need_level_and_authority(engineering_declaration, category):
    missing = bound(engineering_declaration, [award(category=category, level="", authority="")])
    assert not missing.is_valid()
    errors = errors_of(missing)
    assert "等级" in errors["level"] and "批准机关" in errors["authority"]
    unknown = bound(engineering_declaration, [award(category=category, level="特级")])
    assert not unknown.is_valid()
    assert "level" in errors_of(unknown)
    none = bound(engineering_declaration, [award(category=category, level="无")])
    assert none.is_valid(), none.errors


def test_other_authority_is_optional(engineering_declaration):
    base = {"category": "other", "name": "其他：技术能手", "date": "2022-09-01", "rank": "1/1"}
    assert bound(engineering_declaration, [base]).is_valid()
    with_authority = bound(engineering_declaration, [{**base, "authority": "潍坊市总工会"}])
    assert with_authority.is_valid()
    assert with_authority.to_data()["rows"][0]["authority"] == "潍坊市总工会"


def test_fields_of_another_category_are_dropped(engineering_declaration):
    leftover = patent(publisher="《机械工程学报》", reprinted_in="无", level="国家级")
    leftover["verify_url"] = "ftp://not-checked-for-patents"
    leftover["level"] = "not-a-choice"
    formset = bound(engineering_declaration, [leftover])
    assert formset.is_valid(), formset.errors
    row = formset.to_data()["rows"][0]
    assert row["publisher"] == row["reprinted_in"] == row["level"] == row["verify_url"] == ""
    assert row["authority"] == "国家知识产权局"


def test_at_most_the_plan_limit_of_rows(engineering_declaration):
    assert engineering_declaration.plan.achievements_limit == 15
    items = [paper(name=f"论文：第{i}篇", date=f"2024-01-{i + 1:02d}") for i in range(16)]
    assert bound(engineering_declaration, items[:15]).is_valid()
    too_many = bound(engineering_declaration, items)
    assert not too_many.is_valid()
    assert "代表性成果限填15条，当前16条" in " ".join(too_many.non_form_errors())


def test_deleted_rows_do_not_count_towards_the_limit(engineering_declaration):
    items = [paper(name=f"论文：第{i}篇", date=f"2024-01-{i + 1:02d}") for i in range(16)]
    items[3]["DELETE"] = "on"
    formset = bound(engineering_declaration, items)
    assert formset.is_valid(), formset.non_form_errors()
    assert len(formset.to_data()["rows"]) == 15


def test_the_same_achievement_only_once(engineering_declaration):
    formset = bound(
        engineering_declaration,
        [award(), patent(), award(level="省部级", authority="山东省人民政府")],
    )
    assert not formset.is_valid()
    assert "第3条与第1条是同一成果" in " ".join(formset.non_form_errors())


def test_rows_are_stored_by_date(engineering_declaration):
    items = [
        award(),  # 2025-01-10
        paper(),  # 2024-05-01
        patent(),  # 2023-03-15
    ]
    formset = bound(engineering_declaration, items)
    assert formset.is_valid(), formset.errors
    assert [r["date"] for r in formset.to_data()["rows"]] == [
        "2023-03-15",
        "2024-05-01",
        "2025-01-10",
    ]


def test_section_page_saves_sorted_rows_and_shows_errors_at_the_field(
    login, engineering_declaration
):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, CODE])
    response = client.post(url, rows([paper(publisher="")]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "类别为“论文/著作”时必须填写“报刊或出版社”" in page
    assert not DeclarationSection.objects.exists()
    response = client.post(url, rows([award(), paper()]))
    assert response.status_code == 302
    stored = DeclarationSection.objects.get(code=CODE).data["rows"]
    assert [r["category"] for r in stored] == ["paper", "award"]
    # Saved rows come back as the page's initial rows and survive an unchanged re-save.
    page = client.get(url).content.decode()
    assert f'name="{CODE}-INITIAL_FORMS" value="2"' in page
    assert "《机械工程学报》" in page
