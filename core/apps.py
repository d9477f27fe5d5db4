from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "core"

    def ready(self):
        # Django 6.1: the default empty choice of model fields and ModelChoiceFields is set by
        # overriding BLANK_CHOICE_LABEL in ready(); the project's forms say "请选择" everywhere.
        from django.db.models import fields

        from core import checks, per_request, translation_catalogs  # noqa: F401 (checks registers itself)
        from core.forms import EMPTY_LABEL

        fields.BLANK_CHOICE_LABEL = EMPTY_LABEL
        per_request.connect()
        translation_catalogs.install()
