"""URLs of the committee stage: acceptance (受理) and fees (收费设定, 缴费登记)."""

from django.urls import path

from committee.views import acceptance, fees

urlpatterns: list = [
    path("committee/inbox/", acceptance.inbox, name="inbox"),
    path("committee/inbox/confirm/", acceptance.decide_confirm, name="decide_confirm"),
    path("committee/inbox/decide/", acceptance.decide, name="decide"),
    path("committee/fees/", fees.fee_list, name="fee_list"),
    path("committee/fees/<int:plan_pk>/", fees.fee_edit, name="fee_edit"),
    path("committee/payments/", fees.payment_list, name="payment_list"),
    path("committee/payments/confirm/", fees.payment_confirm, name="payment_confirm"),
    path("committee/payments/record/", fees.payment_record, name="payment_record"),
    path("committee/payments/import/", fees.payment_import, name="payment_import"),
]
