"""What the evaluation form and the packet print, read once from the database: the round's
submission through the one reader of a declaration (declarations.reader), the decisions of
each level in that round (DeclarationEvent, with the levels still ahead from the routing
path), the public notice (review.PublicNotice), the committee's result (documents.hooks), the
ID photo and the round's valid files in section order.

A FormContent is plain data: the renderers draw it without touching the database, and its
fingerprint says whether a published file still shows the current state.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from applicants.models import Gender, IdType
from attachments.models import Attachment
from declarations import workflow
from declarations.models import Declaration, DeclarationEvent, Submission
from declarations.reader import DeclarationView, enabled_sections, read_submission
from declarations.workflow import Action
from documents import hooks, layout
from institutions.models import Organization
from institutions.selectors import effective_path
from review.models import PublicNotice
from review.workdays import working_days

DECISION_LABELS = {
    Action.PASS: _l("审核通过"),
    Action.RETURN: _l("退回修改"),
    Action.REJECT: _l("审核不通过"),
}


class ContentError(Exception):
    """The content cannot be read (shown to the user as the reason of a failed render)."""


@dataclass
class Level:
    """One level's box: the organization that received the declaration in the round (or that
    the routing path will take it to) and its decision, if it has decided."""

    title: str
    organization: str
    decision: str = ""
    opinion: str = ""
    reviewer: str = ""
    decided_on: datetime.date | None = None


@dataclass
class Notice:
    organization: str
    starts_on: datetime.date
    ends_on: datetime.date
    working_days: int
    place: str
    outcome: str
    note: str


@dataclass
class CommitteeResult:
    result: str = ""
    votes: str = ""
    decided_on: datetime.date | None = None
    note: str = ""


@dataclass
class PacketFile:
    """One file of the packet: where it belongs (section, slot) and how to read it."""

    section_code: str
    section_title: str
    slot_code: str
    slot_name: str
    name: str
    kind: str  # jpeg / png / gif / pdf
    storage_name: str
    size: int
    sha256: str
    pages: int | None = None


@dataclass
class FormContent:
    declaration_id: int
    round: int
    number: str
    plan: str
    year: int
    series: str
    level: str
    committee: str
    applicant: dict[str, str]
    unit: str
    declared_title: str
    submitted_on: datetime.date
    view: DeclarationView
    levels: list[Level] = field(default_factory=list)
    notice: Notice | None = None
    committee_result: CommitteeResult | None = None
    photo: PacketFile | None = None
    files: list[PacketFile] = field(default_factory=list)

    @property
    def sections(self):
        """The sections in the form's order (layout.SECTIONS)."""
        return sorted(self.view.sections, key=lambda s: layout.order_of(s.code))

    def fingerprint(self, *, with_files: bool = False) -> str:
        """A hash of everything the form prints (and, with_files, of the packet's files)."""
        data = {
            "v": 1,
            "head": [
                self.number,
                self.plan,
                self.committee,
                self.applicant,
                self.unit,
                self.declared_title,
                str(self.submitted_on),
            ],
            "sections": [
                {
                    "code": s.code,
                    "title": s.title,
                    "fields": [(f.label, f.value) for f in s.fields],
                    "columns": s.columns,
                    "rows": s.rows,
                    "summary": repr(s.summary),
                }
                for s in self.view.sections
            ],
            "levels": [vars(level) for level in self.levels],
            "notice": vars(self.notice) if self.notice else None,
            "committee": vars(self.committee_result) if self.committee_result else None,
            "photo": self.photo.sha256 if self.photo else None,
        }
        if with_files:
            data["files"] = [(f.slot_code, f.name, f.sha256, f.storage_name) for f in self.files]
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- reading


def _declaration(declaration_id: int) -> Declaration:
    try:
        return Declaration.objects.select_related(
            "plan__series",
            "plan__level",
            "plan__region",
            "plan__committee",
            "applicant",
            "declaring_unit",
            "committee",
        ).get(pk=declaration_id)
    except Declaration.DoesNotExist:
        raise ContentError(_("申报不存在。")) from None


