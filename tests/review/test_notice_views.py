"""公示 pages of a unit: the list, 登记公示 (≥ 5 working days, the plan's 已通过待上报 people,
all ticked by default), the detail page with its outcome form, and who may reach them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import PublicNotice
from tests import clock, factories
from tests.review.builders import build_queue, next_monday, notice

pytestmark = pytest.mark.django_db

LIST = "/review/notices/"
NEW = "/review/notices/new/"


def test_url_names():
    assert reverse("review:notice_list") == LIST
    assert reverse("review:notice_new") == NEW
    assert reverse("review:notice_detail", args=[7]) == "/review/notices/7/"


@pytest.fixture
def ready(unit, engineering_plan):
    return build_queue(unit, engineering_plan, 3, state="passed", prefix="待公示")


def form_data(plan, declarations, start, end, place="单位公告栏"):
    return {
        "plan": plan.pk,
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "place": place,
        "declarations": [d.pk for d in declarations],
    }


def test_new_notice_lists_the_plans_people_all_ticked(
    login, unit_reviewer, ready, engineering_plan, culture_plan, unit
):
    build_queue(unit, engineering_plan, 1, prefix="还在审核")
    response = login(unit_reviewer).get(NEW, {"plan": engineering_plan.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{engineering_plan.pk}" selected>' in html
    # Only plans with declarations waiting to be reported are offered.
    assert f'<option value="{culture_plan.pk}"' not in html
    assert html.count('name="declarations"') == 3
    assert html.count(" checked>") == 3
    assert "待公示001" in html and "还在审核" not in html
    # The default end date gives five working days.
    assert 'name="ends_on"' in html and 'hx-get="/review/notices/new/"' in html


def test_single_plan_is_chosen_without_asking(login, unit_reviewer, ready):
    html = login(unit_reviewer).get(NEW).content.decode()
    assert html.count('name="declarations"') == 3


def test_nothing_to_publish(login, unit_reviewer):
    html = login(unit_reviewer).get(NEW).content.decode()
    assert "本单位目前没有“已通过待上报”的申报，无需登记公示。" in html


def test_record_a_notice(login, unit, unit_reviewer, ready, engineering_plan):
    monday = next_monday()
    friday = monday + datetime.timedelta(days=4)
    client = login(unit_reviewer)
    response = client.post(
        NEW, form_data(engineering_plan, ready[:2], monday, monday + datetime.timedelta(days=4))
    )
    record = PublicNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/review/notices/{record.pk}/"
    assert record.organization == unit and record.place == "单位公告栏"
    assert sorted(record.declarations.values_list("pk", flat=True)) == [d.pk for d in ready[:2]]
    html = client.get(response["Location"]).content.decode()
    assert f"已登记公示（{monday.isoformat()}至{friday.isoformat()}，2人）" in html
    assert html.count('data-testid="notice-person"') == 2
    assert "5个工作日" in html
    # Already on a running notice: marked on the next 登记公示 page.
    html = client.get(NEW).content.decode()
    assert html.count("已在其他公示中") == 2


def test_four_working_days_are_refused_and_the_input_kept(
    login, unit_reviewer, ready, engineering_plan
):
    wednesday = next_monday() + datetime.timedelta(days=2)
    monday = wednesday + datetime.timedelta(days=5)
    data = form_data(engineering_plan, ready[:1], wednesday, monday, "内网")
    response = login(unit_reviewer).post(NEW, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"公示期不少于5个工作日；{wednesday}至{monday}只有4个工作日" in html
    assert f'value="{wednesday}"' in html and f'value="{monday}"' in html
    assert 'value="内网"' in html
    assert html.count(" checked>") == 1
    assert not PublicNotice.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"declarations": []}, "请选择公示人员。"),
        ({"plan": ""}, "请选择申报计划。"),
        ({"plan": "999999"}, "本单位在该计划下没有待上报的申报，请重新选择。"),
        ({"starts_on": "2026-13-45"}, "日期格式不正确。"),
        ({"ends_on": "2000-10-01"}, "结束日期不能早于开始日期。"),
    ],
)
def test_bad_input(login, unit_reviewer, ready, engineering_plan, change, message):
    monday = next_monday()
    data = form_data(engineering_plan, ready, monday, monday + datetime.timedelta(days=7))
    data.update(change)
    response = login(unit_reviewer).post(NEW, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PublicNotice.objects.exists()


def test_someone_elses_declaration_cannot_be_put_on_a_notice(
    login, unit_reviewer, ready, engineering_plan, supervising_department
):
    foreign = build_queue(supervising_department, engineering_plan, 1, state="passed")
    monday = next_monday()
    data = form_data(engineering_plan, ready + foreign, monday, monday + datetime.timedelta(7))
    response = login(unit_reviewer).post(NEW, data)
    assert "所选人员不是本单位该计划“已通过待上报”的申报" in response.content.decode()
    assert not PublicNotice.objects.exists()


def test_reload_keeps_what_was_typed(login, unit_reviewer, ready, engineering_plan):
    data = {"plan": engineering_plan.pk, "place": "单位网站", "reload": "1"}
    data |= {"starts_on": "2026-11-02", "ends_on": "2026-11-06"}
    html = login(unit_reviewer).post(NEW, data).content.decode()
    assert 'value="单位网站"' in html and 'value="2026-11-06"' in html
    assert html.count(" checked>") == 3
    assert "请选择公示人员" not in html
    assert not PublicNotice.objects.exists()


def test_list_shows_the_units_notices_only(
    login, unit, unit_reviewer, ready, engineering_plan, regions
):
    notice(unit_reviewer, unit, ready[:2])
    other = factories.OrganizationFactory(name="另一家单位")
    other_user = factories.org_user(other)
    theirs = build_queue(other, engineering_plan, 1, state="passed", prefix="别家")
    notice(other_user, other, theirs)

    html = login(unit_reviewer).get(LIST).content.decode()
    assert html.count('data-testid="notice-row"') == 1
    assert "公示无异议" in html and "单位公告栏" in html
    assert f'href="/review/notices/{PublicNotice.objects.get(organization=unit).pk}/"' in html
    assert f"?plan={engineering_plan.pk}" in html  # one declaration still to publish

    html = login(other_user).get(LIST).content.decode()
    assert html.count('data-testid="notice-row"') == 1 and "待公示" not in html


def test_other_units_notice_is_not_found(login, unit, unit_reviewer, ready, outsider):
    record = notice(unit_reviewer, unit, ready)
    client = login(outsider)
    for url in (f"/review/notices/{record.pk}/", f"/review/notices/{record.pk}/export/"):
        assert client.get(url).status_code == 404
    response = client.post(f"/review/notices/{record.pk}/", {"outcome": "objection"})
    assert response.status_code == 404


def test_only_units_reach_the_notice_pages(
    login, unit, unit_reviewer, ready, applicant, department_reviewer, committee_office_user
):
    record = notice(unit_reviewer, unit, ready)
    for user in (applicant, department_reviewer, committee_office_user):
        client = login(user)
        for url in (LIST, NEW, f"/review/notices/{record.pk}/"):
            assert client.get(url).status_code == 403, (user, url)


def test_outcome_waits_for_the_end_of_the_notice(login, unit, unit_reviewer, ready):
    """While the notice runs (its last day included) the page says until when and has no
    outcome form; a posted outcome is refused. From the next day on, the form is there."""
    record = notice(unit_reviewer, unit, ready, outcome="pending")
    url = f"/review/notices/{record.pk}/"
    for day in (record.starts_on, record.ends_on):
        with clock.on_day(day):
            client = login(unit_reviewer)  # (days later: signed in again)
            html = client.get(url).content.decode()
            assert 'data-testid="outcome-form"' not in html and "公示中" in html
            assert f"公示进行中，公示期至{record.ends_on.isoformat()}（含当日）" in html
            response = client.post(url, {"outcome": "no_objection"})
        assert response.status_code == 200
        assert f"公示尚未结束（{record.ends_on.isoformat()}结束），结束后才能登记公示结果。" in (
            response.content.decode()
        )
        record.refresh_from_db()
        assert record.outcome == "pending"
    with clock.on_day(record.ends_on + datetime.timedelta(days=1)):
        html = login(unit_reviewer).get(url).content.decode()
    assert 'data-testid="outcome-form"' in html and 'data-testid="notice-running"' not in html


def test_objection_needs_a_note_then_outcomes_are_recorded(login, unit, unit_reviewer, ready):
    record = notice(unit_reviewer, unit, ready, outcome="pending")
    url = f"/review/notices/{record.pk}/"
    with clock.on_day(record.ends_on + datetime.timedelta(days=1)):
        client = login(unit_reviewer)
        response = client.post(url, {"outcome": "objection", "note": "  "})
        assert "有异议时必须填写异议情况及处理意见。" in response.content.decode()
        response = client.post(url, {"outcome": "maybe"})
        assert response.status_code == 200 and "maybe" in response.content.decode()
        record.refresh_from_db()
        assert record.outcome == "pending"

        response = client.post(url, {"outcome": "no_objection"}, follow=True)
        html = response.content.decode()
        assert "公示结果已登记。" in html
        assert 'data-testid="outcome-form"' not in html
        record.refresh_from_db()
        assert record.outcome == "no_objection" and record.outcome_recorded_at is not None
        # A second outcome is refused by the service.
        response = client.post(url, {"outcome": "objection", "note": "补充"})
        assert "该公示结果已登记。" in response.content.decode()


def test_detail_lists_the_people_with_masked_ids(login, unit, unit_reviewer, ready):
    record = notice(unit_reviewer, unit, ready)
    html = login(unit_reviewer).get(f"/review/notices/{record.pk}/").content.decode()
    person = ready[0].applicant
    assert person.name in html and person.id_number not in html
    assert f"{person.id_number[:6]}******{person.id_number[-4:]}" in html
    assert "已通过待上报" in html and "大学本科（学士）" in html


def test_notice_default_dates(login, unit_reviewer, ready):
    today = timezone.localdate()
    html = login(unit_reviewer).get(NEW).content.decode()
    assert f'value="{today.isoformat()}"' in html


def test_a_holiday_an_administrator_adds_shortens_the_notice(
    client, administrator, login, unit_reviewer, ready, engineering_plan
):
    """Holidays are configured in Django admin (节假日); the unit's next notice counts them out."""
    monday = next_monday()
    friday = monday + datetime.timedelta(days=4)
    client.force_login(administrator)
    response = client.post(
        "/admin/review/holiday/add/",
        {"date": str(monday + datetime.timedelta(days=2)), "name": "地方节日", "is_workday": ""},
    )
    assert response.status_code == 302
    response = login(unit_reviewer).post(
        NEW, form_data(engineering_plan, ready[:1], monday, friday)
    )
    assert f"{monday}至{friday}只有4个工作日" in response.content.decode()
    assert not PublicNotice.objects.exists()
