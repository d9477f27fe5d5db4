"""5 wrong passwords lock the account (not the identifier typed) for 15 minutes."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests import factories
from tests.applicants.helpers import CAPTCHA_OK, ID_WITH_X

pytestmark = pytest.mark.django_db

WRONG = "Wrong#2026pw"
LOCKED = "密码连续输入错误5次，账号已被锁定"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def person(regions):
    return factories.ApplicantFactory(
        username="wangwu", name="王五", id_number=ID_WITH_X, phone="13712345678"
    )


def signed_in_user(client):
    return client.get("/accounts/me/").wsgi_request.user


def unlock_time_candidates(before, after):
    """The unlock time as shown (Y-m-d H:i, Shanghai): 15 minutes after the 5th failure."""
    return {
        (moment + timedelta(minutes=15)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        for moment in (before, after)
    }


def fail(post_login, times, identifier="wangwu"):
    for _ in range(times):
        response = post_login(identifier, password=WRONG)
    return response


def test_four_wrong_passwords_still_allow_login(client, post_login, person):
    response = fail(post_login, 4)
    assert LOCKED not in response.content.decode()
    assert post_login("wangwu")["Location"] == "/accounts/me/"
    assert signed_in_user(client) == person


def test_fifth_wrong_password_locks_with_the_unlock_time(client, post_login, person):
    fail(post_login, 4)
    before = timezone.now()
    response = post_login("wangwu", password=WRONG)
    after = timezone.now()

    content = response.content.decode()
    assert response.status_code == 403
    assert LOCKED in content
    assert any(f"请于 {when} 后再试" in content for when in unlock_time_candidates(before, after))
    assert "忘记密码" in content
    # The form is still there, so the person knows where they are.
    assert 'name="username"' in content


def test_right_password_during_the_lock_is_refused_with_the_same_message(
    client, post_login, person
):
    fail(post_login, 4)
    before = timezone.now()
    locked = post_login("wangwu", password=WRONG)
    after = timezone.now()
    candidates = unlock_time_candidates(before, after)

    response = post_login("wangwu")

    content = response.content.decode()
    assert response.status_code == 403
    assert LOCKED in content
    # Trying again during the lock does not push the unlock time later.
    assert any(f"请于 {when} 后再试" in content for when in candidates)
    assert locked.content.decode().count(LOCKED) == content.count(LOCKED)
    assert not signed_in_user(client).is_authenticated


@pytest.mark.parametrize("during_lock", ["wangwu", ID_WITH_X.lower(), "13712345678"])
def test_failures_by_id_number_and_username_count_for_one_account(
    client, post_login, person, during_lock
):
    fail(post_login, 3, identifier=ID_WITH_X)
    fail(post_login, 1, identifier="13712345678")
    response = post_login("WANGWU", password=WRONG)
    assert LOCKED in response.content.decode()
    assert AccessAttempt.objects.filter(username="wangwu").count() == 1

    response = post_login(during_lock)
    assert response.status_code == 403
    assert LOCKED in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_a_success_before_the_fifth_failure_resets_the_count(client, post_login, person):
    fail(post_login, 4)
    assert post_login("wangwu")["Location"] == "/accounts/me/"
    client.logout()
    assert not AccessAttempt.objects.filter(username="wangwu").exists()

    response = fail(post_login, 4)
    assert LOCKED not in response.content.decode()
    assert post_login("wangwu")["Location"] == "/accounts/me/"


def test_login_works_again_after_fifteen_minutes(client, post_login, person):
    fail(post_login, 5)
    assert post_login("wangwu").status_code == 403

    # 14 minutes later the lock still holds.
    AccessAttempt.objects.filter(username="wangwu").update(
        attempt_time=timezone.now() - timedelta(minutes=14)
    )
    assert post_login("wangwu").status_code == 403

    AccessAttempt.objects.filter(username="wangwu").update(
        attempt_time=timezone.now() - timedelta(minutes=15, seconds=1)
    )
    response = post_login("wangwu")
    assert response["Location"] == "/accounts/me/"
    assert signed_in_user(client) == person


def test_after_the_lock_expires_a_single_failure_does_not_lock_again(client, post_login, person):
    fail(post_login, 5)
    AccessAttempt.objects.filter(username="wangwu").update(
        attempt_time=timezone.now() - timedelta(minutes=16)
    )
    response = post_login("wangwu", password=WRONG)
    assert response.status_code == 200
    assert LOCKED not in response.content.decode()
    assert post_login("wangwu")["Location"] == "/accounts/me/"


def test_one_locked_account_does_not_lock_others(client, post_login, person, applicant):
    fail(post_login, 5)
    assert post_login("zhangsan")["Location"] == "/accounts/me/"
    assert signed_in_user(client) == applicant


def test_unknown_names_are_counted_separately_from_real_accounts(client, post_login, person):
    fail(post_login, 5, identifier="nobody")
    assert post_login("wangwu")["Location"] == "/accounts/me/"


def test_failures_from_different_computers_count_for_the_account(client, person):
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": "wangwu", "password": WRONG, **CAPTCHA_OK},
            REMOTE_ADDR=f"10.0.0.{n + 1}",
            HTTP_USER_AGENT=f"browser {n}",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "wangwu", "password": factories.PASSWORD, **CAPTCHA_OK},
        REMOTE_ADDR="10.0.0.99",
    )
    assert response.status_code == 403
    assert LOCKED in response.content.decode()
