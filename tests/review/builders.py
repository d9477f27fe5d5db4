"""Cheap queues for the review page tests: declarations with their Review rows and section data
made in bulk, without forms (demo.bulk, as the review benchmark makes them)."""

import datetime

from django.utils import timezone

from applicants.models import User
from demo import bulk
from review import services
from review.models import PublicNotice
from tests import factories


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


def notice(actor, organization, declarations, *, outcome="no_objection", days_ago=20):
    """A notice of the declarations (one plan) that ended in the past, with its outcome."""
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
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
        note = "有群众反映业绩不实" if outcome == PublicNotice.Outcome.OBJECTION else ""
        services.record_notice_outcome(actor=actor, notice=record, outcome=outcome, note=note)
    return record
