"""Personal registration: fill in the form, confirm, and the account exists and is signed in."""

from datetime import date

import pytest
from stdnum.cn import ric

from applicants.models import AccountKind, Gender, IdType, User
from tests import factories
from tests.applicants.helpers import (
    CAPTCHA_WRONG,
    ID_FEMALE,
    ID_MALE,
    ID_WITH_X,
    field_errors,
    flash_messages,
    registration_data,
)

pytestmark = pytest.mark.django_db

REGISTER = "/accounts/register/"
CONFIRM = "/accounts/register/confirm/"


def test_registration_creates_one_account_after_confirmation_and_signs_in(client):
    response = client.post(REGISTER, registration_data())
    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    assert not User.objects.exists(), "nothing is saved before the registrant confirms"

    page = client.get(CONFIRM)
    content = page.content.decode()
    assert "李四" in content
    assert ID_MALE in content
    assert "确认后姓名和证件号码将无法修改" in content
    assert not User.objects.exists()

    response = client.post(CONFIRM, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/me/"
    user = User.objects.get()
    assert user.username == "lisi2026"
    assert user.name == "李四"
    assert user.kind == AccountKind.PERSONAL
    assert user.id_type == IdType.RESIDENT_ID
    assert user.id_number == ID_MALE
    assert user.phone == "13812345678"
    assert user.birth_date == date(1990, 1, 1)
    assert user.gender == Gender.MALE
    assert user.check_password("Shandong#2026")
    assert response.context["user"] == user
    assert any("注册成功" in m for m in flash_messages(response))


def test_applicant_born_before_the_district_code_existed_registers(client):
    # 370702 (潍城区) exists from 1983; she was born there in 1980 (issue 10).
    client.post(REGISTER, registration_data(id_number="370702198005034682"))
    response = client.post(CONFIRM, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/me/"
    user = User.objects.get()
    assert (user.birth_date, user.gender) == (date(1980, 5, 3), Gender.FEMALE)


def test_even_seventeenth_digit_registers_a_woman(client):
    client.post(REGISTER, registration_data(id_number=ID_FEMALE))
    client.post(CONFIRM)
    user = User.objects.get()
    assert user.gender == Gender.FEMALE
    assert user.birth_date == date(1992, 7, 8)


def test_lowercase_x_is_stored_uppercase(client):
    number = factories.resident_id(7)
    assert number.endswith("X")
    client.post(REGISTER, registration_data(id_number=number.lower()))
    client.post(CONFIRM)
    assert User.objects.get().id_number == number


def test_confirm_page_without_a_filled_form_sends_back_to_the_form(client):
    response = client.get(CONFIRM, follow=True)
    assert response.redirect_chain[-1][0] == REGISTER
    assert "请先填写注册信息" in " ".join(flash_messages(response))
    assert client.post(CONFIRM).status_code == 302
    assert not User.objects.exists()


def test_going_back_to_edit_keeps_entered_values_except_passwords(client):
    client.post(REGISTER, registration_data())

    response = client.get(REGISTER)

    form = response.context["form"]
    assert form["name"].value() == "李四"
    assert form["id_number"].value() == ID_MALE
    assert form["phone"].value() == "13812345678"
    assert form["username"].value() == "lisi2026"
    content = response.content.decode()
    assert 'value="lisi2026"' in content
    assert "Shandong#2026" not in content, "passwords are never sent back to the browser"
    assert not User.objects.exists()


def test_edited_values_replace_the_pending_registration(client):
    client.post(REGISTER, registration_data())
    client.post(REGISTER, registration_data(name="李四海", username="lisihai"))
    client.post(CONFIRM)
    user = User.objects.get()
    assert (user.name, user.username) == ("李四海", "lisihai")


def test_registered_user_is_sent_home_from_the_form(login, applicant):
    client = login(applicant)
    assert client.get(REGISTER)["Location"] == "/"


def _assert_refused(response, field, message, data):
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert any(message in e for e in errors), errors
    content = response.content.decode()
    assert message in content
    # What the person typed is still in the form (except passwords).
    for key in ("name", "phone", "username"):
        assert f'value="{data[key]}"' in content
    assert data["password1"] not in content
    assert not User.objects.exists()
    assert "pending_personal_registration" not in response.wsgi_request.session


def with_check_digit(body: str) -> str:
    """17 digits plus their correct GB 11643 check digit."""
    return body + ric.calc_check_digit(body + "0")


WRONG_CHECK_DIGIT = ID_MALE[:-1] + ("1" if ID_MALE[-1] == "0" else "0")
NEXT_YEAR = date.today().year + 1


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        (WRONG_CHECK_DIGIT, "身份证号码校验位不正确，请逐位核对后重新输入。"),
        (with_check_digit("37070219850231001"), "出生日期（19850231）不存在"),
        (with_check_digit(f"370702{NEXT_YEAR}0101001"), f"出生日期（{NEXT_YEAR}0101）不可能"),
        (with_check_digit("37070218800101001"), "出生日期（18800101）不可能"),
        (with_check_digit("99999919850315001"), "地区码（999999）不存在"),
        (ID_MALE[:-1], "居民身份证号码应为18位，当前为17位。"),
        (ID_MALE + "1", "居民身份证号码应为18位，当前为19位。"),
        ("3707021985031500AB", "前17位应为数字，最后一位为数字或X"),
    ],
    ids=[
        "check-digit",
        "impossible-date",
        "future-date",
        "before-1900",
        "region",
        "short",
        "long",
        "letters",
    ],
)
def test_invalid_resident_id_is_refused_at_the_id_field(client, id_number, message):
    data = registration_data(id_number=id_number)

    response = client.post(REGISTER, data)

    _assert_refused(response, "id_number", message, data)
    assert f'value="{id_number}"' in response.content.decode()


