"""修改密码: every signed-in account changes its own password, knowing the current one."""

import pytest
from django.core.exceptions import ValidationError

from applicants import services
from tests import factories
from tests.applicants.helpers import NEW_PASSWORD, field_errors, flash_messages

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password/"


def _change(client, old=factories.PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        CHANGE, {"old_password": old, "password1": new, "password2": again or new}, follow=True
    )


@pytest.mark.parametrize("persona", ["applicant", "unit_reviewer", "bureau_reviewer"])
def test_a_signed_in_account_changes_its_password_and_stays_signed_in(request, login, persona):
    user = request.getfixturevalue(persona)
    client = login(user)

    response = _change(client)

    assert "密码已修改，请使用新密码登录。" in flash_messages(response)
    assert response.context["user"] == user  # still signed in here
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_menu_offers_the_change(login, applicant):
    assert f'href="{CHANGE}"' in login(applicant).get("/accounts/me/").content.decode()


def test_a_wrong_current_password_changes_nothing(login, applicant):
    response = _change(login(applicant), old="Wrong#2026pw")

    assert field_errors(response, "old_password") == ["当前密码不正确。"]
    applicant.refresh_from_db()
    assert applicant.check_password(factories.PASSWORD)


@pytest.mark.parametrize(
    ("new", "again", "field"),
    [("12345678", None, "password1"), (NEW_PASSWORD, "Other#2026pw", "password2")],
)
def test_weak_or_mismatched_new_password_is_refused(login, applicant, new, again, field):
    response = _change(login(applicant), new=new, again=again)

    assert field_errors(response, field)
    applicant.refresh_from_db()
    assert applicant.check_password(factories.PASSWORD)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_service_checks_the_current_password(applicant):
    with pytest.raises(ValidationError) as excinfo:
        services.change_password(
            actor=applicant, old_password="Wrong#2026pw", new_password=NEW_PASSWORD
        )
    assert "old_password" in excinfo.value.message_dict
