from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext as _

from core.form_rendering import FAST_RENDERER
from core.forms import EMPTY_LABEL, name_required_fields

ROWS_KEY = "rows"


def to_json(value):
    """cleaned_data value → something JSONField stores and a form accepts back as initial."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


class Shared:
    """What the rows of one formset read from the database, read once and handed to every row
    form (a form made on its own has its own): a page's queries then do not grow with its rows."""

    def __init__(self):
        self._values = {}

    def get(self, key, load):
        """The value under key, from load() the first time it is asked for."""
        if key not in self._values:
            self._values[key] = load()
        return self._values[key]


class SharedChoiceIterator(ModelChoiceIterator):
    """The options of a SharedModelChoiceField, from its shared objects instead of a query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.shared_objects().values():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.shared_objects()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.shared_objects())


class SharedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose queryset is read once per formset, for the options shown and for
    the choice checked, where a ModelChoiceField queries for each row and each of the two.

    The rows of one formset share the objects, so they must all have the same queryset."""

    iterator = SharedChoiceIterator
    shared = None
    shared_key = None

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("empty_label", EMPTY_LABEL)
        super().__init__(queryset, **kwargs)

    def share(self, shared, key):
        self.shared, self.shared_key = shared, key

    def shared_objects(self) -> dict:
        """The queryset's objects by their value (pk, or to_field_name)."""
        if self.shared is None:
            self.share(Shared(), "choices")
        return self.shared.get(
            ("choices", self.shared_key),
            lambda: {self.prepare_value(obj): obj for obj in self.queryset},
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        model = self.queryset.model
        if isinstance(value, model):
            value = self.prepare_value(value)
        key_field = model._meta.get_field(self.to_field_name) if self.to_field_name else None
        try:
            key = (key_field or model._meta.pk).to_python(value)
            return self.shared_objects()[key]
        except (KeyError, TypeError, ValueError, ValidationError):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class SectionForm(forms.Form):
    """One section (or one row of a row section) of a declaration."""

    # Inputs, selects and textareas written in Python: the section pages are hot.
    default_renderer = FAST_RENDERER

    def __init__(self, *args, declaration=None, plan_section=None, shared=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.declaration = declaration
        self.plan = declaration.plan if declaration is not None else None
        # Read once per formset: see Shared.
        self.shared = shared if shared is not None else Shared()
        if plan_section is not None:
            for name in plan_section.required_fields or []:
                if name in self.fields:
                    self.fields[name].required = True
        self.configure()
        for name, field in self.fields.items():
            if isinstance(field, SharedModelChoiceField):
                field.share(self.shared, name)
        # A required field left empty names itself (请填写“…”。), once configure() has set
        # the plan's labels and required flags.
        name_required_fields(self)

    def configure(self):
        """Adapt fields to the plan (choices, limits)."""

    def to_data(self) -> dict:
        return {
            name: to_json(value)
            for name, value in self.cleaned_data.items()
            if name not in ("DELETE", "ORDER")
        }


class RowFormSet(forms.BaseFormSet):
    """Rows of a row section; the formset-level rules live in subclasses' clean_rows()."""

    def __init__(self, *args, declaration=None, plan_section=None, **kwargs):
        self.declaration = declaration
        self.plan_section = plan_section
        self.plan = declaration.plan if declaration is not None else None
        # One for all the rows, so that what each row reads is read once (see Shared).
        self.shared = Shared()
        super().__init__(*args, **kwargs)

    @property
    def min_rows(self) -> int:
        """Rows the section needs to be complete (the plan's setting, else the section's);
        0: it is saved with no row when there is none."""
        return self.plan_section.needed_rows if self.plan_section is not None else 0

    def get_form_kwargs(self, index):
        return {
            "declaration": self.declaration,
            "plan_section": self.plan_section,
            "shared": self.shared,
        }

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            declaration=self.declaration,
            plan_section=self.plan_section,
            shared=self.shared,
        )
        self.add_fields(form, None)
        return form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # Rows are removed with the row's own button; the flag travels hidden.
            form.fields["DELETE"].widget = forms.HiddenInput()

    def kept_forms(self):
        """Rows to store: saved rows unless deleted, plus added rows that were filled in."""
        kept = []
        for index, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            kept.append(form)
        return kept

    def clean(self):
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.kept_forms()]
        self.clean_rows(rows)

    def clean_rows(self, rows):
        pass

    def to_data(self) -> dict:
        return {ROWS_KEY: [f.to_data() for f in self.kept_forms()]}


def rows_formset(form_class, formset_class=RowFormSet, max_num=50):
    return forms.formset_factory(
        form_class,
        formset=formset_class,
        # The rows and the management form: inputs and selects written in Python.
        renderer=FAST_RENDERER,
        extra=0,
        can_delete=True,
        max_num=max_num,
        validate_max=True,
        absolute_max=max_num + 5,
    )


def form_for_section(code, *, declaration, plan_section, data=None, saved=None):
    """The bound or initial form (or formset) of a section."""
    from declarations.forms.sections import SECTION_FORMS

    form_class = SECTION_FORMS[code]
    saved = saved or {}
    if issubclass(form_class, forms.BaseFormSet):
        return form_class(
            data=data,
            initial=None if data is not None else saved.get(ROWS_KEY, []),
            prefix=code,
            declaration=declaration,
            plan_section=plan_section,
        )
    return form_class(
        data=data,
        initial=saved,
        prefix=code,
        declaration=declaration,
        plan_section=plan_section,
    )


def too_long(limit):
    return _("不能超过%(n)d个字。") % {"n": limit}


def saved_to_post(code: str, saved: dict, *, rows: bool) -> dict:
    """Stored section data → the POST data its form expects (to re-validate copied data)."""

    def field_values(prefix, values):
        post = {}
        for name, value in values.items():
            if value is None or value is False:
                continue
            post[f"{prefix}-{name}"] = "on" if value is True else str(value)
        return post

    if not rows:
        return field_values(code, saved)
    items = saved.get(ROWS_KEY, [])
    post = {f"{code}-TOTAL_FORMS": str(len(items)), f"{code}-INITIAL_FORMS": "0"}
    for index, row in enumerate(items):
        post.update(field_values(f"{code}-{index}", row))
    return post
