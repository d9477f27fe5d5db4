"""The password-reset SMS is delivered by a real worker, after the request has committed."""

import re

import pytest

from applicants.models import SmsMessage
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.celery_worker


def test_reset_code_sms_is_delivered_by_worker(celery_worker_process, client, applicant):
    response = client.post(
        "/accounts/password-reset/",
        {"identifier": applicant.username, "captcha_0": "x", "captcha_1": "PASSED"},
    )
    assert response.status_code == 302
    message = SmsMessage.objects.get(phone=applicant.phone)

    def delivered():
        message.refresh_from_db()
        return message.status == SmsMessage.Status.SENT

    assert wait_for(delivered), "the worker did not send the SMS within 30 s"
    # Delivered, and the code no longer readable in the database.
    assert "******" in message.body
    assert not re.search(r"\d{6}", message.body)
    assert message.sent_at is not None
