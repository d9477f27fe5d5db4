"""Django's i18n template library, loaded as `{% load i18n %}` (TEMPLATES' libraries), with one
change: a `{% translate "literal" %}` keeps its translation per language. Django resolves a
literal afresh each time (a lazy string, a catalog look-up, escaping): the queue page has 46 of
them, ~5 % of its CPU (issue 13). Anything else (a variable, a filter, a context, noop) renders
as Django renders it."""

from django import template
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

from core.templatetags.kept import generation

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class KeptTranslateNode(django_i18n.TranslateNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expression = self.filter_expression
        self.constant = (
            not self.noop
            and self.message_context is None
            and not expression.filters
            and getattr(expression.var, "literal", None) is not None
        )
        self.kept = {}

    def render(self, context):
        if not self.constant:
            return super().render(context)
        key = (get_language(), generation[0])
        try:
            value = self.kept[key]
        except KeyError:
            # Rendered as Django renders it (a literal is safe: never escaped), then kept.
            asvar, self.asvar = self.asvar, None
            try:
                value = self.kept[key] = super().render(context)
            finally:
                self.asvar = asvar
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return KeptTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


register.tag("translate", do_translate)
register.tag("trans", do_translate)
