from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = _("附件")

    def ready(self):
        # Declarations sit below attachments: they ask through hooks what files add.
        from attachments import selectors
        from declarations import hooks

        hooks.submission_problems.register(selectors.slot_problems)
        hooks.snapshot_parts.register(selectors.snapshot_part)
        hooks.section_panels.register(selectors.slots_panel)
