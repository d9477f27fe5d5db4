"""Background work on attachments: the deep check of one file, and the sweep that re-queues
checks a dead worker or a lost message left behind.

Reliability of the check:

* it is idempotent (``services.check_attachment`` leaves a decided file as it is), so running
  it twice is harmless;
* ``acks_late`` + ``reject_on_worker_lost``: the message is acknowledged only after the check
  finished, so a worker killed mid-check leaves it to be delivered again (Redis restores
  unacknowledged messages after the broker's ``visibility_timeout``);
* transient errors (the file system, S3, the database) are retried with exponential backoff;
  each run counts one attempt, and after ``MAX_CHECK_ATTEMPTS`` the sweep rejects the file
  with a reason instead of trying for ever;
* the sweep (``requeue_stuck_checks``, every 5 minutes from celery beat, or the
  ``requeue_stuck_attachments`` command) re-queues files stuck in "checking".
"""

import logging
import os
import time

from celery import shared_task
from django.db import InterfaceError, OperationalError

from attachments import services

logger = logging.getLogger(__name__)

try:  # S3 through django-storages (botocore is installed with django-storages[s3]).
    from botocore.exceptions import BotoCoreError, ClientError

    _STORAGE_ERRORS: tuple[type[BaseException], ...] = (BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - botocore is a dependency
    _STORAGE_ERRORS = ()

#: Errors worth another try: the disk or network share, the object store, the database.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError, *_STORAGE_ERRORS)

#: TEST ONLY. Seconds the check sleeps after counting its attempt and before reading the file,
#: so the worker tests can kill a worker in the middle of a check. Default 0; never set it in
#: production.
TEST_DELAY_ENV = "ATTACHMENT_CHECK_TEST_DELAY"


def _test_delay(attachment):
    try:
        delay = float(os.environ.get(TEST_DELAY_ENV) or 0)
    except ValueError:
        delay = 0
    if delay > 0:
        logger.warning(
            "%s=%s: attachment %s check sleeps (test only)", TEST_DELAY_ENV, delay, attachment.pk
        )
        time.sleep(delay)


@shared_task(
    bind=True,
    name="attachments.tasks.check_attachment",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    # The first run and its retries together make MAX_CHECK_ATTEMPTS attempts; then the sweep
    # rejects the file with a reason.
    max_retries=services.MAX_CHECK_ATTEMPTS - 1,
)
def check_attachment(self, attachment_id: int):
    attachment = services.check_attachment(attachment_id=attachment_id, after_claim=_test_delay)
    return attachment.status if attachment is not None else None


@shared_task(name="attachments.tasks.requeue_stuck_checks", ignore_result=True)
def requeue_stuck_checks():
    return services.requeue_stuck_checks()
