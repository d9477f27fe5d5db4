import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zhicheng")
# Every CELERY_* setting in config/settings.py applies; with no REDIS_URL they run eagerly.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
