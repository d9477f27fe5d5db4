"""Payment backends: who records that a fee was paid. settings.PAYMENT_BACKEND names one by its
dotted path (default OfficeBackend: the office marks payments on its page or imports a list of
paid ID numbers). A backend of an online payment service would implement the same interface and
call record() from its callback."""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from committee.models import Payment

DEFAULT_BACKEND = "committee.payments.OfficeBackend"


class PaymentBackend:
    """The interface. record() marks one pending payment (locked by the caller) paid."""

    #: Whether the office may mark payments and import lists on its pages.
    office_records = False

    def record(self, payment: Payment, actor, reference: str = "", method: str = "") -> Payment:
        raise NotImplementedError


class OfficeBackend(PaymentBackend):
    """The office records payments itself (one or several at once, or an imported list)."""

    office_records = True

    def record(self, payment: Payment, actor, reference: str = "", method: str = "") -> Payment:
        payment.status = Payment.Status.PAID
        payment.method = method or Payment.Method.OFFICE
        payment.reference = (reference or "")[:64]
        payment.paid_at = timezone.now()
        payment.recorded_by = actor
        payment.save(update_fields=["status", "method", "reference", "paid_at", "recorded_by"])
        return payment


def get_backend() -> PaymentBackend:
    return import_string(getattr(settings, "PAYMENT_BACKEND", DEFAULT_BACKEND))()
