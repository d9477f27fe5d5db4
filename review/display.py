"""A section's saved data as a person reads it: field labels from the section's own form, choices
(model choices stored as ids included) resolved to their names, booleans as 是/否, dates as
YYYY-MM-DD and months as YYYY-MM.

One Display serves a whole page: it builds each section's form once (not once per row), and
reads the objects that model choices point at once per model for every section and row it was
given up front, so a page's queries do not grow with its rows.

review_page() puts together what the review page shows: every enabled section in plan order
with its data, files and results (this round's and every earlier one), the changes since the
returned round (review.diff) and the decisions the organization may take now.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms import BaseFormSet
from django.utils.translation import gettext as _

from attachments.models import Attachment
from declarations.continuing_education import summary_for
from declarations.forms import SECTION_FORMS
from declarations.forms.base import ROWS_KEY, Shared
from declarations.forms.history import MonthField
from declarations.models import AttachmentSlot
from declarations.sections import SECTIONS
from review import selectors, services
from review.diff import changes
from review.models import ReviewState, SectionResult

SKIPPED_FIELDS = ("DELETE", "ORDER")


@dataclass
class SectionView:
    """What the review page shows of one section: label/value pairs (single), or column labels
    and rows of values (rows); readonly sections are shown by their own template part."""

    code: str
    title: str
    kind: str
    saved: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _flat_choices(choices) -> dict[str, str]:
    flat = {}
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            flat.update(_flat_choices(label))
        else:
            flat[str(value)] = str(label)
    return flat


def _as_date(value):
    if isinstance(value, datetime.date):
        return value
    text = str(value)
    for pattern in ("%Y-%m-%d", "%Y-%m"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class Display:
    """Labels and display values of the sections of one declaration (or of none: labels and
    choices then come from the forms as they are without a plan)."""

    def __init__(self, declaration=None, plan_sections=(), data=()):
        """data: the section data the page will show, as {code: saved} mappings (a snapshot's
        "sections", or several): the ids of their model choices are read in one query per model
        when the first of them is shown."""
        self.declaration = declaration
        self.plan_sections = {ps.code: ps for ps in plan_sections}
        self._fields: dict[str, dict[str, forms.Field]] = {}
        self._wanted: dict[tuple, set[str]] = defaultdict(set)
        self._objects: dict[tuple, dict[str, object]] = {}
        # A single section's form is made with the data it shows (a form may read defaults
        # from the database when it has none).
        self._initial: dict[str, dict] = {}
        for sections in data:
            for code, saved in (sections or {}).items():
                if isinstance(saved, dict) and not self.is_rows(code):
                    self._initial.setdefault(code, saved)
        for sections in data:
            for code, saved in (sections or {}).items():
                self._collect(code, saved)

    # ---------------------------------------------------------------- the forms' fields

    def fields(self, code: str) -> dict[str, forms.Field]:
        """The fields of the section's form (a row's form for a row section), in form order."""
        if code not in self._fields:
            self._fields[code] = self._form_fields(code)
        return self._fields[code]

    def _form_fields(self, code: str) -> dict[str, forms.Field]:
        form_class = SECTION_FORMS.get(code)
        if form_class is None:
            return {}
        kwargs = {
            "declaration": self.declaration,
            "plan_section": self.plan_sections.get(code),
            "prefix": code,
        }
        if issubclass(form_class, BaseFormSet):
            form = form_class.form(shared=Shared(), **kwargs)
        else:
            form = form_class(initial=dict(self._initial.get(code, {})), **kwargs)
        return {name: f for name, f in form.fields.items() if name not in SKIPPED_FIELDS}

    def label(self, code: str, name: str) -> str:
        f = self.fields(code).get(name)
        return str(f.label) if f is not None and f.label else name

    def is_rows(self, code: str) -> bool:
        spec = SECTIONS.get(code)
        return spec is not None and spec.kind == "rows"

    # ---------------------------------------------------------------- model choices

    @staticmethod
    def _model_key(f: forms.ModelChoiceField) -> tuple:
        return (f.queryset.model, f.to_field_name or "pk")

    def _model_fields(self, code):
        return {
            name: f
            for name, f in self.fields(code).items()
            if isinstance(f, forms.ModelChoiceField)
        }

    def _collect(self, code: str, saved) -> None:
        model_fields = self._model_fields(code)
        if not model_fields or not isinstance(saved, dict):
            return
        records = saved.get(ROWS_KEY, []) if self.is_rows(code) else [saved]
        for record in records:
            if not isinstance(record, dict):
                continue
            for name, f in model_fields.items():
                value = record.get(name)
                if not _is_empty(value):
                    self._wanted[self._model_key(f)].add(str(value))

    def _object(self, f: forms.ModelChoiceField, value):
        key = self._model_key(f)
        loaded = self._objects.setdefault(key, {})
        wanted = str(value)
        if wanted not in loaded:
            # Everything collected for this model in one query (the value itself if it was not
            # collected up front).
            missing = ({wanted} | self._wanted.pop(key, set())) - set(loaded)
            model, key_field = key
            lookup = model._meta.pk.name if key_field == "pk" else key_field
            values = []
            for item in missing:
                try:
                    values.append(model._meta.get_field(lookup).to_python(item))
                except (ValidationError, TypeError, ValueError):
                    continue  # a stored value that is not an id: shown as it is
            if values:
                for obj in model._default_manager.filter(**{f"{lookup}__in": values}):
                    loaded[str(getattr(obj, lookup))] = obj
            for item in missing:
                loaded.setdefault(item, None)
        return loaded.get(wanted)

    # ---------------------------------------------------------------- values

    def value(self, code: str, name: str, raw) -> str:
        """The display text of one stored value ("" when there is none)."""
        f = self.fields(code).get(name)
        if isinstance(f, MonthField):
            if _is_empty(raw):
                # A month left empty is "to date" (至今 only for the last work period).
                return "" if f.required else _("至今")
            parsed = _as_date(raw)
            return parsed.strftime("%Y-%m") if parsed else str(raw)
        if _is_empty(raw):
            return ""
        if isinstance(raw, bool) or isinstance(f, forms.BooleanField):
            return _("是") if raw else _("否")
        if isinstance(f, forms.ModelChoiceField):
            obj = self._object(f, raw)
            return str(obj) if obj is not None else str(raw)
        if isinstance(f, forms.ChoiceField):
            return _flat_choices(f.choices).get(str(raw), str(raw))
        if isinstance(f, forms.DateField):
            parsed = _as_date(raw)
            return parsed.strftime("%Y-%m-%d") if parsed else str(raw)
        if isinstance(raw, list):
            return "、".join(str(item) for item in raw)
        return str(raw)

    def row_values(self, code: str, row: dict) -> dict[str, str]:
        return {name: self.value(code, name, row.get(name)) for name in self.fields(code)}

    # ---------------------------------------------------------------- a whole section

    def section(self, code: str, saved) -> SectionView:
        spec = SECTIONS[code]
        view = SectionView(
            code=code, title=str(spec.title), kind=spec.kind, saved=saved is not None
        )
        if spec.kind == "readonly" or code not in SECTION_FORMS:
            view.kind = "readonly" if spec.kind == "readonly" else "none"
            return view
        saved = saved or {}
        fields = self.fields(code)
        if spec.kind != "rows":
            view.fields = [
                (self.label(code, name), self.value(code, name, saved.get(name))) for name in fields
            ]
            return view
        rows = [self.row_values(code, row) for row in saved.get(ROWS_KEY, [])]
        # Columns no row fills (the fields of other achievement categories, say) are left out.
        names = [name for name in fields if any(row[name] for row in rows)]
        view.columns = [self.label(code, name) for name in names]
        view.rows = [[row[name] for name in names] for row in rows]
        return view


# ---------------------------------------------------------------- the review page

IMAGE_KINDS = (Attachment.Kind.JPEG, Attachment.Kind.PNG, Attachment.Kind.GIF)


def plan_sections(declaration) -> list:
    """The plan's enabled sections in plan order (one query)."""
    return sorted(
        (s for s in declaration.plan.sections.all() if s.enabled and s.code in SECTIONS),
        key=lambda s: (s.sort_order, s.pk),
    )


