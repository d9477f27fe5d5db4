"""A person in Chromium fills in a whole declaration, section by section, uploads every required
file and submits it.

Everything is typed, chosen, uploaded and clicked on the pages; the database is only read to
check (and, once, a file's check is run from the test to show the page following it).
"""

import base64
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attachments import services as attachment_services
from attachments.models import Attachment
from declarations.models import Declaration, Plan
from tests.attachments.conftest import jpeg_bytes, pdf_bytes
from tests.browser.conftest import log_in
from tests.demo_snapshot import seed_demo_fast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Demo@2026"
OVERVIEW_URL = re.compile(r"/declarations/\d+/$")


# ---------------------------------------------------------------- helpers


def seed_with_open_plans():
    seed_demo_fast()
    now = timezone.now()
    # seed_demo's window is 2026-10-01 … 2027-01-31; keep the plans open whatever today is.
    if Plan.objects.filter(opens_at__lte=now, closes_at__gte=now).count() != 2:
        Plan.objects.update(opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=30))


def start_declaration(page, username, plan_text):
    """Log in, agree to the commitment and add a declaration of the plan named plan_text."""
    log_in(page, username, PASSWORD)
    page.wait_for_url("**/accounts/me/")
    page.click("#main-nav a:has-text('专业技术职称')")
    page.wait_for_url("**/declarations/commitment/")
    page.check("#agree")
    page.click("main button:has-text('我同意')")
    page.wait_for_url("**/declarations/")
    plan = page.locator(".list-group-item", has_text=plan_text)
    page.once("dialog", lambda dialog: dialog.accept())
    plan.get_by_role("button", name="新增申报信息").click()
    page.wait_for_url(OVERVIEW_URL)
    expect(page.locator("h1")).to_contain_text(plan_text)


def missing_count(page) -> int:
    return page.locator("[data-testid=missing] li").count()


def open_section(page, title):
    """On the overview, click 填写 on the section's line."""
    line = page.locator(".list-group-item").filter(
        has=page.locator("span", has_text=re.compile(rf"^\d+\. {re.escape(title)}$"))
    )
    line.get_by_role("link", name="填写").click()
    expect(page.locator("main h1")).to_have_text(title)


def fill(page, prefix, values):
    """Type into, choose or tick each field named prefix-name, as the field's kind requires."""
    for name, value in values.items():
        field = page.locator(f"#section-form [name='{prefix}-{name}']")
        tag, kind = field.evaluate("e => [e.tagName, e.type]")
        if tag == "SELECT":
            field.select_option(label=value)
        elif kind == "checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(value)


def add_row(page, code):
    """Click 添加一行 and wait for htmx to bring the new, empty row."""
    total = page.locator(f"input[name='{code}-TOTAL_FORMS']")
    rows = int(total.input_value())
    page.click("#section-form button[name=add_row]")
    expect(total).to_have_value(str(rows + 1))
    return rows


def fill_rows(page, code, rows):
    for values in rows:
        index = add_row(page, code)
        fill(page, f"{code}-{index}", values)


def save_section(page, missing_before):
    """Click 保存: back on the overview, the section is saved and the missing list shrank."""
    page.click("#section-form button.btn-primary:has-text('保存')")
    page.wait_for_url(OVERVIEW_URL)
    expect(page.locator(".alert-success").first).to_contain_text("已保存")
    missing = missing_count(page)
    assert missing < missing_before, "the missing list did not shrink"
    return missing


def choose_declaring_unit(page, typed, unit_name):
    """Type part of the unit's name into the search box, then pick the unit from the select."""
    page.fill("#id_declaration_info-declaring_unit_search", typed)
    select = page.locator("#id_declaration_info-declaring_unit")
    option = select.locator("option", has_text=unit_name)
    expect(option).to_have_count(1)
    select.select_option(value=option.get_attribute("value"))
    return select


