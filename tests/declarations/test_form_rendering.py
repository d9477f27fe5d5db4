"""The section pages render their forms with core.form_rendering (Django's input, select and
textarea templates and crispy-forms' bootstrap5 field markup written in Python): the HTML is the
one crispy and Django's templates give, for every section's form, empty, filled and refused."""

import re

import pytest
from django.forms import BaseFormSet
from django.forms.renderers import DjangoTemplates
from django.template import engines

from core.form_rendering import FAST_RENDERER, bootstrap_form
from declarations.forms import SECTION_FORMS, form_for_section
from tests.declarations.test_query_budgets import ROW_SECTIONS, stored_rows

pytestmark = pytest.mark.django_db

CRISPY = "{% load crispy_forms_tags %}{{ form|crispy }}"


def normalized(html: str) -> str:
    """Whitespace between and around tags aside (crispy's templates add it)."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def crispy(form) -> str:
    return engines["django"].from_string(CRISPY).render({"form": form})


def refused_data(code, form) -> dict:
    """Input every field of the section refuses (markup characters included: escaped)."""
    value = 'bad<&>"value'
    if isinstance(form, BaseFormSet):
        data = {f"{code}-TOTAL_FORMS": "1", f"{code}-INITIAL_FORMS": "0"}
        names = [n for n in form.empty_form.fields if n != "DELETE"]
        data.update({f"{code}-0-{name}": value for name in names})
        return data
    return {f"{code}-{name}": value for name in form.fields}


def made(declaration, code, variant):
    plan_section = declaration.plan.sections.get(code=code)
    saved = {}
    if variant == "filled" and code in ROW_SECTIONS:
        saved = {"rows": stored_rows(declaration, code, 2)}
    data = None
    if variant == "refused":
        empty = form_for_section(code, declaration=declaration, plan_section=plan_section)
        data = refused_data(code, empty)
    form = form_for_section(
        code, declaration=declaration, plan_section=plan_section, data=data, saved=saved
    )
    if data is not None:
        form.is_valid()
    if isinstance(form, BaseFormSet):
        return form.forms or [form.empty_form]  # no row yet: the row the page adds
    return [form]


@pytest.mark.parametrize("variant", ["empty", "filled", "refused"])
@pytest.mark.parametrize("code", list(SECTION_FORMS))
def test_the_fast_rendering_is_crispys_html(engineering_declaration, code, variant):
    fast_forms = made(engineering_declaration, code, variant)
    template_forms = made(engineering_declaration, code, variant)
    assert fast_forms
    for fast, slow in zip(fast_forms, template_forms, strict=True):
        assert fast.renderer is FAST_RENDERER
        slow.renderer = DjangoTemplates()
        expected = normalized(crispy(slow))
        assert normalized(bootstrap_form(fast)) == expected
        if variant == "refused" and fast.errors:
            assert "is-invalid" in expected and "bad&lt;&amp;&gt;&quot;value" in expected


def test_other_widget_templates_go_through_the_template_engine():
    """A template the renderer does not write (radios here) is rendered by the engine."""
    from django import forms

    class Form(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A<")], widget=forms.RadioSelect)
        text = forms.CharField(widget=forms.Textarea)

    fast = Form(renderer=FAST_RENDERER)
    slow = Form(renderer=DjangoTemplates())
    assert normalized(bootstrap_form(fast)) == normalized(crispy(slow))
    assert "A&lt;" in bootstrap_form(fast)