def _submission(declaration: Declaration, round_: int) -> Submission:
    submission = Submission.objects.filter(declaration=declaration, round=round_).first()
    if submission is None:
        raise ContentError(_("第%(n)d次提交的快照不存在。") % {"n": round_})
    submission.declaration = declaration
    return submission


def _round_files(declaration: Declaration, snapshot: dict) -> list[Attachment]:
    """The declaration's valid files that the round's snapshot recorded (by id when the
    snapshot has ids, by section, slot and content otherwise), with their slots."""
    recorded = snapshot.get("attachments") or []
    rows = list(
        Attachment.objects.filter(
            declaration_id=declaration.pk, status=Attachment.Status.VALID
        ).select_related("slot__plan_section")
    )
    ids = {r.get("id") for r in recorded if r.get("id")}
    if ids:
        return [row for row in rows if row.pk in ids]
    keys = {(r.get("section"), r.get("slot"), r.get("sha256")) for r in recorded}
    return [
        row
        for row in rows
        if (row.slot.plan_section.code, row.slot.code, row.sha256) in keys and row.sha256
    ]


def _packet_file(section, slot, row: Attachment) -> PacketFile:
    return PacketFile(
        section_code=section.code,
        section_title=section.title,
        slot_code=slot.code,
        slot_name=slot.name,
        name=row.original_name,
        kind=row.kind,
        storage_name=row.file.name,
        size=row.size,
        sha256=row.sha256,
        pages=row.page_count,
    )


def _applicant(snapshot: dict, declaration: Declaration) -> dict[str, str]:
    recorded = snapshot.get("applicant") or {}
    applicant = declaration.applicant
    birth = recorded.get("birth_date") or (
        applicant.birth_date.isoformat() if applicant.birth_date else ""
    )
    gender = recorded.get("gender") or applicant.gender or ""
    id_type = recorded.get("id_type") or applicant.id_type or ""
    return {
        "name": recorded.get("name") or applicant.name,
        "gender": str(dict(Gender.choices).get(gender, gender)),
        "birth": birth[:7] if birth else "",
        "id_type": str(dict(IdType.choices).get(id_type, id_type)),
        "id_number": recorded.get("id_number") or applicant.id_number or "",
        "phone": recorded.get("phone") or applicant.phone or "",
    }


def _level_title(organization: Organization) -> str:
    title = layout.LEVEL_TITLES.get(organization.kind)
    return str(title) if title else _("%(k)s意见") % {"k": organization.get_kind_display()}


def _levels(declaration: Declaration, round_: int) -> list[Level]:
    """The organizations that received the declaration in this round, in order, each with its
    decision; then the organizations the effective routing path will take it to (empty boxes,
    to be filled in and stamped), up to the committee."""
    events = list(
        DeclarationEvent.objects.filter(declaration=declaration, details__round=round_)
        .select_related("organization", "actor")
        .order_by("created_at", "pk")
    )
    receivers: list[Organization] = []
    decisions: dict[int, DeclarationEvent] = {}
    for event in events:
        if event.action in (Action.SUBMIT, Action.REPORT) and event.organization:
            if event.organization not in receivers:
                receivers.append(event.organization)
        elif event.action in workflow.DECISIONS and event.organization_id:
            decisions[event.organization_id] = event
    # The levels still ahead, unless the round has ended (sent to the committee, returned to
    # the applicant or rejected).
    ended = any(
        e.action in (Action.REPORT_TO_COMMITTEE, Action.RETURN, Action.REJECT) for e in events
    )
    if not ended:
        start = receivers[-1] if receivers else declaration.declaring_unit
        if start is not None and not receivers:
            receivers.append(start)
        seen = {o.pk for o in receivers}
        current = start
        for _hop in range(5):
            if current is None:
                break
            path = effective_path(current, declaration.plan.series, declaration.plan.level)
            if path is None or path.committee_id or path.target_id in seen:
                break
            receivers.append(path.target)
            seen.add(path.target_id)
            current = path.target
    levels = []
    for organization in receivers:
        level = Level(title=_level_title(organization), organization=organization.name)
        event = decisions.get(organization.pk)
        if event is not None:
            level.decision = str(DECISION_LABELS.get(event.action, event.get_action_display()))
            level.opinion = event.reason
            level.reviewer = event.actor.name if event.actor else ""
            level.decided_on = timezone.localdate(event.created_at)
        levels.append(level)
    return levels


