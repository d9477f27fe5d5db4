"""Login with a username, an ID number or a phone, behind a captcha."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog

from tests import factories
from tests.applicants.helpers import CAPTCHA_WRONG, ID_WITH_X, field_errors

pytestmark = pytest.mark.django_db

WRONG_LOGIN = "账号或密码不正确。连续5次输入错误，账号将被锁定15分钟。"


@pytest.fixture
def person(regions):
    return factories.ApplicantFactory(
        username="wangwu", name="王五", id_number=ID_WITH_X, phone="13712345678"
    )


def signed_in_user(client):
    return client.get("/accounts/me/").wsgi_request.user


@pytest.mark.parametrize(
    "identifier",
    ["wangwu", "WangWu", ID_WITH_X, ID_WITH_X.lower(), "13712345678", f" {ID_WITH_X} "],
    ids=["username", "username-case", "id", "id-lowercase-x", "phone", "id-spaces"],
)
def test_login_with_any_identifier_lands_on_the_applicant_home(
    client, post_login, person, identifier
):
    response = post_login(identifier)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    assert signed_in_user(client) == person


def test_wrong_password_shows_message_and_does_not_sign_in(client, post_login, person):
    response = post_login("wangwu", password="Wrong#2026pw")
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert AccessAttempt.objects.get(username="wangwu").failures_since_start == 1


def test_unknown_account_gets_the_same_message(client, post_login, person):
    response = post_login("nobody", password="Wrong#2026pw")
    assert WRONG_LOGIN in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_login_needs_the_captcha(client, post_login, person):
    response = post_login("wangwu", captcha=CAPTCHA_WRONG)
    assert "验证码不正确，请重新输入。" in field_errors(response, "captcha")
    assert not signed_in_user(client).is_authenticated


def test_wrong_captcha_does_not_count_a_password_failure(client, post_login, person):
    for _ in range(6):
        post_login("wangwu", password="Wrong#2026pw", captcha=CAPTCHA_WRONG)
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    # The account is not locked: the right password with the right captcha still works.
    assert post_login("wangwu")["Location"] == "/accounts/me/"


def test_missing_captcha_is_refused(client, person):
    response = client.post(
        "/accounts/login/", {"username": "wangwu", "password": factories.PASSWORD}
    )
    assert field_errors(response, "captcha")
    assert not signed_in_user(client).is_authenticated


def test_real_captcha_wrong_answer_is_refused(client, post_login, person, real_captcha):
    key, answer = real_captcha()
    response = post_login("wangwu", captcha={"captcha_0": key, "captcha_1": answer + "X"})
    assert field_errors(response, "captcha")
    key, answer = real_captcha()
    response = post_login("wangwu", captcha={"captcha_0": key, "captcha_1": answer.lower()})
    assert response["Location"] == "/accounts/me/"


def test_inactive_account_cannot_sign_in(client, post_login, person):
    person.is_active = False
    person.save()
    post_login("wangwu")
    assert not signed_in_user(client).is_authenticated


def test_login_follows_a_local_next_but_not_another_site(client, post_login, person):
    response = post_login("wangwu", next="/accounts/profile/")
    assert response["Location"] == "/accounts/profile/"
    client.logout()
    response = post_login("wangwu", next="https://evil.example.com/")
    assert response["Location"] == "/accounts/me/"


def test_signed_in_user_visiting_login_goes_home(login, applicant):
    assert login(applicant).get("/accounts/login/")["Location"] == "/"


def test_login_page_explains_identifiers_and_lockout(client):
    content = client.get("/accounts/login/").content.decode()
    assert "用户名、证件号码、手机号均可作为账号登录" in content
    assert "忘记密码" in content
    assert 'name="captcha_1"' in content


def test_home_sends_anonymous_visitors_to_login(client):
    assert client.get("/")["Location"] == "/accounts/login/"


def test_phone_of_an_organization_contact_is_not_a_login(client, post_login, unit):
    factories.UserFactory(kind="organization", username="unit_login", phone="13612345678")
    post_login("13612345678")
    assert not signed_in_user(client).is_authenticated
