"""收费设定 (S3): per committee and plan, 收费 / 不收费, the amount, and whether evaluation waits
for payment. Declarations already accepted follow the setting: their pending fees take the new
amount, those without one get one when the plan becomes charged, and pending fees are dropped
when it no longer charges (a paid fee is never touched)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from committee.models import FeeSetting, Payment
from declarations.models import Declaration, DeclarationStatus
from institutions import access
from institutions.audit import AuditAction, record_audit

MAX_AMOUNT = Decimal("99999")


def clean_amount(charged: bool, amount) -> Decimal:
    if not charged:
        return Decimal("0")
    if amount is None:
        raise ValidationError({"amount": _("收费时请填写评审费金额。")})
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("收费时评审费金额必须大于0元。")})
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("评审费金额不能超过99999元。")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("评审费金额最多保留两位小数。")})
    return amount


@transaction.atomic
def set_fee(
    *, actor, plan, charged: bool, amount=None, required_before_evaluation: bool = True
) -> FeeSetting:
    """Set the fee of the plan for its committee; only the committee's office (EVALUATE)."""
    committee = plan.committee
    office = committee.office
    access.require_member(actor, office)
    if not access.may(office, access.Capability.EVALUATE):
        raise PermissionDenied(_("本单位不能设定评审收费。"))
    amount = clean_amount(charged, amount)
    setting = FeeSetting.objects.select_for_update().filter(committee=committee, plan=plan).first()
    before = None
    if setting is None:
        setting = FeeSetting(committee=committee, plan=plan)
    else:
        before = {
            "charged": setting.charged,
            "amount": str(setting.amount),
            "required_before_evaluation": setting.required_before_evaluation,
        }
    setting.charged = charged
    setting.amount = amount
    setting.required_before_evaluation = required_before_evaluation
    setting.save()
    pending = Payment.objects.filter(
        declaration__plan=plan,
        declaration__holder=office,
        status=Payment.Status.PENDING,
    )
    created = updated = dropped = 0
    if charged:
        updated = pending.exclude(amount=amount).update(amount=amount)
        accepted = Declaration.objects.filter(
            plan=plan, holder=office, status=DeclarationStatus.ACCEPTED
        ).values_list("pk", "round")
        have = set(
            Payment.objects.filter(declaration__plan=plan, declaration__holder=office).values_list(
                "declaration_id", "round"
            )
        )
        missing = [
            Payment(declaration_id=pk, round=round_, amount=amount)
            for pk, round_ in accepted
            if (pk, round_) not in have
        ]
        Payment.objects.bulk_create(missing)
        created = len(missing)
    else:
        dropped, _detail = pending.delete()
    record_audit(
        actor=actor,
        action=AuditAction.FEE_SET,
        obj=setting,
        organization=office,
        charged=charged,
        amount=str(amount),
        required_before_evaluation=required_before_evaluation,
        before=before,
        payments_created=created,
        payments_updated=updated,
        payments_dropped=dropped,
    )
    return setting
