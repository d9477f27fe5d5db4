from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("统计分析")

    def ready(self):
        # The top of the stack below demo: it reads every domain app and adds its menu entry
        # through the institutions hook; nothing imports it.
        from institutions import hooks
        from stats import views

        hooks.menu_items.register(views.menu_items)
