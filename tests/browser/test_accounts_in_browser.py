"""A person in Chromium: demo accounts reach their home pages; registration keeps typed data."""

import pytest
from stdnum.cn import ric

from applicants.models import User
from tests.browser.conftest import log_in
from tests.demo_snapshot import seed_demo_fast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_HOMES = [
    ("zhangsan", "Demo@2026", "/accounts/me/", "张三"),
    ("admin", "Admin@2026", "/org/admin-home/", "系统管理"),
    ("wf_unit", "Demo@2026", "/org/", "潍坊华东机械制造有限公司"),
    ("wc_gxj", "Demo@2026", "/org/", "潍坊市潍城区工业和信息化局"),
    ("wf_gxj", "Demo@2026", "/org/", "潍坊市工业和信息化局"),
    ("wc_rsj", "Demo@2026", "/org/", "潍坊市潍城区人力资源和社会保障局"),
    ("wf_gc_office", "Demo@2026", "/org/", "潍坊市工程技术职务资格中级评审委员会办公室"),
    ("hc_qw_office", "Demo@2026", "/org/", "威海市环翠区群众文化专业职务资格初级评审委员会办公室"),
]


def test_every_demo_account_logs_in_and_lands_on_its_home(page, live_server):
    seed_demo_fast()
    for username, password, home, heading in DEMO_HOMES:
        page.context.clear_cookies()
        log_in(page, username, password)
        page.wait_for_url(f"**{home}")
        assert heading in page.locator("[data-testid=home-heading]").inner_text(), username


def test_registration_shows_id_error_keeps_input_then_registers(page, live_server):
    body = "37070219900307123"
    valid_id = body + ric.calc_check_digit(body + "0")
    wrong_digit = "0" if valid_id[-1] != "0" else "1"
    page.goto("/accounts/register/")
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=id_number]", valid_id[:-1] + wrong_digit)
    page.fill("input[name=phone]", "13812345678")
    page.fill("input[name=username]", "wangxm")
    page.fill("input[name=password1]", "Strong#Pass2026")
    page.fill("input[name=password2]", "Strong#Pass2026")
    page.fill("input[name=captcha_1]", "PASSED")
    page.click("main button[type=submit]")

    assert "校验位不正确" in page.locator("#id_id_number_error").inner_text()
    assert page.input_value("input[name=name]") == "王小明"
    assert page.input_value("input[name=phone]") == "13812345678"
    assert not User.objects.filter(username="wangxm").exists()

    page.fill("input[name=id_number]", valid_id)
    page.fill("input[name=password1]", "Strong#Pass2026")
    page.fill("input[name=password2]", "Strong#Pass2026")
    page.fill("input[name=captcha_1]", "PASSED")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/register/confirm/")
    assert page.locator("[data-testid=confirm-name]").inner_text() == "王小明"
    page.click("button:has-text('确认')")
    page.wait_for_url("**/accounts/me/")
    assert "王小明" in page.locator("[data-testid=home-heading]").inner_text()
    user = User.objects.get(username="wangxm")
    assert user.id_number == valid_id
    assert str(user.birth_date) == "1990-03-07"


def test_phone_width_collapses_navigation(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-US"
    )
    page = context.new_page()
    seed_demo_fast()
    log_in(page, "zhangsan", "Demo@2026")
    page.wait_for_url("**/accounts/me/")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not page.locator("#main-nav").is_visible()
    toggler.click()
    page.locator("#main-nav a:has-text('专业技术职称')").click()
    page.wait_for_url("**/declarations/commitment/")
    context.close()
