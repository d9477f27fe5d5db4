from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = _("申报人与账号")

    def ready(self):
        # System checks of the SMS and email configuration (zhicheng.W001, zhicheng.W002).
        from applicants import checks, user_cache

        assert checks  # registered on import
        user_cache.connect_receivers()
