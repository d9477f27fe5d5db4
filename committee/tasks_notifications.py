"""Celery tasks telling applicants their committee result (imported by
committee.wiring.results, so the worker registers them when Django starts). Thin: ids in, the
service does the work."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    name="committee.tasks_notifications.notify_results",
    acks_late=True,
    # Only writes (one SMS and one email record per applicant, each sent by its own task, see
    # review.notifications.tell_applicant); a database hiccup rolls the batch back, so trying
    # again cannot duplicate a message.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_jitter=True,
    max_retries=5,
)
def notify_results(event_ids: list[int]):
    from committee.services import result_notifications

    return result_notifications.notify_results(event_ids=event_ids)
