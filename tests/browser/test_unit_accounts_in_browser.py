"""A new unit in Chromium (issue 10): it registers (the captcha found by its label 验证码), its
permission is granted at once by the automatic check, its bureau resets its password after a
confirmation page, and it signs in with the temporary password and changes it under 修改密码."""

import re

import pytest

from applicants import sms
from institutions.models import Organization, OrgKind, PermissionStatus
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNIT_PASSWORD = "Unit@2026pass"
NEW_PASSWORD = "Weifang#2026new"


def test_a_unit_is_granted_at_once_and_its_bureau_resets_its_password(browser, live_server):
    regions = factories.region_tree()
    bureau = factories.OrganizationFactory(
        name="潍坊市潍城区人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["370702"]
    )
    factories.org_user(bureau, user__username="wc_rsj")

    unit_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    unit = unit_context.new_page()
    unit.set_default_timeout(15_000)
    unit.on("dialog", lambda dialog: dialog.accept())

    # 单位注册: the captcha's answer box is found by its accessible name.
    unit.goto("/org/register/")
    assert unit.get_by_alt_text("验证码图片，看不清可点击更换").is_visible()
    unit.fill("input[name=name]", "潍坊新华精密仪器有限公司")
    unit.fill("input[name=uscc]", "91370702MA3C4D5E7P")
    unit.select_option("select[name=region]", label="山东省潍坊市潍城区")
    unit.fill("input[name=contact_name]", "王经办")
    unit.fill("input[name=contact_phone]", "13912345678")
    unit.fill("input[name=username]", "xinhua_unit")
    unit.fill("input[name=password1]", UNIT_PASSWORD)
    unit.fill("input[name=password2]", UNIT_PASSWORD)
    unit.get_by_label("验证码", exact=True).fill("PASSED")
    unit.click("main button[type=submit]")
    unit.wait_for_url("**/org/register/confirm/")
    unit.click("button:has-text('确认')")
    unit.wait_for_url("**/org/")

    # The code was issued in 潍城区, where the unit is: granted without waiting.
    unit.click("button:has-text('申请职称评审权限')")
    unit.wait_for_selector("text=本单位已获得职称评审权限")
    assert unit.locator("[data-testid=permission-status]").inner_text() == "已授权"
    xinhua = Organization.objects.get(name="潍坊新华精密仪器有限公司")
    assert xinhua.permission_status == PermissionStatus.APPROVED
    assert any("已通过自动校验，已授权" in body for _phone, body in sms.outbox)

    # The bureau resets the unit's password under 单位管理, after a confirmation page.
    bureau_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    desk = bureau_context.new_page()
    desk.set_default_timeout(15_000)
    log_in(desk, "wc_rsj", factories.PASSWORD)
    desk.wait_for_url("**/org/")
    desk.click("nav a:has-text('单位管理')")
    row = desk.locator("[data-testid=unit-row]", has_text="潍坊新华精密仪器有限公司")
    row.locator("a:has-text('重置密码')").click()
    assert "139****5678" in desk.locator("main").inner_text()
    desk.click("button:has-text('确认重置密码')")
    desk.wait_for_selector("text=临时密码已通过短信发送至 139****5678")
    temporary = re.search(r"临时密码 (\w{10})。", sms.outbox[-1][1]).group(1)
    bureau_context.close()

    # The unit signs in with it and sets its own password under 修改密码.
    unit.context.clear_cookies()
    log_in(unit, "xinhua_unit", temporary)
    unit.wait_for_url("**/org/")
    unit.click("a:has-text('修改密码')")
    unit.fill("input[name=old_password]", temporary)
    unit.fill("input[name=password1]", NEW_PASSWORD)
    unit.fill("input[name=password2]", NEW_PASSWORD)
    unit.click("main button[type=submit]")
    unit.wait_for_selector("text=密码已修改")
    unit.context.clear_cookies()
    log_in(unit, "xinhua_unit", NEW_PASSWORD)
    unit.wait_for_url("**/org/")
    unit_context.close()
