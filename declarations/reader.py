"""One reader of a declaration: a submission's snapshot (or the current draft) as a person reads
it, section by section in plan order, and what changed between two rounds.

The review page and the evaluation form print from here (the exports, ten fixed columns of
thousands of declarations, share its Lookup of stored ids instead):

    view = read_submission(submission, since=returned_submission, files=attachment_rows)
    for section in view.sections:          # SectionView, plan order
        section.fields                     # [FieldView(name, label, value)] of a single section
        section.columns, section.rows      # column labels and rows of values of a row section
        section.slots                      # [SlotView(code, name, required, files=[FileView])]
        section.changes                    # SectionChanges since `since` (None: unchanged)
    view.changes                           # [SectionChanges] of the changed sections
    diff_rounds(older, newer)              # the changes alone (submissions or snapshot dicts)

Values: field labels come from the section's own form; choices (model choices stored as ids
included) are resolved to their names, booleans to 是/否, dates to YYYY-MM-DD and months to
YYYY-MM. The objects model choices point at are read once per model for every section and row
of the snapshots read together (Lookup, which the exports share), so the queries of a reading
do not grow with its rows: the plan's sections, their slots, one per model, what the sections'
forms read when they are made (the titles catalog), the continuing education hours when the
plan has that section (and the draft's sections for read_draft).

Files: attachments is above declarations, so the reader never loads them. The caller passes the
declaration's attachment rows (anything with slot_id, original_name, size, status and sha256)
and they are shown per slot; without them the files the snapshot recorded are shown.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast
from django.forms import BaseFormSet
from django.utils.translation import gettext as _

from catalog.models import (
    DeclarationMethod,
    Level,
    ProfessionalQualification,
    Series,
    Specialty,
    Title,
)
from declarations.continuing_education import summary_for
from declarations.forms import SECTION_FORMS
from declarations.forms.base import ROWS_KEY, Shared
from declarations.forms.history import MonthField
from declarations.models import AttachmentSlot, Declaration, PlanSection, Submission
from declarations.sections import SECTIONS
from declarations.selectors import plan_sections, slot_rows
from institutions.models import Organization

SKIPPED_FIELDS = ("DELETE", "ORDER")

# The fields that name a row of a row section: a changed row is the one with the same key.
NATURAL_KEYS = {
    "titles": ("title", "series"),
    "admin_posts": ("post",),
    "assessments": ("year",),
    "work_experience": ("start",),
    "achievements": ("name",),
}

ADDED, REMOVED, CHANGED, REPLACED = "added", "removed", "changed", "replaced"

# The models whose name (str) is one column: Lookup.name reads the names of all of them that a
# reading wants in one query instead of one per model.
NAMED_BY = dict.fromkeys(
    (DeclarationMethod, Level, Organization, ProfessionalQualification, Series, Specialty, Title),
    "name",
)


# ---------------------------------------------------------------- names of stored ids


class Lookup:
    """The objects stored ids point at (catalog entries, organizations), read in one query per
    model for every id wanted before the first of them is asked for; their names (name) in one
    query for all the models named by a column (NAMED_BY)."""

    def __init__(self):
        self._wanted: dict[tuple, set[str]] = defaultdict(set)
        self._loaded: dict[tuple, dict[str, object]] = {}
        self._names: dict[tuple, dict[str, str | None]] = {}

    def want(self, model, values: Iterable, key_field: str = "pk") -> None:
        """Ids the caller will ask for: read together with the first one asked for."""
        self._wanted[(model, key_field)].update(
            str(value) for value in values if not _is_empty(value)
        )

    @staticmethod
    def _lookup(model, key_field: str) -> str:
        return model._meta.pk.name if key_field == "pk" else key_field

    @classmethod
    def _values(cls, model, key_field: str, items) -> list:
        """The stored values as the key field's values (a value that is not one is left out:
        it is shown as it is)."""
        f = model._meta.get_field(cls._lookup(model, key_field))
        values = []
        for item in items:
            try:
                values.append(f.to_python(item))
            except (ValidationError, TypeError, ValueError):
                continue
        return values

    def get(self, model, value, key_field: str = "pk"):
        """The object the stored value points at (None when there is none)."""
        if _is_empty(value):
            return None
        key = (model, key_field)
        loaded = self._loaded.setdefault(key, {})
        wanted = str(value)
        if wanted not in loaded:
            # Everything wanted for this model in one query (the value itself if it was not
            # wanted up front).
            missing = ({wanted} | self._wanted.pop(key, set())) - set(loaded)
            lookup = self._lookup(model, key_field)
            values = self._values(model, key_field, missing)
            if values:
                for obj in model._default_manager.filter(**{f"{lookup}__in": values}).order_by():
                    loaded[str(getattr(obj, lookup))] = obj
            for item in missing:
                loaded.setdefault(item, None)
        return loaded.get(wanted)

    def name(self, model, value, key_field: str = "pk", default: str = "") -> str:
        if _is_empty(value):
            return default
        column = NAMED_BY.get(model)
        if column is None:
            obj = self.get(model, value, key_field)
            return str(obj) if obj is not None else default
        key, wanted = (model, key_field), str(value)
        if wanted not in self._names.get(key, {}):
            self._load_names(key, wanted)
        name = self._names[key].get(wanted)
        return name if name is not None else default

    def _load_names(self, first: tuple, wanted: str) -> None:
        """The names of everything wanted of every model named by a column (and of `wanted`),
        in one query: a UNION ALL of one SELECT per model and key field."""
        self._wanted[first].add(wanted)
        groups = []
        for key in [k for k in self._wanted if k[0] in NAMED_BY]:
            missing = self._wanted.pop(key) - set(self._names.get(key, {}))
            names = self._names.setdefault(key, {})
            for item in missing:
                names[item] = None
            if missing:
                groups.append((key, missing))
        queries = []
        by_index = {}
        for index, ((model, key_field), missing) in enumerate(groups):
            values = self._values(model, key_field, missing)
            if not values:
                continue
            lookup = self._lookup(model, key_field)
            by_index[index] = ((model, key_field), missing)
            queries.append(
                model._default_manager.filter(**{f"{lookup}__in": values})
                .order_by()
                .annotate(
                    lookup_group=Value(index, output_field=IntegerField()),
                    lookup_key=Cast(lookup, output_field=CharField()),
                    lookup_name=F(NAMED_BY[model]),
                )
                .values_list("lookup_group", "lookup_key", "lookup_name")
            )
        if not queries:
            return
        rows = queries[0]
        if len(queries) > 1:
            rows = rows.union(*queries[1:], all=True).order_by()
        found: dict[int, dict[str, str]] = defaultdict(dict)
        for index, key_text, name in rows:
            found[index][key_text] = name
        for index, (key, missing) in by_index.items():
            # Stored values ("7", 7) are matched through the key field's own value.
            names = self._names[key]
            for item in missing:
                as_value = self._values(key[0], key[1], [item])
                if as_value:
                    names[item] = found[index].get(str(as_value[0]))


# ---------------------------------------------------------------- what a reading gives


@dataclass
class FieldView:
    name: str
    label: str
    value: str


@dataclass
class FileView:
    """One file of a slot: a row the caller passed (attachment), or what the snapshot recorded
    (attachment is None then)."""

    name: str
    size: int | None = None
    status: str = ""
    sha256: str = ""
    attachment: object = None


@dataclass
class SlotView:
    code: str
    name: str
    required: bool = False
    files: list[FileView] = field(default_factory=list)


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class RowChange:
    kind: str  # added / removed / changed
    label: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class FileChange:
    kind: str  # added / removed / replaced
    slot: str
    slot_name: str
    old_name: str = ""
    new_name: str = ""


@dataclass
class SectionChanges:
    code: str
    title: str
    fields: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    files: list[FileChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.rows or self.files)


@dataclass
class SectionView:
    """One section as read: label/value pairs (single), or column labels and rows of values
    (rows); a readonly section has neither (continuing_education: its hours in summary).
    kind "none" is a section without a form. saved: the applicant saved the section."""

    code: str
    title: str
    kind: str
    saved: bool
    fields: list[FieldView] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    slots: list[SlotView] = field(default_factory=list)
    summary: object = None
    changes: SectionChanges | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def files(self) -> list[FileView]:
        return [f for slot in self.slots for f in slot.files]


@dataclass
class DeclarationView:
    """A declaration as read, its enabled sections in plan order. compared: read beside an
    older round (changes then lists the sections that changed since, in plan order)."""

    sections: list[SectionView]
    round: int | None = None
    compared: bool = False
    changes: list[SectionChanges] = field(default_factory=list)

    def section(self, code: str) -> SectionView | None:
        return next((s for s in self.sections if s.code == code), None)

    @property
    def files(self) -> list[FileView]:
        return [f for s in self.sections for f in s.files]


# ---------------------------------------------------------------- values


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _norm(value):
    """Stored values that mean "nothing" compare equal."""
    return None if _is_empty(value) else value


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


def _model_key(f: forms.ModelChoiceField) -> tuple:
    return f.queryset.model, f.to_field_name or "pk"


class Reader:
    """Labels and display values of the sections of one declaration (or of none: labels and
    choices then come from the forms as they are without a plan)."""

    def __init__(self, declaration=None, plan_sections=(), data=(), lookup: Lookup | None = None):
        """data: the section data that will be read, as {code: saved} mappings (a snapshot's
        "sections", or several): the ids of their model choices are read in one query per model
        when the first of them is shown."""
        self.declaration = declaration
        self.plan_sections = {ps.code: ps for ps in plan_sections}
        self.lookup = lookup or Lookup()
        self._fields: dict[str, dict[str, forms.Field]] = {}
        # A single section's form is made with the data it shows (a form may read defaults
        # from the database when it has none).
        self._initial: dict[str, dict] = {}
        data = [sections or {} for sections in data]
        for sections in data:
            for code, saved in sections.items():
                if isinstance(saved, dict) and not self.is_rows(code):
                    self._initial.setdefault(code, saved)
        for sections in data:
            for code, saved in sections.items():
                self._collect(code, saved)

    # ------------------------------------------------------------ the forms' fields

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

    @staticmethod
    def is_rows(code: str) -> bool:
        spec = SECTIONS.get(code)
        return spec is not None and spec.kind == "rows"

    def _collect(self, code: str, saved) -> None:
        model_fields = {
            name: f
            for name, f in self.fields(code).items()
            if isinstance(f, forms.ModelChoiceField)
        }
        if not model_fields or not isinstance(saved, dict):
            return
        records = saved.get(ROWS_KEY, []) if self.is_rows(code) else [saved]
        records = [r for r in records if isinstance(r, dict)]
        for name, f in model_fields.items():
            model, key_field = _model_key(f)
            self.lookup.want(model, (r.get(name) for r in records), key_field)

    # ------------------------------------------------------------ values

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
            model, key_field = _model_key(f)
            return self.lookup.name(model, raw, key_field, default=str(raw))
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

    # ------------------------------------------------------------ a whole section

    def section(self, code: str, saved) -> SectionView:
        """The section's data (its slots and changes are added by read_snapshot)."""
        spec = SECTIONS[code]
        view = SectionView(
            code=code, title=str(spec.title), kind=spec.kind, saved=saved is not None
        )
        if spec.kind == "readonly" or code not in SECTION_FORMS:
            view.kind = "readonly" if spec.kind == "readonly" else "none"
            return view
        saved = saved if isinstance(saved, dict) else {}
        fields = self.fields(code)
        if spec.kind != "rows":
            view.fields = [
                FieldView(name, self.label(code, name), self.value(code, name, saved.get(name)))
                for name in fields
            ]
            return view
        rows = [
            self.row_values(code, row) for row in saved.get(ROWS_KEY, []) if isinstance(row, dict)
        ]
        # Columns no row fills (the fields of other achievement categories, say) are left out.
        names = [name for name in fields if any(row[name] for row in rows)]
        view.columns = [self.label(code, name) for name in names]
        view.rows = [[row[name] for name in names] for row in rows]
        return view

    # ------------------------------------------------------------ changes

    def _names(self, code: str, *records: dict) -> list[str]:
        """The form's fields in form order, then any other stored key (sorted)."""
        names = list(self.fields(code))
        extra = sorted({k for record in records for k in record} - set(names))
        return names + extra

    def _field_changes(self, code: str, old: dict, new: dict) -> list[FieldChange]:
        return [
            FieldChange(
                name=name,
                label=self.label(code, name),
                old=self.value(code, name, old.get(name)),
                new=self.value(code, name, new.get(name)),
            )
            for name in self._names(code, old, new)
            if _norm(old.get(name)) != _norm(new.get(name))
        ]

    def _filled(self, code: str, row: dict, *, old: bool) -> list[FieldChange]:
        """The filled fields of an added (or removed) row, as changes from (or to) nothing."""
        changes = []
        for name in self._names(code, row):
            text = self.value(code, name, row.get(name))
            if _norm(row.get(name)) is None or not text:
                continue
            label = self.label(code, name)
            changes.append(
                FieldChange(name, label, old=text, new="")
                if old
                else FieldChange(name, label, "", text)
            )
        return changes

    def _row_label(self, code: str, row: dict, number: int) -> str:
        label = _("第%(n)d条") % {"n": number}
        key = [self.value(code, name, row.get(name)) for name in NATURAL_KEYS.get(code, ())]
        key = [k for k in key if k]
        return f"{label}（{' '.join(key)}）" if key else label

    def _row_changes(self, code: str, old: list, new: list) -> list[RowChange]:
        old = [r for r in old if isinstance(r, dict)]
        new = [r for r in new if isinstance(r, dict)]
        old_keys, new_keys = _keys(code, old), _keys(code, new)
        if old_keys is not None and new_keys is not None:
            where = {key: index for index, key in enumerate(old_keys)}
            pairs = [(where.get(key), index) for index, key in enumerate(new_keys)]
        else:
            pairs = [(index if index < len(old) else None, index) for index in range(len(new))]
        matched = {o for o, _n in pairs if o is not None}
        changes = []
        for o, n in pairs:
            row = new[n]
            if o is None:
                changes.append(
                    RowChange(
                        ADDED, self._row_label(code, row, n + 1), self._filled(code, row, old=False)
                    )
                )
                continue
            fields = self._field_changes(code, old[o], row)
            if fields:
                changes.append(RowChange(CHANGED, self._row_label(code, row, n + 1), fields))
        for o, row in enumerate(old):
            if o not in matched:
                changes.append(
                    RowChange(
                        REMOVED,
                        self._row_label(code, row, o + 1),
                        self._filled(code, row, old=True),
                    )
                )
        return changes

    def changes(
        self, old_snapshot: dict | None, new_snapshot: dict | None, *, codes=None, slot_names=None
    ) -> list[SectionChanges]:
        """The sections that changed from old_snapshot to new_snapshot, in the order of `codes`
        (default: every section the snapshots have, in registry order). slot_names maps
        (section code, slot code) to the slot's name."""
        old_sections = (old_snapshot or {}).get("sections") or {}
        new_sections = (new_snapshot or {}).get("sections") or {}
        old_files = (old_snapshot or {}).get("attachments") or []
        new_files = (new_snapshot or {}).get("attachments") or []
        if codes is None:
            present = set(old_sections) | set(new_sections)
            present |= {f.get("section") for f in old_files + new_files}
            codes = [code for code in SECTIONS if code in present]
        slot_names = slot_names or {}
        result = []
        for code in codes:
            spec = SECTIONS.get(code)
            if spec is None:
                continue
            section = SectionChanges(code=code, title=str(spec.title))
            old = old_sections.get(code) or {}
            new = new_sections.get(code) or {}
            if spec.kind == "rows":
                section.rows = self._row_changes(code, old.get(ROWS_KEY, []), new.get(ROWS_KEY, []))
            elif spec.kind != "readonly":
                section.fields = self._field_changes(code, old, new)
            section.files = _file_changes(
                [f for f in old_files if f.get("section") == code],
                [f for f in new_files if f.get("section") == code],
                slot_names,
                code,
            )
            if section:
                result.append(section)
        return result


