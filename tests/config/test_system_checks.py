"""System checks that tell an operator, before the first message is lost, that with DEBUG off
the mailer has no server (every email would fail) or SMS go to the development console backend
(nothing is ever sent)."""

from applicants import checks, sms
from tests.config.test_settings import production_env, run


class ProviderSMSBackend(sms.BaseSMSBackend):
    """Stands for an operator's provider class in the production settings tests."""

    def send(self, phone, body):  # pragma: no cover - never sends in the tests
        raise NotImplementedError


SMTP = "django.core.mail.backends.smtp.EmailBackend"


def ids(messages):
    return [message.id for message in messages]


def test_smtp_without_a_host_is_reported_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.MAILERS = {"default": {"BACKEND": SMTP, "OPTIONS": {"port": 25}}}
    assert ids(checks.check_mailer()) == ["zhicheng.W001"]
    # No BACKEND at all is SMTP too.
    settings.MAILERS = {"default": {}}
    assert ids(checks.check_mailer()) == ["zhicheng.W001"]


def test_smtp_with_a_host_or_debug_on_is_fine(settings):
    settings.DEBUG = False
    settings.MAILERS = {"default": {"BACKEND": SMTP, "OPTIONS": {"host": "smtp.example.gov.cn"}}}
    assert checks.check_mailer() == []
    settings.DEBUG = True
    settings.MAILERS = {"default": {"BACKEND": SMTP}}
    assert checks.check_mailer() == []


def test_console_sms_backend_is_reported_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = "applicants.sms.ConsoleSMSBackend"
    [message] = checks.check_sms_backend()
    assert message.id == "zhicheng.W002" and "ConsoleSMSBackend" in message.msg
    settings.SMS_BACKEND = f"{__name__}.ProviderSMSBackend"
    assert checks.check_sms_backend() == []
    settings.DEBUG = True
    settings.SMS_BACKEND = "applicants.sms.ConsoleSMSBackend"
    assert checks.check_sms_backend() == []


def test_deploy_check_fails_on_the_compose_defaults():
    """DEBUG off with no EMAIL_HOST and the console SMS backend (docker-compose.yml's defaults):
    the operator's `check --deploy` now says so instead of accepting it."""
    env = production_env()
    del env["EMAIL_HOST"], env["SMS_BACKEND"]
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "zhicheng.W001" in output and "zhicheng.W002" in output
