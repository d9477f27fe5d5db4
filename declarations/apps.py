from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("职称申报")

    def ready(self):
        from applicants import hooks
        from declarations import views

        hooks.dashboard_panels.register(views.dashboard_card)
