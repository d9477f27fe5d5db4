"""core.prepared: a hot page's queryset is built and compiled once, then run with new values.
What it gives must be what the queryset itself gives: the same SQL, rows, instances and related
rows, for any values; a value it cannot place is refused at once, not run wrong."""

from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from core.prepared import prepared
from review.models import Review, ReviewState
from tests.review.builders import build_queue


def _reviews(*, organization, ids):
    return (
        Review.objects.filter(organization_id=organization, pk__in=ids)
        .exclude(state=ReviewState.WITHDRAWN)
        .select_related("declaration__applicant", "declaration__plan__series")
        .order_by("pk")
    )


reviews = prepared(_reviews)


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def queue(unit, engineering_plan):
    return build_queue(unit, engineering_plan, 6)


def _ids(unit):
    return list(
        Review.objects.filter(organization=unit).order_by("pk").values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_the_rows_and_related_rows_are_the_querysets_own(unit, queue):
    ids = _ids(unit)
    for values in (ids[:3], ids[3:], [ids[5], ids[0], ids[2]]):
        expected = list(_reviews(organization=unit.pk, ids=values))
        with CaptureQueriesContext(connection) as ctx:
            got = reviews(organization=unit.pk, ids=values)
        assert len(ctx.captured_queries) == 1  # the related rows came with it
        assert [_fields(r) for r in got] == [_fields(r) for r in expected]
        assert [_fields(r.declaration) for r in got] == [_fields(r.declaration) for r in expected]
        assert [r.declaration.applicant.name for r in got] == [
            r.declaration.applicant.name for r in expected
        ]
        assert [r.declaration.plan.series.name for r in got] == [
            r.declaration.plan.series.name for r in expected
        ]
        assert all(not r._state.adding and r._state.db == "default" for r in got)


@pytest.mark.django_db
def test_the_sql_is_the_querysets_and_is_compiled_once_per_shape(unit, queue):
    ids = _ids(unit)
    reviews.clear()
    with CaptureQueriesContext(connection) as ctx:
        list(_reviews(organization=unit.pk, ids=ids[:2]))
    orm_sql = ctx.captured_queries[0]["sql"]
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as as_sql:
        with CaptureQueriesContext(connection) as ctx:
            reviews(organization=unit.pk, ids=ids[:2])
        first = as_sql.call_count
        reviews(organization=unit.pk, ids=ids[2:4])
        reviews(organization=unit.pk, ids=ids[4:6])
        assert as_sql.call_count == first  # the same shape: no compiling again
        reviews(organization=unit.pk, ids=ids[:3])
        assert as_sql.call_count > first  # a longer list is another shape
    assert first >= 1
    assert ctx.captured_queries[0]["sql"] == orm_sql


@pytest.mark.django_db
def test_values_lists_and_annotations(unit, queue):
    ids = _ids(unit)

    def pairs_of(*, ids):
        return (
            Review.objects.filter(pk__in=ids)
            .order_by("-pk")
            .values_list("pk", "declaration__applicant__name")
        )

    pairs = prepared(pairs_of)
    flat = prepared(
        lambda *, ids: (
            Review.objects.filter(pk__in=ids).order_by("pk").values_list("state", flat=True)
        )
    )
    counted = prepared(
        lambda *, organization: (
            Review.objects.filter(organization_id=organization)
            .values_list("organization_id")
            .annotate(passed=Count("pk", filter=Q(state="passed")), n=Count("pk"))
        )
    )
    assert pairs(ids=ids) == list(pairs_of(ids=ids))
    assert flat(ids=ids[:2]) == ["pending", "pending"]
    assert counted(organization=unit.pk) == [(unit.pk, 0, 6)]


@pytest.mark.django_db
def test_values_that_match_nothing_give_nothing(unit, queue):
    ids = _ids(unit)
    with CaptureQueriesContext(connection) as ctx:
        assert reviews(organization=unit.pk, ids=[]) == []
        # An id from a URL may be any length: past 64 bits no row has it.
        assert reviews(organization=2**70, ids=ids) == []
    assert ctx.captured_queries == []
    assert [r.pk for r in reviews(organization=unit.pk, ids=[2**70, ids[0]])] == [ids[0]]
    assert reviews(organization=unit.pk + 1000, ids=ids) == []


@pytest.mark.django_db
def test_a_value_the_sql_does_not_take_as_it_is_is_refused(unit, queue):
    by_name = prepared(
        lambda *, name: Review.objects.filter(declaration__applicant__name__icontains=name)
    )
    with pytest.raises(ValueError, match="reaches the SQL changed"):
        by_name(name="申报人")
    unused = prepared(lambda *, pk: Review.objects.all())
    with pytest.raises(ValueError, match="pk does not reach the SQL"):
        unused(pk=1)
    with pytest.raises(TypeError, match="ints and strs"):
        reviews(organization=unit, ids=[1])


@pytest.mark.django_db
def test_a_changed_setting_compiles_again(unit, queue, settings):
    ids = _ids(unit)
    reviews(organization=unit.pk, ids=ids[:2])
    assert reviews._compiled
    settings.ACCESS_CACHE_TIMEOUT = 5
    assert not reviews._compiled
    assert len(reviews(organization=unit.pk, ids=ids[:2])) == 2


@pytest.mark.django_db
def test_a_huge_declaration_id_on_the_review_page_is_not_found(login, unit_reviewer, queue):
    response = login(unit_reviewer).get(f"/review/{2**70}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_columns_the_order_needs_are_cut_off(unit, queue):
    """A DISTINCT query orders by columns it must then select: the rows are the queryset's."""
    ids = _ids(unit)

    def states_of(*, ids):
        return (
            Review.objects.filter(pk__in=ids)
            .values_list("state", "organization_id")
            .order_by("-arrived_at")
            .distinct()
        )

    states = prepared(states_of)
    assert states(ids=ids) == list(states_of(ids=ids))
    assert all(len(row) == 2 for row in states(ids=ids))


@pytest.mark.django_db
def test_a_slice_is_part_of_the_shape(unit, queue):
    """Pages of rows: LIMIT and OFFSET are written into the SQL, so each page is its own
    shape; every page gives the queryset's rows."""
    paged = prepared(
        lambda *, organization, page: (
            Review.objects.filter(organization_id=organization)
            .order_by("pk")
            .values_list("pk", flat=True)[page]
        )
    )
    ids = _ids(unit)
    for start in (0, 2, 4, 6):
        assert paged(organization=unit.pk, page=slice(start, start + 2)) == ids[start : start + 2]
    assert paged(organization=unit.pk, page=slice(0, 2)) == ids[:2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [f"/declarations/{2**70}/", f"/declarations/{2**70}/sections/education/"]
)
def test_a_huge_declaration_id_on_an_applicant_page_is_not_found(
    login, engineering_declaration, url
):
    assert login(engineering_declaration.applicant).get(url).status_code == 404