def _keys(code: str, rows: list[dict]):
    """Each row's natural key, or None when the section has none or two rows share one."""
    names = NATURAL_KEYS.get(code)
    if not names:
        return None
    keys = [tuple(_norm(row.get(name)) for name in names) for row in rows]
    return keys if len(set(keys)) == len(keys) else None


def _file_changes(old: list, new: list, slot_names: dict, code: str) -> list[FileChange]:
    """Files added, removed and replaced per slot, by content (sha256): a file uploaded again
    under another name is no change."""
    slots = list(dict.fromkeys([f.get("slot") for f in new] + [f.get("slot") for f in old]))
    changes = []
    for slot in slots:
        before = [f for f in old if f.get("slot") == slot]
        after = [f for f in new if f.get("slot") == slot]
        kept = Counter(f.get("sha256") for f in before) & Counter(f.get("sha256") for f in after)
        removed, added = [], []
        for files, out in ((before, removed), (after, added)):
            left = Counter(kept)
            for f in files:
                if left[f.get("sha256")] > 0:
                    left[f.get("sha256")] -= 1
                else:
                    out.append(f)
        name = slot_names.get((code, slot), slot)
        for gone, came in zip(removed, added, strict=False):
            changes.append(
                FileChange(REPLACED, slot, name, gone.get("name", ""), came.get("name", ""))
            )
        for gone in removed[len(added) :]:
            changes.append(FileChange(REMOVED, slot, name, old_name=gone.get("name", "")))
        for came in added[len(removed) :]:
            changes.append(FileChange(ADDED, slot, name, new_name=came.get("name", "")))
    return changes


