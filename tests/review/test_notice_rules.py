"""The public notice (公示) cannot be bypassed: it starts no earlier than the day the unit passed
its people and its outcome waits until it has ended; an objection keeps the person it is
against from being reported until the unit records how it was handled (checked and unfounded,
or the declaration returned or rejected); a running notice is corrected or cancelled with a
reason; the queue's 上报全部符合条件的（N） counts only what may be reported now. Every change
is in the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from demo import bulk
from institutions.models import AuditAction, AuditEntry
from review import selectors, services
from review.models import NoticeObjection, PublicNotice, ReportBatch
from tests import clock
from tests.review.builders import applicants, build_queue, notice

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def record(actor, unit, declarations, start, end=None):
    return services.record_notice(
        actor=actor,
        organization=unit,
        plan=declarations[0].plan,
        starts_on=start,
        ends_on=end or start + 9 * DAY,
        place="单位公告栏",
        declaration_ids=[d.pk for d in declarations],
    )


def after(record_):
    """The day after the notice ended."""
    return clock.on_day(record_.ends_on + DAY)


# --- (a) a notice starts after the pass, and its outcome waits for its end ------------------


def test_a_notice_cannot_start_before_the_unit_passed_its_people(
    unit, unit_reviewer, engineering_plan
):
    # Passed by the unit 28 days ago (arrived 30 days ago, decided two days later) …
    now = timezone.now()
    [early] = bulk.queue(
        unit,
        engineering_plan,
        applicants(1, prefix="早"),
        state="passed",
        arrived_at=now - 30 * DAY,
        decided_by=unit_reviewer,
    )
    passed_on = timezone.localdate(now - 28 * DAY)
    # … and today (a row without a decision counts from its arrival).
    [recent] = build_queue(unit, engineering_plan, 1, state="passed", prefix="今")

    for start, people, late in (
        (day(-365), [recent], "今001"),  # a year before it was even submitted
        (day(-1), [recent], "今001"),
        (passed_on, [early, recent], "今001"),
        (passed_on - DAY, [early], "早001"),
    ):
        with pytest.raises(ValidationError) as refused:
            record(unit_reviewer, unit, people, start)
        message = refused.value.message_dict["starts_on"][0]
        assert message.startswith(f"公示须在本单位审核通过之后开始：{late}于")
    assert not PublicNotice.objects.exists()

    assert record(unit_reviewer, unit, [early], passed_on).starts_on == passed_on
    assert record(unit_reviewer, unit, [early, recent], day(0)).starts_on == day(0)


def test_a_notice_starts_no_earlier_than_a_real_pass(submitted, unit, unit_reviewer):
    declaration = services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    with pytest.raises(ValidationError, match=f"张三于{day(0)}审核通过"):
        record(unit_reviewer, unit, [declaration], day(-14))
    record(unit_reviewer, unit, [declaration], day(0))


def test_the_outcome_is_recorded_only_after_the_last_day(unit, unit_reviewer, engineering_plan):
    people = build_queue(unit, engineering_plan, 1, state="passed")
    running = record(unit_reviewer, unit, people, day(0))
    for today in (running.starts_on, running.ends_on):
        with clock.on_day(today), pytest.raises(ValidationError, match="公示尚未结束"):
            services.record_notice_outcome(
                actor=unit_reviewer, notice=running, outcome="no_objection"
            )
    with after(running):
        services.record_notice_outcome(actor=unit_reviewer, notice=running, outcome="no_objection")
    running.refresh_from_db()
    assert running.outcome == "no_objection"


def test_the_page_refuses_a_start_before_the_pass_next_to_the_field(
    login, unit_reviewer, unit, engineering_plan
):
    people = build_queue(unit, engineering_plan, 2, state="passed", prefix="待公示")
    client = login(unit_reviewer)
    html = client.get("/review/notices/new/").content.decode()
    # The page says so: the rule under the start date, each person's pass date.
    assert "公示须在本单位审核通过之后开始" in html
    assert html.count(f"{day(0)}审核通过") == 2

    data = {
        "plan": engineering_plan.pk,
        "starts_on": str(day(-20)),
        "ends_on": str(day(-11)),
        "place": "单位内网",
        "declarations": [people[0].pk],
    }
    response = client.post("/review/notices/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_starts_on"' in html
    assert f"公示须在本单位审核通过之后开始：待公示001于{day(0)}审核通过" in html
    assert f'value="{day(-20)}"' in html and 'value="单位内网"' in html
    assert html.count(" checked") == 1
    assert not PublicNotice.objects.exists()


# --- (b) an objection blocks reporting until it is handled -----------------------------------


@pytest.fixture
def objected(unit, unit_reviewer, engineering_plan):
    """异议001 and 异议002 on one notice whose objection is against 异议001 only; 异议001 also
    on a second notice that ran alongside and ended without objection."""
    first, second = build_queue(unit, engineering_plan, 2, state="passed", prefix="异议")
    alongside = record(unit_reviewer, unit, [first], day(0))
    notice(unit_reviewer, unit, [first, second], outcome="objection", objected=[first])
    with after(alongside):
        services.record_notice_outcome(
            actor=unit_reviewer, notice=alongside, outcome="no_objection"
        )
    return first, second


def test_an_objection_blocks_reporting_until_it_is_handled(
    unit, unit_reviewer, objected, chain, supervising_department
):
    first, second = objected
    ids = [first.pk, second.pk]
    # The other notice's 无异议 does not outweigh the objection; the person the objection is
    # not about may be reported.
    assert selectors.unnoticed_names(unit, ids) == ["异议001"]
    with pytest.raises(ValidationError, match="异议001"):
        services.report_declarations(actor=unit_reviewer, organization=unit, declaration_ids=ids)
    # Nor does a new notice help while the objection waits.
    with pytest.raises(ValidationError, match="异议001的公示异议尚未处理，不能再次公示"):
        record(unit_reviewer, unit, [first], day(0))

    objection = NoticeObjection.objects.get()
    assert objection.declaration_id == first.pk and objection.is_open
    with pytest.raises(ValidationError, match="请填写核查情况及处理意见"):
        services.record_objection_handling(actor=unit_reviewer, objection=objection, note=" ")
    services.record_objection_handling(
        actor=unit_reviewer, objection=objection, note="经核查，业绩材料真实，异议不成立"
    )
    objection.refresh_from_db()
    assert objection.handling == NoticeObjection.Handling.UNFOUNDED
    assert objection.handled_by == unit_reviewer and objection.handled_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.OBJECTION_HANDLED)
    assert entry.actor == unit_reviewer and entry.organization == unit
    assert entry.reason == "经核查，业绩材料真实，异议不成立"
    assert entry.details == {"declaration_id": first.pk, "handling": "unfounded"}
    with pytest.raises(ValidationError, match="该异议已处理"):
        services.record_objection_handling(actor=unit_reviewer, objection=objection, note="再次")

    assert selectors.unnoticed_names(unit, ids) == []
    [batch] = services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=ids
    )
    assert batch.count == 2 and batch.to_organization == supervising_department


@pytest.mark.parametrize(
    ("decide", "handling"),
    [
        (services.return_declaration, NoticeObjection.Handling.RETURNED),
        (services.reject_declaration, NoticeObjection.Handling.REJECTED),
    ],
)
def test_returning_or_rejecting_the_declaration_handles_its_objection(
    unit, unit_reviewer, objected, decide, handling
):
    first, _second = objected
    decide(actor=unit_reviewer, declaration=first, reason="异议属实：业绩证明与原件不符")
    objection = NoticeObjection.objects.get()
    assert objection.handling == handling
    assert objection.handling_note == "异议属实：业绩证明与原件不符"
    entry = AuditEntry.objects.get(action=AuditAction.OBJECTION_HANDLED)
    assert entry.actor == unit_reviewer and entry.details["handling"] == handling
    # The notice with the founded objection no longer counts for the person.
    assert selectors.unnoticed_names(unit, [first.pk]) == ["异议001"]


def test_an_objection_names_its_people_and_is_handled_on_the_notice_page(
    login, unit, unit_reviewer, engineering_plan
):
    first, second = build_queue(unit, engineering_plan, 2, state="passed", prefix="异议")
    running = notice(unit_reviewer, unit, [first, second], outcome="pending")
    url = f"/review/notices/{running.pk}/"
    with after(running):
        client = login(unit_reviewer)
        data = {"outcome": "objection", "note": "有群众反映业绩不实"}
        response = client.post(url, data)
        assert "请勾选异议涉及的人员。" in response.content.decode()
        running.refresh_from_db()
        assert running.outcome == "pending" and not NoticeObjection.objects.exists()

        response = client.post(url, {**data, "objected": [first.pk]}, follow=True)
        html = response.content.decode()
        assert "公示结果已登记。" in html
        assert html.count('data-testid="objection"') == 1
        assert html.count('data-testid="objection-form"') == 1 and "待处理" in html
        objection = NoticeObjection.objects.get()
        assert objection.declaration_id == first.pk

        handle = f"{url}objections/{objection.pk}/"
        field = f"objection-{objection.pk}-note"
        response = client.post(handle, {field: ""})
        assert response.status_code == 200
        assert "请填写核查情况及处理意见。" in response.content.decode()
        objection.refresh_from_db()
        assert objection.is_open

        response = client.post(handle, {field: "经核查异议不成立"}, follow=True)
        html = response.content.decode()
        assert "异议处理结果已登记。" in html and "经核查异议不成立" in html
        assert 'data-testid="objection-form"' not in html
    objection.refresh_from_db()
    assert objection.handling == "unfounded"


def test_objection_handling_is_the_units_own(
    login, unit, unit_reviewer, objected, outsider, department_reviewer
):
    objection = NoticeObjection.objects.get()
    url = f"/review/notices/{objection.notice_id}/objections/{objection.pk}/"
    data = {f"objection-{objection.pk}-note": "经核查异议不成立"}
    assert login(outsider).post(url, data).status_code == 404
    assert login(department_reviewer).post(url, data).status_code == 403
    with pytest.raises(PermissionDenied):
        services.record_objection_handling(actor=outsider, objection=objection, note="越权")
    objection.refresh_from_db()
    assert objection.is_open


def test_the_next_notice_shows_who_waits_for_an_objection(
    login, unit, unit_reviewer, objected, engineering_plan
):
    [fresh] = build_queue(unit, engineering_plan, 1, state="passed", prefix="新人")
    html = login(unit_reviewer).get("/review/notices/new/").content.decode()
    first, second = objected
    # Waiting for its objection: marked, and cannot be ticked.
    assert f'value="{first.pk}" id="person-{first.pk}" disabled>' in html
    assert "异议待处理" in html
    # Already cleared by a notice: marked, not ticked again; the new person is ticked.
    assert f'value="{second.pk}" id="person-{second.pk}">' in html
    assert "已在其他公示中" in html
    assert f'value="{fresh.pk}" id="person-{fresh.pk}" checked>' in html


# --- (c) a running notice is corrected or cancelled with a reason ---------------------------


@pytest.fixture
def running(unit, unit_reviewer, engineering_plan):
    people = build_queue(unit, engineering_plan, 3, state="passed", prefix="公示")
    return record(unit_reviewer, unit, people[:2], day(0))


def test_cancel_a_running_notice(unit, unit_reviewer, running):
    people = list(running.declarations.order_by("pk"))
    with pytest.raises(ValidationError, match="请填写撤销原因"):
        services.cancel_notice(actor=unit_reviewer, notice=running, reason="  ")
    services.cancel_notice(actor=unit_reviewer, notice=running, reason="公示栏张贴内容有误")
    running.refresh_from_db()
    assert running.outcome == PublicNotice.Outcome.CANCELLED
    assert running.outcome_note == "公示栏张贴内容有误"
    entry = AuditEntry.objects.get(action=AuditAction.NOTICE_CANCELLED)
    assert entry.actor == unit_reviewer and entry.reason == "公示栏张贴内容有误"
    assert entry.changed_object == running

    # Its people are not published (a new notice lists them unmarked), and it takes no
    # outcome and no further change.
    candidates = {d.pk: d for d in selectors.notice_candidates(unit, running.plan)}
    assert not any(candidates[d.pk].noticed for d in people)
    with after(running), pytest.raises(ValidationError, match="该公示已撤销"):
        services.record_notice_outcome(actor=unit_reviewer, notice=running, outcome="no_objection")
    with pytest.raises(ValidationError, match="不能再更正或撤销"):
        services.cancel_notice(actor=unit_reviewer, notice=running, reason="再撤一次")


def test_correct_a_running_notice(unit, unit_reviewer, running, engineering_plan):
    first, second = running.declarations.order_by("pk")
    third = engineering_plan.declarations.exclude(pk__in=[first.pk, second.pk]).get()
    kwargs = {
        "starts_on": running.starts_on,
        "ends_on": running.ends_on + 2 * DAY,
        "place": "单位公告栏及内网",
        "declaration_ids": [first.pk, third.pk],
    }
    with pytest.raises(ValidationError, match="请填写更正原因"):
        services.correct_notice(actor=unit_reviewer, notice=running, reason="", **kwargs)
    # The rules of a new notice hold.
    for change, message in (
        ({"starts_on": day(-3)}, "公示须在本单位审核通过之后开始"),
        ({"ends_on": running.starts_on + DAY}, "公示期不少于5个工作日"),
        ({"declaration_ids": []}, "请选择公示人员"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.correct_notice(
                actor=unit_reviewer, notice=running, reason="更正", **{**kwargs, **change}
            )
    assert not AuditEntry.objects.filter(action=AuditAction.NOTICE_CORRECTED).exists()

    services.correct_notice(
        actor=unit_reviewer, notice=running, reason="漏列一人，错列一人", **kwargs
    )
    running.refresh_from_db()
    assert running.ends_on == kwargs["ends_on"] and running.place == "单位公告栏及内网"
    assert sorted(running.declarations.values_list("pk", flat=True)) == [first.pk, third.pk]
    assert running.correction_reason == "漏列一人，错列一人" and running.corrected_at
    entry = AuditEntry.objects.get(action=AuditAction.NOTICE_CORRECTED)
    assert entry.reason == "漏列一人，错列一人" and entry.actor == unit_reviewer
    assert entry.details["ends_on"] == [str(running.ends_on - 2 * DAY), str(running.ends_on)]
    assert entry.details["added_ids"] == [third.pk]
    assert entry.details["removed_ids"] == [second.pk]
    assert "starts_on" not in entry.details

    with pytest.raises(ValidationError, match="没有变化"):
        services.correct_notice(actor=unit_reviewer, notice=running, reason="再改", **kwargs)
    with after(running):
        services.record_notice_outcome(actor=unit_reviewer, notice=running, outcome="no_objection")
    with pytest.raises(ValidationError, match="不能再更正或撤销"):
        services.correct_notice(
            actor=unit_reviewer, notice=running, reason="改", **{**kwargs, "place": "别处"}
        )


def test_correct_and_cancel_on_the_pages(login, unit, unit_reviewer, running):
    client = login(unit_reviewer)
    url = f"/review/notices/{running.pk}/"
    html = client.get(url).content.decode()
    assert 'data-testid="cancel-form"' in html and f"{url}correct/" in html

    # 更正: the form comes filled; a missing reason is refused next to the field, the input
    # kept, nothing saved.
    html = client.get(f"{url}correct/").content.decode()
    assert f'value="{running.ends_on}"' in html and html.count(" checked") == 2
    first, _second = running.declarations.order_by("pk")
    later = running.ends_on + 3 * DAY
    data = {
        "starts_on": str(running.starts_on),
        "ends_on": str(later),
        "place": "单位内网",
        "declarations": [first.pk],
        "reason": "",
    }
    response = client.post(f"{url}correct/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_reason"' in html and "请填写更正原因。" in html
    assert f'value="{later}"' in html and 'value="单位内网"' in html
    assert html.count(" checked") == 1
    running.refresh_from_db()
    assert running.ends_on != later
    response = client.post(f"{url}correct/", {**data, "reason": "延长公示期"}, follow=True)
    html = response.content.decode()
    assert "公示已更正。" in html and "延长公示期" in html
    running.refresh_from_db()
    assert running.ends_on == later and running.declarations.count() == 1

    # 撤销: a reason is needed.
    response = client.post(f"{url}cancel/", {"reason": ""})
    assert response.status_code == 200 and "请填写撤销原因。" in response.content.decode()
    running.refresh_from_db()
    assert running.is_running
    response = client.post(f"{url}cancel/", {"reason": "公示内容有误"}, follow=True)
    html = response.content.decode()
    assert "公示已撤销" in html and "撤销原因" in html and "公示内容有误" in html
    assert 'data-testid="cancel-form"' not in html and 'data-testid="outcome-form"' not in html
    # A cancelled notice is no longer corrected.
    response = client.get(f"{url}correct/", follow=True)
    assert "不能再更正" in response.content.decode()


def test_correct_and_cancel_are_the_units_own(
    login, running, outsider, department_reviewer, applicant
):
    url = f"/review/notices/{running.pk}/"
    for user, status in ((outsider, 404), (department_reviewer, 403), (applicant, 403)):
        client = login(user)
        assert client.get(f"{url}correct/").status_code == status
        assert client.post(f"{url}cancel/", {"reason": "越权"}).status_code == status
    running.refresh_from_db()
    assert running.is_running


# --- (e) 上报全部符合条件的（N）counts only what may be reported now ------------------------


def test_report_all_counts_only_what_the_notice_cleared(
    login, unit, unit_reviewer, engineering_plan, chain
):
    cleared = build_queue(unit, engineering_plan, 1, state="passed", prefix="已公示")
    running = build_queue(unit, engineering_plan, 1, state="passed", prefix="公示中")
    objected = build_queue(unit, engineering_plan, 1, state="passed", prefix="有异议")
    build_queue(unit, engineering_plan, 1, state="passed", prefix="未公示")
    notice(unit_reviewer, unit, cleared)
    notice(unit_reviewer, unit, running, outcome="pending")
    notice(unit_reviewer, unit, objected, outcome="objection")

    client = login(unit_reviewer)
    html = client.get("/review/", {"state": "passed"}).content.decode()
    assert "上报全部符合条件的（1）" in html
    assert "异议待处理" in html and "公示无异议" in html
    assert selectors.reportable_ids(unit, selectors.QueueFilter()) == [cleared[0].pk]

    html = client.post("/review/report/confirm/", {"scope": "all"}).content.decode()
    assert "共1份申报将按生效的申报路径上报" in html
    assert f'name="ids" value="{cleared[0].pk}"' in html
    assert 'data-testid="unnoticed"' not in html
    client.post("/review/report/", {"ids": [cleared[0].pk]})
    assert ReportBatch.objects.get().count == 1


def test_objections_are_listed_read_only_in_admin(client, administrator, objected):
    client.force_login(administrator)
    response = client.get("/admin/review/noticeobjection/")
    assert response.status_code == 200
    assert "异议001" in response.content.decode() and "待处理" in response.content.decode()
    objection = NoticeObjection.objects.get()
    response = client.post(
        f"/admin/review/noticeobjection/{objection.pk}/change/", {"handling": "unfounded"}
    )
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.is_open
