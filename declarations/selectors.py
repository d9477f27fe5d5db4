from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.prepared import prepared
from declarations import kept, workflow
from declarations.models import (
    AttachmentSlot,
    Declaration,
    DeclarationEvent,
    DeclarationSection,
    Plan,
    PlanSection,
)
from declarations.services import kept_per_version
from declarations.workflow import Action
from institutions import access


def open_plans(at=None):
    at = at or timezone.now()
    return Plan.objects.filter(opens_at__lte=at, closes_at__gte=at).select_related(
        "series", "level", "region", "committee"
    )


@kept.prepared_fetch("plan__series", "plan__level", "plan__region", "holder")
def _applicants_declarations(*, applicant):
    return Declaration.objects.filter(applicant_id=applicant).order_by("-created_at")


def declarations_for_applicant(user) -> list[Declaration]:
    return _applicants_declarations(applicant=user.pk)


APPLICANT_PAGE_RELATED = ("plan__series", "plan__level", "plan__region", "holder", "declaring_unit")


@prepared
def _applicants_declaration(*, declaration, applicant):
    return kept.related(
        Declaration.objects.filter(pk=declaration, applicant_id=applicant),
        *APPLICANT_PAGE_RELATED,
    )


def get_declaration_for_applicant(user, pk: int) -> Declaration:
    """The applicant's own declaration; anyone else's id is simply not found."""
    found = _applicants_declaration(declaration=int(pk), applicant=user.pk)
    if not found:
        raise Http404(_("未找到该申报。"))
    [declaration] = found
    kept.attach([declaration], *APPLICANT_PAGE_RELATED)
    # The applicant is the signed-in user (the filter says so): no join of the account's wide
    # row on every applicant page.
    declaration.applicant = user
    return declaration


@prepared
def saved_section(*, declaration, code):
    """The declaration's saved data of one section (one row at most), as a list."""
    return DeclarationSection.objects.filter(declaration_id=declaration, code=code)


def plan_sections(declaration) -> list:
    """The plan's sections in plan order: the prefetched ones when the caller set them
    (load_sections), else one query ordered by the sections' own order (PlanSection's
    default ordering starts with "plan", which joins the plan, its series and level to sort
    by Plan's ordering)."""
    plan = declaration.plan
    if "sections" in getattr(plan, "_prefetched_objects_cache", {}):
        return list(plan.sections.all())
    timeout = kept.on()
    if timeout:
        # Part of the plan's form: kept in this process under the configuration version
        # (services.kept_per_version), as the upload slots are. Callers read, never change them.
        return list(
            kept_per_version(
                ("declarations:plan-sections", plan.pk),
                lambda: list(
                    PlanSection.objects.filter(plan_id=plan.pk).order_by("sort_order", "pk")
                ),
                timeout=timeout,
            )
        )
    return list(plan.sections.order_by("sort_order", "pk"))


def slot_rows(plan_section_ids) -> list[AttachmentSlot]:
    """The upload slots of these plan sections in slot order (one query); with the shared cache
    on, part of the plan's form kept in this process under the configuration version, as
    plan_sections are."""
    ids = tuple(sorted(plan_section_ids))

    def load():
        return list(
            AttachmentSlot.objects.filter(plan_section_id__in=ids).order_by("sort_order", "pk")
        )

    timeout = kept.on()
    return (
        kept_per_version(("declarations:slots", ids), load, timeout=timeout) if timeout else load()
    )


@prepared
def _saved_sections(*, declaration):
    return DeclarationSection.objects.filter(declaration_id=declaration)


def _as_prefetched(instance, name: str, rows: list) -> None:
    """Set rows as instance's prefetched `name` (what prefetch_related_objects leaves): a later
    instance.name.all() reads them without a query."""
    rows_qs = getattr(instance, name).get_queryset()
    rows_qs._result_cache, rows_qs._prefetch_done = rows, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = rows_qs


