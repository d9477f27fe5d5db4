"""Signal and hook registrations of the committee stage: acceptance (受理) and fees.

Called from CommitteeConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _


def menu(user, role, organization):
    """institutions.hooks.menu_items: the office's acceptance inbox, fee settings and
    payments."""
    from institutions import access

    if organization is None:
        return []
    items = []
    if access.may(organization, access.Capability.RECEIVE):
        items.append((_("受理"), reverse("committee:inbox"), _("受理与缴费")))
    if access.may(organization, access.Capability.EVALUATE):
        items.append((_("收费设定"), reverse("committee:fee_list"), _("受理与缴费")))
        items.append((_("缴费登记"), reverse("committee:payment_list"), _("受理与缴费")))
    return items


def inbox_links(request, organization, declaration_ids):
    """review.hooks.queue_row_links: in the review app's inbox, a 受理 link on the rows still
    waiting for the office's formal check (one query for the page)."""
    from declarations.models import Declaration, DeclarationStatus
    from institutions import access

    if not access.may(organization, access.Capability.RECEIVE) or not declaration_ids:
        return {}
    waiting = Declaration.objects.filter(
        pk__in=list(declaration_ids), holder=organization, status=DeclarationStatus.AT_COMMITTEE
    ).values_list("pk", flat=True)
    url = reverse("committee:inbox")
    return {pk: [{"label": _("受理"), "url": url, "testid": "accept-link"}] for pk in waiting}


def connect():
    from applicants import hooks as applicants_hooks
    from committee import tasks_acceptance  # noqa: F401 - registers the Celery tasks
    from committee.services import acceptance
    from committee.views import fees
    from declarations import hooks as declarations_hooks
    from declarations import workflow
    from institutions import hooks as institutions_hooks
    from review import hooks as review_hooks

    workflow.declaration_move_committed.connect(
        acceptance.on_declaration_move_committed,
        dispatch_uid="committee.acceptance.on_declaration_move_committed",
    )
    declarations_hooks.declaration_panels.register(fees.declaration_panel)
    applicants_hooks.dashboard_panels.register(fees.dashboard_card)
    institutions_hooks.menu_items.register(menu)
    review_hooks.queue_row_links.register(inbox_links)