def test_valid_id_numbers_with_other_regions_and_x_pass_the_form(client):
    for number in (with_check_digit("11010519491231002"), ID_WITH_X):
        client.post(REGISTER, registration_data(id_number=number))
        assert client.session["pending_personal_registration"]["id_number"] == number


@pytest.mark.parametrize("case", ["same", "lowercase-x"])
def test_one_account_per_id_number(client, case):
    number = factories.resident_id(7)
    factories.ApplicantFactory(id_number=number)
    typed = number.lower() if case == "lowercase-x" else number
    data = registration_data(id_number=typed)

    response = client.post(REGISTER, data)

    assert any("已注册账号" in e for e in field_errors(response, "id_number"))
    assert User.objects.count() == 1


def test_phone_of_another_personal_account_is_refused(client):
    factories.ApplicantFactory(phone="13812345678")
    response = client.post(REGISTER, registration_data())
    assert "该手机号码已被其他个人账号使用。" in field_errors(response, "phone")
    assert User.objects.count() == 1


def test_invalid_phone_is_refused(client):
    data = registration_data(phone="1381234567")
    response = client.post(REGISTER, data)
    assert any("11位" in e for e in field_errors(response, "phone"))
    assert not User.objects.exists()


@pytest.mark.parametrize("typed", ["zhangsan", "ZhangSan"])
def test_taken_username_is_refused_whatever_the_case(client, applicant, typed):
    response = client.post(REGISTER, registration_data(username=typed))
    assert "该用户名已被使用，请换一个。" in field_errors(response, "username")
    assert User.objects.count() == 1


def test_malformed_username_is_refused(client):
    response = client.post(REGISTER, registration_data(username="1abc"))
    assert any("以字母开头" in e for e in field_errors(response, "username"))
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client):
    data = registration_data(password2="Shandong#2027")
    response = client.post(REGISTER, data)
    _assert_refused(response, "password2", "两次输入的密码不一致。", data)


@pytest.mark.parametrize("password", ["12345678", "abc12", "password123"])
def test_weak_password_is_refused(client, password):
    data = registration_data(password1=password, password2=password)
    response = client.post(REGISTER, data)
    assert field_errors(response, "password1")
    assert not User.objects.exists()
    assert "pending_personal_registration" not in client.session


