from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("评审表与材料包")

    def ready(self):
        # Declarations and review sit below documents: documents listens to the moves of a
        # declaration (to queue renders) and adds its panel and links to their pages.
        from declarations import hooks as declaration_hooks
        from declarations import workflow
        from documents import services, views
        from review import hooks as review_hooks

        workflow.declaration_move_committed.connect(
            services.on_declaration_move_committed,
            dispatch_uid="documents.on_declaration_move_committed",
        )
        declaration_hooks.declaration_panels.register(views.declaration_panel)
        review_hooks.queue_row_links.register(views.queue_row_links)
