"""Configuration rows a hot page shows beside its own rows (a declaration's plan with its series,
level, region and committee; the organizations that declared, hold or sent it), taken from this
process's kept copy instead of being joined into every query.

With the shared cache on (ACCESS_CACHE_TIMEOUT > 0, production with Redis), each row read once
is kept under the configuration version (services.kept_per_version: any save or delete of a plan,
catalog entry, region, organization or committee makes a new one, in every process). A query
then joins only its own tables (related() leaves the kept ones out) and attach() sets the kept
rows in place, as copies, so nothing a request sets on them reaches another request. Without it
(make run, the tests) related() is select_related() and attach() does nothing: the same objects,
as before.

    paths = ("declaration__applicant", "declaration__plan__series", "received_from")
    rows = list(kept.related(Review.objects.filter(...), *paths))
    kept.attach(rows, *paths)
"""

from django.conf import settings
from django.db.models.base import ModelState

from catalog.models import Level, Series, Title
from core.prepared import prepared
from declarations import services
from declarations.models import Plan
from institutions.models import Committee, Organization, Region

# The models kept, each with the relations read along with it.
KEPT_MODELS = {
    Plan: ("series", "level", "region", "committee"),
    Organization: ("region",),
    Committee: (),
    Series: (),
    Level: (),
    Region: (),
    Title: (),
}
# A kept set larger than this starts afresh (a province has a few thousand organizations).
MAX_KEPT = 20_000


def on() -> int:
    """The seconds rows stay kept; 0 when every process does not share the cache."""
    return getattr(settings, "ACCESS_CACHE_TIMEOUT", 0)


def _rows(model):
    related = KEPT_MODELS[model]
    rows = model._default_manager.all()
    return rows.select_related(*related) if related else rows


def by_id(model, ids) -> dict:
    """The kept rows of model with these ids (read now those not kept yet, in one query); only
    where on()."""
    store = services.kept_per_version(
        ("declarations:kept-rows", model._meta.label), dict, timeout=on()
    )
    missing = {i for i in ids if i is not None and i not in store}
    if missing:
        if len(store) > MAX_KEPT:
            store.clear()
        for row in _rows(model).filter(pk__in=missing):
            store[row.pk] = row
    return {i: store[i] for i in ids if i in store}


def copy_row(row):
    """A copy of a kept row with its own state and relation cache (what copy.copy gives, without
    its pickling round trip): a request may set attributes or cache relations on it. The kept
    row's related rows (a plan's series) are shared; no page changes them."""
    clone = row.__class__.__new__(row.__class__)
    clone.__dict__.update(row.__dict__)
    state = clone._state = ModelState()
    for key, value in row._state.__dict__.items():
        if key != "peers":  # weak references to the rows fetched with it, in another request
            state.__dict__[key] = value
    state.fields_cache = dict(row._state.fields_cache)
    clone.__dict__.pop("_prefetched_objects_cache", None)
    return clone


def _split(model, path: str) -> tuple[str | None, str | None]:
    """(the part of path up to and including its first kept model, the rest before it): for
    Review and "declaration__plan__series", ("declaration__plan", "declaration")."""
    parts = path.split("__")
    for i, name in enumerate(parts):
        model = model._meta.get_field(name).related_model
        if model in KEPT_MODELS:
            return "__".join(parts[: i + 1]), "__".join(parts[:i]) or None
    return None, None


def related(queryset, *paths, only=()):
    """queryset.select_related(*paths) (and .only(*only) if given), but for the kept rows when
    they are kept: the tables before them are still joined (attach() reads their foreign keys),
    and a field of a kept row in only becomes the foreign key that names the row."""
    if not on():
        queryset = queryset.select_related(*paths)
        return queryset.only(*only) if only else queryset
    joined = []
    for path in paths:
        point, before = _split(queryset.model, path)
        if point is None:
            joined.append(path)
        elif before is not None:
            joined.append(before)
    if joined:
        queryset = queryset.select_related(*dict.fromkeys(joined))
    if only:
        fields = []
        for name in only:
            point, _before = _split(queryset.model, name) if "__" in name else (None, None)
            fields.append(point if point is not None and point != name else name)
        queryset = queryset.only(*dict.fromkeys(fields))
    return queryset


def attach(objs, *paths) -> None:
    """Set the kept rows that related() left out of the query on objs (copies: a request may
    set attributes on them)."""
    if not on() or not objs:
        return
    model = type(objs[0])
    points = {}
    for path in paths:
        point, before = _split(model, path)
        if point is not None:
            points[point] = before
    for point, before in points.items():
        name = point.rpartition("__")[2]
        parents = []
        for obj in objs:
            parent = obj
            for step in before.split("__") if before else ():
                parent = getattr(parent, step)
                if parent is None:
                    break
            if parent is not None:
                parents.append(parent)
        if not parents:
            continue
        field = parents[0]._meta.get_field(name)
        rows = by_id(field.related_model, {getattr(p, field.attname) for p in parents})
        for parent in parents:
            row = rows.get(getattr(parent, field.attname))
            if row is not None:
                setattr(parent, name, copy_row(row))


def fetch(queryset, *paths, only=()) -> list:
    """The rows of queryset with paths joined or attached (related() then attach())."""
    rows = list(related(queryset, *paths, only=only))
    attach(rows, *paths)
    return rows


def prepared_fetch(*paths, only=()):
    """fetch() as a decorator of a function building the queryset from keyword values, whose
    query is compiled once (core.prepared): calling the result gives the rows.

        @kept.prepared_fetch("plan__series")
        def own_declarations(*, applicant):
            return Declaration.objects.filter(applicant_id=applicant)
    """

    def decorate(build):
        def with_related(**values):
            return related(build(**values), *paths, only=only)

        with_related.__name__ = build.__name__
        query = prepared(with_related)

        def rows(**values) -> list:
            found = query(**values)
            attach(found, *paths)
            return found

        rows.query = query
        rows.__name__, rows.__doc__ = build.__name__, build.__doc__
        return rows

    return decorate
