import json
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zhicheng")
# Every CELERY_* setting in config/settings.py applies; with no REDIS_URL they run eagerly.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work, run by `celery -A config beat` (one beat process per deployment, always part
# of the production stack). The sweeps run every minute so that work left behind by a killed
# worker (its message unacknowledged until the broker's visibility timeout, 30 minutes) is
# queued again within two or three minutes. Each entry expires before the next one is due,
# so a backlog of sweeps never builds up while no worker runs.
app.conf.beat_schedule = {
    "requeue-stuck-attachment-checks": {
        # Files left "checking" for more than 2 minutes (a check takes seconds and is killed
        # at 90 s) are queued again; after 5 attempts they are rejected with a reason
        # (attachments.services.requeue_stuck_checks).
        "task": "attachments.tasks.requeue_stuck_checks",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "requeue-stuck-document-renders": {
        # Requests still queued after 2 minutes, and renders started longer ago than a render
        # may run (its hard time limit), are queued again; after 5 attempts they fail with a
        # reason (documents.services.requeue_stuck_documents).
        "task": "documents.tasks.requeue_stuck_documents",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
}

# Broker transport options (settings.CELERY_BROKER_TRANSPORT_OPTIONS: the visibility timeout)
# can be overridden as JSON, e.g. '{"visibility_timeout": 3600}'; the worker tests set a few
# seconds so a killed worker's message comes back quickly.
if os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS"):
    app.conf.broker_transport_options = {
        **(app.conf.broker_transport_options or {}),
        **json.loads(os.environ["CELERY_BROKER_TRANSPORT_OPTIONS"]),
    }
