"""The user guides (docs/guides/<role>.md) as browser journeys: each test performs one role's
guide, step by step in the order the guide numbers them, and takes each step's screenshot
with guide_shot(). The test then checks that the images the guide's Markdown shows are exactly
the ones it took, so a guide and its journey cannot drift apart.

By default the screenshots go to var/guides/ (not tracked); with UPDATE_GUIDES=1 (make guides)
they replace docs/guides/images/, the pictures the guides and the site's 帮助 pages show.

The seeded demo data (seed_demo) is each role's starting point, as on a first run; where a
role's step needs a declaration that earlier roles handled (a department's queue, the committee
office's inbox), the test moves the seeded declaration there through the services first.
Typing a whole declaration is tested in test_declaration_in_browser.py; the applicant's guide
fills the sections here from the test after showing the first section's page."""

import datetime
import io
import os
import re
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from applicants.models import User
from committee.models import Ballot
from declarations.models import Declaration, DeclarationSection, DeclarationStatus, Plan
from demo.files import pdf_bytes
from guides.render import image_names
from guides.roles import BY_ROLE
from institutions.models import Organization
from review import services as review_services
from review.models import PublicNotice
from tests import clock
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import expert_with_an_open_vote
from tests.browser.test_declaration_in_browser import PASSWORD, seed_with_open_plans
from tests.declarations.builders import fill_valid
from tests.review.builders import notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A size that reads on a phone when the picture is shrunk to its width.
VIEWPORT = {"width": 1200, "height": 800}
MAX_IMAGE_BYTES = 150 * 1024
OPINION = "经审查，符合申报条件，同意推荐。"


def output_dir() -> Path:
    if os.environ.get("UPDATE_GUIDES") == "1":
        folder = settings.BASE_DIR / "docs" / "guides" / "images"
    else:
        folder = settings.BASE_DIR / "var" / "guides"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shots():
    """The screenshots a test took, by role."""
    return {}


def guide_shot(page, role: str, n: int, slug: str, *, taken: dict) -> str:
    """The screenshot of step n of the role's guide: images/<role>-NN-<slug>.png."""
    assert role in BY_ROLE
    assert re.fullmatch(r"[a-z0-9-]+", slug)
    name = f"{role}-{n:02d}-{slug}.png"
    page.wait_for_load_state("load")
    # 256 colours are plenty for a page of text and buttons and keep the file small.
    picture = Image.open(io.BytesIO(page.screenshot(type="png"))).convert("RGB")
    picture.quantize(colors=256).save(output_dir() / name, format="PNG", optimize=True)
    taken.setdefault(role, []).append(name)
    return name


def assert_guide_matches(role: str, taken: dict):
    """The guide shows exactly the screenshots its journey took, in the same order, each
    small enough for a phone."""
    guide = settings.BASE_DIR / "docs" / "guides" / f"{role}.md"
    shown = image_names(guide.read_text(encoding="utf-8"))
    assert shown == taken[role], f"{guide.name} shows {shown}, the test took {taken[role]}"
    numbers = [int(name.split("-")[1]) for name in shown]
    assert numbers == list(range(1, len(shown) + 1))
    for name in shown:
        size = (output_dir() / name).stat().st_size
        assert size < MAX_IMAGE_BYTES, f"{name} is {size} bytes"


@pytest.fixture
def contexts():
    opened = []
    yield opened
    for context in opened:
        context.close()


@pytest.fixture
def move_clock_to():
    with ExitStack() as stack:
        yield lambda day: stack.enter_context(clock.on_day(day))


def new_page(browser, live_server, contexts):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=VIEWPORT, device_scale_factor=1
    )
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def signed_in(browser, live_server, contexts, username):
    page = new_page(browser, live_server, contexts)
    # Irreversible steps ask for confirmation (static/js/app.js); the person agrees.
    page.on("dialog", lambda dialog: dialog.accept())
    # Signed in by a session cookie (the applicant's guide shows the login form), then on the
    # person's home page as after the form.
    sign_in(page, live_server, username)
    page.goto("/")
    return page


