"""Small helpers for reading what a user sees on an institutions page."""

import re

from django.contrib.messages import get_messages

REGISTRATION_PASSWORD = "Unit@2026pass"


def field_error(response, field: str) -> str:
    """The text shown under one form field (crispy-bootstrap5 renders it in #id_<field>_error)."""
    html = response.content.decode()
    match = re.search(rf'<div id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def input_value(response, field: str) -> str | None:
    """The value an <input name=field> is rendered with, as the user sees it again."""
    html = response.content.decode()
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{field}"' in tag:
            match = re.search(r'value="([^"]*)"', tag)
            return match.group(1) if match else ""
    return None


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def unit_registration_data(region, **overrides) -> dict:
    data = {
        "name": "潍坊新华精密仪器有限公司",
        "uscc": "91370702MA3C4D5E6L",
        "region": region.pk,
        "contact_name": "王经办",
        "contact_phone": "13912345678",
        "username": "xinhua_unit",
        "password1": REGISTRATION_PASSWORD,
        "password2": REGISTRATION_PASSWORD,
        "captcha_0": "any",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return data


def login_form(client, username: str, password: str):
    """Log in through the real login page, as a person would, and follow to the home page."""
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "captcha_0": "any", "captcha_1": "PASSED"},
        follow=True,
    )


# A valid unified social credit code issued in 威海市环翠区 (371002): a 潍城区 unit carrying it
# fails the automatic check, so its permission application waits for the HR bureau.
CODE_FROM_ELSEWHERE = "91371002MA3C4D5E70"


def registered_elsewhere(unit, code: str = CODE_FROM_ELSEWHERE):
    """Give the unit a code from another region (the automatic check then fails)."""
    unit.uscc = code
    unit.save(update_fields=["uscc"])
    return unit
