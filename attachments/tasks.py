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
* a check is stopped after ``services.CHECK_TIME_LIMIT`` seconds (it takes seconds), so
  one still "checking" two minutes after its upload is known to be lost;
* the sweep (``requeue_stuck_checks``, every minute from celery beat, or the
  ``requeue_stuck_attachments`` command) re-queues files "checking" for more than
  ``services.STUCK_AFTER`` (2 minutes) whose check started: a check interrupted by a killed
  worker is done again within about 3 minutes instead of waiting for the broker's visibility
  timeout. A message redelivered later finds the file decided and does nothing. A file whose
  check never started waits ``services.UNSTARTED_STUCK_AFTER`` (a busy queue, not a dead
  worker).
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
    # Never running when the sweep's threshold (STUCK_AFTER) comes: an overrun is stopped,
    # counts as an attempt and is queued again by the sweep.
    soft_time_limit=services.CHECK_TIME_LIMIT - 15,
    time_limit=services.CHECK_TIME_LIMIT,
)
def check_attachment(self, attachment_id: int):
    attachment = services.check_attachment(attachment_id=attachment_id, after_claim=_test_delay)
    return attachment.status if attachment is not None else None


@shared_task(name="attachments.tasks.requeue_stuck_checks", ignore_result=True)
def requeue_stuck_checks():
    return services.requeue_stuck_checks()
