from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import workflow
from declarations.models import Declaration, DeclarationEvent, Plan
from declarations.workflow import Action
from institutions import access


def open_plans(at=None):
    at = at or timezone.now()
    return Plan.objects.filter(opens_at__lte=at, closes_at__gte=at).select_related(
        "series", "level", "region", "committee"
    )


def declarations_for_applicant(user):
    return (
        Declaration.objects.filter(applicant=user)
        .select_related("plan__series", "plan__level", "plan__region", "holder")
        .order_by("-created_at")
    )


def get_declaration_for_applicant(user, pk: int) -> Declaration:
    """The applicant's own declaration; anyone else's id is simply not found."""
    try:
        return Declaration.objects.select_related(
            "plan__series",
            "plan__level",
            "plan__region",
            "applicant",
            "holder",
            "declaring_unit",
        ).get(pk=pk, applicant=user)
    except Declaration.DoesNotExist:
        raise Http404(_("未找到该申报。")) from None


def enabled_sections(declaration):
    return [s for s in declaration.plan.sections.all() if s.enabled]


def timeline(declaration):
    """Every step of the declaration, oldest first, with who acted and where it went."""
    return declaration.events.select_related("actor", "organization").order_by("created_at", "pk")


def visible_declarations_q(user, prefix: str = "") -> Q:
    """Declarations `user` may see, as a filter on Declaration (prefix "") or on a model that
    points at one (prefix "declaration__"):

    * its applicant;
    * an organization the user acts for that holds it now (holder) or held it before (the
      declaration was handed to it: submitted to the unit, reported to a department or the
      committee office; even if the applicant withdrew it: the unit keeps what it was sent).
    Everyone else (other applicants, unrelated units, administrators) sees nothing."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_personal:
        return Q(**{f"{prefix}applicant": user})
    organizations = access.organization_ids_filter(user)
    held_before = DeclarationEvent.objects.filter(
        declaration=OuterRef(f"{prefix}pk"),
        action__in=workflow.handover_actions(),
        organization_id__in=organizations,
    )
    return Q(**{f"{prefix}holder__in": organizations}) | Q(Exists(held_before))


def latest_return(declaration) -> DeclarationEvent | None:
    """The return that sent the declaration back to the applicant, with its per-section
    reasons (in the event's details), while it is still returned."""
    if declaration.status != workflow.DeclarationStatus.RETURNED:
        return None
    return (
        declaration.events.filter(action=Action.RETURN)
        .select_related("organization", "actor")
        .order_by("-created_at", "-pk")
        .first()
    )
