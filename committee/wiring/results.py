"""Signal and hook registrations of the committee stage: results.

Called from CommitteeConfig.ready()."""


def connect():
    from applicants import hooks as applicant_hooks
    from committee import (
        tasks_notifications,  # noqa: F401  (the worker registers its tasks)
        tasks_results,  # noqa: F401
    )
    from committee.services import result_notifications, revocation
    from committee.views import results, verify
    from declarations import hooks as declaration_hooks
    from declarations import workflow
    from institutions import hooks as institution_hooks

    workflow.declaration_move_committed.connect(
        result_notifications.on_declaration_move_committed,
        dispatch_uid="committee.result_notifications.on_declaration_move_committed",
    )

    declaration_hooks.creation_refusals.register(revocation.creation_refusal)
    declaration_hooks.certificate_cells.register(results.certificate_cells)
    declaration_hooks.declaration_panels.register(results.declaration_panel)
    applicant_hooks.dashboard_panels.register(results.dashboard_panel)
    institution_hooks.menu_items.register(results.menu_items)
    # The public check's cached answers are dropped when a certificate changes.
    verify.connect()
