"""Querysets built and compiled once, then run with new values (issue 13).

On the hot pages building a queryset and compiling it to SQL costs more CPU than PostgreSQL takes
to answer it: the review page's review row takes 0.25 ms to build, 0.4 ms to compile and 0.16 ms
to run. A prepared query builds its queryset once per shape (which values are lists, and how
long) with stand-in values, keeps the SQL, the column map and the converters the compiler worked
out, and runs each later call with the real values in the stand-ins' places. The SQL, the rows
and the model instances are those the queryset itself gives; Django's own pieces turn rows into
instances (Model.from_db, the select_related populators, the field converters).

    @prepared
    def review_row(*, declaration, organization):
        return Review.objects.filter(declaration_id=declaration, organization_id=organization)

    rows = review_row(declaration=pk, organization=org.pk)  # a list, like list(queryset)

A slice value (rows[start:stop]: LIMIT and OFFSET are written into the SQL) is part of the
shape and reaches build as it is. The other values are ints or strs, or lists of them (an empty
list gives [] without a query), each in an exact or `in` lookup that the query's other
conditions are ANDed with (an int past 64 bits matches nothing, so it gives [] or leaves the
list); a range lookup (lte, gte) takes only values read from the database. Each value must
reach the SQL as a parameter unchanged: one that a lookup changes (`icontains` wraps it in %)
or leaves out is refused when the shape is first compiled. The build function must depend on
nothing but its values and the settings: compiled SQL is kept per process (it is the same text
for every connection to the database; each call runs on the calling thread's own connection)
and dropped whenever a setting changes (the tests' override_settings), as the kept
configuration rows' joins depend on the settings. Nothing is kept per connection: the threaded
development server opens one per request thread.

Supported: model instances (with select_related, only/defer, annotations) and values_list
(tuples or flat). Not: prefetch_related, values() dicts, known related objects.
"""

import itertools
import weakref
from functools import partial

from django.core.signals import setting_changed
from django.db import connections
from django.db.models import Model
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

# Shapes kept per query (a list's length is part of a shape: pages of 30 rows
# have a few).
MAX_SHAPES = 64

_all: "weakref.WeakSet[PreparedQuery]" = weakref.WeakSet()


class _Compiled:
    """One shape's SQL, where each value goes in its parameters, and how rows become results.
    The queryset is built twice with two sets of stand-ins: a parameter that follows the
    stand-ins is a value's place, every other one a constant of the query."""

    def __init__(self, build, values):
        first, places = _stand_ins(values, 0)
        second, _places = _stand_ins(values, 1)
        queryset = build(**first)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("a prepared query cannot prefetch or carry known related objects")
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = compiler.as_sql()
        again = build(**second)
        sql, params_again = again.query.get_compiler(using=again.db).as_sql()
        if sql != self.sql or len(params) != len(params_again):
            raise ValueError("prepared query: the SQL depends on the values")
        self.params = list(params)
        self.positions = []  # (index in params, value name, index in a list value or None)
        for index, (one, other) in enumerate(zip(params, params_again, strict=True)):
            if one != other:
                place = places.get(one)
                if place is None or _place_of(second, place) != other:
                    raise ValueError("prepared query: a value reaches the SQL changed")
                self.positions.append((index, *place))
        missing = set(places.values()) - {(name, item) for _index, name, item in self.positions}
        if missing:
            names = ", ".join(sorted({name for name, _item in missing}))
            raise ValueError(f"prepared query: {names} does not reach the SQL as a parameter")
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise TypeError("a prepared query cannot select composite fields")
        self.compiler = compiler
        # Columns the ORDER BY needed in the select list (a DISTINCT query's) are cut off, as
        # the compiler's execute_sql does.
        self.width = compiler.col_count if compiler.has_extra_select else None
        self.converters = compiler.get_converters(fields)
        self.db = queryset.db
        iterable = queryset._iterable_class
        if iterable is ModelIterable:
            self.result = self._models_builder(queryset, compiler)
        elif iterable in (ValuesListIterable, FlatValuesListIterable):
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            wanted = [
                *queryset._fields,
                *(f for f in query.annotation_select if f not in queryset._fields),
            ]
            if queryset._fields and wanted != names:
                raise TypeError("a prepared values_list must name its columns in select order")
            if iterable is FlatValuesListIterable:
                self.result = lambda rows: [row[0] for row in rows]
            else:
                self.result = lambda rows: [tuple(row) for row in rows]
        else:
            raise TypeError(f"a prepared query cannot give {iterable.__name__} results")

    def _models_builder(self, queryset, compiler):
        """What ModelIterable does with a row, worked out once: the model's columns, the
        select_related populators, the annotations."""
        select, klass_info = compiler.select, compiler.klass_info
        annotations = compiler.annotation_col_map or {}
        model = klass_info["model"]
        if model.from_db.__func__ is not Model.from_db.__func__:
            raise TypeError(f"{model.__name__} overrides from_db")
        fetch_mode = queryset._fetch_mode
        if fetch_mode.track_peers:
            raise TypeError("a prepared query keeps the default fetch mode")
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        from_db = partial(model.from_db, self.db, init_list, fetch_mode=fetch_mode)
        populators = get_related_populators(klass_info, select, self.db, fetch_mode)

        def build(rows):
            objs = []
            for row in rows:
                obj = from_db(row[start:end])
                for populator in populators:
                    populator.populate(row, obj)
                for name, position in annotations.items():
                    setattr(obj, name, row[position])
                objs.append(obj)
            return objs

        return build

    def run(self, values):
        params = self.params.copy()
        for index, name, item in self.positions:
            params[index] = values[name] if item is None else values[name][item]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.width is not None:
            rows = [row[: self.width] for row in rows]
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return self.result(rows)


