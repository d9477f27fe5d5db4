"""Pluggable SMS delivery. settings.SMS_BACKEND names the class to use."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Filled by LocmemSMSBackend, like django.core.mail.outbox, for tests.
outbox: list[tuple[str, str]] = []


class BaseSMSBackend:
    def send(self, phone: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Development backend: writes the message to the log instead of sending it."""

    def send(self, phone, body):
        logger.warning("SMS to %s: %s", phone, body)


class LocmemSMSBackend(BaseSMSBackend):
    def send(self, phone, body):
        outbox.append((phone, body))


def get_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()
