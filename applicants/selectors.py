from applicants.models import SignInName, User
from applicants.validators import normalize_sign_in_name

# Longer than any username (30 at registration, 150 in the admin), ID number or phone.
IDENTIFIER_MAX_LENGTH = 150


def find_user_by_identifier(identifier: str) -> User | None:
    """The one account that signs in with this username, ID number or personal phone.

    Usernames, ID numbers and phones share one namespace (applicants.models.SignInName, unique),
    so the answer is never ambiguous.
    """
    value = normalize_sign_in_name(identifier)
    if not value or len(value) > IDENTIFIER_MAX_LENGTH:
        return None
    name = SignInName.objects.select_related("user").filter(value=value).first()
    return name.user if name else None
