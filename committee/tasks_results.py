"""Celery tasks of results and certificates (imported by committee.wiring.results, so the worker
registers them when Django starts). Thin: ids in, the service does the work."""

from celery import shared_task


@shared_task(name="committee.tasks_results.issue_certificates", acks_late=True, ignore_result=True)
def issue_certificates(notice_id: int):
    """The certificates of a confirmed notice with many people (idempotent: those missing)."""
    from committee.services import certificates

    return len(certificates.issue_for_notice(notice_id=notice_id))
