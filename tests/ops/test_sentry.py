"""Error reporting is switched on by one variable, SENTRY_DSN, and is off without it; Celery's
task results are not stored (nothing reads them) (issue 14). Each check starts a fresh process,
as settings are read once at start-up; nothing is sent (no event is raised)."""

import json

from tests.config.test_settings import run

PRINT_REPORTING = """
import json, django
django.setup()
import sentry_sdk
from django.conf import settings
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "dsn": client.dsn,
    "integrations": sorted(client.integrations),
    "send_default_pii": client.options.get("send_default_pii"),
    "environment": client.options.get("environment"),
    "ignore_result": settings.CELERY_TASK_IGNORE_RESULT,
    "result_backend": settings.CELERY_RESULT_BACKEND,
}))
"""


def _reporting(**env) -> dict:
    result = run(["-c", PRINT_REPORTING], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_sentry_dsn_nothing_is_reported():
    assert _reporting()["active"] is False


def test_sentry_dsn_reports_errors_of_the_site_and_the_tasks_without_personal_data():
    dsn = "https://0123456789abcdef@errors.example.invalid/7"
    values = _reporting(SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="province-test")
    assert values["active"] is True
    assert values["dsn"] == dsn
    assert {"django", "celery"} <= set(values["integrations"])
    assert values["send_default_pii"] is False
    assert values["environment"] == "province-test"


def test_task_results_are_not_stored_even_with_redis():
    values = _reporting(REDIS_URL="redis://127.0.0.1:6379/4")
    assert values["ignore_result"] is True
    assert values["result_backend"] is None
