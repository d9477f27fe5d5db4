"""System checks of the project's own."""

from collections import defaultdict

from django.core.checks import Tags, Warning, register
from django.template import engines
from django.template.backends.django import DjangoTemplates, get_template_tag_modules

# {% load i18n %} is core.templatetags.kept_i18n on purpose (it keeps Django's i18n library and
# its translate tag's output): Django's templates.W003 reports it as a clash, so that check is
# silenced (SILENCED_SYSTEM_CHECKS) and this one says the same of every other library name.
INTENDED_OVERRIDES = {"i18n": {"django.templatetags.i18n", "core.templatetags.kept_i18n"}}


@register(Tags.templates)
def template_tag_names_unique(app_configs=None, **kwargs):
    errors = []
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        libraries = defaultdict(set)
        for name, path in get_template_tag_modules():
            libraries[name].add(path)
        for name, path in engine.engine.libraries.items():
            libraries[name].add(path)
        for name, paths in libraries.items():
            if len(paths) > 1 and paths != INTENDED_OVERRIDES.get(name):
                items = ", ".join(repr(path) for path in sorted(paths))
                errors.append(
                    Warning(
                        f"{name!r} is used for multiple template tag modules: {items}",
                        obj=engine,
                        id="core.W003",
                    )
                )
    return errors
