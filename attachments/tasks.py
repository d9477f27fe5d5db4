from celery import shared_task

from attachments import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def check_attachment(self, attachment_id: int):
    services.check_attachment(attachment_id=attachment_id)


@shared_task
def requeue_stuck_checks():
    return services.requeue_stuck_checks()
