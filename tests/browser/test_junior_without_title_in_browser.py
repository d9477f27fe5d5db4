"""A new graduate in Chromium: registers, declares for the 2026 群众文化 初级 plan with no current
title (正常晋升, the titles section saved with no row) and no achievement (the plan requires
none), fills every section and submits. On the way the section pages show only what applies:
the review-basis education hides while "同全日制学历" is ticked, an achievement row shows only
its category's fields (what was typed stays), 年度 is plain text, an administrative post is
refused with a message next to the field, and continuing education explains a year without
records."""

import pytest
from playwright.sync_api import expect
from stdnum.cn import ric

from declarations.models import Declaration
from tests.browser.test_declaration_in_browser import (
    OVERVIEW_URL,
    add_row,
    choose_declaring_unit,
    error_of,
    files,  # noqa: F401 (fixture)
    fill,
    fill_rows,
    missing_count,
    open_section,
    save_section,
    seed_with_open_plans,
    submit_and_check_timeline,
    upload_files,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = "2026年度 群众文化 初级"
UNIT = "威海市环翠区文化馆"


def resident_id(body="37100220010915302"):
    return body + ric.calc_check_digit(body + "0")


def register(page, *, name, id_number, phone, username, password):
    page.goto("/accounts/register/")
    page.fill("input[name=name]", name)
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=phone]", phone)
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.fill("input[name=captcha_1]", "PASSED")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/register/confirm/")
    page.click("button:has-text('确认')")
    page.wait_for_url("**/accounts/me/")


def wrapper(page, name):
    return page.locator(f"#section-form [name='{name}']").locator(
        "xpath=ancestor::*[starts-with(@id, 'div_')][1]"
    )


