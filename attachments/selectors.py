"""Reads of attachments. Every view that takes an attachment id fetches it through
get_attachment_for_viewer, so nobody reaches someone else's file by changing an id."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from attachments.models import Attachment
from declarations.models import AttachmentSlot
from review.models import Review


def _nothing():
    return Q(pk__in=[])


def visible_declarations_q(user, prefix: str = "") -> Q:
    """Declarations `user` may see, as a filter on Declaration (prefix "") or on a model that
    points at one (prefix "declaration__"):

    * its applicant;
    * an organization the user acts for that holds it now (holder) or held it before (it has
      a review row there, even if the applicant withdrew it: the unit keeps what it was sent);
    Everyone else (other applicants, unrelated units, administrators) sees nothing."""
    if user is None or not user.is_authenticated:
        return _nothing()
    if user.is_personal:
        return Q(**{f"{prefix}applicant": user})
    from institutions.models import Membership

    organizations = Membership.objects.filter(user=user).values("organization_id")
    # Every organization the declaration reached has a review row (its queue entry).
    held_before = Review.objects.filter(
        declaration=OuterRef(f"{prefix}pk"), organization__in=organizations
    )
    # The committee office is no exception: it sees a declaration once it was reported to it.
    return Q(**{f"{prefix}holder__in": organizations}) | Q(Exists(held_before))


def get_attachment_for_viewer(user, pk: int) -> Attachment:
    """The attachment with its declaration (and plan) and slot, if `user` may see that
    declaration; otherwise 404, the same as for an id that does not exist. One query."""
    attachment = (
        Attachment.objects.select_related("declaration__plan", "slot__plan_section")
        .filter(visible_declarations_q(user, "declaration__"), pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404(_("未找到该文件。"))
    return attachment


def slots_with_files(declaration, plan_section) -> list[AttachmentSlot]:
    """The section's slots in order, each with `.files`: this declaration's attachments in the
    slot, oldest first. Two queries however many slots and files there are (one when the
    section has no slot)."""
    files = Attachment.objects.filter(declaration_id=declaration.pk).order_by("created_at", "pk")
    return list(
        AttachmentSlot.objects.filter(plan_section_id=plan_section.pk)
        .order_by("sort_order", "pk")
        .prefetch_related(Prefetch("attachments", queryset=files, to_attr="files"))
    )


def slot_with_files(declaration, slot: AttachmentSlot) -> AttachmentSlot:
    """`slot` with `.files` filled for this declaration (one query)."""
    slot.files = list(
        Attachment.objects.filter(declaration_id=declaration.pk, slot_id=slot.pk).order_by(
            "created_at", "pk"
        )
    )
    return slot


def get_slot_for_declaration(declaration, slot_pk: int) -> AttachmentSlot:
    """A slot of an enabled section of the declaration's plan; any other id is not found."""
    slot = (
        AttachmentSlot.objects.select_related("plan_section")
        .filter(
            pk=slot_pk,
            plan_section__plan_id=declaration.plan_id,
            plan_section__enabled=True,
        )
        .first()
    )
    if slot is None:
        raise Http404(_("该申报没有这个附件栏目。"))
    return slot
