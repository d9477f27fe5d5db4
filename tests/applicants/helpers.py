"""Plain helpers shared by the applicants tests."""

from django.contrib.messages import get_messages

from tests import factories

# In CAPTCHA_TEST_MODE the answer "PASSED" is accepted whatever the key is.
CAPTCHA_OK = {"captcha_0": "test", "captcha_1": "PASSED"}
CAPTCHA_WRONG = {"captcha_0": "test", "captcha_1": "ABCD"}

ID_MALE = factories.resident_id(1, birth="19900101")  # 17th digit 1: male
ID_FEMALE = factories.resident_id(2, birth="19920708")  # 17th digit 2: female
ID_WITH_X = factories.resident_id(7)  # check digit X
NEW_PASSWORD = "Weihai#2026new"


def registration_data(**overrides):
    data = {
        "name": "李四",
        "id_type": "resident_id",
        "id_number": ID_MALE,
        "phone": "13812345678",
        "username": "lisi2026",
        "password1": "Shandong#2026",
        "password2": "Shandong#2026",
        **CAPTCHA_OK,
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def flash_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]
