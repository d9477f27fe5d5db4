from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("审核与评审")

    def ready(self):
        # Declarations move below review; review keeps its queues and tells the applicant.
        from declarations import workflow
        from institutions import hooks
        from review import reportable, services
        from review.views.queue import dashboard_card

        hooks.dashboard_panels.register(dashboard_card)

        workflow.declaration_moved.connect(
            services.on_declaration_moved, dispatch_uid="review.on_declaration_moved"
        )
        workflow.declaration_move_committed.connect(
            services.on_declaration_move_committed,
            dispatch_uid="review.on_declaration_move_committed",
        )
        # The queue's cached reportable count follows every write it reads.
        reportable.connect_receivers()
