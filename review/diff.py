"""What changed between two submission snapshots (the round that was returned and the round
resubmitted), section by section in plan order: single sections field by field; row sections
rows added, removed and changed (matched by the section's natural key when every row has a
distinct one, by position otherwise); attachments added, removed and replaced per slot, by
content (sha256), so a file uploaded again under another name is no change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from declarations.forms.base import ROWS_KEY
from declarations.sections import SECTIONS

if TYPE_CHECKING:
    from review.display import Display

# The fields that name a row of a row section: a changed row is the one with the same key.
NATURAL_KEYS = {
    "titles": ("title", "series"),
    "admin_posts": ("post",),
    "assessments": ("year",),
    "work_experience": ("start",),
    "achievements": ("name",),
}

ADDED, REMOVED, CHANGED, REPLACED = "added", "removed", "changed", "replaced"


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


def _norm(value):
    """Stored values that mean "nothing" compare equal."""
    return None if value in (None, "", [], {}) else value


def _names(display: Display, code: str, *records: dict) -> list[str]:
    """The form's fields in form order, then any other stored key (sorted)."""
    names = list(display.fields(code))
    extra = sorted({k for record in records for k in record} - set(names))
    return names + extra


def _field_changes(display: Display, code: str, old: dict, new: dict) -> list[FieldChange]:
    return [
        FieldChange(
            name=name,
            label=display.label(code, name),
            old=display.value(code, name, old.get(name)),
            new=display.value(code, name, new.get(name)),
        )
        for name in _names(display, code, old, new)
        if _norm(old.get(name)) != _norm(new.get(name))
    ]


def _filled(display: Display, code: str, row: dict, *, old: bool) -> list[FieldChange]:
    """The filled fields of an added (or removed) row, as changes from (or to) nothing."""
    changes = []
    for name in _names(display, code, row):
        text = display.value(code, name, row.get(name))
        if _norm(row.get(name)) is None or not text:
            continue
        label = display.label(code, name)
        changes.append(
            FieldChange(name, label, old=text, new="")
            if old
            else FieldChange(name, label, "", text)
        )
    return changes


def _row_label(display: Display, code: str, row: dict, number: int) -> str:
    label = _("第%(n)d条") % {"n": number}
    key = [display.value(code, name, row.get(name)) for name in NATURAL_KEYS.get(code, ())]
    key = [k for k in key if k]
    return f"{label}（{' '.join(key)}）" if key else label


def _keys(code: str, rows: list[dict]):
    """Each row's natural key, or None when the section has none or two rows share one."""
    names = NATURAL_KEYS.get(code)
    if not names:
        return None
    keys = [tuple(_norm(row.get(name)) for name in names) for row in rows]
    return keys if len(set(keys)) == len(keys) else None


def _row_changes(display: Display, code: str, old: list, new: list) -> list[RowChange]:
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
                    ADDED,
                    _row_label(display, code, row, n + 1),
                    _filled(display, code, row, old=False),
                )
            )
            continue
        fields = _field_changes(display, code, old[o], row)
        if fields:
            changes.append(RowChange(CHANGED, _row_label(display, code, row, n + 1), fields))
    for o, row in enumerate(old):
        if o not in matched:
            changes.append(
                RowChange(
                    REMOVED,
                    _row_label(display, code, row, o + 1),
                    _filled(display, code, row, old=True),
                )
            )
    return changes


def _file_changes(old: list, new: list, slot_names: dict, code: str) -> list[FileChange]:
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


def changes(
    old_snapshot: dict | None,
    new_snapshot: dict | None,
    *,
    codes=None,
    display: Display | None = None,
    slot_names: dict | None = None,
) -> list[SectionChanges]:
    """The sections that changed from old_snapshot to new_snapshot, in the order of `codes`
    (the plan's enabled sections; default: every section the snapshots have, in registry
    order). slot_names maps (section code, slot code) to the slot's name."""
    old_sections = (old_snapshot or {}).get("sections") or {}
    new_sections = (new_snapshot or {}).get("sections") or {}
    old_files = (old_snapshot or {}).get("attachments") or []
    new_files = (new_snapshot or {}).get("attachments") or []
    if codes is None:
        present = set(old_sections) | set(new_sections)
        present |= {f.get("section") for f in old_files + new_files}
        codes = [code for code in SECTIONS if code in present]
    if display is None:
        from review.display import Display  # the review page's Display imports this module

        display = Display(data=[old_sections, new_sections])
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
            section.rows = _row_changes(display, code, old.get(ROWS_KEY, []), new.get(ROWS_KEY, []))
        elif spec.kind != "readonly":
            section.fields = _field_changes(display, code, old, new)
        section.files = _file_changes(
            [f for f in old_files if f.get("section") == code],
            [f for f in new_files if f.get("section") == code],
            slot_names,
            code,
        )
        if section:
            result.append(section)
    return result
