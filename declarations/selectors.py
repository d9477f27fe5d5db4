from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import workflow
from declarations.models import Declaration, DeclarationEvent, Plan, PlanSection
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


def plan_sections(declaration) -> list:
    """The plan's sections in plan order: the prefetched ones when the caller prefetched them
    (prefetch_plan_sections), else one query ordered by the sections' own order (PlanSection's
    default ordering starts with "plan", which joins the plan, its series and level to sort
    by Plan's ordering)."""
    plan = declaration.plan
    if "sections" in getattr(plan, "_prefetched_objects_cache", {}):
        return list(plan.sections.all())
    return list(plan.sections.order_by("sort_order", "pk"))


def prefetch_plan_sections() -> Prefetch:
    """For prefetch_related_objects: the plan's sections without the default ordering's joins."""
    return Prefetch("plan__sections", queryset=PlanSection.objects.order_by("sort_order", "pk"))


def enabled_sections(declaration):
    return [s for s in plan_sections(declaration) if s.enabled]


def timeline(declaration):
    """Every step of the declaration, oldest first, with who acted and where it went."""
    return declaration.events.select_related("actor", "organization").order_by("created_at", "pk")


@dataclass(frozen=True)
class TimelineStep:
    event: DeclarationEvent
    label: str
    # Who did it: the person, and the organization they acted for ("" for the applicant).
    person: str
    acting_organization: str
    # Where the declaration went (submission and reports), or "".
    sent_to: str
    # (from, to) state labels when the step changed the state, else None.
    state_change: tuple[str, str] | None


def timeline_steps(declaration) -> list[TimelineStep]:
    """The timeline as the applicant reads it: each step names the acting person and
    organization and, for a hand-over, the organization that received it; a step that left
    the state unchanged (新增申报, 复用) shows no "草稿 → 草稿"."""
    handovers = set(workflow.handover_actions())
    steps = []
    for event in timeline(declaration):
        if event.action in handovers:
            # The event's organization received it; a report names the sender in its details.
            sent_to = event.organization.name if event.organization else ""
            acting = (event.details or {}).get("from", "")
        else:
            sent_to = ""
            acting = event.organization.name if event.organization else ""
        if event.actor is not None and event.actor.pk == declaration.applicant_id:
            acting = ""
        changed = event.from_status and event.from_status != event.to_status
        steps.append(
            TimelineStep(
                event=event,
                label=event.action_label,
                person=event.actor.name if event.actor else "",
                acting_organization=acting,
                sent_to=sent_to,
                state_change=(
                    (event.get_from_status_display(), event.get_to_status_display())
                    if changed
                    else None
                ),
            )
        )
    return steps


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
    reasons (in the event's details), while it is still returned: a unit's or department's
    退回修改, or the committee office's (评委会退回修改, a reason and no sections)."""
    if declaration.status != workflow.DeclarationStatus.RETURNED:
        return None
    return (
        declaration.events.filter(action__in=(Action.RETURN, Action.COMMITTEE_RETURN))
        .select_related("organization", "actor")
        .order_by("-created_at", "-pk")
        .first()
    )
