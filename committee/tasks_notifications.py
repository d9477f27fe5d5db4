"""Celery tasks telling applicants their committee result (imported by
committee.wiring.results, so the worker registers them when Django starts). Thin: ids in, the
service does the work."""

from celery import shared_task


@shared_task(name="committee.tasks_notifications.notify_results", acks_late=True)
def notify_results(event_ids: list[int]):
    from committee.services import result_notifications

    return result_notifications.notify_results(event_ids=event_ids)
