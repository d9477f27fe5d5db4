"""Form helpers shared by every app."""

from django import forms
from django.forms.utils import pretty_name
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _l


def add_service_errors(form, error: forms.ValidationError):
    """Put a service's ValidationError on the form: at its field when it names one the form
    has, otherwise above the form, so the typed values stay on the page with the message."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- the project's wording for empty choices and required fields -----------------------------

# The empty choice of every <select> in the project's forms (core.apps makes it Django's
# default too, for model fields and ModelChoiceFields that set none).
EMPTY_LABEL = _l("请选择")
EMPTY_CHOICE = ("", EMPTY_LABEL)

REQUIRED_TEXT = _l("请填写“%(label)s”。")
REQUIRED_CHOICE = _l("请选择“%(label)s”。")
REQUIRED_CHECK = _l("请勾选“%(label)s”。")
REQUIRED_FILE = _l("请选择要上传的“%(label)s”。")
REQUIRED_UNLABELLED = _l("此项必须填写。")


def required_message(field, label) -> str:
    """A required field's message that names it: 请填写“…”。 / 请选择“…”。"""
    if not label:
        return str(REQUIRED_UNLABELLED)
    if isinstance(field, forms.FileField):
        message = REQUIRED_FILE
    elif isinstance(field, forms.BooleanField):
        message = REQUIRED_CHECK
    elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        message = REQUIRED_CHOICE
    else:
        message = REQUIRED_TEXT
    return str(message) % {"label": label}


def name_required_fields(form) -> None:
    """Replace Django's "这个字段是必须的" with a message naming the field, on every field of
    the form that still has Django's own (a field with its own message keeps it). Call it once
    the form's fields are final (labels and required flags set)."""
    django_message = forms.Field.default_error_messages["required"]
    for name, field in form.fields.items():
        if field.error_messages.get("required") is not django_message:
            continue
        label = str(field.label if field.label is not None else pretty_name(name))
        if "<" in label:  # strip_tags runs an HTML parser: ~0.2 ms a field, on hot pages
            label = strip_tags(label)
        field.error_messages = {
            **field.error_messages,
            "required": required_message(field, label.strip()),
        }


class NamedRequiredMixin:
    """Forms of the project: a required field left empty says which one (name_required_fields),
    worked out when the form is cleaned, once its __init__ has set the final labels and
    required flags."""

    def full_clean(self):
        name_required_fields(self)
        super().full_clean()
