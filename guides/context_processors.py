from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from institutions.access import role_of

# The role of the signed-in user (institutions.access.role_of) → the guide written for it.
GUIDE_OF_ROLE = {
    "applicant": "applicant",
    "unit": "unit",
    "supervising": "department",
    "reporting": "department",
    "hr_bureau": "hr_bureau",
    "committee_office": "committee_office",
    "expert": "expert",
    "administrator": "administrator",
}


def _help_url(user) -> str:
    role = GUIDE_OF_ROLE.get(role_of(user)) if user is not None else None
    if role is None:
        return reverse("guides:index")
    return reverse("guides:guide", args=[role])


def help_link(request):
    """help_url: the guide of the signed-in user's role (the list of guides otherwise)."""
    user = getattr(request, "user", None)
    return {"help_url": SimpleLazyObject(lambda: _help_url(user))}
