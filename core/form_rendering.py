"""Rendering forms fast on the hot pages (the declaration's section pages).

Two pieces, each giving the same HTML as the templates it stands in for, in Python:

* FastWidgetRenderer: a form renderer that writes Django's own widget templates for inputs,
  selects and textareas (django/forms/widgets/input.html, select.html, textarea.html and the
  input types that include input.html) in Python; any other widget template (the project's
  own, radios, files) is rendered by the template engine as before. A form uses it with
  ``default_renderer = FAST_RENDERER``.
* bootstrap_form(form): the form as crispy-forms' ``{{ form|crispy }}`` renders it with the
  bootstrap5 pack (field wrappers, labels with the required asterisk, help texts, errors and
  crispy's CSS classes on the widgets); a field crispy renders in a special way (radios,
  checkbox groups, files, fieldsets, multi-widgets) is rendered by crispy's own template.

The templates make one template call per field and per option: on a section page with 17 fields
and their options that was most of the request.
"""

from functools import lru_cache

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
        "search",
        "tel",
        "color",
    )
)


def _text(value) -> str:
    """{{ value|stringformat:'s' }} under autoescaping."""
    return conditional_escape(value if isinstance(value, SafeString) else str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != "django/forms/widgets/select_option.html":
                return None  # an option template of its own: the template engine renders it
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


class FastWidgetRenderer(DjangoTemplates):
    """Django's widget templates for inputs, selects and textareas written in Python (the same
    HTML); every other template through the template engine."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            html = None
            if template_name in INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == "django/forms/widgets/select.html":
                html = _select(widget)
            elif template_name == "django/forms/widgets/textarea.html":
                html = _textarea(widget)
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


FAST_RENDERER = FastWidgetRenderer()


# ---------------------------------------------------------------- crispy's bootstrap5 markup


@lru_cache
def _crispy_field_template():
    return get_template("bootstrap5/field.html")


def _crispy_field(field) -> str:
    """One field through crispy's own bootstrap5/field.html (the context |crispy gives it)."""
    return _crispy_field_template().render(
        {
            "field": field,
            "field_class": "",
            "label_class": "",
            "form_show_errors": True,
            "form_show_labels": True,
        }
    )


def _special(field) -> bool:
    """Fields crispy renders in a way of its own: left to its template."""
    widget = field.field.widget
    return (
        isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput))
        or hasattr(widget, "widgets")
        or hasattr(widget, "widget")
        or field.use_fieldset
    )


def _add_classes(widget, *classes: str) -> None:
    """What crispy's {% crispy_field field 'class' '…' %} does to the widget's attrs: the
    widget's class name (textinput, select, …) and then the given classes."""
    class_name = widget.__class__.__name__.lower()
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    present = css_class.split()
    for name in classes:
        for item in name.split():
            if item not in present:
                present.append(item)
                css_class += f" {item}"
    widget.attrs["class"] = css_class


def _help_and_errors(field) -> str:
    """bootstrap5/layout/help_text_and_errors.html: the errors block, then the help text."""
    parts = []
    errors = field.errors
    if errors:
        auto_id = conditional_escape(field.auto_id)
        parts.append(
            f'<div id="{conditional_escape(getattr(errors, "field_id", "") or "")}_error" '
            'class="invalid-feedback">'
        )
        for number, error in enumerate(errors, 1):
            parts.append(
                f'<p id="error_{number}_{auto_id}"><strong>{conditional_escape(error)}</strong></p>'
            )
        parts.append("</div>")
    if field.help_text:
        where = f'id="{conditional_escape(field.auto_id)}_helptext" ' if field.auto_id else ""
        parts.append(f'<div {where}class="form-text">{field.help_text}</div>')
    return "".join(parts)


def _label(field) -> str:
    required = field.field.required
    target = f'for="{conditional_escape(field.id_for_label)}" ' if field.id_for_label else ""
    return (
        f'<label {target}class="form-label{" requiredField" if required else ""}">'
        f"{conditional_escape(field.label)}"
        f"{'<span class="asteriskField">*</span>' if required else ''}</label>"
    )


def _field(field) -> str:
    if field.is_hidden:
        return str(field)
    if _special(field):
        return _crispy_field(field)
    widget = field.field.widget
    invalid = " is-invalid" if field.errors else ""
    css = field.css_classes()
    extra = f" {conditional_escape(css)}" if css else ""
    auto_id = conditional_escape(field.auto_id)
    if isinstance(widget, forms.CheckboxInput):
        _add_classes(widget, f"form-check-input{invalid}")
        required = field.field.required
        return (
            f'<div class="mb-3"><div id="div_{auto_id}" class="form-check{extra}">{field}'
            f'<label for="{conditional_escape(field.id_for_label)}" '
            f'class="form-check-label{" requiredField" if required else ""}">'
            f"{conditional_escape(field.label)}"
            f"{'<span class="asteriskField">*</span>' if required else ''}</label>"
            f"{_help_and_errors(field)}</div></div>"
        )
    if isinstance(widget, forms.Select):
        _add_classes(widget, f"form-select{invalid}")
    else:
        _add_classes(widget, f"form-control{invalid}")
    label = _label(field) if field.label else ""
    return (
        f'<div id="div_{auto_id}" class="mb-3{extra}">{label}{field}{_help_and_errors(field)}</div>'
    )


def _non_field_errors(form) -> str:
    """bootstrap5/errors.html."""
    errors = form.non_field_errors()
    if not errors:
        return ""
    items = "\n".join(f"\t<li>{conditional_escape(error)}</li>" for error in errors)
    return f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>'


def bootstrap_form(form) -> SafeString:
    """The form as {{ form|crispy }} renders it (bootstrap5), written in Python."""
    return mark_safe(_non_field_errors(form) + " ".join(_field(field) for field in form))
