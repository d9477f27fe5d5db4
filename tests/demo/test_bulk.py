"""demo.bulk: a queue made in bulk carries the section data the forms would have stored, so the
review page, the exports and the benchmark read it as they read a real declaration."""

import pytest

from declarations.models import DeclarationSection
from demo import bulk
from review.models import Review
from tests import factories
from tests.declarations.builders import fill_valid
from tests.review.builders import applicants

pytestmark = pytest.mark.django_db


def _shape(data):
    """The keys of a section's data; of its first row for a row section."""
    if "rows" in data:
        return {"rows": set(data["rows"][0])}
    return set(data)


@pytest.mark.parametrize("plan_fixture", ["engineering_plan", "culture_plan"])
def test_bulk_sections_have_the_shape_the_forms_store(
    request, plan_fixture, unit, committed_applicant
):
    plan = request.getfixturevalue(plan_fixture)
    from declarations.services import create_declaration

    if not plan.region.covers(unit.region):
        # The declaring unit lies in the plan's region (环翠区 for the culture plan).
        unit = factories.OrganizationFactory(name="威海市环翠区文化馆", region=plan.region)
    real = fill_valid(create_declaration(actor=committed_applicant, plan=plan), unit, files=False)
    stored = {s.code: s.data for s in DeclarationSection.objects.filter(declaration=real)}
    [made] = bulk.queue(unit, plan, applicants(1))
    made_data = {s.code: s.data for s in DeclarationSection.objects.filter(declaration=made)}

    assert set(made_data) <= set(stored)
    for code, data in made_data.items():
        assert _shape(data) == _shape(stored[code]), code
    info, real_info = made_data["declaration_info"], stored["declaration_info"]
    for key in ("year", "level", "series", "title", "method", "declaring_unit"):
        assert info[key] == real_info[key], key


def test_queue_states_and_order(unit, supervising_department, engineering_plan, unit_reviewer):
    people = applicants(3)
    made = bulk.queue(
        supervising_department,
        engineering_plan,
        people,
        state="reported",
        declaring_unit=unit,
        received_from=unit,
        decided_by=unit_reviewer,
        sections=False,
    )
    assert [d.applicant for d in made] == people
    assert {(d.status, d.holder_id, d.declaring_unit_id) for d in made} == {
        ("under_review", None, unit.pk)
    }
    reviews = list(
        Review.objects.filter(organization=supervising_department).order_by("-arrived_at")
    )
    assert [r.declaration_id for r in reviews] == [d.pk for d in made]
    assert {(r.state, r.received_from_id, r.opinion) for r in reviews} == {
        ("reported", unit.pk, "同意推荐")
    }
    assert not DeclarationSection.objects.exists()
