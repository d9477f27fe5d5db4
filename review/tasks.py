from celery import shared_task
from django.db import InterfaceError, OperationalError

from review import notifications


@shared_task(
    acks_late=True,
    # Only writes (one record per channel, each sent by its own task); a database hiccup
    # rolls the whole notification back, so trying again cannot duplicate a message.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_jitter=True,
    max_retries=5,
)
def notify_applicant(event_id: int):
    notifications.notify_applicant(event_id=event_id)