def load_sections(declaration) -> None:
    """The plan's sections (plan_sections: kept with the shared cache on) and the saved
    sections, set as prefetched on the declaration and its plan, for a page and the checks it
    runs (missing_items): at most two queries, one with the plan's form kept."""
    _as_prefetched(declaration.plan, "sections", plan_sections(declaration))
    _as_prefetched(declaration, "section_data", _saved_sections(declaration=declaration.pk))


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


# --- 状态跟踪's picture of the chain (unit → departments → committee → 结果 → 证书) ----------


@dataclass
class ChainLevel:
    """One level of the chain as the applicant's status page draws it."""

    # unit, department, committee, result or certificate.
    kind: str
    # What the level is (用人单位, 主管部门, 评委会, 评审结果, 电子证书).
    title: str
    # Who it is (the organization or committee), or "".
    name: str = ""
    # done, current, todo, or a stop: returned, rejected, refused, failed, revoked.
    state: str = "todo"
    # The state in words (the picture never relies on colour alone).
    state_label: str = ""
    # When the declaration arrived (current and stopped levels), and the whole days since.
    since: object = None
    days: int | None = None

    @property
    def is_stop(self) -> bool:
        return self.state in ("returned", "rejected", "refused", "failed", "revoked")


# How far a chain of paths is followed (a loop of paths must not hang the page).
_MAX_PATH_LEVELS = 8
_STOP_LABELS = {
    "returned": _l("已退回修改"),
    "rejected": _l("审核不通过"),
    "refused": _l("不予受理"),
    "failed": _l("评审未通过"),
    "revoked": _l("评审结果已撤销"),
}


def _current_round(events: list) -> list:
    """The events since the last submission (a return restarts the chain at the unit)."""
    start = 0
    for index, event in enumerate(events):
        if event.action == Action.SUBMIT:
            start = index
    return events[start:] if any(e.action == Action.SUBMIT for e in events) else []


def _planned_organizations(declaration, start) -> tuple[list, object]:
    """The organizations after `start` along the effective routing paths of the plan's series
    and level (one query per level), and the committee the last path ends at (or None)."""
    from institutions.selectors import effective_path

    organizations, committee, seen = [], None, {start.pk}
    organization = start
    for _level in range(_MAX_PATH_LEVELS):
        path = effective_path(organization, declaration.plan.series, declaration.plan.level)
        if path is None:
            break
        if path.committee_id is not None:
            committee = path.committee
            break
        if path.target is None or path.target_id in seen:
            break
        organization = path.target
        seen.add(organization.pk)
        organizations.append(organization)
    return organizations, committee


