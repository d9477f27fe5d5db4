from celery import shared_task

from applicants import services


@shared_task(bind=True, max_retries=5, acks_late=True)
def deliver_sms(self, sms_id: int):
    try:
        services.deliver_sms(sms_id=sms_id)
    except services.SmsDeliveryError as exc:
        raise self.retry(exc=exc, countdown=2**self.request.retries * 10) from exc
