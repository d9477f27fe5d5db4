"""登记公示 and 公示结果 each leave a row in the audit trail (institutions.AuditEntry)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from institutions.models import AuditAction, AuditEntry
from review import services
from review.models import PublicNotice
from tests import clock
from tests.review.builders import build_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed(unit, engineering_plan):
    return build_queue(unit, engineering_plan, 2, state="passed", prefix="待公示")


def record(actor, unit, declarations):
    start = timezone.localdate()
    return services.record_notice(
        actor=actor,
        organization=unit,
        plan=declarations[0].plan,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=9),
        place="单位公告栏",
        declaration_ids=[d.pk for d in declarations],
    )


def test_recording_a_notice_is_audited(unit, unit_reviewer, passed, engineering_plan):
    notice = record(unit_reviewer, unit, passed)

    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.NOTICE_RECORDED
    assert entry.actor == unit_reviewer
    assert entry.organization == unit
    assert entry.changed_object == notice
    assert entry.object_repr == str(notice)
    assert entry.reason == ""
    assert entry.details["declaration_ids"] == sorted(d.pk for d in passed)
    assert entry.details["plan_id"] == engineering_plan.pk
    assert entry.details["starts_on"] == notice.starts_on.isoformat()
    assert entry.details["ends_on"] == notice.ends_on.isoformat()


@pytest.mark.parametrize(
    ("outcome", "note"),
    [
        (PublicNotice.Outcome.NO_OBJECTION, ""),
        (PublicNotice.Outcome.OBJECTION, "有群众反映业绩不实，正在核查"),
    ],
)
def test_recording_the_outcome_is_audited_with_the_note_as_reason(
    unit, unit_reviewer, passed, outcome, note
):
    notice = record(unit_reviewer, unit, passed)

    with clock.on_day(notice.ends_on + datetime.timedelta(days=1)):
        services.record_notice_outcome(
            actor=unit_reviewer, notice=notice, outcome=outcome, note=note
        )

    entry = AuditEntry.objects.get(action=AuditAction.NOTICE_OUTCOME)
    assert entry.actor == unit_reviewer
    assert entry.organization == unit
    assert entry.changed_object == notice
    assert entry.reason == note
    if outcome == PublicNotice.Outcome.OBJECTION:
        # Without a choice of people the objection is against everyone on the notice.
        assert entry.details == {"outcome": outcome, "objected_ids": sorted(d.pk for d in passed)}
    else:
        assert entry.details == {"outcome": outcome}


def test_a_refused_outcome_leaves_no_entry(unit, unit_reviewer, passed):
    notice = record(unit_reviewer, unit, passed)

    with pytest.raises(ValidationError, match="公示尚未结束"):
        services.record_notice_outcome(
            actor=unit_reviewer, notice=notice, outcome=PublicNotice.Outcome.NO_OBJECTION
        )
    with (
        clock.on_day(notice.ends_on + datetime.timedelta(days=1)),
        pytest.raises(ValidationError, match="异议情况"),
    ):
        services.record_notice_outcome(
            actor=unit_reviewer, notice=notice, outcome=PublicNotice.Outcome.OBJECTION
        )

    assert not AuditEntry.objects.filter(action=AuditAction.NOTICE_OUTCOME).exists()