# ---------------------------------------------------------------- reading a declaration


def enabled_sections(declaration) -> list[PlanSection]:
    """The plan's enabled sections in plan order (one query, none when prefetched)."""
    return sorted(
        (s for s in plan_sections(declaration) if s.enabled and s.code in SECTIONS),
        key=lambda s: (s.sort_order, s.pk),
    )


def plan_slots(sections) -> dict[str, list[AttachmentSlot]]:
    """Each section's slots in slot order, by section code (one query): for a caller that
    passes them to both section_slots and read_snapshot."""
    codes = {s.pk: s.code for s in sections}
    slots: dict[str, list[AttachmentSlot]] = defaultdict(list)
    for slot in slot_rows(codes):
        slots[codes[slot.plan_section_id]].append(slot)
    return slots


def _slot_views(code: str, slots: list[AttachmentSlot], snapshot: dict, files) -> list[SlotView]:
    """The section's slots with their files: the caller's rows by slot id when it passed them,
    else what the snapshot recorded (a recorded slot the plan no longer has comes last)."""
    views = {slot.code: SlotView(slot.code, slot.name, slot.required) for slot in slots}
    if files is not None:
        by_id = {slot.pk: views[slot.code] for slot in slots}
        for row in files:
            view = by_id.get(row.slot_id)
            if view is not None:
                view.files.append(
                    FileView(row.original_name, row.size, row.status, row.sha256, attachment=row)
                )
        return list(views.values())
    for recorded in snapshot.get("attachments") or []:
        if recorded.get("section") != code:
            continue
        slot = recorded.get("slot") or ""
        if slot not in views:
            views[slot] = SlotView(slot, slot)
        views[slot].files.append(
            FileView(
                recorded.get("name", ""),
                recorded.get("size"),
                recorded.get("status", ""),
                recorded.get("sha256", ""),
            )
        )
    return list(views.values())


