from celery import shared_task

from review import notifications


@shared_task(acks_late=True)
def notify_applicant(event_id: int):
    notifications.notify_applicant(event_id=event_id)
