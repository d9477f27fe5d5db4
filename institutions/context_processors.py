from django.utils.functional import SimpleLazyObject

from institutions.access import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav": SimpleLazyObject(lambda: menu_for(user))}
