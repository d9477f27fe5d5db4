"""Professional posts refuse administrative ones (S1 三.12 考核情况 "不得填写行政职务", 三.15(1)
工作经历 "此处不得体现行政职务"); 所任职务 may add one after the professional post (三.15(3))."""

import pytest
from django.urls import reverse

from declarations.forms.posts import administrative_post_in
from demo.fill import bound, rows_data

pytestmark = pytest.mark.django_db


def assessment(post):
    return {"year": "2025", "post": post, "grade": "合格", "assessor": "潍坊华东机械"}


def job(unit_dept_post="潍坊华东机械制造有限公司/设备科/机械电气", position="助理工程师"):
    return {
        "start": "2015-07",
        "end": "",
        "unit_dept_post": unit_dept_post,
        "professional_work": "设备维护",
        "position": position,
    }


def assessments(declaration, post):
    return bound(declaration, "assessments", rows_data("assessments", [assessment(post)]))


def experience(declaration, **values):
    return bound(declaration, "work_experience", rows_data("work_experience", [job(**values)]))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("局长", "局长"),
        ("副处长", "处长"),
        ("设备科科长", "科长"),
        ("办公室主任", "主任"),
        ("党支部书记", "书记"),
        ("副院长", "院长"),
        ("工程师", None),
        ("主任医师", None),
        ("副主任护师", None),
        ("班主任", None),
        ("书记员", None),
        ("无", None),
    ],
)
def test_the_list_of_administrative_posts(text, word):
    assert administrative_post_in(text) == word


@pytest.mark.parametrize("post", ["工程师", "专业技术岗位", "助理馆员", "无"])
def test_assessment_post_takes_a_professional_post(engineering_declaration, post):
    formset = assessments(engineering_declaration, post)
    assert formset.is_valid(), formset.errors


@pytest.mark.parametrize(("post", "word"), [("科长", "科长"), ("办公室副主任", "主任")])
def test_assessment_post_refuses_an_administrative_post(engineering_declaration, post, word):
    formset = assessments(engineering_declaration, post)
    assert not formset.is_valid()
    message = str(formset.errors[0]["post"])
    assert f"不得填写行政职务（“{word}”）" in message
    assert "请在“现任（含兼任）行政职务”中填写" in message


def test_work_experience_post_refuses_an_administrative_post(engineering_declaration):
    assert experience(engineering_declaration).is_valid()
    bad = experience(engineering_declaration, unit_dept_post="潍坊华东机械制造有限公司/设备科/科长")
    assert not bad.is_valid()
    assert "“岗位”须填写专业技术职称或专业技术岗位，不得填写行政职务（“科长”）" in str(
        bad.errors[0]["unit_dept_post"]
    )
    # A department named after a post is not a post.
    office = experience(engineering_declaration, unit_dept_post="某医院/院长办公室/统计员")
    assert office.is_valid(), office.errors


def test_position_puts_the_professional_post_first(engineering_declaration):
    for position in ("助理工程师", "工程师（科长）", "无"):
        form = experience(engineering_declaration, position=position)
        assert form.is_valid(), (position, form.errors)
    for position in ("科长", "副局长（工程师）"):
        bad = experience(engineering_declaration, position=position)
        assert not bad.is_valid(), position
        assert "须先填写专业技术职务" in str(bad.errors[0]["position"])


def test_assessment_page_shows_the_refusal_at_the_field(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, "assessments"])
    response = client.post(url, rows_data("assessments", [assessment("车间主任")]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "不得填写行政职务（“主任”）" in html
    assert 'value="车间主任"' in html
    assert not engineering_declaration.section_data.filter(code="assessments").exists()
