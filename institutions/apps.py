from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("单位与部门")

    def ready(self):
        from applicants import hooks
        from institutions import access, audit

        hooks.home_url.register(access.home_url_for)
        # The cached organizations of each user are forgotten when memberships change.
        access.connect_receivers()

        # Staff password resets and account changes in the admin are reported by applicants
        # (below institutions) as signals; the audit trail records them.
        audit.connect_receivers()