def failed_sections(sections, results: dict) -> list[dict]:
    """This round's failed sections in plan order: what a return sends to the applicant."""
    return [
        {"code": s.code, "title": SECTIONS[s.code].title, "reason": results[s.code].reason}
        for s in sections
        if s.code in results and not results[s.code].passed
    ]


def read_only_reason(declaration, review, actions) -> str:
    """Why the organization cannot act on the declaration now ("" when it can)."""
    if actions:
        return ""
    if review.state == ReviewState.REPORTED and declaration.holder is not None:
        return _("该申报已由本单位上报至“%(o)s”，本单位不能再审核，页面仅供查看。") % {
            "o": declaration.holder.name
        }
    if review.state == ReviewState.RETURNED:
        return _("该申报已退回申报人修改，页面仅供查看；申报人重新提交后将再次进入审核。")
    if review.state == ReviewState.REJECTED:
        return _("该申报审核不通过，审核已结束，页面仅供查看。")
    if declaration.holder_id != review.organization_id:
        return _("该申报当前不在本单位审核（状态：%(s)s），页面仅供查看。") % {
            "s": declaration.get_status_display()
        }
    return _("本单位不能审核该申报，页面仅供查看。")


@dataclass
class SectionCard:
    """One section on the review page: its data, its files, this organization's result of the
    current round (and the form for it, set by the view), every other result as history."""

    code: str
    title: str
    view: SectionView
    slots: list = field(default_factory=list)
    result: object = None
    history: list = field(default_factory=list)
    form: object = None
    changed: bool = False


