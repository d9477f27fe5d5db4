"""Forgotten password: a 6-digit code by SMS to the registered phone, then a new password."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from applicants import services, sms
from applicants.models import PasswordResetCode, SmsMessage
from tests import factories
from tests.applicants.helpers import (
    CAPTCHA_OK,
    CAPTCHA_WRONG,
    ID_WITH_X,
    NEW_PASSWORD,
    field_errors,
    flash_messages,
)

pytestmark = pytest.mark.django_db

REQUEST = "/accounts/password-reset/"
VERIFY = "/accounts/password-reset/verify/"
PHONE = "13712345678"


@pytest.fixture
def person(regions):
    return factories.ApplicantFactory(
        username="wangwu", name="王五", id_number=ID_WITH_X, phone=PHONE
    )


@pytest.fixture
def request_code(client, django_capture_on_commit_callbacks):
    """Ask for a code through the page; the SMS goes out when the transaction commits."""

    def _request(identifier="wangwu", captcha=CAPTCHA_OK):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(REQUEST, {"identifier": identifier, **captcha})

    return _request


def sent_code():
    _phone, body = sms.outbox[-1]
    return re.search(r"验证码 (\d{6})", body).group(1)


def verify(client, code, password=NEW_PASSWORD):
    return client.post(VERIFY, {"code": code, "password1": password, "password2": password})


def other_code(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def age_codes(**delta):
    """Move every code's sending time into the past, as if that much time had passed."""
    for reset in PasswordResetCode.objects.all():
        reset.created_at -= timedelta(**delta)
        reset.expires_at -= timedelta(**delta)
        reset.save()


SENT = (
    "如果该账号存在并登记了手机号码，验证码已发送至该手机号码，10分钟内有效。"
    "如未收到，请核对账号后稍后重新获取，或联系所属地人社部门。"
)


@pytest.mark.parametrize("identifier", ["wangwu", ID_WITH_X.lower(), PHONE])
def test_code_is_sent_to_the_registered_phone(client, person, request_code, identifier):
    response = request_code(identifier)

    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert len(sms.outbox) == 1
    phone, body = sms.outbox[0]
    assert phone == PHONE
    assert re.search(r"验证码 \d{6}，10分钟内有效", body)
    # The page names no phone: the same words appear for an identifier with no account.
    assert flash_messages(response) == [SENT]
    page = client.get(VERIFY).content.decode()
    assert "5678" not in page


def test_stored_sms_keeps_no_readable_code_after_sending(person, request_code):
    request_code()
    code = sent_code()
    message = SmsMessage.objects.get()
    assert message.status == SmsMessage.Status.SENT
    assert message.sent_at is not None
    assert code not in message.body
    assert "******" in message.body
    reset = PasswordResetCode.objects.get()
    assert code not in reset.code_hash


def test_right_code_and_new_password_reset_it(client, person, request_code, post_login):
    request_code()
    response = verify(client, sent_code())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert not person.check_password(factories.PASSWORD)
    assert PasswordResetCode.objects.get().used_at is not None

    assert "账号或密码不正确" in post_login("wangwu").content.decode()
    assert post_login("wangwu", password=NEW_PASSWORD)["Location"] == "/accounts/me/"


def test_a_code_works_only_once(client, person, request_code):
    request_code()
    code = sent_code()
    verify(client, code)
    # The session no longer holds a reset; the service refuses the used code too.
    assert client.get(VERIFY)["Location"] == REQUEST
    with pytest.raises(services.ValidationError) as excinfo:
        services.reset_password_with_code(
            reset_id=PasswordResetCode.objects.get().pk, code=code, new_password="Other#2026pw"
        )
    assert "验证码已失效" in str(excinfo.value)


def test_wrong_code_shows_remaining_tries(client, person, request_code):
    request_code()
    response = verify(client, other_code(sent_code()))
    assert "验证码错误，还可尝试4次。" in field_errors(response, "code")
    response = verify(client, other_code(sent_code()))
    assert "验证码错误，还可尝试3次。" in field_errors(response, "code")
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD)


def test_five_wrong_tries_invalidate_the_code(client, person, request_code):
    request_code()
    code = sent_code()
    for _ in range(4):
        verify(client, other_code(code))
    response = verify(client, other_code(code))
    assert "验证码错误次数过多，请重新获取。" in field_errors(response, "code")

    response = verify(client, code)
    assert field_errors(response, "code")
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD)


def test_expired_code_is_refused(client, person, request_code):
    request_code()
    age_codes(minutes=10, seconds=1)
    response = verify(client, sent_code())
    assert "验证码已过期（有效期10分钟），请重新获取。" in field_errors(response, "code")
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD)


def test_code_is_still_good_just_before_ten_minutes(client, person, request_code):
    request_code()
    age_codes(minutes=9, seconds=50)
    assert verify(client, sent_code())["Location"] == "/accounts/login/"


def test_weak_new_password_is_refused_without_using_the_code(client, person, request_code):
    request_code()
    code = sent_code()
    response = verify(client, code, password="12345678")
    assert field_errors(response, "password1")
    assert verify(client, code)["Location"] == "/accounts/login/"


def test_malformed_code_is_refused_without_counting_a_try(client, person, request_code):
    request_code()
    response = verify(client, "12ab56")
    assert "验证码为6位数字。" in field_errors(response, "code")
    response = verify(client, "123")
    assert "验证码为6位数字。" in field_errors(response, "code")
    assert PasswordResetCode.objects.get().failed_attempts == 0


