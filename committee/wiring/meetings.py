"""Signal and hook registrations of the committee stage: experts, meetings and voting.

Called from CommitteeConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _


def expert_home(user, role):
    """institutions.hooks.home_urls: the expert's 评审任务 page."""
    from institutions.access import ROLE_EXPERT

    return reverse("committee:expert_home") if role == ROLE_EXPERT else None


def menu(user, role, organization):
    """institutions.hooks.menu_items: the office's expert, member and meeting pages; the
    expert's own tasks."""
    from institutions import access

    if role == access.ROLE_EXPERT:
        return [(_("评审任务"), reverse("committee:expert_home"))]
    if organization is not None and access.may(organization, access.Capability.EVALUATE):
        return [
            (_("评审专家库"), reverse("committee:expert_list"), _("评审组织")),
            (_("评委会委员"), reverse("committee:members"), _("评审组织")),
            (_("评审会议"), reverse("committee:meeting_list"), _("评审组织")),
        ]
    return []


def connect():
    from committee.selectors.meetings import document_round_for_expert
    from committee.services.voting import committee_result
    from documents import hooks as documents_hooks
    from institutions import hooks as institutions_hooks

    documents_hooks.committee_result.register(committee_result)
    documents_hooks.document_grants.register(document_round_for_expert)
    institutions_hooks.home_urls.register(expert_home)
    institutions_hooks.menu_items.register(menu)
