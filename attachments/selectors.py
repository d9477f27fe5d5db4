"""Reads of attachments. Every view that takes an attachment id fetches it through
get_attachment_for_viewer, so nobody reaches someone else's file by changing an id."""

from django.db.models import Exists, F, IntegerField, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext as _

from attachments.models import Attachment
from core.prepared import prepared
from declarations import kept, slot_conditions, workflow
from declarations.models import AttachmentSlot, DeclarationEvent, DeclarationSection
from declarations.selectors import slot_rows, visible_declarations_q
from institutions import access


def viewable_attachments_q(user) -> Q:
    """Attachments `user` may see, as a filter on Attachment. The applicant sees every file of
    their own declarations, the draft's included. An organization sees the files of the
    submission rounds that reached it: a file submitted first in round F (submitted_round)
    belongs to every round from F on, so it is seen by the organization that holds the
    declaration now (the current round) and by each organization a round R ≥ F was handed to
    (submitted to the unit, reported up: the event's details carry the round). A file uploaded
    to the draft after a withdrawal or a return is nobody else's until it is submitted, and
    then only theirs who receive that round."""
    visible = visible_declarations_q(user, "declaration__")
    if user is None or not user.is_authenticated or user.is_personal:
        return visible
    organizations = access.organization_ids_filter(user)
    handed = (
        DeclarationEvent.objects.filter(
            declaration=OuterRef("declaration"),
            action__in=workflow.handover_actions(),
            organization_id__in=organizations,
        )
        .annotate(handed_round=Cast(KT("details__round"), IntegerField()))
        .filter(handed_round__gte=OuterRef("submitted_round"))
    )
    held_now = Q(
        declaration__holder__in=organizations,
        declaration__round__gte=F("submitted_round"),
    )
    return visible & Q(submitted_round__isnull=False) & (held_now | Exists(handed))


def viewable_attachments_of(user, declaration) -> Q:
    """viewable_attachments_q restricted to one declaration the caller has just read. When one
    of the user's (known) organizations holds it now, the declaration's part of that filter is
    decided here from its row: it is visible, and a file is seen once it was submitted in a
    round up to the current one (every file's submitted_round is at most the declaration's
    round, which only grows) — a plain filter on the files, no subquery to build or run. Any
    other user or declaration: the full filter."""
    if user is not None and user.is_authenticated and not user.is_personal:
        organizations = access.organization_ids_filter(user)
        if isinstance(organizations, list) and declaration.holder_id in organizations:
            return Q(
                declaration_id=declaration.pk,
                submitted_round__isnull=False,
                submitted_round__lte=declaration.round,
            )
    return Q(viewable_attachments_q(user), declaration_id=declaration.pk)


@prepared
def _submitted_files(*, declaration, round):
    return Attachment.objects.filter(
        declaration_id=declaration, submitted_round__isnull=False, submitted_round__lte=round
    ).order_by("created_at", "pk")


def viewable_files(user, declaration) -> list[Attachment]:
    """The declaration's files the user may see (viewable_attachments_of), oldest first (one
    query, compiled once for an organization holding the declaration: core.prepared)."""
    if user is not None and user.is_authenticated and not user.is_personal:
        organizations = access.organization_ids_filter(user)
        if isinstance(organizations, list) and declaration.holder_id in organizations:
            return _submitted_files(declaration=declaration.pk, round=declaration.round)
    return list(
        Attachment.objects.filter(viewable_attachments_of(user, declaration)).order_by(
            "created_at", "pk"
        )
    )


