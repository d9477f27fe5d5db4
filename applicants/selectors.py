from django.db.models import Q

from applicants.models import AccountKind, User
from applicants.validators import normalize_id_number


def find_user_by_identifier(identifier: str) -> User | None:
    """The account named by a username, an ID number or a personal phone, in that order."""
    value = (identifier or "").strip()
    if not value:
        return None
    candidates = list(
        User.objects.filter(
            Q(username__iexact=value)
            | Q(id_number=normalize_id_number(value))
            | Q(phone=value, kind=AccountKind.PERSONAL)
        )[:3]
    )
    for matches in (
        lambda u: u.username.lower() == value.lower(),
        lambda u: u.id_number == normalize_id_number(value),
        lambda u: u.phone == value,
    ):
        for user in candidates:
            if matches(user):
                return user
    return None
