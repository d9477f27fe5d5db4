"""{{ form|bootstrap_form }}: a form as crispy-forms' {{ form|crispy }} renders it (bootstrap5),
written in Python for the hot pages (core.form_rendering)."""

from django import template

from core.form_rendering import bootstrap_form as render_bootstrap_form

register = template.Library()


@register.filter
def bootstrap_form(form):
    return render_bootstrap_form(form)