def test_second_request_within_a_minute_sends_nothing_and_the_first_code_stays_good(
    client, person, request_code
):
    request_code()
    response = request_code()
    # The same answer as ever (a limit message would tell that the account exists) …
    assert response["Location"] == VERIFY
    assert flash_messages(response)[-1] == SENT
    assert len(sms.outbox) == 1
    # … and the code already sent is still the one to enter.
    assert PasswordResetCode.objects.count() == 1

    age_codes(seconds=61)
    assert request_code()["Location"] == VERIFY
    assert len(sms.outbox) == 2
    assert verify(client, sent_code())["Location"] == "/accounts/login/"


def test_the_limit_is_per_phone_whatever_identifier_is_typed(person, request_code):
    request_code("wangwu")
    response = request_code(PHONE)
    assert response["Location"] == VERIFY
    assert len(sms.outbox) == 1


def test_more_than_five_codes_an_hour_are_not_sent(client, person, request_code):
    for _ in range(5):
        assert request_code()["Location"] == VERIFY
        age_codes(seconds=61)
    response = request_code()
    assert response["Location"] == VERIFY
    assert flash_messages(response)[-1] == SENT
    assert len(sms.outbox) == 5

    age_codes(hours=1)
    assert request_code()["Location"] == VERIFY
    assert len(sms.outbox) == 6


def test_a_new_code_replaces_the_previous_one(client, person, request_code):
    request_code()
    first = sent_code()
    first_reset = PasswordResetCode.objects.get()
    age_codes(seconds=61)
    request_code()
    with pytest.raises(services.ValidationError) as excinfo:
        services.reset_password_with_code(
            reset_id=first_reset.pk, code=first, new_password=NEW_PASSWORD
        )
    assert "验证码已失效" in str(excinfo.value)
    assert verify(client, sent_code())["Location"] == "/accounts/login/"


def _what_a_stranger_sees(client, request_code, identifier):
    """Every page and message of the reset as someone without the phone sees them."""
    client.cookies.clear()
    response = request_code(identifier)
    seen = [response.status_code, response["Location"], flash_messages(response)]
    page = client.get(VERIFY).content.decode()
    seen.append(re.sub(r"[A-Za-z0-9]{32,}", "<token>", page))  # CSRF tokens differ
    for _ in range(6):
        wrong = verify(client, "000000")
        seen.append((wrong.status_code, field_errors(wrong, "code")))
    return seen


@pytest.mark.parametrize("identifier", ["nobody", "13799999999", "unit_hr", "sleeper"])
def test_an_identifier_without_a_reachable_account_gets_the_same_answer(
    client, person, request_code, unit_reviewer, identifier
):
    # No account; a phone nobody registered; an account without a phone; a disabled account.
    factories.ApplicantFactory(username="sleeper", is_active=False)
    unit_reviewer.phone = ""
    unit_reviewer.save(update_fields=["phone"])

    stranger = _what_a_stranger_sees(client, request_code, identifier)
    sms.outbox.clear()
    real = _what_a_stranger_sees(client, request_code, "wangwu")

    assert stranger == real
    assert stranger[2] == [SENT]
    assert stranger[4] == (200, ["验证码错误，还可尝试4次。"])
    assert stranger[-1] == (200, ["验证码已失效，请重新获取。"])
    assert len(sms.outbox) == 1  # only the real account's phone got a message


def test_no_sms_and_no_password_change_without_an_account(client, person, request_code):
    request_code("nobody")

    assert not sms.outbox
    reset = PasswordResetCode.objects.get()
    assert reset.user is None and reset.phone == ""
    # Even a lucky guess of the code changes nothing.
    with pytest.raises(services.ValidationError):
        services.reset_password_with_code(
            reset_id=reset.pk, code="123456", new_password=NEW_PASSWORD
        )
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD)


def test_an_unknown_identifier_is_limited_like_an_account(client, request_code):
    request_code("nobody")
    request_code("nobody")

    # Within the minute the same row answers, as for a real account (same tries left).
    assert PasswordResetCode.objects.count() == 1


def test_request_needs_the_captcha(person, request_code):
    response = request_code(captcha=CAPTCHA_WRONG)
    assert field_errors(response, "captcha")
    assert not sms.outbox


def test_verify_page_without_a_code_sends_to_the_request_page(client):
    response = client.get(VERIFY, follow=True)
    assert response.redirect_chain[-1][0] == REQUEST
    assert "请先获取短信验证码" in " ".join(flash_messages(response))


def test_reset_clears_a_login_lockout(client, person, request_code, post_login):
    for _ in range(5):
        post_login("wangwu", password="Wrong#2026pw")
    assert post_login("wangwu").status_code == 403

    request_code(ID_WITH_X)
    verify(client, sent_code())

    assert not AccessAttempt.objects.filter(username="wangwu").exists()
    response = post_login(ID_WITH_X, password=NEW_PASSWORD)
    assert response["Location"] == "/accounts/me/"


def test_sms_is_not_sent_twice(person, request_code):
    request_code()
    message = SmsMessage.objects.get()
    services.deliver_sms(sms_id=message.pk)
    assert len(sms.outbox) == 1


def test_code_expiry_uses_ten_minutes(person, request_code):
    before = timezone.now()
    request_code()
    reset = PasswordResetCode.objects.get()
    assert reset.expires_at - reset.created_at == timedelta(minutes=10)
    assert reset.created_at >= before