def section_slots(
    sections: list[PlanSection], files: Iterable, *, slots: dict | None = None
) -> dict[str, list[SlotView]]:
    """Each section's slots (by section code, slot order) with the caller's attachment rows
    (anything with slot_id, original_name, size, status and sha256) in them (one query, none
    with the plan_slots the caller has)."""
    if slots is None:
        slots = plan_slots(sections)
    files = list(files)
    return {s.code: _slot_views(s.code, slots.get(s.code, []), {}, files) for s in sections}


def read_snapshot(
    declaration: Declaration,
    snapshot: dict,
    *,
    since: dict | None = None,
    files: Iterable | None = None,
    sections: list[PlanSection] | None = None,
    round: int | None = None,
    slots: dict | None = None,
    summary: bool = True,
) -> DeclarationView:
    """The declaration as the snapshot has it (every enabled section in plan order, with its
    slots and files), beside `since` (an older round's snapshot) when given.

    files: the declaration's attachment rows to show per slot (instead of the files the
    snapshot recorded); sections: the plan's enabled sections, if the caller has them; slots:
    their plan_slots, if the caller has them; summary=False: the continuing education hours
    are not read (a caller that reads them itself)."""
    if sections is None:
        sections = enabled_sections(declaration)
    snapshot = snapshot or {}
    data = snapshot.get("sections") or {}
    reader = Reader(declaration, sections, data=[data, (since or {}).get("sections")])
    if slots is None:
        slots = plan_slots(sections)
    files = list(files) if files is not None else None
    view = DeclarationView(sections=[], round=round, compared=since is not None)
    if since is not None:
        slot_names = {(code, slot.code): slot.name for code, ss in slots.items() for slot in ss}
        view.changes = reader.changes(
            since, snapshot, codes=[s.code for s in sections], slot_names=slot_names
        )
    changes = {c.code: c for c in view.changes}
    for s in sections:
        section = reader.section(s.code, data.get(s.code))
        section.slots = _slot_views(s.code, slots.get(s.code, []), snapshot, files)
        section.changes = changes.get(s.code)
        if summary and s.code == "continuing_education":
            section.summary = summary_for(declaration)
        view.sections.append(section)
    return view


