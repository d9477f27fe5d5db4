from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = _("附件")

    def ready(self):
        # Declarations sit below attachments: they ask through hooks what files add.
        from attachments import selectors, services
        from declarations import hooks, workflow

        hooks.submission_problems.register(selectors.slot_problems)
        hooks.snapshot_parts.register(selectors.snapshot_part)
        hooks.section_panels.register(selectors.slots_panel)
        # A submission makes the draft's files part of the round handed to the unit.
        workflow.declaration_moved.connect(
            services.record_submitted_files, dispatch_uid="attachments.record_submitted_files"
        )
