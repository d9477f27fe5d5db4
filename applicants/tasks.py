"""Delivery of queued messages: one task per message and channel (an SMS, an email), each
late-acknowledged and retried on its own with exponential backoff, so a failure of one channel
never holds back the other. The service counts the attempts on the row and marks it failed
after MAX_DELIVERY_ATTEMPTS (the task's retries are bounded the same way)."""

from celery import shared_task

from applicants import services

_DELIVERY = {
    "bind": True,
    "acks_late": True,
    "ignore_result": True,
    "autoretry_for": (services.DeliveryError,),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": services.MAX_DELIVERY_ATTEMPTS - 1,
    # A gateway or mail server that accepts the connection and never answers: the soft limit
    # ends the attempt (counted, retried like any failure) instead of holding the worker.
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name="applicants.tasks.deliver_sms", **_DELIVERY)
def deliver_sms(self, sms_id: int):
    services.deliver_sms(sms_id=sms_id)


@shared_task(name="applicants.tasks.deliver_email", **_DELIVERY)
def deliver_email(self, email_id: int):
    services.deliver_email(email_id=email_id)
