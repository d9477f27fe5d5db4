"""Background work of documents: drawing one document (ids in, the service does the rest) and
the sweep that re-queues renders a dead worker or a lost message left behind.

acks_late + reject_on_worker_lost: a worker killed while drawing leaves its message to be
delivered again, and the render claims the same request again (services.render_document is
idempotent and publishes only a complete file). The sweep (every minute from celery beat)
re-queues what a killed worker or the broker left behind (services.requeue_stuck_documents).
"""

import logging
import os
import time

from celery import shared_task

from documents import services

logger = logging.getLogger(__name__)

#: TEST ONLY. Seconds a render sleeps once it has claimed its request, so the worker tests can
#: kill a worker mid-render. Default 0; never set it in production.
TEST_DELAY_ENV = "DOCUMENT_RENDER_TEST_DELAY"


def _test_delay(document):
    try:
        delay = float(os.environ.get(TEST_DELAY_ENV) or 0)
    except ValueError:
        delay = 0
    if delay > 0:
        logger.warning(
            "%s=%s: document %s render sleeps (test only)", TEST_DELAY_ENV, delay, document.pk
        )
        time.sleep(delay)


@shared_task(
    name="documents.tasks.render_document",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    # The sweep treats a render started longer ago than this as lost (services.STUCK_AFTER).
    soft_time_limit=services.RENDER_TIME_LIMIT - 60,
    time_limit=services.RENDER_TIME_LIMIT,
)
def render_document(document_id: int, generation: int):
    document = services.render_document(
        document_id=document_id, generation=generation, after_claim=_test_delay
    )
    return document.status if document is not None else None


@shared_task(name="documents.tasks.requeue_stuck_documents", ignore_result=True)
def requeue_stuck_documents():
    return services.requeue_stuck_documents()
