from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("单位与部门")

    def ready(self):
        from institutions import audit

        # Staff password resets and account changes in the admin are reported by applicants
        # (below institutions) as signals; the audit trail records them.
        audit.connect_receivers()