def read_submission(
    submission: Submission,
    *,
    since: Submission | None = None,
    files: Iterable | None = None,
    sections: list[PlanSection] | None = None,
) -> DeclarationView:
    """What was submitted in one round, beside an older round's submission when given."""
    return read_snapshot(
        submission.declaration,
        submission.snapshot,
        since=since.snapshot if since is not None else None,
        files=files,
        sections=sections,
        round=submission.round,
    )


def draft_snapshot(declaration: Declaration) -> dict:
    """The declaration's sections as saved now, shaped as a snapshot (one query; no files:
    they are the caller's to pass)."""
    return {"sections": {s.code: s.data for s in declaration.section_data.all()}}


def read_draft(
    declaration: Declaration,
    *,
    since: Submission | dict | None = None,
    files: Iterable | None = None,
    sections: list[PlanSection] | None = None,
    slots: dict | None = None,
    summary: bool = True,
) -> DeclarationView:
    """The declaration as saved now (slots without files unless the caller passes them)."""
    return read_snapshot(
        declaration,
        draft_snapshot(declaration),
        since=_snapshot_of(since),
        files=files,
        sections=sections,
        slots=slots,
        summary=summary,
    )


def _snapshot_of(value) -> dict | None:
    return value.snapshot if isinstance(value, Submission) else value


def diff_rounds(
    older: Submission | dict | None,
    newer: Submission | dict | None,
    *,
    codes=None,
    slot_names: dict | None = None,
    declaration: Declaration | None = None,
) -> list[SectionChanges]:
    """What changed from one round to another (submissions or their snapshots): single sections
    field by field; row sections rows added, removed and changed (matched by the section's
    natural key when every row has a distinct one, by position otherwise); files added, removed
    and replaced per slot, by content. Sections come in the order of `codes` (default: every
    section the snapshots have, in registry order); slot_names maps (section code, slot code)
    to the slot's name. With a declaration, its forms give the labels and choices."""
    old, new = _snapshot_of(older), _snapshot_of(newer)
    reader = Reader(declaration, data=[(old or {}).get("sections"), (new or {}).get("sections")])
    return reader.changes(old, new, codes=codes, slot_names=slot_names)