def get_attachment_for_viewer(user, pk: int) -> Attachment:
    """The attachment with its declaration (and plan) and slot, if `user` may see that file
    (viewable_attachments_q); otherwise 404, the same as for an id that does not exist. One
    query."""
    attachment = (
        Attachment.objects.select_related("declaration__plan", "slot__plan_section")
        .filter(viewable_attachments_q(user), pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404(_("未找到该文件。"))
    return attachment


@prepared
def _file_states(*, declaration):
    return (
        Attachment.objects.filter(declaration_id=declaration, status__in=FILE_STATES)
        .values_list("slot_id", "status")
        .order_by()
        .distinct()
    )


def slots_with_files(declaration, plan_section) -> list[AttachmentSlot]:
    """The section's slots in order, each with `.files`: this declaration's attachments in the
    slot, oldest first. Two queries however many slots and files there are (one when the
    section has no slot)."""
    # The plan's slots (kept with the shared cache on), as copies: .files is this request's.
    slots = [kept.copy_row(slot) for slot in slot_rows([plan_section.pk])]
    files: dict[int, list[Attachment]] = {slot.pk: [] for slot in slots}
    for attachment in _files_in_slots(declaration=declaration.pk, slots=list(files)):
        files[attachment.slot_id].append(attachment)
    for slot in slots:
        slot.files = files[slot.pk]
        slot.plan_section = plan_section  # known: no query when a slot names its section
    return slots


@prepared
def _files_in_slots(*, declaration, slots):
    return Attachment.objects.filter(declaration_id=declaration, slot_id__in=slots).order_by(
        "created_at", "pk"
    )


def slot_with_files(declaration, slot: AttachmentSlot) -> AttachmentSlot:
    """`slot` with `.files` filled for this declaration (one query)."""
    slot.files = list(
        Attachment.objects.filter(declaration_id=declaration.pk, slot_id=slot.pk).order_by(
            "created_at", "pk"
        )
    )
    return slot


def required_slots(declaration) -> list[AttachmentSlot]:
    """The slots of the plan's enabled sections that need a file now: the required ones and
    those required by a condition that holds (three queries)."""
    plan_sections = [s for s in declaration.plan.sections.all() if s.enabled]
    slots = list(
        AttachmentSlot.objects.filter(plan_section__in=plan_sections)
        .select_related("plan_section")
        .order_by("plan_section__sort_order", "sort_order", "pk")
    )
    matches = condition_matches(declaration, slots, plan_sections)
    return [slot for slot in slots if slot.required or slot.pk in matches]


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


# --- what attachments contribute to declarations (registered in AttachmentsConfig.ready) ----


def condition_matches(declaration, slots, plan_sections) -> dict[int, object]:
    """What makes each conditional slot needed now ({slot id: slot_conditions.Match}), from the
    saved data of the plan's enabled sections the conditions name (one query, none when no
    slot has a condition or when the caller prefetched the declaration's section_data, as the
    overview does)."""
    enabled = {s.code for s in plan_sections}
    codes = {s.condition_section for s in slots if s.is_conditional} & enabled
    if not codes:
        return {}
    prefetched = getattr(declaration, "_prefetched_objects_cache", {}).get("section_data")
    if prefetched is not None:
        sections = {row.code: row.data for row in prefetched if row.code in codes}
    else:
        sections = dict(
            DeclarationSection.objects.filter(
                declaration_id=declaration.pk, code__in=codes
            ).values_list("code", "data")
        )
    matches = {}
    for slot in slots:
        match = slot_conditions.holds(slot, sections) if slot.is_conditional else None
        if match is not None:
            matches[slot.pk] = match
    return matches


def _slots_and_file_states(declaration, plan_section_ids):
    """The plan sections' slots in order, and by slot id the states (FILE_STATES) of the
    declaration's files in it: one query.

    With the shared cache on (ACCESS_CACHE_TIMEOUT), the slots, part of the plan's form, are
    kept in this process under the configuration version (declarations.services
    .kept_per_version; any change to a plan, its sections or a slot makes a new version) and
    the query reads the files' states alone; otherwise one query reads the slots with three
    EXISTS probes of the (declaration, slot) index each."""
    if not kept.on():
        flags = {
            f"has_{status}": Exists(
                Attachment.objects.filter(
                    declaration_id=declaration.pk, slot_id=OuterRef("pk"), status=status
                )
            )
            for status in FILE_STATES
        }
        slots = list(
            AttachmentSlot.objects.filter(plan_section__in=plan_section_ids)
            .annotate(**flags)
            .order_by("sort_order", "pk")
        )
        return slots, {
            slot.pk: {status for status in FILE_STATES if getattr(slot, f"has_{status}")}
            for slot in slots
        }
    slots = slot_rows(plan_section_ids)
    statuses: dict[int, set[str]] = {}
    for slot_id, status in _file_states(declaration=declaration.pk):
        statuses.setdefault(slot_id, set()).add(status)
    return slots, statuses


# The file states slot_problems tells apart (by value).
FILE_STATES = (
    Attachment.Status.CHECKING.value,
    Attachment.Status.VALID.value,
    Attachment.Status.REJECTED.value,
)


def slot_problems(declaration, plan_sections) -> dict[int, list[str]]:
    """Attachment problems by plan section id: each required slot without a valid file (a slot
    required by condition when its condition holds, saying why), and each slot with a file
    still being checked. One query for the whole declaration, two when a slot has a
    condition (the saved sections it names, none when the caller prefetched them)."""
    slots, statuses = _slots_and_file_states(declaration, [s.pk for s in plan_sections])
    if not slots:
        return {}
    # A section whose saved data has nothing to prove (no row, no current title) does not
    # need its required files (declarations.services.missing_items sets needs_proof); a slot
    # required by condition is needed whenever its condition holds.
    proof = {s.pk: getattr(s, "needs_proof", True) for s in plan_sections}
    matches = condition_matches(declaration, slots, plan_sections)
    codes = {s.pk: s.code for s in plan_sections}
    problems: dict[int, list[str]] = {}
    for slot in slots:
        found = statuses.get(slot.pk, set())
        match = matches.get(slot.pk)
        required = (slot.required and proof.get(slot.plan_section_id, True)) or match is not None
        if Attachment.Status.CHECKING in found:
            message = _("“%(slot)s”：文件检查中，请稍候") % {"slot": slot.name}
        elif required and Attachment.Status.VALID not in found:
            if Attachment.Status.REJECTED in found:
                message = _("“%(slot)s”的文件不合格，请重新上传") % {"slot": slot.name}
            elif match is not None:
                message = slot_conditions.missing_message(
                    slot, match, codes.get(slot.plan_section_id)
                )
            else:
                message = _("请上传“%(slot)s”") % {"slot": slot.name}
        else:
            continue
        problems.setdefault(slot.plan_section_id, []).append(message)
    return problems


def snapshot_part(declaration) -> dict:
    """The files of the declaration as submitted: what each round's snapshot records (with
    each file's id, the file the round handed over)."""
    rows = (
        Attachment.objects.filter(declaration_id=declaration.pk)
        .order_by("slot__plan_section__sort_order", "slot__sort_order", "created_at", "pk")
        .values_list(
            "pk",
            "slot__plan_section__code",
            "slot__code",
            "original_name",
            "sha256",
            "size",
            "status",
        )
    )
    return {
        "attachments": [
            {
                "id": pk,
                "section": section_code,
                "slot": slot_code,
                "name": name,
                "sha256": sha256,
                "size": size,
                "status": status,
            }
            for pk, section_code, slot_code, name, sha256, size, status in rows
        ]
    }


def slots_panel(request, declaration, plan_section, editable) -> dict:
    """The section page's upload slots (upload, status, delete and download are attachments'
    views)."""
    return {
        "template": "attachments/_slots.html",
        "slots": slots_with_files(declaration, plan_section),
    }
