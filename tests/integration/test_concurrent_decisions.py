"""Two HR-bureau reviewers decide the same permission application at the same moment."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from institutions import services
from institutions.models import PermissionApplication, PermissionStatus
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_simultaneous_decisions_succeeds(unit, hr_bureau):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are only real on PostgreSQL")
    # A code registered in another city fails the automatic check: the bureau must decide.
    unit.uscc = "91110105MA3C4D5E6L"
    unit.permission_status = PermissionStatus.NONE
    unit.save()
    applicant_user = factories.org_user(unit)
    application = services.apply_for_permission(actor=applicant_user, unit=unit)
    first = factories.org_user(hr_bureau)
    second = factories.org_user(hr_bureau)

    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(name, actor, approve):
        try:
            barrier.wait()
            services.decide_permission(
                actor=actor,
                application=application,
                approve=approve,
                reason="" if approve else "材料不全",
            )
            outcomes[name] = "ok"
        except ValidationError as error:
            outcomes[name] = " ".join(error.messages)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("approve", first, True)),
        threading.Thread(target=decide, args=("reject", second, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()).count("ok") == 1, outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "已处理" in loser
    application.refresh_from_db()
    unit.refresh_from_db()
    expected = "approved" if outcomes["approve"] == "ok" else "rejected"
    assert application.status == expected
    assert unit.permission_status == expected
    assert PermissionApplication.objects.filter(organization=unit).count() == 1
