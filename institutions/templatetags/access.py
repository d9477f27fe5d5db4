"""{% load access %} … {% if organization|may:"receive" %}: templates ask the access policy
instead of comparing organization kinds."""

from django import template

from institutions import access

register = template.Library()


@register.filter
def may(organization, capability: str) -> bool:
    return access.may(organization, capability)
