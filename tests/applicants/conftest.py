"""Fixtures for the applicants tests: captcha mode, login through the form."""

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore

from tests import factories
from tests.applicants.helpers import CAPTCHA_OK


@pytest.fixture(autouse=True)
def _captcha_test_mode(settings, monkeypatch):
    """django-simple-captcha copies CAPTCHA_TEST_MODE into captcha.conf.settings when it is
    first imported, so changing the Django setting during a test alone has no effect."""
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


@pytest.fixture
def real_captcha(settings, monkeypatch):
    """Captcha checked for real; returns a function making a stored challenge (key, answer)."""
    settings.CAPTCHA_TEST_MODE = False
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)

    def challenge():
        key = CaptchaStore.generate_key()
        return key, CaptchaStore.objects.get(hashkey=key).response

    return challenge


@pytest.fixture
def post_login(client):
    """Log in through the login form as a person would; returns the response."""

    def _post(username, password=factories.PASSWORD, captcha=CAPTCHA_OK, **extra):
        return client.post(
            "/accounts/login/", {"username": username, "password": password, **captcha, **extra}
        )

    return _post
