"""评审结果公示 (issue 12 §6): publish the passed list of a closed meeting on a public page for
at least five working days, objections and their handling, confirmation with the 批准文号 once
the notice ended and every objection is handled, 备案 by the responsible HR bureau."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committee.models import Certificate, ResultsNotice, ResultsObjection
from committee.services import results as services
from declarations.workflow import DeclarationStatus as S
from institutions.models import AuditAction, AuditEntry
from review.models import Holiday
from tests import clock
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import (
    confirm,
    evaluate,
    next_monday,
    publish,
)

pytestmark = pytest.mark.django_db


def test_publish_lists_who_passed_without_id_numbers(
    client, passed, second_at_committee, committee_office_user, meeting
):
    evaluate(second_at_committee, committee_office_user, meeting, passed=False)
    notice = publish(committee_office_user, meeting)

    assert list(notice.entries.values_list("declaration_id", flat=True)) == [passed.pk]
    assert AuditEntry.objects.filter(action=AuditAction.RESULTS_PUBLISHED).count() == 1
    # Public, no login: name, unit, series, title; never the ID number.
    page = client.get(reverse("committee:results_public_notice", args=[notice.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "张三" in text and "潍坊华东机械制造有限公司" in text and "工程师" in text
    assert "李四" not in text
    assert passed.applicant.id_number not in text
    listing = client.get(reverse("committee:results_public_list"))
    assert notice.title in listing.content.decode()


def test_a_notice_is_not_dated_in_the_past_and_runs_five_working_days(
    passed, committee_office_user, meeting
):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as past:
        services.publish_results(
            actor=committee_office_user,
            meeting=meeting,
            starts_on=today - datetime.timedelta(days=1),
            ends_on=today + datetime.timedelta(days=10),
        )
    assert "不能早于今天" in str(past.value)
    monday = next_monday()
    with pytest.raises(ValidationError) as short:
        # Monday to Thursday: four working days.
        publish(committee_office_user, meeting, ends_on=monday + datetime.timedelta(days=3))
    assert "不少于5个工作日" in str(short.value)
    # A holiday on the Friday makes Monday–Friday four working days too.
    Holiday.objects.create(date=monday + datetime.timedelta(days=4), is_workday=False)
    with pytest.raises(ValidationError):
        publish(committee_office_user, meeting)
    assert not ResultsNotice.objects.exists()
    notice = publish(committee_office_user, meeting, ends_on=monday + datetime.timedelta(days=7))
    assert notice.status == ResultsNotice.Status.RUNNING


def test_only_a_closed_meeting_is_published_once_by_its_own_office(
    passed, committee_office_user, meeting, outsider, bureau_reviewer
):
    for actor in (outsider, bureau_reviewer):
        with pytest.raises(PermissionDenied):
            publish(actor, meeting)
    publish(committee_office_user, meeting)
    with pytest.raises(ValidationError, match="已经公示"):
        publish(committee_office_user, meeting)


def test_a_meeting_still_voting_is_not_published(passed, committee_office_user, meeting):
    meeting.status = meeting.Status.VOTING
    meeting.save()
    with pytest.raises(ValidationError, match="尚未结束"):
        publish(committee_office_user, meeting)


def test_confirmation_waits_for_the_end_of_the_notice(passed, committee_office_user, meeting):
    notice = publish(committee_office_user, meeting)
    with clock.on_day(notice.ends_on), pytest.raises(ValidationError, match="公示尚未结束"):
        services.confirm_results(
            actor=committee_office_user, notice=notice, approval_document_number="X〔2026〕1号"
        )
    with pytest.raises(ValidationError) as missing:
        confirm(committee_office_user, notice, number="  ")
    assert "批准文号" in str(missing.value)
    confirm(committee_office_user, notice)
    notice.refresh_from_db()
    passed.refresh_from_db()
    assert notice.status == ResultsNotice.Status.CONFIRMED
    assert notice.approval_document_number == "鲁人社职字〔2026〕12号"
    assert passed.status == S.CONFIRMED
    certificate = Certificate.objects.get(declaration=passed)
    assert certificate.approval_document_number == notice.approval_document_number
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {AuditAction.RESULTS_CONFIRMED, AuditAction.CERTIFICATE_ISSUED} <= actions


def test_an_unfounded_objection_keeps_the_person_a_founded_one_fails_them(
    passed, second_at_committee, committee_office_user, meeting
):
    evaluate(second_at_committee, committee_office_user, meeting, passed=True)
    notice = publish(committee_office_user, meeting)
    with clock.on_day(notice.starts_on):
        first = services.record_objection(
            actor=committee_office_user,
            notice=notice,
            declaration_id=passed.pk,
            content="反映其业绩材料不实",
        )
        second = services.record_objection(
            actor=committee_office_user,
            notice=notice,
            declaration_id=second_at_committee.pk,
            content="反映其论文系代写",
        )
    # Not confirmed while an objection waits.
    with pytest.raises(ValidationError, match="2条异议尚未处理"):
        confirm(committee_office_user, notice)
    services.handle_objection(
        actor=committee_office_user,
        objection=first,
        founded=False,
        handling="经向单位核实，业绩材料属实，异议不成立。",
    )
    services.handle_objection(
        actor=committee_office_user,
        objection=second,
        founded=True,
        handling="经核实论文系他人代写，异议成立。",
    )
    second_at_committee.refresh_from_db()
    assert second_at_committee.status == S.EVALUATION_FAILED
    assert list(notice.entries.values_list("declaration_id", flat=True)) == [passed.pk]
    with pytest.raises(ValidationError, match="已处理"):
        services.handle_objection(
            actor=committee_office_user, objection=second, founded=False, handling="再次处理"
        )
    confirm(committee_office_user, notice)
    passed.refresh_from_db()
    assert passed.status == S.CONFIRMED
    assert not Certificate.objects.filter(declaration=second_at_committee).exists()


def test_objection_input_is_checked(passed, second_at_committee, committee_office_user, meeting):
    evaluate(second_at_committee, committee_office_user, meeting, passed=False)
    notice = publish(committee_office_user, meeting)
    with clock.on_day(notice.starts_on):
        with pytest.raises(ValidationError, match="异议内容"):
            services.record_objection(
                actor=committee_office_user, notice=notice, declaration_id=passed.pk, content=" "
            )
        # Someone not on the list.
        with pytest.raises(ValidationError, match="公示名单"):
            services.record_objection(
                actor=committee_office_user,
                notice=notice,
                declaration_id=second_at_committee.pk,
                content="异议",
            )
        objection = services.record_objection(
            actor=committee_office_user, notice=notice, declaration_id=passed.pk, content="异议"
        )
    with pytest.raises(ValidationError, match="是否成立"):
        services.handle_objection(
            actor=committee_office_user, objection=objection, founded=None, handling="说明"
        )
    with pytest.raises(ValidationError, match="处理情况"):
        services.handle_objection(
            actor=committee_office_user, objection=objection, founded=False, handling=""
        )
    assert ResultsObjection.objects.get().handled_at is None


def test_the_responsible_hr_bureau_registers_confirmed_results(
    passed, committee_office_user, meeting, bureau_reviewer, regions
):
    from institutions.models import OrgKind
    from tests import factories

    city_bureau = factories.OrganizationFactory(
        name="潍坊市人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["370700"]
    )
    city_user = factories.org_user(city_bureau, user__username="city_hr")
    notice = publish(committee_office_user, meeting)
    with pytest.raises(ValidationError, match="尚未确认"):
        services.register_results(actor=city_user, notice=notice)
    confirm(committee_office_user, notice)
    # The district bureau is not responsible for the city committee's region; the office is
    # not a bureau.
    for actor in (bureau_reviewer, committee_office_user):
        with pytest.raises(PermissionDenied):
            services.register_results(actor=actor, notice=notice)
    services.register_results(actor=city_user, notice=notice)
    notice.refresh_from_db()
    assert notice.registered_by == city_user and notice.registered_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.RESULTS_REGISTERED).count() == 1
    with pytest.raises(ValidationError, match="已备案"):
        services.register_results(actor=city_user, notice=notice)


def test_many_confirmations_issue_certificates_in_a_task(
    passed, committee_office_user, meeting, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "INLINE_CERTIFICATES", 0)
    notice = publish(committee_office_user, meeting)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm(committee_office_user, notice)
    assert not Certificate.objects.exists()
    for callback in callbacks:
        callback()  # CELERY_TASK_ALWAYS_EAGER in tests runs the task here
    assert Certificate.objects.filter(declaration=passed).exists()
