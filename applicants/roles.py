"""Which role a signed-in user acts in, and where their home page is."""

from django.urls import reverse

from applicants.models import AccountKind

ROLE_APPLICANT = "applicant"
ROLE_ADMINISTRATOR = "administrator"


def primary_membership(user):
    """The user's organization membership (organization accounts have one); cached per user."""
    if not hasattr(user, "_primary_membership"):
        from institutions.models import Membership

        user._primary_membership = (
            Membership.objects.select_related("organization", "organization__region")
            .filter(user=user)
            .order_by("pk")
            .first()
        )
    return user._primary_membership


def role_of(user) -> str:
    """applicant, administrator, or the kind of the user's organization (unit, hr_bureau, …)."""
    if not user.is_authenticated:
        return "anonymous"
    if user.kind == AccountKind.ADMINISTRATOR or user.is_superuser:
        return ROLE_ADMINISTRATOR
    if user.kind == AccountKind.PERSONAL:
        return ROLE_APPLICANT
    membership = primary_membership(user)
    return membership.organization.kind if membership else "anonymous"


def home_url_for(user) -> str:
    role = role_of(user)
    if role == ROLE_APPLICANT:
        return reverse("applicants:dashboard")
    if role == ROLE_ADMINISTRATOR:
        return reverse("institutions:admin_home")
    if role == "anonymous":
        return reverse("applicants:profile")
    return reverse("institutions:dashboard")
