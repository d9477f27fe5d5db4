"""{% load access %} … {% if organization|may:"receive" %}: templates ask the access policy
instead of comparing organization kinds."""

from django import template
from django.utils.safestring import mark_safe

from core.html import format_html
from institutions import access

register = template.Library()


@register.filter
def may(organization, capability: str) -> bool:
    return access.may(organization, capability)


def _nav_link(css: str, label, url: str, path: str) -> str:
    if path == url:
        return format_html(
            '<a class="{} active" href="{}" aria-current="page">{}</a>', css, url, label
        )
    return format_html('<a class="{}" href="{}">{}</a>', css, url, label)


@register.simple_tag(takes_context=True)
def nav_entries(context) -> str:
    """The navigation bar's entries (access.menu_for), the current page's marked: built here
    rather than by template loops, which cost about a millisecond of every signed-in page."""
    nav, request = context.get("nav"), context.get("request")
    if not nav or request is None:
        return ""
    path = request.path
    parts = []
    for entry in nav["entries"]:
        if entry["children"]:
            children = "".join(
                format_html("<li>{}</li>", _nav_link("dropdown-item", c["label"], c["url"], path))
                for c in entry["children"]
            )
            parts.append(
                format_html(
                    '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="#" '
                    'role="button" data-bs-toggle="dropdown" aria-expanded="false">{}</a>'
                    '<ul class="dropdown-menu">{}</ul></li>',
                    entry["label"],
                    mark_safe(children),  # built of format_html parts above
                )
            )
        else:
            parts.append(
                format_html(
                    '<li class="nav-item">{}</li>',
                    _nav_link("nav-link", entry["label"], entry["url"], path),
                )
            )
    return mark_safe("".join(parts))  # each part escaped by format_html
