"""The audit trail of changes to who may do what (AuditEntry), and the one way to write it.

Call record_audit inside the transaction that makes the change, so the entry and the change are
committed (or rolled back) together. Applicants is below institutions and cannot call it: it sends
the signals in applicants.signals, and the receivers here (connected in InstitutionsConfig.ready)
record them.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from institutions.models import AuditAction, AuditEntry, Organization

__all__ = ["AuditAction", "record_audit"]

OBJECT_REPR_LENGTH = AuditEntry._meta.get_field("object_repr").max_length


def record_audit(
    *,
    actor,
    action: AuditAction,
    obj: Model,
    organization: Organization | None = None,
    reason: str = "",
    **details,
) -> AuditEntry:
    """Append one entry: actor (None for the system), the organization acted for, the changed
    object (its text kept as it reads now) and the reason; details are any JSON-able extras."""
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        organization=organization,
        action=action,
        object_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        object_repr=str(obj)[:OBJECT_REPR_LENGTH],
        reason=reason or "",
        details=details,
    )


def acting_organization(actor, *candidates: Organization | None) -> Organization | None:
    """The first candidate organization the actor is a member of (None for an administrator
    acting for the platform)."""
    ids = [c.pk for c in candidates if c is not None]
    if not ids or actor is None or not actor.is_authenticated:
        return None
    member_of = set(
        actor.memberships.filter(organization_id__in=ids).values_list("organization_id", flat=True)
    )
    return next((c for c in candidates if c is not None and c.pk in member_of), None)


# --- receivers for what applicants reports (connected in InstitutionsConfig.ready) ------------


def _account_repr_details(user) -> dict:
    return {"username": user.get_username(), "kind": user.kind}


def on_password_set_by_staff(sender, *, actor, user, **kwargs):
    record_audit(
        actor=actor,
        action=AuditAction.PASSWORD_RESET_BY_STAFF,
        obj=user,
        usable_password=user.has_usable_password(),
        **_account_repr_details(user),
    )


def on_account_changed_by_staff(sender, *, actor, user, created, changes, **kwargs):
    record_audit(
        actor=actor,
        action=AuditAction.ACCOUNT_CHANGED_BY_STAFF,
        obj=user,
        created=created,
        changes=changes,
        **_account_repr_details(user),
    )


def connect_receivers():
    from applicants import signals

    signals.password_set_by_staff.connect(on_password_set_by_staff, dispatch_uid="audit_password")
    signals.account_changed_by_staff.connect(
        on_account_changed_by_staff, dispatch_uid="audit_account"
    )
