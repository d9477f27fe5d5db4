"""{% kept %}…{% endkept %}: a part of a template that reads nothing of the request, rendered
once per language and script prefix and then kept (issue 13: base.html's head, navigation
frame and footer, with their static files, URLs and translations, cost ~3M instructions a page).

Only what is the same for every request in a language may go inside: {% static %}, {% url %}
without arguments from the request, {% translate %} of literals, plain markup. Anything of the
user, the session, the CSRF token or the page stays outside. Every setting change (the tests'
override_settings) renders the parts afresh."""

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Renewed by every setting change; kept_i18n reads it too.
generation = [0]


class KeptNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.kept = {}

    def render(self, context):
        key = (get_language(), get_script_prefix(), generation[0])
        try:
            return self.kept[key]
        except KeyError:
            html = self.kept[key] = mark_safe(self.nodelist.render(context))
            return html


@register.tag("kept")
def do_kept(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% kept %} takes no arguments")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist)


def _renew(**kwargs):
    generation[0] += 1


setting_changed.connect(_renew, dispatch_uid="core.kept.renew")
