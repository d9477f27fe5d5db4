"""Passwords are bounded (128 characters) in every box: registration, reset, change, sign-in
and the admin's validators; a longer one gets a Chinese message at the field, nothing is saved
and the other typed values stay."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from applicants.models import PasswordResetCode, User
from tests import factories
from tests.applicants.helpers import CAPTCHA_OK, field_errors, registration_data

pytestmark = pytest.mark.django_db

TOO_LONG = "密码不能超过128个字符。"
HUGE = "Aa1#" * 25_000  # 100,000 characters
LONGEST = "Aa1#" * 32  # 128 characters


def test_registration_refuses_a_100000_character_password_and_keeps_the_rest(client):
    response = client.post("/accounts/register/", registration_data(password1=HUGE, password2=HUGE))

    assert response.status_code == 200
    assert field_errors(response, "password1") == [TOO_LONG]
    assert 'value="lisi2026"' in response.content.decode()
    assert "pending_personal_registration" not in client.session
    assert not User.objects.exists()


def test_registration_accepts_a_128_character_password(client):
    client.post("/accounts/register/", registration_data(password1=LONGEST, password2=LONGEST))
    client.post("/accounts/register/confirm/")

    assert User.objects.get().check_password(LONGEST)


def test_password_boxes_say_how_long_a_password_may_be(client):
    page = client.get("/accounts/register/").content.decode()

    assert 'maxlength="128"' in page
    assert "最多128位" in page


def test_reset_refuses_a_too_long_new_password_without_using_the_code(
    client, regions, django_capture_on_commit_callbacks
):
    from applicants import sms

    person = factories.ApplicantFactory(username="wangwu", phone="13712345678")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"identifier": "wangwu", **CAPTCHA_OK})
    code = sms.outbox[-1][1].split("验证码 ")[1][:6]

    response = client.post(
        "/accounts/password-reset/verify/", {"code": code, "password1": HUGE, "password2": HUGE}
    )

    assert field_errors(response, "password1") == [TOO_LONG]
    reset = PasswordResetCode.objects.get()
    assert reset.used_at is None and reset.failed_attempts == 0
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD)
    ok = client.post(
        "/accounts/password-reset/verify/",
        {"code": code, "password1": LONGEST, "password2": LONGEST},
    )
    assert ok["Location"] == "/accounts/login/"


def test_change_refuses_a_too_long_new_password(login, applicant):
    response = login(applicant).post(
        "/accounts/password/",
        {"old_password": factories.PASSWORD, "password1": HUGE, "password2": HUGE},
    )

    assert field_errors(response, "password1") == [TOO_LONG]
    applicant.refresh_from_db()
    assert applicant.check_password(factories.PASSWORD)


def test_sign_in_refuses_a_too_long_password_without_counting_a_failure(client, applicant):
    response = client.post(
        "/accounts/login/", {"username": "zhangsan", "password": HUGE, **CAPTCHA_OK}
    )

    assert field_errors(response, "password") == [TOO_LONG]
    assert not AccessAttempt.objects.exists()
    assert not response.wsgi_request.user.is_authenticated


def test_the_validator_bounds_passwords_set_anywhere_else(applicant):
    # The admin's password forms run AUTH_PASSWORD_VALIDATORS.
    with pytest.raises(ValidationError) as excinfo:
        password_validation.validate_password("Aa1#" * 33, applicant)
    assert excinfo.value.messages == [TOO_LONG]
    password_validation.validate_password(LONGEST, applicant)
    assert TOO_LONG in password_validation.password_validators_help_texts()
