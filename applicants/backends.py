from django.contrib.auth.backends import ModelBackend

from applicants import user_cache
from applicants.models import User
from applicants.selectors import find_user_by_identifier


class MultiIdentifierBackend(ModelBackend):
    """Log in with a username, an ID number or a registered phone (seed: 登录名或证件号码均可)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user_by_identifier(username)
        if user is None:
            # Spend the same time as a real check so timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, from the shared cache when it is on
        (applicants.user_cache): one query fewer on every page."""

        def load():
            try:
                return User._default_manager.get(pk=user_id)
            except User.DoesNotExist:
                return None

        user = user_cache.cached_user(user_id, load)
        return user if user is not None and self.user_can_authenticate(user) else None


def axes_username(request, credentials=None):
    """Key lockouts on the account, however the person typed its identifier."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    user = find_user_by_identifier(raw or "")
    return user.username if user else (raw or "")
