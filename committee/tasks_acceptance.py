"""Celery tasks of acceptance and fees (imported by committee.wiring.acceptance, so the worker
registers them when Django starts)."""

from celery import shared_task


@shared_task(acks_late=True)
def notify_committee_decision(event_id: int):
    from committee.services import acceptance

    acceptance.notify_applicant(event_id=event_id)


@shared_task(acks_late=True)
def notify_payment_recorded(payment_id: int):
    from committee.services import payments

    payments.notify_paid(payment_id=payment_id)
