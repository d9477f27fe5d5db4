"""Fixtures of the review chain: a submitted engineering declaration at the unit, and the
effective routing paths unit → supervising → reporting department → committee."""

import pytest

from declarations.services import submit_declaration
from demo import people
from tests.declarations.builders import fill_valid


@pytest.fixture
def chain(unit, supervising_department, reporting_department, engineering_committee, administrator):
    """Effective engineering 中级 paths: unit → supervising → reporting → committee."""
    series, level = engineering_committee.series, engineering_committee.level

    def effective(organization, **destination):
        return people.effective_path(
            organization, series, level, applied_by=administrator, **destination
        )

    return [
        effective(unit, target=supervising_department),
        effective(supervising_department, target=reporting_department),
        effective(reporting_department, committee=engineering_committee),
    ]


@pytest.fixture
def submitted(engineering_declaration, unit, committed_applicant):
    """The applicant's engineering declaration, complete and submitted to the unit."""
    fill_valid(engineering_declaration, unit)
    return submit_declaration(actor=committed_applicant, declaration=engineering_declaration)
