"""Pieces of the list rows written in Python (issue 13: 20-30 rows of ten cells through the
template engine cost more than a page's queries), shared by the review queue and the committee
office's inbox. Every value is escaped by format_html."""

from django.urls import reverse

from core.html import format_html

# An id no declaration has, reversed once and replaced by each row's.
_PLACEHOLDER = 987654321


def detail_url_pattern() -> str:
    """review:detail with "{}" for the declaration's id: one reverse() a page."""
    return reverse("review:detail", args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


def pick_checkbox(pk: int, label: str):
    """A row's checkbox for the page's batch action (named by label for screen readers)."""
    return format_html(
        '<input class="form-check-input" type="checkbox" name="ids" value="{}" '
        'id="pick-{}" aria-label="{}">',
        pk,
        pk,
        label,
    )