def test_wrong_captcha_is_refused(client):
    data = registration_data(**CAPTCHA_WRONG)
    response = client.post(REGISTER, data)
    _assert_refused(response, "captcha", "验证码不正确，请重新输入。", data)


def test_real_captcha_right_answer_is_accepted_and_wrong_answer_refused(client, real_captcha):
    key, answer = real_captcha()
    wrong = "ZZZZ" if answer.upper() != "ZZZZ" else "YYYY"
    data = registration_data(captcha_0=key, captcha_1=wrong)
    response = client.post(REGISTER, data)
    _assert_refused(response, "captcha", "验证码不正确，请重新输入。", data)

    # A challenge is good for one try only: the right answer to a used key fails too.
    response = client.post(REGISTER, registration_data(captcha_0=key, captcha_1=answer))
    assert field_errors(response, "captcha")

    key, answer = real_captcha()
    response = client.post(REGISTER, registration_data(captcha_0=key, captcha_1=answer))
    assert response.status_code == 302
    assert response["Location"] == CONFIRM


def test_test_mode_accepts_only_the_passed_answer(client):
    response = client.post(REGISTER, registration_data(captcha_1="anything"))
    assert field_errors(response, "captcha")


def test_missing_required_fields_are_marked(client):
    blank = dict.fromkeys(registration_data(), "")
    response = client.post(REGISTER, {**blank, "id_type": "resident_id"})
    form = response.context["form"]
    for field in ("name", "id_number", "phone", "username", "password1", "password2", "captcha"):
        assert field in form.errors
    assert "请按提示修改标红的项目。" in response.content.decode()


def test_passport_registration_has_no_derived_birth_date(client):
    client.post(REGISTER, registration_data(id_type="passport", id_number="e12345678"))
    client.post(CONFIRM)
    user = User.objects.get()
    assert user.id_type == IdType.PASSPORT
    assert user.id_number == "E12345678"
    assert user.birth_date is None
    assert user.gender == ""


def test_invalid_passport_number_is_refused(client):
    response = client.post(REGISTER, registration_data(id_type="passport", id_number="E1"))
    assert any("护照号码" in e for e in field_errors(response, "id_number"))


def test_someone_else_registering_the_same_id_before_confirmation(client):
    client.post(REGISTER, registration_data())
    factories.ApplicantFactory(id_number=ID_MALE)

    response = client.post(CONFIRM, follow=True)

    assert response.redirect_chain[-1][0] == REGISTER
    assert "已被注册，请返回修改" in " ".join(flash_messages(response))
    assert User.objects.count() == 1
    assert not response.context["user"].is_authenticated
    # What was typed is still there to correct.
    assert response.context["form"]["username"].value() == "lisi2026"


def test_someone_else_taking_the_username_in_another_case_before_confirmation(client):
    client.post(REGISTER, registration_data())
    factories.ApplicantFactory(username="LiSi2026")

    response = client.post(CONFIRM, follow=True)

    assert response.redirect_chain[-1][0] == REGISTER
    assert "已被注册，请返回修改" in " ".join(flash_messages(response))
    # Login names are case-insensitive, so two accounts "LiSi2026" and "lisi2026" would be one.
    assert User.objects.filter(username__iexact="lisi2026").count() == 1


def test_username_cannot_be_someone_elses_passport_number(client):
    # Both are login identifiers, so one text must not name two accounts.
    factories.UserFactory(id_type=IdType.PASSPORT, id_number="E12345678")
    response = client.post(REGISTER, registration_data(username="e12345678"))
    assert any("证件号码" in e for e in field_errors(response, "username"))
    assert User.objects.count() == 1


def test_passport_number_cannot_be_someone_elses_username(client):
    factories.ApplicantFactory(username="E12345678")
    data = registration_data(id_type="passport", id_number="e12345678")
    response = client.post(REGISTER, data)
    assert any("用户名" in e for e in field_errors(response, "id_number"))
    assert User.objects.count() == 1


def test_own_passport_number_as_username_is_fine(client):
    data = registration_data(id_type="passport", id_number="E12345678", username="E12345678")
    client.post(REGISTER, data)
    client.post(CONFIRM)
    assert User.objects.get().username == "E12345678"
