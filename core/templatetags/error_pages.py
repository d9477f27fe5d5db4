"""Tags for the error pages (templates/400.html … 500.html), which must render with no context,
no request and no database: a static URL that cannot fail, and the request's id."""

from django import template
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage

from core.logging import current_request_id

register = template.Library()


@register.simple_tag
def safe_static(path):
    """The static file's URL; its unhashed URL if the manifest cannot name it (a 500 page
    must not fail because collectstatic has not run)."""
    try:
        return staticfiles_storage.url(path)
    except Exception:
        return settings.STATIC_URL + path


@register.simple_tag
def request_id():
    return current_request_id() or ""
