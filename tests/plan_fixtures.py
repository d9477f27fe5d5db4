"""Catalog, committees, the two demo plans and declarations on them: shared by every test package
(registered in tests/conftest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applicants.services import agree_commitment
from declarations.models import Plan
from demo import catalog as demo_catalog
from tests import factories


@pytest.fixture
def catalog(regions):
    """Series, levels and the catalog as seed_demo loads them (demo.catalog)."""
    demo_catalog.load_levels_and_series()
    demo_catalog.load_catalog()


@pytest.fixture
def engineering_committee(catalog, committee_office, regions):
    return factories.CommitteeFactory(
        name="潍坊市工程技术职务资格中级评审委员会",
        series__code="engineering",
        level__code="intermediate",
        region=regions["370700"],
        office=committee_office,
    )


@pytest.fixture
def culture_committee(catalog, regions):
    office = factories.OrganizationFactory(
        name="威海市环翠区群众文化专业职务资格初级评审委员会办公室",
        kind="committee_office",
        region=regions["371002"],
    )
    return factories.CommitteeFactory(
        name="威海市环翠区群众文化专业职务资格初级评审委员会",
        series__code="mass_culture",
        level__code="junior",
        region=regions["371002"],
        office=office,
    )


@pytest.fixture
def plans(engineering_committee, culture_committee, regions):
    engineering, culture = demo_catalog.load_plans(
        regions,
        {c.name: c for c in (engineering_committee, culture_committee)},
    )
    now = timezone.now()
    Plan.objects.update(
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=30),
        # Returned declarations are taken for a month after the plan closes (demo.catalog).
        resubmit_until=now + timedelta(days=60),
    )
    engineering.refresh_from_db()
    culture.refresh_from_db()
    return engineering, culture


@pytest.fixture
def engineering_plan(plans):
    return plans[0]


@pytest.fixture
def committed_applicant(applicant):
    agree_commitment(actor=applicant)
    return applicant


@pytest.fixture
def culture_plan(plans):
    return plans[1]


@pytest.fixture
def engineering_declaration(committed_applicant, engineering_plan):
    from declarations.services import create_declaration

    return create_declaration(actor=committed_applicant, plan=engineering_plan)


@pytest.fixture
def culture_declaration(committed_applicant, culture_plan):
    from declarations.services import create_declaration

    return create_declaration(actor=committed_applicant, plan=culture_plan)
