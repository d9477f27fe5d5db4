from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.models import Declaration, Plan


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
