"""Units that have registered but are not yet authorized, and a second HR bureau."""

import pytest

from institutions.models import OrgKind, PermissionStatus
from tests import factories


@pytest.fixture
def new_unit(regions):
    """A registered unit of 潍城区 that has not applied for permission yet."""
    return factories.OrganizationFactory(
        name="潍坊新华精密仪器有限公司",
        uscc="91370702MA3C4D5E7P",
        region=regions["370702"],
        permission_status=PermissionStatus.NONE,
    )


@pytest.fixture
def new_unit_user(new_unit):
    return factories.org_user(new_unit, user__username="xinhua_unit")


@pytest.fixture
def weihai_bureau(regions):
    """The city bureau of 威海市; 环翠区 has no bureau of its own in these fixtures."""
    return factories.OrganizationFactory(
        name="威海市人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["371000"]
    )


@pytest.fixture
def weihai_bureau_reviewer(weihai_bureau):
    return factories.org_user(weihai_bureau, user__username="weihai_hr")
