"""Production settings, checked the way an operator meets them: in a fresh process started with
only environment variables (settings are read once at import, so this cannot be faked in-process).
"""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

# Only these are inherited from the test process. Anything else (a CI's DATABASE_URL, the
# DJANGO_ALLOW_ASYNC_UNSAFE that the browser tests set, a developer's DEBUG) would make the
# subprocess something other than "a server started with exactly these variables".
_INHERITED = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV", "PYTHONPATH"}

PRINT_SECURITY_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    name: getattr(settings, name, None)
    for name in ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE",
                 "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                 "SECURE_PROXY_SSL_HEADER"]
}))
"""


def random_secret_key(length=50):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def run(args, **env):
    """Run `python <args>` in the project directory with a clean settings environment.

    SECRET_KEY is always passed (empty when not given) so that a developer's .env file cannot
    fill it in behind the test's back (settings read .env without overwriting the environment).
    """
    environ = {k: v for k, v in os.environ.items() if k in _INHERITED}
    environ["SECRET_KEY"] = ""
    environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    environ.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra):
    return {
        "DEBUG": "false",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "zhicheng.example.gov.cn",
        # A mail server and an SMS provider's class (system checks zhicheng.W001, W002).
        "EMAIL_HOST": "smtp.example.gov.cn",
        "SMS_BACKEND": "tests.config.test_system_checks.ProviderSMSBackend",
        **extra,
    }


def test_deploy_check_passes_with_only_the_documented_production_variables():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["manage.py", "check"], DEBUG="false", ALLOWED_HOSTS="zhicheng.example.gov.cn")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_rejects_a_weak_secret_key():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(SECRET_KEY="short"),
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_cookies_are_https_only_and_http_is_redirected():
    result = run(["-c", PRINT_SECURITY_SETTINGS], **production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    # Behind the TLS-terminating proxy of docker-compose / a gateway.
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_first_run_works_over_plain_http():
    """`make run` sets no variables and serves http://127.0.0.1:8000: secure-only cookies or an
    HTTPS redirect there would make signing in impossible."""
    result = run(["-c", PRINT_SECURITY_SETTINGS])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["DEBUG"] is True
    assert not values["SESSION_COOKIE_SECURE"]
    assert not values["CSRF_COOKIE_SECURE"]
    assert not values["SECURE_SSL_REDIRECT"]
