"""System checks for the channels the platform tells people through (SMS and email). They
report, with DEBUG off, a configuration under which every message would fail or go nowhere:
shown by every management command (the compose stack's migrate one-off among them) and failing
``manage.py check --deploy --fail-level WARNING``. Operators read them: English."""

from django.conf import settings
from django.core.checks import Warning, register

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEVELOPMENT_SMS_BACKENDS = {
    "applicants.sms.ConsoleSMSBackend",
    "applicants.sms.LocmemSMSBackend",
}


def _default_mailer() -> tuple[str, dict]:
    mailers = getattr(settings, "MAILERS", None) or {}
    mailer = mailers.get("default")
    if mailer is None:
        return "", {}
    # An entry without BACKEND is SMTP (Django's default).
    return mailer.get("BACKEND") or SMTP_BACKEND, mailer.get("OPTIONS") or {}


@register("zhicheng")
def check_mailer(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    backend, options = _default_mailer()
    if backend != SMTP_BACKEND or options.get("host"):
        return []
    return [
        Warning(
            "DEBUG is off and the default mailer is SMTP with no host: every email (decision "
            "notices to applicants) will fail.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
            "EMAIL_USE_TLS) to the mail server, or EMAIL_BACKEND to another production backend.",
            id="zhicheng.W001",
        )
    ]


@register("zhicheng")
def check_sms_backend(app_configs=None, **kwargs):
    if settings.DEBUG or settings.SMS_BACKEND not in DEVELOPMENT_SMS_BACKENDS:
        return []
    return [
        Warning(
            f"DEBUG is off and SMS_BACKEND is the development backend {settings.SMS_BACKEND}: "
            "SMS (decisions, password recovery codes, initial passwords) are only written to "
            "the log, never sent.",
            hint="Set SMS_BACKEND to the dotted path of your provider's class (a subclass of "
            "applicants.sms.BaseSMSBackend).",
            id="zhicheng.W002",
        )
    ]