@dataclass
class ReviewPage:
    sections: list[SectionCard]
    actions: list[str]
    can_record: bool
    read_only_reason: str
    returned_round: int | None
    diff: list
    failed: list[dict]
    ce_summary: object = None


def slots_by_section(declaration, sections) -> dict[int, list]:
    """Each enabled section's slots with this declaration's files (two queries in all)."""
    files = Attachment.objects.filter(declaration_id=declaration.pk).order_by("created_at", "pk")
    slots = AttachmentSlot.objects.filter(plan_section_id__in=[s.pk for s in sections]).order_by(
        "sort_order", "pk"
    )
    grouped: dict[int, list] = {}
    for slot in slots.prefetch_related(Prefetch("attachments", queryset=files, to_attr="files")):
        for attachment in slot.files:
            attachment.is_image = attachment.kind in IMAGE_KINDS
            attachment.is_pdf = attachment.kind == Attachment.Kind.PDF
        grouped.setdefault(slot.plan_section_id, []).append(slot)
    return grouped


def review_page(declaration, review, actor) -> ReviewPage:
    """Everything the review page shows, in a number of queries that does not depend on how
    many sections, rows, files or earlier results there are. Section data comes from the
    snapshot of the current round (what was submitted); the diff compares it with the snapshot
    of the round that was returned, if the previous round ended with a return."""
    sections = plan_sections(declaration)
    codes = [s.code for s in sections]
    actions = services.available_review_actions(declaration, actor)
    can_record = bool(actions) and declaration.status in services.SECTION_REVIEW_STATUSES

    returned = selectors.returned_round(declaration)
    snapshots = selectors.snapshots(declaration, {declaration.round, returned} - {None})
    current = snapshots.get(declaration.round)
    if current is None:
        # Not submitted in this round (not possible for a declaration in a queue): as saved.
        current = {"sections": {s.code: s.data for s in declaration.section_data.all()}}
    previous = snapshots.get(returned) if returned else None
    display = Display(
        declaration, sections, data=[current.get("sections"), (previous or {}).get("sections")]
    )

    slots = slots_by_section(declaration, sections)
    diff = []
    if previous is not None:
        slot_names = {
            (s.code, slot.code): slot.name for s in sections for slot in slots.get(s.pk, [])
        }
        diff = changes(previous, current, codes=codes, display=display, slot_names=slot_names)
    changed = {c.code for c in diff}

    results = list(
        SectionResult.objects.filter(declaration=declaration)
        .select_related("organization", "reviewer")
        .order_by("-round", "organization_id", "pk")
    )
    mine = {
        r.code: r
        for r in results
        if r.organization_id == review.organization_id and r.round == declaration.round
    }
    cards = [
        SectionCard(
            code=s.code,
            title=SECTIONS[s.code].title,
            view=display.section(s.code, current.get("sections", {}).get(s.code)),
            slots=slots.get(s.pk, []),
            result=mine.get(s.code),
            history=[r for r in results if r.code == s.code and mine.get(s.code) is not r],
            changed=s.code in changed,
        )
        for s in sections
    ]
    return ReviewPage(
        sections=cards,
        actions=actions,
        can_record=can_record,
        read_only_reason=read_only_reason(declaration, review, actions),
        returned_round=returned if previous is not None else None,
        diff=diff,
        failed=failed_sections(sections, mine),
        ce_summary=summary_for(declaration) if "continuing_education" in codes else None,
    )
