import json
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zhicheng")
# Every CELERY_* setting in config/settings.py applies; with no REDIS_URL they run eagerly.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work, run by `celery -A config beat` (one beat process per deployment).
app.conf.beat_schedule = {
    "requeue-stuck-attachment-checks": {
        # Files left "checking" for more than 10 minutes are queued again; after 5 attempts
        # they are rejected with a reason (attachments.services.requeue_stuck_checks).
        "task": "attachments.tasks.requeue_stuck_checks",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    "requeue-stuck-document-renders": {
        # Evaluation forms and packets left queued or drawing for more than 15 minutes are
        # queued again; after 5 attempts they fail with a reason (documents.services).
        "task": "documents.tasks.requeue_stuck_documents",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
}

# Broker transport options as JSON, e.g. '{"visibility_timeout": 3600}'. Redis delivers an
# unacknowledged message (a worker died mid-task) again after visibility_timeout seconds; the
# worker tests set it to a few seconds so a killed worker's message comes back quickly.
if os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS"):
    app.conf.broker_transport_options = json.loads(os.environ["CELERY_BROKER_TRANSPORT_OPTIONS"])