def status_chain(declaration, events: list, *, certificate: dict | None = None, now=None):
    """The chain of the declaration's levels, each done, current (with the days it has been
    there) or not yet; a return, rejection, refusal or failed evaluation marks the level that
    decided it. `events` are the declaration's events oldest first (the timeline's);
    `certificate` the 证书状态 the committee contributes ({'label', 'url'}) or None."""
    from institutions.models import OrgKind

    now = now or timezone.now()
    status = declaration.status
    S = workflow.DeclarationStatus
    round_events = _current_round(events)

    # The organizations the declaration reached in this round, in order, with when it arrived.
    reached, arrived = [], {}
    committee_arrival = None
    for event in round_events:
        if event.action == Action.REPORT_TO_COMMITTEE:
            committee_arrival = event.created_at
        elif event.action in (Action.SUBMIT, Action.REPORT) and event.organization is not None:
            if event.organization.pk not in arrived:
                reached.append(event.organization)
            arrived[event.organization.pk] = event.created_at

    unit = reached[0] if reached else declaration.declaring_unit
    organizations = list(reached) or ([unit] if unit is not None else [])
    committee = declaration.committee if declaration.committee_id else None
    if organizations and committee_arrival is None:
        later, planned_committee = _planned_organizations(declaration, organizations[-1])
        organizations += later
        committee = committee or planned_committee
    if committee is None and declaration.plan.committee_id:
        committee = declaration.plan.committee

    levels = []
    for index, organization in enumerate(organizations):
        if index == 0:
            # A freelancer's declaring unit is an HR bureau (个人代理): 申报单位.
            title = _("用人单位") if organization.kind == OrgKind.UNIT else _("申报单位")
            kind = "unit"
        else:
            title = OrgKind(organization.kind).label
            kind = "department"
        level = ChainLevel(kind=kind, title=str(title), name=organization.name)
        level.organization_id = organization.pk
        levels.append(level)
    if not levels:
        levels.append(ChainLevel(kind="unit", title=_("用人单位")))
        levels[0].organization_id = None
    committee_level = ChainLevel(
        kind="committee", title=_("评委会"), name=committee.name if committee else ""
    )
    result_level = ChainLevel(kind="result", title=_("评审结果"))
    certificate_level = ChainLevel(kind="certificate", title=_("电子证书"))
    chain = [*levels, committee_level, result_level, certificate_level]

    def mark_done(upto: int):
        for level in chain[:upto]:
            level.state = "done"

    def mark(level, state, since=None):
        level.state = state
        level.since = since
        if since is not None:
            level.days = max((now - since).days, 0)

    def last_of(*actions):
        """The latest event of these actions (edits after a return come later)."""
        return next((e for e in reversed(events) if e.action in actions), None)

    at_committee = {S.AT_COMMITTEE, S.ACCEPTED, S.IN_EVALUATION}
    if status in (S.SUBMITTED, S.UNDER_REVIEW, S.PASSED):
        position = next(
            (i for i, level in enumerate(levels) if level.organization_id == declaration.holder_id),
            None,
        )
        if position is not None:
            mark_done(position)
            mark(levels[position], "current", arrived.get(declaration.holder_id))
    elif status in (S.RETURNED, S.REJECTED):
        stop = "returned" if status == S.RETURNED else "rejected"
        last = last_of(Action.RETURN, Action.COMMITTEE_RETURN, Action.REJECT)
        decider = last.organization_id if last is not None else None
        if last is not None and last.action == Action.COMMITTEE_RETURN:
            mark_done(len(levels))
            mark(committee_level, stop, last.created_at)
        else:
            position = next(
                (i for i, level in enumerate(levels) if level.organization_id == decider), None
            )
            if position is not None:
                mark_done(position)
                mark(levels[position], stop, last.created_at if last else None)
    elif status in at_committee:
        mark_done(len(levels))
        mark(committee_level, "current", committee_arrival)
    elif status == S.NOT_ACCEPTED:
        mark_done(len(levels))
        last = last_of(Action.REFUSE)
        mark(committee_level, "refused", last.created_at if last else None)
    elif status in (S.EVALUATION_PASSED, S.EVALUATION_FAILED, S.CONFIRMED, S.REVOKED):
        mark_done(len(levels) + 1)
        decided = next(
            (
                e.created_at
                for e in reversed(events)
                if e.action in (Action.EVALUATION_PASS, Action.EVALUATION_FAIL)
            ),
            None,
        )
        if status == S.EVALUATION_PASSED:
            mark(result_level, "current", decided)
            result_level.state_label = _("评审通过（公示中）")
        elif status == S.EVALUATION_FAILED:
            mark(result_level, "failed", decided)
        elif status == S.REVOKED:
            last = last_of(Action.REVOKE)
            mark(result_level, "revoked", last.created_at if last else None)
        else:
            result_level.state = "done"
            result_level.state_label = _("评审通过")
            if certificate and certificate.get("url"):
                certificate_level.state = "done"
                certificate_level.state_label = _("已颁发")
            else:
                last = last_of(Action.CONFIRM_RESULT)
                confirmed = last.created_at if last else None
                mark(certificate_level, "current", confirmed)
                certificate_level.state_label = _("待颁发")

    for level in chain:
        if not level.state_label:
            if level.is_stop:
                level.state_label = str(_STOP_LABELS[level.state])
            else:
                level.state_label = {
                    "done": _("已完成"),
                    "current": _("当前所在"),
                    "todo": _("未开始"),
                }[level.state]
    return chain
