"""Form helpers shared by every app."""

from django import forms


def add_service_errors(form, error: forms.ValidationError):
    """Put a service's ValidationError on the form: at its field when it names one the form
    has, otherwise above the form, so the typed values stay on the page with the message."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
