"""{% load i18n %} is core.templatetags.kept_i18n: a literal {% translate %} keeps its translation
per language. A page must read exactly as with Django's own tag, in each language, whatever the
literal holds."""

import pytest
from django.template import Context, Engine, engines
from django.utils import translation

from core.templatetags.kept_i18n import KeptTranslateNode

TEMPLATE = (
    "{% load i18n %}"
    '<b>{% translate "职称申报评审平台" %}</b>'
    '{% translate "首页" as home %}[{{ home }}]'
    "{% translate word %}"
    '{% translate "<i>a & b</i> 100%%" %}'
    '{% translate "首页" noop %}'
    '{% translate "首页" context "menu" %}'
)


def _render(engine_template, language, **context):
    with translation.override(language):
        return engine_template.render(context)


def test_literals_read_as_with_djangos_tag_in_each_language():
    ours = engines["django"].from_string(TEMPLATE)
    # {% load i18n %} as Django ships it.
    django_own = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(TEMPLATE)
    for _round in range(2):  # the second time from what was kept
        for language, home in (("zh-hans", "首页"), ("en", "Home"), ("zh-hans", "首页")):
            page = _render(ours, language, word="首页")
            with translation.override(language):
                expected = django_own.render(Context({"word": "首页"}))
            assert page == expected
            assert f"[{home}]" in page
            assert "<i>a & b</i> 100%" in page  # a literal is never escaped; %% is one %


def test_only_constant_literals_are_kept():
    nodes = engines["django"].from_string(TEMPLATE).template.nodelist
    translated = [n for n in nodes if isinstance(n, KeptTranslateNode)]
    assert [n.constant for n in translated] == [True, True, False, True, False, False]


@pytest.mark.parametrize("language,word", [("en", "Home"), ("zh-hans", "首页")])
def test_a_variable_is_translated_on_each_render(language, word):
    template = engines["django"].from_string("{% load i18n %}{% translate w %}")
    with translation.override(language):
        assert template.render({"w": "首页"}) == word
        assert template.render({"w": "<script>"}) == "&lt;script&gt;"


def test_only_the_intended_library_override_passes_the_check(settings):
    """templates.W003 is silenced for {% load i18n %}'s override; core.checks still reports
    any other library name given to two modules."""
    from core.checks import template_tag_names_unique

    assert template_tag_names_unique() == []
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["OPTIONS"] = {
        **templates[0]["OPTIONS"],
        "libraries": {
            **templates[0]["OPTIONS"]["libraries"],
            "static": "core.templatetags.kept_i18n",
        },
    }
    settings.TEMPLATES = templates
    [warning] = template_tag_names_unique()
    assert warning.id == "core.W003" and "'static'" in warning.msg


def test_a_kept_part_is_rendered_once_per_language(settings):
    """{% kept %} (base.html's head, navigation frame and footer): rendered the first time in a
    language and then served as it was; another language or a setting change renders it
    afresh."""
    template = engines["django"].from_string(
        '{% load i18n kept %}{% kept %}<a href="{% url "home" %}">{% translate "首页" %}</a>'
        "{{ n }}{% endkept %}|{{ n }}"
    )
    with translation.override("zh-hans"):
        assert template.render({"n": 1}) == '<a href="/">首页</a>1|1'
        # Served as kept: the part reads nothing of the request (here it wrongly does).
        assert template.render({"n": 2}) == '<a href="/">首页</a>1|2'
    with translation.override("en"):
        assert template.render({"n": 3}) == '<a href="/">Home</a>3|3'
    settings.STATIC_URL = "/other-static/"
    with translation.override("zh-hans"):
        assert template.render({"n": 4}) == '<a href="/">首页</a>4|4'