def test_junior_culture_applicant_without_title_or_achievement_submits(
    page,
    live_server,
    files,  # noqa: F811
):
    seed_with_open_plans()
    register(
        page,
        name="孙小文",
        id_number=resident_id(),
        phone="13812340001",
        username="sunxw",
        password="Strong#Pass2026",
    )
    page.click("#main-nav a:has-text('专业技术职称')")
    page.wait_for_url("**/declarations/commitment/")
    page.check("#agree")
    page.click("main button:has-text('我同意')")
    page.wait_for_url("**/declarations/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".list-group-item", has_text=PLAN).get_by_role(
        "button", name="新增申报信息"
    ).click()
    page.wait_for_url(OVERVIEW_URL)
    missing = missing_count(page)

    # 申报信息: the plan's year is text, not a box; a new graduate declares under 正常晋升.
    open_section(page, "申报信息")
    expect(page.locator("output#id_declaration_info-year")).to_have_text("2026")
    expect(page.locator("input[type=text][name='declaration_info-year']")).to_have_count(0)
    expect(page.locator("#id_declaration_info-method option").first).to_have_text("请选择")
    fill(
        page,
        "declaration_info",
        {
            "ranking": "1/1",
            "title": "助理馆员",
            "specialty": "舞蹈",
            "method": "正常晋升",
            "is_work_unit": "是",
            "entrusted_review": "否",
            "first_work_date": "2024-07-01",
            "professional_years": "2",
        },
    )
    choose_declaring_unit(page, "环翠区文化", UNIT)
    missing = save_section(page, missing)

    # 学历信息: ticking 同全日制学历 hides the review-basis block; unticking shows it again.
    open_section(page, "学历信息")
    review_school = wrapper(page, "education-review_school")
    expect(review_school).to_be_visible()
    fill(
        page,
        "education",
        {
            "full_time_school": "山东艺术学院",
            "full_time_major": "舞蹈编导",
            "full_time_education": "大学本科",
            "full_time_graduated_on": "2024-06-30",
            "full_time_origin": "国内",
            "full_time_chsi_code": "Q1W2E3R4T5Y6U7I8",
            "same_as_full_time": True,
        },
    )
    for name in ("school", "major", "education", "graduated_on", "origin", "chsi_code"):
        expect(wrapper(page, f"education-review_{name}")).to_be_hidden()
    fill(page, "education", {"same_as_full_time": False})
    expect(review_school).to_be_visible()
    fill(page, "education", {"same_as_full_time": True})
    expect(review_school).to_be_hidden()
    upload_files(page, "education_record", files.scan("学历证书电子注册备案表.pdf"))
    missing = save_section(page, missing)

    # No current title: the section is saved with no row, and no certificate is asked for.
    open_section(page, "现专业技术职称及职业资格")
    expect(page.locator("[data-testid=no-rows]")).to_contain_text("无现专业技术职称的不必添加")
    missing = save_section(page, missing)

    open_section(page, "现任（含兼任）行政职务")
    missing = save_section(page, missing)

    # An administrative post is refused next to the field, with what was typed kept.
    open_section(page, "任现职以来考核情况")
    fill_rows(
        page,
        "assessments",
        [{"year": "2025", "post": "办公室主任", "grade": "合格", "assessor": UNIT}],
    )
    page.click("#section-form button.btn-primary:has-text('保存')")
    expect(error_of(page, "id_assessments-0-post")).to_contain_text("不得填写行政职务（“主任”）")
    expect(page.locator("[name='assessments-0-post']")).to_have_value("办公室主任")
    fill(page, "assessments-0", {"post": "无"})
    upload_files(page, "assessment_forms", files.scan("2025年度考核表.pdf"))
    missing = save_section(page, missing)

    open_section(page, "外语/计算机水平")
    fill(page, "language_computer", {"foreign_language": "无", "computer_level": "无"})
    missing = save_section(page, missing)

    open_section(page, "工作经历")
    fill_rows(
        page,
        "work_experience",
        [
            {
                "start": "2024-07",
                "unit_dept_post": "威海市环翠区文化馆-群众文化部-舞蹈辅导",
                "professional_work": "群众舞蹈辅导",
                "position": "无",
            }
        ],
    )
    missing = save_section(page, missing)

    # 代表性成果: a row shows only its category's fields and keeps what was typed when the
    # category changes; the applicant has none after all, removes the row and saves.
    open_section(page, "任现职以来代表性成果")
    index = add_row(page, "achievements")
    row = f"achievements-{index}"
    for name in ("publisher", "patent_type", "level", "authority"):
        expect(wrapper(page, f"{row}-{name}")).to_be_hidden()
    fill(page, row, {"category": "获奖", "name": "获奖：群舞《渔光曲》获区级汇演一等奖"})
    expect(wrapper(page, f"{row}-level")).to_be_visible()
    expect(wrapper(page, f"{row}-authority")).to_be_visible()
    expect(wrapper(page, f"{row}-publisher")).to_be_hidden()
    expect(wrapper(page, f"{row}-level").locator(".asteriskField")).to_have_count(1)
    fill(page, row, {"authority": "威海市环翠区文化和旅游局"})
    fill(page, row, {"category": "论文/著作"})
    expect(wrapper(page, f"{row}-publisher")).to_be_visible()
    expect(wrapper(page, f"{row}-reprinted_in")).to_be_visible()
    expect(wrapper(page, f"{row}-level")).to_be_hidden()
    expect(wrapper(page, f"{row}-authority")).to_be_hidden()
    fill(page, row, {"category": "获奖"})
    expect(page.locator(f"[name='{row}-authority']")).to_have_value("威海市环翠区文化和旅游局")
    page.locator("[data-testid=row]").get_by_role("button", name="删除此行").click()
    expect(page.locator("[data-testid=row]:visible")).to_have_count(0)
    missing = save_section(page, missing)

    open_section(page, "任现职以来主要专业技术工作成绩及表现")
    fill(page, "performance", {"text": "参与社区舞蹈辅导培训二十余场，协助编排群舞作品一部。"})
    missing = save_section(page, missing)

    open_section(page, "学术团体及社会兼职")
    fill(page, "societies", {"text": "无"})
    missing = save_section(page, missing)

    open_section(page, "基本信息")
    expect(page.locator("[name='basic_info-phone']")).to_have_value("13812340001")
    upload_files(page, "identity", files.scan("身份证.pdf"))
    upload_files(page, "photo", files.photo())
    missing = save_section(page, missing)

    open_section(page, "其他附件")
    upload_files(page, "work_summary", files.scan("业务工作总结（签字盖章）.pdf", pages=2))
    missing = save_section(page, missing)
    assert missing == 0

    # Continuing education: no hours imported yet, and the page says so and what is required.
    page.locator(".list-group-item", has_text="近五年继续教育").get_by_role(
        "link", name="查看"
    ).click()
    expect(page.locator("[data-testid=ce-required]")).to_contain_text("每年完成继续教育 90 学时")
    expect(page.locator("[data-testid=ce-none]")).to_contain_text("学时由管理员")
    expect(page.locator("[data-testid=ce-unrecorded]").first).to_contain_text("该年度尚无学时记录")
    page.get_by_role("link", name="返回").click()
    page.wait_for_url(OVERVIEW_URL)

    submit_and_check_timeline(page, UNIT)
    declaration = Declaration.objects.get(applicant__username="sunxw")
    snapshot = declaration.submissions.get(round=1).snapshot
    assert snapshot["sections"]["titles"] == {"rows": []}
    assert snapshot["sections"]["achievements"] == {"rows": []}
    slots = sorted(f["slot"] for f in snapshot["attachments"])
    assert "title_certificate" not in slots and "achievement_materials" not in slots