def _notice(declaration: Declaration, submitted_at) -> Notice | None:
    """The round's public notice: the latest one listing the declaration since the round was
    submitted (its outcome once recorded)."""
    notice = (
        PublicNotice.objects.filter(declarations=declaration, created_at__gte=submitted_at)
        .select_related("organization")
        .order_by("-created_at", "-pk")
        .first()
    )
    if notice is None:
        return None
    return Notice(
        organization=notice.organization.name,
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        working_days=working_days(notice.starts_on, notice.ends_on),
        place=notice.place,
        outcome=str(notice.get_outcome_display()),
        note=notice.outcome_note,
    )


def _committee_result(declaration: Declaration, round_: int) -> CommitteeResult | None:
    for answer in hooks.committee_result.results(declaration, round_):
        if not answer:
            continue
        votes = answer.get("votes", "")
        if isinstance(votes, dict):
            votes = _(
                "应到%(expected)s人，实到%(present)s人；同意%(approve)s票，"
                "不同意%(oppose)s票，弃权%(abstain)s票"
            ) % {
                k: votes.get(k, "") for k in ("expected", "present", "approve", "oppose", "abstain")
            }
        return CommitteeResult(
            result=str(answer.get("result", "")),
            votes=str(votes),
            decided_on=answer.get("decided_on"),
            note=str(answer.get("note", "")),
        )
    return None


def form_content(declaration_id: int, round_: int) -> FormContent:
    """Everything the round's evaluation form (and packet) prints."""
    declaration = _declaration(declaration_id)
    submission = _submission(declaration, round_)
    snapshot = submission.snapshot or {}
    sections = enabled_sections(declaration)
    files = _round_files(declaration, snapshot)
    view = read_submission(submission, files=files, sections=sections)
    plan = declaration.plan
    committee = declaration.committee or plan.committee
    info = view.section("declaration_info")
    values = {f.name: f.value for f in info.fields} if info else {}
    unit = values.get("declaring_unit") or (
        declaration.declaring_unit.name if declaration.declaring_unit else ""
    )
    content = FormContent(
        declaration_id=declaration.pk,
        round=round_,
        number=layout.declaration_number(declaration),
        plan=str(plan),
        year=plan.year,
        series=plan.series.name,
        level=plan.level.name,
        committee=committee.name if committee else "",
        applicant=_applicant(snapshot, declaration),
        unit=unit,
        declared_title=values.get("title") or plan.level.name,
        submitted_on=timezone.localdate(submission.submitted_at),
        view=view,
        levels=_levels(declaration, round_),
        notice=_notice(declaration, submission.submitted_at),
        committee_result=_committee_result(declaration, round_),
    )
    by_id = {row.pk: row for row in files}
    # Files in the form's section order, each section's slots in order, each slot's files in
    # upload order; the ID photo is also printed on the form.
    for section in content.sections:
        for slot in section.slots:
            for file in slot.files:
                row = by_id.get(getattr(file.attachment, "pk", None))
                if row is None:
                    continue
                item = _packet_file(section, slot, row)
                content.files.append(item)
                if row.slot.is_photo and content.photo is None:
                    content.photo = item
    return content