def submit_and_check_timeline(page, unit_name):
    expect(page.locator("[data-testid=missing]")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确定申报").click()
    page.wait_for_url(OVERVIEW_URL)
    expect(page.locator(".alert-success").first).to_contain_text("申报已提交")
    page.get_by_role("link", name="状态跟踪").click()
    page.wait_for_url("**/timeline/")
    expect(page.locator("[data-testid=status]")).to_have_text("待审核")
    expect(page.locator("[data-testid=holder]")).to_have_text(unit_name)


def error_of(page, field_id):
    return page.locator(f"#section-form #div_{field_id} .invalid-feedback")


class Files:
    """Files a person has on disk: scans (PDF), a proper ID photo, and some that are refused."""

    def __init__(self, folder):
        self.folder = folder

    def write(self, name, content):
        path = self.folder / name
        path.write_bytes(content)
        return path

    def scan(self, name, pages=1):
        return self.write(name, pdf_bytes(pages))

    def photo(self, name="证件照.jpg", size=(300, 420)):
        return self.write(name, jpeg_bytes(size))


@pytest.fixture
def files(tmp_path):
    return Files(tmp_path)


def slot_card(page, code):
    return page.locator(f"[data-testid=slot][data-slot='{code}']")


def file_row(page, code, name):
    return slot_card(page, code).locator("[data-testid=attachment]", has_text=name)


def upload_files(page, code, *paths, status="valid"):
    """Choose the files in the slot's file input; the page uploads them (one request each, with a
    progress bar) and each row reaches `status` without a reload."""
    card = slot_card(page, code)
    expect(card.locator(".upload-submit")).to_be_hidden()  # the script took over the form
    card.locator("input[type=file]").set_input_files([str(path) for path in paths])
    for path in paths:
        expect(file_row(page, code, path.name)).to_have_attribute("data-status", status)


def drop_file(page, code, path, mime="application/pdf"):
    """Drag a file from the desktop and drop it on the slot."""
    data = base64.b64encode(path.read_bytes()).decode()
    transfer = page.evaluate_handle(
        """([name, data, mime]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: mime}));
            return transfer;
        }""",
        [path.name, data, mime],
    )
    card = slot_card(page, code)
    card.dispatch_event("dragenter", {"dataTransfer": transfer})
    card.dispatch_event("dragover", {"dataTransfer": transfer})
    expect(card).to_have_class(re.compile(r"\bdrag-over\b"))
    card.dispatch_event("drop", {"dataTransfer": transfer})
    expect(file_row(page, code, path.name)).to_have_attribute("data-status", "valid")


# ---------------------------------------------------------------- tests


def test_engineering_applicant_fills_every_section_and_submits(
    page, live_server, files, monkeypatch
):
    seed_with_open_plans()
    start_declaration(page, "zhangsan", "2026年度 工程技术 中级（潍坊市）")
    missing = missing_count(page)
    # 12 sections to fill and 7 required attachment slots.
    assert missing == 19

    open_section(page, "申报信息")
    expect(page.locator("[name='declaration_info-year']")).to_have_value("2026")
    fill(
        page,
        "declaration_info",
        {
            "title": "工程师",
            "specialty": "机械电气",
            "method": "正常晋升",
            "is_work_unit": "是",
            "entrusted_review": "否",
            "first_work_date": "2008-07-01",
            # More than the 18 whole years from 2008-07-01 to 2026-12-31: refused.
            "professional_years": "30",
        },
    )
    unit = choose_declaring_unit(page, "华东机械", "潍坊华东机械制造有限公司")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/decl-info.png", full_page=True)
    page.click("#section-form button.btn-primary:has-text('保存')")
    expect(error_of(page, "id_declaration_info-professional_years")).to_contain_text("最多18年")
    # What was typed and chosen is still there, the unit included.
    expect(page.locator("[name='declaration_info-professional_years']")).to_have_value("30")
    expect(page.locator("[name='declaration_info-first_work_date']")).to_have_value("2008-07-01")
    expect(page.locator("[name='declaration_info-specialty'] option:checked")).to_have_text(
        "机械电气"
    )
    expect(unit.locator("option:checked")).to_contain_text("潍坊华东机械制造有限公司")
    fill(page, "declaration_info", {"professional_years": "18"})
    missing = save_section(page, missing)

    open_section(page, "学历信息")
    fill(
        page,
        "education",
        {
            "full_time_school": "山东理工大学",
            "full_time_major": "机械设计制造及其自动化",
            "full_time_education": "大学本科",
            "full_time_degree": "学士",
            "full_time_graduated_on": "2008-06-30",
            "full_time_origin": "国内",
            "full_time_chsi_code": "A1B2C3D4E5F6G7H8",
            "same_as_full_time": True,
        },
    )
    upload_files(page, "education_record", files.scan("2008 学历证书电子注册备案表.pdf", pages=2))
    missing = save_section(page, missing)

    open_section(page, "现专业技术职称及职业资格")
    fill_rows(
        page,
        "titles",
        [
            {
                "level": "初级",
                "series": "工程技术",
                "title": "助理工程师",
                "obtained_on": "2012-09-01",
                "appointed_on": "2012-10-01",
            }
        ],
    )
    upload_files(page, "title_certificate", files.scan("助理工程师资格证书.pdf"))
    # The 聘书 is needed because a 聘任时间 is filled: the slot says so, and once the section
    # is saved the missing list says why.
    expect(slot_card(page, "appointment").locator("[data-testid=conditional]")).to_have_text(
        "按条件必传"
    )
    expect(slot_card(page, "appointment").locator("[data-testid=slot-condition]")).to_have_text(
        "按条件必传：填写了“聘任时间”的须上传。"
    )
    missing = save_section(page, missing)
    expect(page.locator("[data-testid=missing]")).to_contain_text(
        "已填写“聘任时间”，请上传“聘书或聘任文件”"
    )
    open_section(page, "现专业技术职称及职业资格")
    upload_files(page, "appointment", files.scan("初聘聘书.pdf"))
    missing = save_section(page, missing)

    # No administrative post: the section is saved with no row.
    open_section(page, "现任（含兼任）行政职务")
    expect(page.locator("[data-testid=no-rows]")).to_contain_text("没有的不必添加，直接点击“保存”")
    missing = save_section(page, missing)

    open_section(page, "任现职以来考核情况")
    expect(page.locator("[data-testid=no-rows]")).to_have_text("暂无记录，请点击“添加一行”。")
    fill_rows(
        page,
        "assessments",
        [
            {"year": str(year), "post": "助理工程师", "grade": grade, "assessor": "潍坊华东机械"}
            for year, grade in ((2023, "合格"), (2024, "优秀"), (2025, "合格"))
        ],
    )
    # Several files at once into a slot that takes several.
    upload_files(
        page,
        "assessment_forms",
        files.scan("2023年度考核表.pdf"),
        files.scan("2024年度考核表.pdf"),
        files.scan("2025年度考核表.pdf"),
    )
    missing = save_section(page, missing)

    open_section(page, "工作经历")
    fill_rows(
        page,
        "work_experience",
        [
            {
                "start": "2008-07",
                "end": "2012-08",
                "unit_dept_post": "潍坊华东机械制造有限公司/设备科/技术员",
                "professional_work": "机械设备维护",
                "position": "无",
            },
            {
                "start": "2012-09",
                "unit_dept_post": "潍坊华东机械制造有限公司/技术部/机械电气",
                "professional_work": "数控设备设计与改造",
                "position": "助理工程师",
                "summary": "负责生产线数控设备的改造设计。",
            },
        ],
    )
    missing = save_section(page, missing)

    open_section(page, "任现职以来代表性成果")
    fill_rows(
        page,
        "achievements",
        [
            {
                "category": "论文/著作",
                "name": "论文：数控机床主轴热变形补偿方法研究",
                "date": "2020-05-15",
                "rank": "1/2",
                "publisher": "《机械工程学报》",
                "reprinted_in": "无",
            },
            {
                "category": "专利",
                "name": "一种数控机床主轴冷却装置",
                "date": "2022-03-08",
                "rank": "1/1",
                "patent_type": "实用新型专利",
                "authority": "国家知识产权局",
            },
        ],
    )
    # A slow check (no worker has picked it up yet): the row says 检查中 and asks again every
    # 2 seconds; when the check is done the row turns 有效 without a reload.
    with monkeypatch.context() as slow:
        slow.setattr(attachment_services, "queue_check", lambda attachment: None)
        upload_files(
            page, "achievement_materials", files.scan("论文及专利证书.pdf"), status="checking"
        )
    row = file_row(page, "achievement_materials", "论文及专利证书.pdf")
    expect(row.locator("[data-testid=attachment-status]")).to_have_text("检查中")
    expect(row).to_have_attribute("hx-trigger", "every 2s")
    attachment_services.check_attachment(
        attachment_id=Attachment.objects.get(original_name="论文及专利证书.pdf").pk
    )
    expect(row).to_have_attribute("data-status", "valid", timeout=10_000)
    expect(row.locator("[data-testid=attachment-status]")).to_have_text("有效")
    expect(row).not_to_have_attribute("hx-trigger", "every 2s")
    missing = save_section(page, missing)

    open_section(page, "任现职以来主要专业技术工作成绩及表现")
    fill(
        page,
        "performance",
        {"text": "主持完成生产线数控设备改造三项，设备故障率下降约三成，获实用新型专利一项。"},
    )
    missing = save_section(page, missing)

    open_section(page, "学术团体及社会兼职")
    fill(page, "societies", {"text": "中国机械工程学会会员"})
    missing = save_section(page, missing)

    open_section(page, "外语/计算机水平")
    fill(
        page,
        "language_computer",
        {"foreign_language": "大学英语四级证书", "computer_level": "全国计算机等级考试二级证书"},
    )
    missing = save_section(page, missing)

    open_section(page, "基本信息")
    expect(page.locator("[name='basic_info-phone']")).to_have_value("13800000001")
    fill(page, "basic_info", {"email": "zhangsan@example.com", "ethnicity": "汉族"})
    # A program renamed .jpg is refused in the request, with the reason; nothing is listed.
    slot_card(page, "identity").locator("input[type=file]").set_input_files(
        str(files.write("身份证.jpg", b"MZ\x90\x00" + b"\x00" * 2000))
    )
    expect(slot_card(page, "identity").locator("[data-testid=upload-error]")).to_contain_text(
        "只支持 jpg、png、gif、pdf"
    )
    expect(slot_card(page, "identity").locator("[data-testid=attachment]")).to_have_count(0)
    upload_files(page, "identity", files.scan("身份证正反面.pdf"))
    expect(slot_card(page, "identity").locator("[data-testid=upload-error]")).to_have_count(0)
    # A landscape photo passes the quick checks but is rejected by the deep check, with why.
    # The photo picker offers JPEG only.
    expect(slot_card(page, "photo").locator("input[type=file]")).to_have_attribute(
        "accept", ".jpg,.jpeg,image/jpeg"
    )
    upload_files(page, "photo", files.photo("横向照片.jpg", size=(420, 310)), status="rejected")
    expect(
        file_row(page, "photo", "横向照片.jpg").locator("[data-testid=attachment-reason]")
    ).to_contain_text("宽高比")
    # The photo slot takes one file: the proper photo replaces the rejected one.
    upload_files(page, "photo", files.photo("证件照.jpg"))
    expect(slot_card(page, "photo").locator("[data-testid=attachment]")).to_have_count(1)
    expect(file_row(page, "photo", "证件照.jpg").locator("img.attachment-thumb")).to_be_visible()
    upload_files(
        page,
        "social_security",
        files.scan("社保明细（2026年1-3月）.pdf"),
        files.scan("社保明细（2026年4-6月）.pdf"),
    )
    # The download carries the Chinese name.
    with page.expect_download() as download:
        file_row(page, "social_security", "社保明细（2026年1-3月）.pdf").get_by_role(
            "link", name="下载"
        ).click()
    assert unquote(download.value.suggested_filename) == "社保明细（2026年1-3月）.pdf"
    # Delete the second statement, after confirming.
    page.once("dialog", lambda dialog: dialog.accept())
    file_row(page, "social_security", "社保明细（2026年4-6月）.pdf").get_by_role(
        "button", name="删除"
    ).click()
    expect(slot_card(page, "social_security").locator("[data-testid=attachment]")).to_have_count(1)
    missing = save_section(page, missing)

    open_section(page, "其他附件")
    fill(page, "other", {"note": "无其他材料。"})
    missing = save_section(page, missing)
    assert missing == 0

    submit_and_check_timeline(page, "潍坊华东机械制造有限公司")
    declaration = Declaration.objects.get(applicant__username="zhangsan")
    assert declaration.declaring_unit.name == "潍坊华东机械制造有限公司"
    assert declaration.section_data.get(code="declaration_info").data["professional_years"] == 18
    submitted = declaration.submissions.get(round=1).snapshot["attachments"]
    assert sorted(f["slot"] for f in submitted) == sorted(
        ["identity", "photo", "social_security", "education_record", "title_certificate"]
        + ["appointment"]
        + ["assessment_forms"] * 3
        + ["achievement_materials"]
    )


def test_culture_applicant_needs_a_ranking_and_precise_language_levels(page, live_server, files):
    seed_with_open_plans()
    start_declaration(page, "lisi", "2026年度 群众文化 初级")
    missing = missing_count(page)

    open_section(page, "申报信息")
    fill(
        page,
        "declaration_info",
        {
            "title": "助理馆员",
            "specialty": "群众文化活动组织",
            "method": "改系列",
            "is_work_unit": "是",
            "entrusted_review": "否",
            "first_work_date": "2015-07-01",
            "professional_years": "11",
        },
    )
    choose_declaring_unit(page, "环翠区文化", "威海市环翠区文化馆")
    page.click("#section-form button.btn-primary:has-text('保存')")
    expect(error_of(page, "id_declaration_info-ranking")).to_contain_text("不得为空")
    fill(page, "declaration_info", {"ranking": "3/5名"})
    page.click("#section-form button.btn-primary:has-text('保存')")
    expect(error_of(page, "id_declaration_info-ranking")).to_contain_text("名次/推荐人数")
    expect(page.locator("[name='declaration_info-ranking']")).to_have_value("3/5名")
    fill(page, "declaration_info", {"ranking": "2/3"})
    missing = save_section(page, missing)

    open_section(page, "学历信息")
    fill(
        page,
        "education",
        {
            "full_time_school": "曲阜师范大学",
            "full_time_major": "音乐学",
            "full_time_education": "大学本科",
            "full_time_degree": "学士",
            "full_time_graduated_on": "2015-06-30",
            "full_time_origin": "国内",
            "full_time_chsi_code": "K9L8M7N6P5Q4R3S2",
            "same_as_full_time": True,
        },
    )
    upload_files(page, "education_record", files.scan("学历证书.pdf"))
    missing = save_section(page, missing)

    # Changes series: the current title is an engineering one.
    open_section(page, "现专业技术职称及职业资格")
    fill_rows(
        page,
        "titles",
        [
            {
                "level": "初级",
                "series": "工程技术",
                "title": "助理工程师",
                "obtained_on": "2018-12-01",
                "appointed_on": "2019-01-01",
            }
        ],
    )
    upload_files(page, "title_certificate", files.scan("助理工程师证书.pdf"))
    upload_files(page, "appointment", files.scan("聘书.pdf"))
    missing = save_section(page, missing)

    open_section(page, "现任（含兼任）行政职务")
    missing = save_section(page, missing)

    open_section(page, "任现职以来考核情况")
    fill_rows(
        page,
        "assessments",
        [
            {"year": "2024", "post": "专业技术岗位", "grade": "合格", "assessor": "环翠区文化馆"},
            {"year": "2025", "post": "专业技术岗位", "grade": "优秀", "assessor": "环翠区文化馆"},
        ],
    )
    upload_files(page, "assessment_forms", files.scan("2024-2025年度考核表.pdf", pages=2))
    missing = save_section(page, missing)

    open_section(page, "工作经历")
    fill_rows(
        page,
        "work_experience",
        [
            {
                "start": "2015-07",
                "end": "2019-12",
                "unit_dept_post": "威海华信机械有限公司/技术部/机械设计",
                "professional_work": "机械设计",
                "position": "助理工程师",
            },
            {
                "start": "2020-01",
                "unit_dept_post": "威海市环翠区文化馆-群众文化部-群众文化辅导",
                "professional_work": "群众文化活动组织与辅导",
                "position": "无",
            },
        ],
    )
    missing = save_section(page, missing)

    open_section(page, "任现职以来代表性成果")
    fill_rows(
        page,
        "achievements",
        [
            {
                "category": "获奖",
                "name": "获奖：广场舞《海之韵》获威海市群众文艺汇演二等奖",
                "date": "2023-09-20",
                "rank": "2/6",
                "level": "市厅级",
                "authority": "威海市文化和旅游局",
            }
        ],
    )
    upload_files(page, "achievement_materials", files.scan("获奖证书.pdf"))
    missing = save_section(page, missing)

    open_section(page, "任现职以来主要专业技术工作成绩及表现")
    fill(page, "performance", {"text": "组织社区文艺辅导培训四十余场，编排群众舞蹈作品三部。"})
    missing = save_section(page, missing)

    open_section(page, "学术团体及社会兼职")
    fill(page, "societies", {"text": "无"})
    missing = save_section(page, missing)

    open_section(page, "外语/计算机水平")
    fill(
        page,
        "language_computer",
        {"foreign_language": "英语熟练", "computer_level": "全国计算机等级考试一级证书"},
    )
    page.click("#section-form button.btn-primary:has-text('保存')")
    expect(error_of(page, "id_language_computer-foreign_language")).to_contain_text(
        "不得填写“熟练”等含糊不清的词语"
    )
    expect(page.locator("[name='language_computer-foreign_language']")).to_have_value("英语熟练")
    expect(page.locator("[name='language_computer-computer_level']")).to_have_value(
        "全国计算机等级考试一级证书"
    )
    fill(page, "language_computer", {"foreign_language": "大学英语四级证书"})
    missing = save_section(page, missing)

    open_section(page, "基本信息")
    expect(page.locator("[name='basic_info-phone']")).to_have_value("13800000002")
    upload_files(page, "identity", files.scan("身份证.pdf"))
    upload_files(page, "photo", files.photo())
    missing = save_section(page, missing)

    open_section(page, "其他附件")
    # The work summary is dragged from the desktop onto its slot.
    drop_file(page, "work_summary", files.scan("业务工作总结（签字盖章）.pdf", pages=3))
    missing = save_section(page, missing)
    assert missing == 0

    submit_and_check_timeline(page, "威海市环翠区文化馆")


def test_uploads_work_without_javascript(browser, live_server, files):
    """With scripts off the slot is a plain form: choose files, click 上传, the page comes back
    with the files listed; 删除 is a plain form too."""
    seed_with_open_plans()
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        start_declaration(page, "zhangsan", "2026年度 工程技术 中级（潍坊市）")
        open_section(page, "基本信息")
        card = slot_card(page, "social_security")
        expect(card.locator(".upload-submit")).to_be_visible()
        card.locator("input[type=file]").set_input_files(
            [str(files.scan("社保明细1.pdf")), str(files.scan("社保明细2.pdf"))]
        )
        card.get_by_role("button", name="上传", exact=True).click()
        expect(page.locator(".alert-success").first).to_contain_text("已上传2个文件")
        for name in ("社保明细1.pdf", "社保明细2.pdf"):
            expect(file_row(page, "social_security", name)).to_have_attribute(
                "data-status", "valid"
            )
        # A refused file: the reason is on the page, nothing is listed.
        card = slot_card(page, "identity")
        card.locator("input[type=file]").set_input_files(
            str(files.write("身份证.pdf", b"<html><script>alert(1)</script></html>"))
        )
        card.get_by_role("button", name="上传", exact=True).click()
        expect(page.locator(".alert-danger").first).to_contain_text("“身份证.pdf”未上传")
        expect(slot_card(page, "identity").locator("[data-testid=attachment]")).to_have_count(0)
        file_row(page, "social_security", "社保明细2.pdf").get_by_role(
            "button", name="删除"
        ).click()
        expect(page.locator(".alert-success").first).to_contain_text("已删除“社保明细2.pdf”")
        expect(
            slot_card(page, "social_security").locator("[data-testid=attachment]")
        ).to_have_count(1)
    finally:
        context.close()