class PreparedQuery:
    def __init__(self, build):
        self.build = build
        self.__name__ = getattr(build, "__name__", "prepared")
        self.__doc__ = getattr(build, "__doc__", None)
        self._compiled: dict = {}  # shape -> _Compiled
        _all.add(self)

    def __call__(self, **values) -> list:
        shape = []
        for name, value in sorted(values.items()):
            if isinstance(value, slice):
                # A slice of the rows (LIMIT and OFFSET are written into the SQL): part of the
                # shape, passed to build as it is.
                shape.append((name, "slice", value.start, value.stop, value.step))
            elif isinstance(value, (list, tuple, set, frozenset)):
                # No integer column holds a value past 64 bits (an id from a URL can be any
                # length): such a value matches nothing, as the ORM's lookup would say.
                value = values[name] = [_plain(v) for v in value if not _overflows(v)]
                if not value:
                    return []
                shape.append((name, len(value), type(value[0])))
            else:
                if _overflows(value):
                    return []
                value = values[name] = _plain(value)
                shape.append((name, None, type(value)))
        shape = tuple(shape)
        compiled = self._compiled.get(shape)
        if compiled is None:
            if len(self._compiled) >= MAX_SHAPES:
                self._compiled.clear()
            compiled = self._compiled[shape] = self._compile(values)
        return compiled.run(values)

    def _compile(self, values) -> _Compiled:
        return _Compiled(self.build, values)

    def clear(self) -> None:
        self._compiled = {}


def _plain(value):
    """The int or str itself for a subclass of one (a choices enum's value)."""
    if isinstance(value, bool):
        raise TypeError("a prepared query takes ints and strs, not bool")
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, str):
        return str.__str__(value)
    raise TypeError(f"a prepared query takes ints and strs, not {type(value).__name__}")


def _overflows(value) -> bool:
    return type(value) is int and not -(2**63) <= value < 2**63


def _stand_ins(values, set_number: int):
    """Stand-ins of the values' types, different in each set and from each other: small
    positive ints (a lookup on a small integer field refuses one out of its range before any
    SQL) and strs no input has."""
    numbers = itertools.count(20_001 + 5_000 * set_number)
    stand_ins, places = {}, {}

    def one(value, place):
        if type(value) is int:
            stand_in = next(numbers)
        elif type(value) is str:
            stand_in = f"\x1fprepared-{set_number}-{next(numbers)}\x1f"
        else:
            raise TypeError(f"a prepared query takes ints and strs, not {type(value).__name__}")
        places[stand_in] = place
        return stand_in

    for name, value in values.items():
        if isinstance(value, slice):
            stand_ins[name] = value
        elif isinstance(value, list):
            stand_ins[name] = [one(v, (name, item)) for item, v in enumerate(value)]
        else:
            stand_ins[name] = one(value, (name, None))
    return stand_ins, places


def _place_of(stand_ins, place):
    name, item = place
    return stand_ins[name] if item is None else stand_ins[name][item]


def prepared(build) -> PreparedQuery:
    """The decorator: build(**values) returns the queryset; the result is called with the same
    keyword values and returns the list the queryset would give."""
    return PreparedQuery(build)


def _clear_all(**kwargs) -> None:
    for query in list(_all):
        query.clear()


setting_changed.connect(_clear_all, dispatch_uid="core.prepared.clear")
