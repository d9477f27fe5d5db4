"""Cheap queues for the review page tests: declarations with their Review rows and section data
made in bulk, without forms (demo.bulk, as the review benchmark makes them)."""

import datetime

from django.utils import timezone

from applicants.models import User
from demo import bulk
from review import services
from review.models import PublicNotice
from tests import clock, factories


def applicants(count, *, prefix="申报人"):
    users = factories.ApplicantFactory.build_batch(count)
    for number, user in enumerate(users, start=1):
        user.name = f"{prefix}{number:03d}"
        user.username = f"{prefix}-{user.username}"
    return User.objects.bulk_create(users)


def build_queue(
    organization,
    plan,
    count,
    *,
    state="pending",
    declaring_unit=None,
    received_from=None,
    sections=True,
    prefix="申报人",
):
    """count declarations of the plan in the organization's queue in the given review state,
    each with its Review row (and, with sections=True, the section data the exports read)."""
    return bulk.queue(
        organization,
        plan,
        applicants(count, prefix=prefix),
        state=state,
        declaring_unit=declaring_unit,
        received_from=received_from,
        sections=sections,
    )


def next_monday(weeks: int = 1) -> datetime.date:
    """A Monday after today (the first one, or `weeks` weeks on): notices in tests with a fixed
    weekday pattern start there, after their people were passed (today)."""
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday() + 7 * (weeks - 1))


def notice(actor, organization, declarations, *, outcome="no_objection", objected=None):
    """A notice of the declarations (one plan) that starts today, after the unit passed them,
    and runs ten days; with an outcome, the clock moves past its end to record it (objected:
    the declarations an objection is against, default all)."""
    start = timezone.localdate()
    record = services.record_notice(
        actor=actor,
        organization=organization,
        plan=declarations[0].plan,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=9),
        place="单位公告栏",
        declaration_ids=[d.pk for d in declarations],
    )
    if outcome != PublicNotice.Outcome.PENDING:
        objection = outcome == PublicNotice.Outcome.OBJECTION
        with clock.on_day(record.ends_on + datetime.timedelta(days=1)):
            services.record_notice_outcome(
                actor=actor,
                notice=record,
                outcome=outcome,
                note="有群众反映业绩不实" if objection else "",
                objected_ids=None if objected is None else [d.pk for d in objected],
            )
        record.refresh_from_db()
    return record
