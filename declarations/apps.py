from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("职称申报")

    def ready(self):
        from applicants import hooks
        from declarations import views

        hooks.dashboard_panels.register(views.dashboard_card)
        self.connect_config_version()

    def connect_config_version(self):
        """What a saved section is checked against (catalogs, organizations, plans and their
        sections): any change gives the overview's kept checks a new key
        (services.config_version)."""
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from declarations.models import AttachmentSlot, Plan, PlanSection
        from declarations.services import new_config_version

        models = [Plan, PlanSection, AttachmentSlot]
        for label in ("catalog", "institutions"):
            models.extend(apps.get_app_config(label).get_models())
        # Written often and read by no section's check: no new version for them.
        models = [m for m in models if m.__name__ not in ("AuditEntry", "Membership")]
        for model in models:
            post_save.connect(new_config_version, sender=model, dispatch_uid=f"cv-save-{model}")
            post_delete.connect(new_config_version, sender=model, dispatch_uid=f"cv-del-{model}")
        for field in Plan._meta.many_to_many:
            m2m_changed.connect(
                new_config_version, sender=field.remote_field.through, dispatch_uid=f"cv-{field}"
            )