def nav(page, label):
    """Click an entry of the navigation bar (opening the collapsed bar or a drop-down first
    when the entry is hidden there)."""
    link = page.locator("#main-nav").get_by_role("link", name=label, exact=True).first
    if not link.is_visible() and page.locator(".navbar-toggler").is_visible():
        page.locator(".navbar-toggler").click()
    if not link.is_visible():
        page.locator("#main-nav .dropdown").filter(has=link).locator(".dropdown-toggle").click()
    link.click()
    page.wait_for_load_state("load")


def queue_row(page, name):
    nav(page, re.compile("^(申报审核与上报|评委会收件箱)$"))
    row = page.locator("tbody tr", has_text=name)
    expect(row).to_have_count(1)
    return row


def seeded(username) -> tuple[User, Organization]:
    user = User.objects.get(username=username)
    return user, Organization.objects.get(memberships__user=user)


def wangwu_declaration() -> Declaration:
    """王五's engineering declaration, which seed_demo submits to 潍坊华东机械制造有限公司."""
    return Declaration.objects.get(applicant__username="wangwu", plan__series__code="engineering")


def report_from(username, declaration, opinion=""):
    """The holder passes and reports the declaration (the unit with its public notice)."""
    user, organization = seeded(username)
    review_services.pass_declaration(actor=user, declaration=declaration, opinion=opinion)
    if organization.kind == "unit":
        notice(user, organization, [declaration])
    review_services.report_declarations(
        actor=user, organization=organization, declaration_ids=[declaration.pk]
    )
    declaration.refresh_from_db()
    return declaration


# --- 申报人 ----------------------------------------------------------------------------------


