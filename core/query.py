"""Bounds on what comes in through the address: search boxes, filters and ids.

Every search box keeps at most QUERY_MAX_LENGTH characters: longer text is cut to that length,
and the page shows (and searches) what was kept; the box itself carries maxlength, so a
browser stops typing there. BoundedQueryMiddleware (config.settings) cuts any other GET value
to GET_VALUE_MAX_LENGTH characters before a view sees it, the Django admin's search included,
so no query string reaches the database as a 50,000-character LIKE pattern. An id in the path
(`<int:pk>`) beyond a 64-bit column's range is not looked up: the middleware answers 404, as
for any id that does not exist (the database would otherwise fail on the number).
"""

from django.http import Http404, QueryDict

QUERY_MAX_LENGTH = 50
GET_VALUE_MAX_LENGTH = 200
# The largest id a BigAutoField (64-bit signed) can hold.
MAX_ID = 2**63 - 1


def bounded_query(value: str | None, max_length: int = QUERY_MAX_LENGTH) -> str:
    """A search box's text: stripped, and cut to max_length characters."""
    return (value or "").strip()[:max_length].strip()


def bounded_get(query: QueryDict, max_length: int = GET_VALUE_MAX_LENGTH) -> QueryDict:
    """The same parameters, every value cut to max_length characters (the same object when
    none is longer)."""
    if all(
        len(k) <= max_length and all(len(v) <= max_length for v in values)
        for k, values in query.lists()
    ):
        return query
    bounded = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        bounded.setlist(key[:max_length], [v[:max_length] for v in values])
    bounded._mutable = False
    return bounded


class BoundedQueryMiddleware:
    """Cuts every GET value to GET_VALUE_MAX_LENGTH characters, and answers 404 for an id in the
    path that no row can have (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = bounded_get(request.GET)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not 0 <= value <= MAX_ID:
                raise Http404
        return None
