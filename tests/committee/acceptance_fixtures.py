"""Fixtures of the acceptance and fee tests: declarations brought to the committee office's
inbox (待评委会受理) through the real services (a unit, a supervising and a reporting department,
each passing and reporting), and cheap queues of many for the query-count bounds.

Imported with `from tests.committee.acceptance_fixtures import *` by the test modules."""

from decimal import Decimal

import pytest

from committee.services import acceptance, fees
from declarations.models import Declaration
from declarations.services import submit_declaration
from demo import people
from review import services as review_services
from tests import factories
from tests.declarations.builders import fill_valid
from tests.review.builders import build_queue, notice

OPINION = "经审查，符合申报条件，同意推荐。"


@pytest.fixture
def chain(unit, supervising_department, reporting_department, engineering_committee, administrator):
    """Effective engineering 中级 paths: unit → supervising → reporting → committee."""
    series, level = engineering_committee.series, engineering_committee.level
    return [
        people.effective_path(organization, series, level, applied_by=administrator, **to)
        for organization, to in (
            (unit, {"target": supervising_department}),
            (supervising_department, {"target": reporting_department}),
            (reporting_department, {"committee": engineering_committee}),
        )
    ]


def up_the_chain(declaration, *, unit, unit_reviewer, levels, with_notice=True):
    """Pass and report the submitted declaration at every level up to the committee."""
    review_services.pass_declaration(actor=unit_reviewer, declaration=declaration)
    if with_notice:
        notice(unit_reviewer, unit, [declaration])
    review_services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[declaration.pk]
    )
    for organization, reviewer in levels:
        declaration.refresh_from_db()
        review_services.pass_declaration(actor=reviewer, declaration=declaration, opinion=OPINION)
        review_services.report_declarations(
            actor=reviewer, organization=organization, declaration_ids=[declaration.pk]
        )
    declaration.refresh_from_db()
    return declaration


@pytest.fixture
def levels(supervising_department, department_reviewer, reporting_department, reporting_reviewer):
    return [
        (supervising_department, department_reviewer),
        (reporting_department, reporting_reviewer),
    ]


@pytest.fixture
def at_committee(engineering_declaration, committed_applicant, unit, unit_reviewer, chain, levels):
    """The applicant's engineering declaration, complete, submitted and passed and reported by
    every level: in the committee office's inbox (at_committee)."""
    fill_valid(engineering_declaration, unit)
    declaration = submit_declaration(actor=committed_applicant, declaration=engineering_declaration)
    return up_the_chain(declaration, unit=unit, unit_reviewer=unit_reviewer, levels=levels)


def bulk_at_committee(
    reporting_department, reporting_reviewer, plan, count, *, unit, prefix="申报人"
):
    """count declarations reported by the reporting department to the committee in one real
    batch (report_declarations) from a cheap queue of passed ones (tests.review.builders)."""
    declarations = build_queue(
        reporting_department,
        plan,
        count,
        state="passed",
        declaring_unit=unit,
        received_from=unit,
        prefix=prefix,
    )
    review_services.report_declarations(
        actor=reporting_reviewer,
        organization=reporting_department,
        declaration_ids=[d.pk for d in declarations],
    )
    return list(Declaration.objects.filter(pk__in=[d.pk for d in declarations]).order_by("pk"))


def accept(office_user, office, declarations, action="accept", reason=""):
    return acceptance.decide(
        actor=office_user,
        office=office,
        action=action,
        declaration_ids=[d.pk for d in declarations],
        reason=reason,
    )


def charge(office_user, plan, amount="300", required=True):
    return fees.set_fee(
        actor=office_user,
        plan=plan,
        charged=True,
        amount=Decimal(amount),
        required_before_evaluation=required,
    )


@pytest.fixture
def other_office(regions):
    """Another committee office, with a user: ids of this office's declarations are 404 there."""
    office = factories.OrganizationFactory(
        name="潍坊市经济系列中级评审委员会办公室",
        kind="committee_office",
        region=regions["370700"],
    )
    return office, factories.org_user(office, user__username="other_office")
