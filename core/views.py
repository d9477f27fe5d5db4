"""View guards shared by every app."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def personal_required(view):
    """Pages of applicants (personal accounts) only."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_personal:
            raise PermissionDenied(_("此页面仅供个人账号使用。"))
        return view(request, *args, **kwargs)

    return wrapped


def administrator_required(view):
    """Pages of system administrators only."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_administrator:
            raise PermissionDenied(_("此页面仅供系统管理员使用。"))
        return view(request, *args, **kwargs)

    return wrapped
