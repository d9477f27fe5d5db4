"""What a new applicant saw on the section pages, rendered and checked: the review-basis block
hidden while "同全日制学历" is ticked, achievement rows showing only their category's fields,
已修改 once a returned section was saved, one empty choice ("请选择"), required messages that
name the field, the plan's year as plain text, and continuing education explained.
(The scripts themselves run in tests/browser/test_section_forms_in_browser.py.)"""

import re
from decimal import Decimal

import pytest
from django.db.models import fields as model_fields
from django.forms import ModelChoiceField
from django.urls import reverse

from declarations.forms.base import SharedModelChoiceField
from declarations.models import ContinuingEducationRecord
from declarations.services import submit_declaration
from demo.fill import rows_data
from tests.declarations.builders import fill_valid

pytestmark = pytest.mark.django_db

SECTIONS = (
    "basic_info",
    "declaration_info",
    "education",
    "titles",
    "admin_posts",
    "assessments",
    "language_computer",
    "work_experience",
    "achievements",
    "performance",
    "societies",
    "other",
)


def section_url(declaration, code):
    return reverse("declarations:section", args=[declaration.pk, code])


def page(client, declaration, code):
    response = client.get(section_url(declaration, code))
    assert response.status_code == 200
    return response.content.decode()


def tag(html, name):
    """The opening tag of the element named `name`."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match is not None, name
    return match.group(0)


# ---------------------------------------------------------------- 同全日制学历


def test_review_block_is_marked_to_hide_with_the_same_as_box(login, engineering_declaration):
    html = page(login(engineering_declaration.applicant), engineering_declaration, "education")
    assert "js/section_form.js" in html
    assert 'data-hides="review"' in tag(html, "education-same_as_full_time")
    for name in ("school", "major", "education", "graduated_on", "origin", "chsi_code"):
        assert 'data-hidden-by="education-same_as_full_time"' in tag(
            html, f"education-review_{name}"
        )
    # The full-time block stays.
    assert "data-hidden-by" not in tag(html, "education-full_time_school")


def test_ticked_same_as_box_needs_no_review_block(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    data = {
        "education-full_time_school": "山东理工大学",
        "education-full_time_major": "机械工程",
        "education-full_time_education": "大学本科",
        "education-full_time_graduated_on": "2008-06-30",
        "education-full_time_origin": "国内",
        "education-full_time_chsi_code": "A1B2C3",
    }
    missing = client.post(section_url(engineering_declaration, "education"), data)
    assert missing.status_code == 200
    assert "请填写“评审依据-毕业院校”。" in missing.content.decode()
    saved = client.post(
        section_url(engineering_declaration, "education"),
        {**data, "education-same_as_full_time": "on"},
    )
    assert saved.status_code == 302
    stored = engineering_declaration.section_data.get(code="education").data
    assert stored["review_school"] == "山东理工大学"


# ---------------------------------------------------------------- achievement categories


def test_achievement_fields_carry_their_categories(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    response = client.post(
        section_url(engineering_declaration, "achievements"),
        {**rows_data("achievements", [{}]), "add_row": "1"},
    )
    html = response.content.decode()
    assert "data-category-select" in tag(html, "achievements-0-category")
    expected = {
        "publisher": ("paper", "paper"),
        "reprinted_in": ("paper", "paper"),
        "verify_url": ("paper", None),
        "patent_type": ("patent", "patent"),
        "level": ("project award", "project award"),
        "authority": ("patent project award other", "patent project award"),
    }
    for name, (categories, required_for) in expected.items():
        element = tag(html, f"achievements-0-{name}")
        assert f'data-categories="{categories}"' in element, name
        if required_for:
            assert f'data-required-for="{required_for}"' in element, name
        else:
            assert "data-required-for" not in element, name
    assert (
        "js/section_form.js"
        in client.get(section_url(engineering_declaration, "achievements")).content.decode()
    )


def test_a_typed_value_of_another_category_is_kept_on_the_page(login, engineering_declaration):
    """The script hides fields, it does not clear them: a row that fails keeps every value."""
    client = login(engineering_declaration.applicant)
    row = {"category": "award", "name": "获奖：某奖", "date": "2023-01-01", "rank": "1/1"}
    response = client.post(
        section_url(engineering_declaration, "achievements"),
        rows_data("achievements", [{**row, "publisher": "《机械工程学报》"}]),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "类别为“获奖”时必须填写“等级”" in html
    assert 'value="《机械工程学报》"' in tag(html, "achievements-0-publisher")


# ---------------------------------------------------------------- 需修改 → 已修改


def test_returned_section_shows_fixed_once_saved_after_the_return(
    login, engineering_declaration, unit, unit_reviewer
):
    from review import services as review_services

    fill_valid(engineering_declaration, unit)
    submit_declaration(actor=engineering_declaration.applicant, declaration=engineering_declaration)
    for code in ("education", "societies"):
        review_services.record_section_result(
            actor=unit_reviewer,
            declaration=engineering_declaration,
            code=code,
            passed=False,
            reason="请核对",
        )
    review_services.return_declaration(
        actor=unit_reviewer, declaration=engineering_declaration, reason="请修改"
    )
    client = login(engineering_declaration.applicant)
    overview_url = reverse("declarations:overview", args=[engineering_declaration.pk])
    html = client.get(overview_url).content.decode()
    assert html.count('data-testid="to-fix"') == 2 and 'data-testid="fixed"' not in html
    response = client.post(
        section_url(engineering_declaration, "societies"), {"societies-text": "中国机械工程学会"}
    )
    assert response.status_code == 302
    html = client.get(overview_url).content.decode()
    assert html.count('data-testid="to-fix"') == 1
    assert html.count('data-testid="fixed"') == 1
    line = html[html.index("学术团体及社会兼职</span>") :][:400]
    assert "已修改" in line and "需修改" not in line
    assert 'data-testid="return-fixed"' in page(client, engineering_declaration, "societies")
    assert 'data-testid="return-fixed"' not in page(client, engineering_declaration, "education")


# ---------------------------------------------------------------- one empty choice


def test_every_select_of_every_section_offers_the_same_empty_choice(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    for code in SECTIONS:
        post = {"add_row": "1", **rows_data(code, [{}])} if code in ROW_CODES else None
        response = (
            client.post(section_url(engineering_declaration, code), post)
            if post
            else client.get(section_url(engineering_declaration, code))
        )
        html = response.content.decode()
        assert "---------" not in html, code
        assert "- 请选择 -" not in html, code
        for select in re.findall(r"<select[^>]*>.*?</select>", html, re.S):
            empty = re.search(r'<option value=""[^>]*>([^<]*)</option>', select)
            if empty is None:
                continue
            # An empty choice that only asks for a choice says "请选择"; one that means
            # something ("无", or the unit search's hint) says that.
            label = empty.group(1).strip()
            if re.fullmatch(r"[-\s]*(请选择)?[-\s]*", label):
                assert label == "请选择", (code, select[:200])


ROW_CODES = {"titles", "admin_posts", "assessments", "work_experience", "achievements"}


def test_the_project_empty_label_is_django_s_default():
    assert str(model_fields.BLANK_CHOICE_LABEL) == "请选择"
    from catalog.models import Level

    assert str(ModelChoiceField(Level.objects.all()).empty_label) == "请选择"
    assert str(SharedModelChoiceField(Level.objects.all()).empty_label) == "请选择"


# ---------------------------------------------------------------- required messages


def test_required_messages_name_the_field(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    html = client.post(section_url(engineering_declaration, "declaration_info"), {}).content
    html = html.decode()
    assert "这个字段是必须的" not in html
    assert "请选择“申报方式”。" in html
    assert "请选择“是否是工作单位”。" in html
    assert "请填写“参加工作时间”。" in html
    assert "请填写“专业工作年限”。" in html
    rows = client.post(
        section_url(engineering_declaration, "assessments"),
        rows_data("assessments", [{"year": "2025"}]),
    ).content.decode()
    assert "请填写“受聘专业技术职务（岗位）”。" in rows and "请选择“考核等次”。" in rows
    assert "这个字段是必须的" not in rows


def test_the_import_form_names_its_missing_file(login, administrator):
    # What a browser posts when no file was chosen: the form without a file.
    response = login(administrator).post(reverse("declarations:ce_import"), {"file": ""})
    html = response.content.decode()
    assert "请选择要上传的“继续教育学时文件（CSV）”。" in html
    assert "这个字段是必须的" not in html


# ---------------------------------------------------------------- 年度 as plain text


def test_year_is_plain_read_only_text(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    html = page(client, engineering_declaration, "declaration_info")
    # Posted with the form in a hidden input, shown as text: no input box that looks editable.
    assert 'type="hidden"' in tag(html, "declaration_info-year")
    assert 'value="2026"' in tag(html, "declaration_info-year")
    shown = re.search(r"<output[^>]*id=\"id_declaration_info-year\"[^>]*>([^<]*)</output>", html)
    assert shown is not None and shown.group(1) == "2026"
    assert "form-control-plaintext" in shown.group(0)
    assert 'for="id_declaration_info-year"' in html
    for name in ("level", "series"):
        assert re.search(rf'<output[^>]*id="id_declaration_info-{name}"', html), name
    assert not re.search(r'<input type="(text|number)"[^>]*name="declaration_info-year"', html)


# ---------------------------------------------------------------- continuing education


def test_continuing_education_explains_years_without_records(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:continuing_education", args=[engineering_declaration.pk])
    html = client.get(url).content.decode()
    assert "本计划要求每年完成继续教育 90 学时" in html
    assert 'data-testid="ce-none"' in html and "学时由管理员" in html
    assert html.count('data-testid="ce-unrecorded"') == 5
    assert "该年度尚无学时记录（需 90 学时）" in html
    assert "未达到（需 90 学时）" not in html
    # A year with some hours, but too few, is 未达到; one with none still says why.
    ContinuingEducationRecord.objects.create(
        id_number=engineering_declaration.applicant.id_number,
        year=2025,
        kind="public",
        hours=Decimal("30"),
    )
    html = client.get(url).content.decode()
    assert 'data-testid="ce-none"' not in html
    assert "未达到（需 90 学时）" in html
    assert html.count('data-testid="ce-unrecorded"') == 4