def test_applicant_guide(browser, live_server, contexts, shots):
    seed_with_open_plans()
    role = "applicant"
    page = new_page(browser, live_server, contexts)
    # 1. 登录
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "zhangsan")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=captcha_1]", "PASSED")
    guide_shot(page, role, 1, "login", taken=shots)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/me/")
    # 2. 我的首页
    guide_shot(page, role, 2, "home", taken=shots)
    # 3. 阅读并同意承诺书
    nav(page, "专业技术职称")
    page.wait_for_url("**/declarations/commitment/")
    page.check("#agree")
    guide_shot(page, role, 3, "commitment", taken=shots)
    page.click("main button:has-text('我同意')")
    page.wait_for_url("**/declarations/")
    # 4. 新增申报信息
    guide_shot(page, role, 4, "plans", taken=shots)
    plan = page.locator(".list-group-item", has_text="工程技术 中级（潍坊市）")
    page.once("dialog", lambda dialog: dialog.accept())
    plan.get_by_role("button", name="新增申报信息").click()
    page.wait_for_url(re.compile(r"/declarations/\d+/$"))
    # 5. 申报概览
    guide_shot(page, role, 5, "overview", taken=shots)
    # 6. 逐个模块填写: every section the same way. The browser does it for 学历信息 (a field
    # typed, the scan uploaded, 保存); the test fills the other sections as the person would.
    page.locator("main").get_by_role("link", name="填写").first.click()
    page.wait_for_url(re.compile(r"/sections/\w+/$"))
    declaration = Declaration.objects.get(applicant__username="zhangsan")
    unit = Organization.objects.get(memberships__user__username="wf_unit")
    fill_valid(declaration, unit)
    page.goto(f"/declarations/{declaration.pk}/sections/education/")
    page.fill("input[name$=full_time_school]", "山东大学")
    slot = page.locator("[data-testid=slot]").first
    name = slot.locator("h3").inner_text().rstrip("*").strip()
    page.get_by_label(f"上传：{name}").set_input_files(
        files=[{"name": "毕业证书扫描件.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    expect(page.locator("[data-testid=attachment]", has_text="毕业证书扫描件.pdf")).to_have_count(1)
    guide_shot(page, role, 6, "section", taken=shots)
    page.locator("main form button.btn-primary[type=submit]", has_text="保存").first.click()
    page.wait_for_url(re.compile(rf"/declarations/{declaration.pk}/$"))
    saved = DeclarationSection.objects.get(declaration=declaration, code="education").data
    assert saved["full_time_school"] == "山东大学"
    # 7. 确定申报
    page.goto(f"/declarations/{declaration.pk}/")
    expect(page.locator("[data-testid=missing]")).to_have_count(0)
    page.get_by_role("button", name="确定申报").scroll_into_view_if_needed()
    guide_shot(page, role, 7, "submit", taken=shots)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确定申报").click()
    expect(page.locator(".alert-success").first).to_contain_text("申报已提交")
    # 8. 状态跟踪
    page.get_by_role("link", name="状态跟踪").click()
    page.wait_for_url("**/timeline/")
    expect(page.locator("[data-testid=chain-level][data-kind=unit]")).to_have_attribute(
        "data-state", "current"
    )
    guide_shot(page, role, 8, "status", taken=shots)
    # The chain is a row of steps on a desktop and a column on a phone.
    marks = page.locator("[data-testid=chain-level] .status-chain-mark")
    assert len({round(marks.nth(i).bounding_box()["y"]) for i in range(6)}) == 1
    page.set_viewport_size({"width": 375, "height": 740})
    tops = [marks.nth(i).bounding_box()["y"] for i in range(6)]
    assert tops == sorted(tops) and len(set(tops)) == 6
    assert_guide_matches(role, shots)


# --- 用人单位 --------------------------------------------------------------------------------


def test_unit_guide(browser, live_server, contexts, shots, move_clock_to):
    seed_with_open_plans()
    role = "unit"
    declaration = wangwu_declaration()
    _user, organization = seeded("wc_gxj")
    page = signed_in(browser, live_server, contexts, "wf_unit")
    # 1. 单位首页
    guide_shot(page, role, 1, "home", taken=shots)
    # 2. 申报审核与上报
    queue_row(page, "王五")
    guide_shot(page, role, 2, "queue", taken=shots)
    # 3. 审核各模块
    queue_row(page, "王五").get_by_role("link", name=re.compile("审核|查看")).click()
    page.wait_for_url(re.compile(r"/review/\d+/$"))
    guide_shot(page, role, 3, "review", taken=shots)
    # 4. 通过（或退回、不通过）
    page.locator("[data-testid=decide-pass]").click()
    page.wait_for_url(re.compile(r"/review/\d+/decide/pass/(\?.*)?$"))
    guide_shot(page, role, 4, "decide", taken=shots)
    page.locator("[data-testid=confirm]").click()
    page.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    # 5. 登记公示
    nav(page, "公示")
    page.get_by_role("link", name=re.compile("登记公示")).first.click()
    expect(page.locator("[data-testid=notice-form]")).to_be_visible()
    page.fill("[data-testid=notice-form] input[name=place]", "单位公告栏")
    guide_shot(page, role, 5, "notice", taken=shots)
    page.locator("[data-testid=notice-form] button.btn-primary", has_text="保存公示").click()
    page.wait_for_url(re.compile(r"/review/notices/\d+/$"))
    # 6. 公示期满后登记公示结果 (the clock moves past the notice's end; everyone signs in again)
    record = PublicNotice.objects.get(declarations=declaration)
    move_clock_to(record.ends_on + datetime.timedelta(days=1))
    page = signed_in(browser, live_server, contexts, "wf_unit")
    page.goto(f"/review/notices/{record.pk}/")
    page.get_by_label("公示无异议").check()
    guide_shot(page, role, 6, "notice-outcome", taken=shots)
    page.get_by_role("button", name="登记公示结果").click()
    expect(page.locator("[data-testid=notice-outcome]")).to_contain_text("公示无异议")
    # 7. 上报
    queue_row(page, "王五").locator("input[name=ids]").check()
    page.get_by_role("button", name="上报选中").click()
    page.wait_for_url("**/report/confirm/")
    expect(page.locator("[data-testid=report-group]")).to_contain_text(organization.name)
    guide_shot(page, role, 7, "report", taken=shots)
    page.locator("[data-testid=confirm-report]").click()
    page.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    declaration.refresh_from_db()
    assert declaration.holder == organization
    assert_guide_matches(role, shots)


# --- 主管部门 / 呈报部门 ---------------------------------------------------------------------


def test_department_guide(browser, live_server, contexts, shots):
    seed_with_open_plans()
    role = "department"
    declaration = report_from("wf_unit", wangwu_declaration())
    _user, reporting = seeded("wf_gxj")
    page = signed_in(browser, live_server, contexts, "wc_gxj")
    # 1. 单位首页
    guide_shot(page, role, 1, "home", taken=shots)
    # 2. 申报审核与上报
    queue_row(page, "王五")
    guide_shot(page, role, 2, "queue", taken=shots)
    # 3. 审查
    queue_row(page, "王五").get_by_role("link", name=re.compile("审核|查看")).click()
    page.wait_for_url(re.compile(r"/review/\d+/$"))
    guide_shot(page, role, 3, "review", taken=shots)
    # 4. 审查通过并签署审查意见
    page.locator("[data-testid=decide-pass]").click()
    page.wait_for_url(re.compile(r"/review/\d+/decide/pass/(\?.*)?$"))
    page.locator("[data-testid=decide] textarea").first.fill(OPINION)
    guide_shot(page, role, 4, "opinion", taken=shots)
    page.locator("[data-testid=confirm]").click()
    page.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    # 5. 上报
    queue_row(page, "王五").locator("input[name=ids]").check()
    page.get_by_role("button", name="上报选中").click()
    page.wait_for_url("**/report/confirm/")
    expect(page.locator("[data-testid=report-group]")).to_contain_text(reporting.name)
    guide_shot(page, role, 5, "report", taken=shots)
    page.locator("[data-testid=confirm-report]").click()
    page.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    # 6. 路径审核
    nav(page, "路径审核")
    guide_shot(page, role, 6, "paths", taken=shots)
    declaration.refresh_from_db()
    assert declaration.holder == reporting and declaration.status == DeclarationStatus.UNDER_REVIEW
    assert_guide_matches(role, shots)


# --- 人社局 ----------------------------------------------------------------------------------


def test_hr_bureau_guide(browser, live_server, contexts, shots):
    seed_with_open_plans()
    role = "hr_bureau"
    page = signed_in(browser, live_server, contexts, "wc_rsj")
    # 1. 单位首页
    guide_shot(page, role, 1, "home", taken=shots)
    # 2. 权限审核
    nav(page, "权限审核")
    expect(page.locator("main h1")).to_be_visible()
    guide_shot(page, role, 2, "permissions", taken=shots)
    # 3. 单位管理
    nav(page, "单位管理")
    guide_shot(page, role, 3, "units", taken=shots)
    # 4. 评审结果备案
    nav(page, "评审结果备案")
    guide_shot(page, role, 4, "results", taken=shots)
    assert_guide_matches(role, shots)


# --- 评委会办事机构 --------------------------------------------------------------------------


def test_committee_office_guide(browser, live_server, contexts, shots):
    seed_with_open_plans()
    role = "committee_office"
    declaration = wangwu_declaration()
    for username in ("wf_unit", "wc_gxj", "wf_gxj"):
        declaration = report_from(username, declaration, OPINION)
    assert declaration.status == DeclarationStatus.AT_COMMITTEE
    page = signed_in(browser, live_server, contexts, "wf_gc_office")
    # 1. 单位首页
    guide_shot(page, role, 1, "home", taken=shots)
    # 2. 受理：选中申报
    page.goto("/committee/inbox/")
    row = page.get_by_test_id("inbox-row").filter(has_text="王五")
    row.locator("input[name=ids]").check()
    guide_shot(page, role, 2, "inbox", taken=shots)
    # 3. 确认受理
    page.get_by_test_id("bulk-accept").click()
    expect(page.get_by_test_id("confirm-row")).to_have_count(1)
    guide_shot(page, role, 3, "accept", taken=shots)
    page.get_by_test_id("confirm-decide").click()
    page.wait_for_load_state("load")
    # 4. 评审专家库
    page.goto("/committee/experts/")
    guide_shot(page, role, 4, "experts", taken=shots)
    # 5. 评审会议
    page.goto("/committee/meetings/")
    guide_shot(page, role, 5, "meetings", taken=shots)
    # 6. 评审结果公示
    page.goto("/committee/results/office/")
    guide_shot(page, role, 6, "results", taken=shots)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.ACCEPTED
    assert_guide_matches(role, shots)


# --- 评审专家 --------------------------------------------------------------------------------


def test_expert_guide(browser, live_server, contexts, shots):
    seed_with_open_plans()
    role = "expert"
    # seed_demo's meeting has ended; the expert votes in one whose vote is open.
    username, meeting, _item = expert_with_an_open_vote()
    page = signed_in(browser, live_server, contexts, username)
    # 1. 评审任务
    expect(page.locator("main h1")).to_be_visible()
    guide_shot(page, role, 1, "tasks", taken=shots)
    # 2. 打开评审会议
    meeting_url = f"/committee/expert/meetings/{meeting.pk}/"
    page.locator(f"[data-testid=expert-meeting][href='{meeting_url}']").click()
    page.wait_for_url(f"**{meeting_url}")
    items = page.get_by_test_id("vote-item")
    expect(items).to_have_count(2)
    guide_shot(page, role, 2, "meeting", taken=shots)
    # 3. 查看申报并投票
    items.first.click()
    agree = page.locator("label[for=choice-agree]")
    agree.click()
    guide_shot(page, role, 3, "vote", taken=shots)
    # 4. 提交投票 (the confirmation is accepted by signed_in's dialog handler)
    page.get_by_role("button", name="提交投票").click()
    expect(page.get_by_test_id("vote-item").filter(has_text="已投票")).to_have_count(1)
    guide_shot(page, role, 4, "voted", taken=shots)
    assert Ballot.objects.filter(item__meeting=meeting, choice="agree").count() == 1
    # 5. 修改密码
    page.get_by_role("link", name="修改密码").first.click()
    page.wait_for_url("**/password/**")
    guide_shot(page, role, 5, "password", taken=shots)
    assert_guide_matches(role, shots)


# --- 系统管理员 ------------------------------------------------------------------------------


def test_administrator_guide(browser, live_server, contexts, shots):
    seed_with_open_plans()
    role = "administrator"
    page = signed_in(browser, live_server, contexts, "admin")
    # 1. 管理首页
    guide_shot(page, role, 1, "home", taken=shots)
    # 2. 单位（部门）
    nav(page, "单位（部门）")
    guide_shot(page, role, 2, "organizations", taken=shots)
    # 3. 创建部门账号
    nav(page, "创建部门账号")
    guide_shot(page, role, 3, "new-account", taken=shots)
    # 4. 路径审核
    nav(page, "路径审核")
    guide_shot(page, role, 4, "paths", taken=shots)
    # 5. 导入继续教育学时
    nav(page, "导入继续教育学时")
    guide_shot(page, role, 5, "ce-import", taken=shots)
    # 6. 申报计划（管理后台）
    page.goto("/admin/declarations/plan/")
    expect(page.locator("#result_list")).to_be_visible()
    guide_shot(page, role, 6, "plans", taken=shots)
    assert Plan.objects.count() >= 2
    assert_guide_matches(role, shots)


# --- 帮助 in the site ------------------------------------------------------------------------


def test_the_help_link_opens_the_guide_of_the_role_with_its_pictures(
    browser, live_server, contexts
):
    seed_with_open_plans()
    page = signed_in(browser, live_server, contexts, "wf_unit")
    page.locator("nav").get_by_role("link", name="帮助").click()
    page.wait_for_url("**/help/unit/")
    expect(page.locator("main h1")).to_have_text("用人单位操作指南")
    pictures = page.locator("[data-testid=guide] img")
    expected = image_names((settings.BASE_DIR / "docs/guides/unit.md").read_text("utf-8"))
    expect(pictures).to_have_count(len(expected))
    for index in range(len(expected)):
        response = page.request.get(pictures.nth(index).get_attribute("src"))
        assert response.status == 200 and response.headers["content-type"] == "image/png"
