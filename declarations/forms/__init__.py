"""Section forms: each parses one section's input and returns JSON-safe data."""

from declarations.forms.base import SectionForm, form_for_section
from declarations.forms.sections import SECTION_FORMS

__all__ = ["SECTION_FORMS", "SectionForm", "form_for_section"]
