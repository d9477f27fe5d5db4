"""数据上报 from the queue: tick or take all that qualify, confirm (grouped by series and level,
with each group's destination), report; and every refusal (no notice, no path, a stale
selection, the wrong organization) reports nothing and says why."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from declarations.models import Declaration
from review import services
from review.models import ReportBatch, Review
from tests.review.builders import build_queue, notice

pytestmark = pytest.mark.django_db

CONFIRM = "/review/report/confirm/"
REPORT = "/review/report/"


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def states(declarations, organization):
    return sorted(
        Review.objects.filter(declaration__in=declarations, organization=organization).values_list(
            "state", flat=True
        )
    )


@pytest.fixture
def passed(submitted, unit_reviewer):
    return services.pass_declaration(actor=unit_reviewer, declaration=submitted)


def test_report_selected_after_confirmation(
    login, unit, unit_reviewer, passed, chain, supervising_department
):
    notice(unit_reviewer, unit, [passed])
    client = login(unit_reviewer)
    queue = client.get("/review/", {"state": "passed"}).content.decode()
    assert f'name="ids" value="{passed.pk}"' in queue

    response = client.post(CONFIRM, {"scope": "selected", "ids": [passed.pk], "state": "passed"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "共1份申报将按生效的申报路径上报" in html
    assert 'data-testid="report-group"' in html
    assert "工程技术" in html and supervising_department.name in html and "张三" in html
    assert f'name="ids" value="{passed.pk}"' in html
    assert 'name="state" value="passed"' in html
    # Nothing happens until the confirmation is posted.
    passed.refresh_from_db()
    assert passed.holder == unit

    response = client.post(REPORT, {"ids": [passed.pk], "state": "passed"})
    assert response.status_code == 302
    assert response["Location"] == "/review/?state=passed"
    assert texts(response) == [f"已上报1份申报至{supervising_department.name}。"]
    passed.refresh_from_db()
    assert passed.holder == supervising_department and passed.status == "under_review"
    assert states([passed], unit) == ["reported"]


def test_report_all_that_qualify_under_the_filters(
    login, unit, unit_reviewer, engineering_plan, culture_plan, chain, supervising_department
):
    ready = build_queue(unit, engineering_plan, 3, state="passed", prefix="待上报")
    other_series = build_queue(unit, culture_plan, 1, state="passed", prefix="文化")
    build_queue(unit, engineering_plan, 2, prefix="待审")
    notice(unit_reviewer, unit, ready)
    client = login(unit_reviewer)
    html = client.get("/review/", {"series": engineering_plan.series_id}).content.decode()
    assert "上报全部符合条件的（3）" in html

    response = client.post(CONFIRM, {"scope": "all", "series": engineering_plan.series_id})
    html = response.content.decode()
    assert "共3份申报将按生效的申报路径上报" in html and "文化001" not in html
    assert f'name="ids" value="{",".join(str(d.pk) for d in ready)}"' in html

    response = client.post(
        REPORT, {"ids": [d.pk for d in ready], "series": engineering_plan.series_id}
    )
    assert texts(response) == [f"已上报3份申报至{supervising_department.name}。"]
    assert response["Location"] == f"/review/?series={engineering_plan.series_id}"
    assert states(ready, unit) == ["reported"] * 3
    assert states(other_series, unit) == ["passed"]
    assert ReportBatch.objects.get().count == 3


def test_report_all_with_nothing_to_report(login, unit_reviewer, unit, engineering_plan):
    build_queue(unit, engineering_plan, 2)
    response = login(unit_reviewer).post(CONFIRM, {"scope": "all", "year": 2026})
    assert response.status_code == 302 and response["Location"] == "/review/?year=2026"
    assert texts(response) == ["当前查询条件下没有可以上报的申报。"]


def test_nothing_ticked(login, unit_reviewer):
    client = login(unit_reviewer)
    response = client.post(CONFIRM, {"scope": "selected"}, follow=True)
    assert response.redirect_chain == [("/review/", 302)]
    assert "请先勾选要上报的申报。" in response.content.decode()
    response = client.post(CONFIRM, {"scope": "selected", "ids": ["abc"]}, follow=True)
    html = response.content.decode()
    assert "所选申报无效，请刷新页面后重新选择。" in html and "请先勾选" not in html
    response = client.post(REPORT, {}, follow=True)
    assert "请选择要上报的申报。" in response.content.decode()


def test_without_a_notice_nothing_is_reported(login, unit, unit_reviewer, engineering_plan, chain):
    declarations = build_queue(unit, engineering_plan, 2, state="passed", prefix="未公示")
    notice(unit_reviewer, unit, declarations[:1])
    ids = [d.pk for d in declarations]
    client = login(unit_reviewer)
    html = client.post(CONFIRM, {"scope": "selected", "ids": ids}).content.decode()
    assert 'data-testid="unnoticed"' in html and "未公示002" in html
    assert 'data-testid="confirm-report"' in html and "disabled>" in html

    response = client.post(REPORT, {"ids": ids})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="report-error"' in html
    assert "以下1人尚未完成公示或公示结果不是“无异议”：未公示002" in html
    assert states(declarations, unit) == ["passed", "passed"]
    assert not ReportBatch.objects.exists()


def test_objection_does_not_count_as_a_notice(login, unit, unit_reviewer, engineering_plan, chain):
    declarations = build_queue(unit, engineering_plan, 1, state="passed")
    notice(unit_reviewer, unit, declarations, outcome="objection")
    response = login(unit_reviewer).post(REPORT, {"ids": [declarations[0].pk]})
    assert "尚未完成公示或公示结果不是“无异议”" in response.content.decode()
    assert states(declarations, unit) == ["passed"]


def test_without_a_path_the_message_links_to_the_application(
    login, unit, unit_reviewer, engineering_plan
):
    declarations = build_queue(unit, engineering_plan, 1, state="passed")
    notice(unit_reviewer, unit, declarations)
    apply_url = (
        reverse("institutions:path_apply")
        + f"?series={engineering_plan.series_id}&amp;level={engineering_plan.level_id}"
    )
    client = login(unit_reviewer)
    html = client.post(CONFIRM, {"scope": "selected", "ids": [declarations[0].pk]}).content.decode()
    assert "本单位尚无「工程技术 中级」的生效申报路径" in html
    assert f'href="{apply_url}"' in html
    assert "disabled>" in html

    response = client.post(REPORT, {"ids": [declarations[0].pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="report-error"' in html
    assert "本单位尚无「工程技术 中级」的生效申报路径" in html
    assert f'{apply_url}">前往申请路径' in html
    assert states(declarations, unit) == ["passed"]
    assert not ReportBatch.objects.exists()


def test_a_stale_selection_reports_nothing(
    login, unit, unit_reviewer, engineering_plan, chain, supervising_department
):
    ready = build_queue(unit, engineering_plan, 2, state="passed", prefix="待上报")
    notice(unit_reviewer, unit, ready)
    client = login(unit_reviewer)
    ids = [d.pk for d in ready]
    # A colleague reports one of them between the confirmation page and the confirm click.
    services.report_declarations(actor=unit_reviewer, organization=unit, declaration_ids=ids[:1])
    html = client.post(CONFIRM, {"scope": "selected", "ids": ids}).content.decode()
    assert 'data-testid="stale"' in html and "有1份所选申报已不是本单位" in html
    assert "共1份申报将按生效的申报路径上报" in html

    response = client.post(REPORT, {"ids": ids})
    assert response.status_code == 200
    assert "有1份申报不是本单位“已通过待上报”的申报" in response.content.decode()
    assert states(ready[1:], unit) == ["passed"]
    assert ReportBatch.objects.count() == 1


def test_other_organizations_cannot_report_or_see_the_units_declarations(
    login, unit, unit_reviewer, engineering_plan, chain, outsider, department_reviewer
):
    ready = build_queue(unit, engineering_plan, 1, state="passed", prefix="本单位人员")
    notice(unit_reviewer, unit, ready)
    for user in (outsider, department_reviewer):
        client = login(user)
        response = client.post(CONFIRM, {"scope": "selected", "ids": [ready[0].pk]})
        html = response.content.decode()
        assert response.status_code == 200 and "本单位人员" not in html
        assert 'data-testid="stale"' in html
        response = client.post(REPORT, {"ids": [ready[0].pk]})
        assert "本单位人员" not in response.content.decode()
        assert states(ready, unit) == ["passed"]
    assert Declaration.objects.get(pk=ready[0].pk).holder == unit


def test_roles_without_reporting_are_refused(login, applicant, committee_office_user, client):
    # (An HR bureau reports: freelancers' declaring unit, a level of a path.)
    assert client.post(CONFIRM, {"scope": "all"}).status_code == 302  # to the login page
    for user in (applicant, committee_office_user):
        c = login(user)
        assert c.post(CONFIRM, {"scope": "all"}).status_code == 403
        assert c.post(REPORT, {"ids": [1]}).status_code == 403


def test_up_the_chain_to_the_committee(
    login,
    unit,
    supervising_department,
    reporting_department,
    department_reviewer,
    reporting_reviewer,
    engineering_plan,
    engineering_committee,
    committee_office,
    chain,
):
    at_department = build_queue(
        supervising_department,
        engineering_plan,
        2,
        state="passed",
        declaring_unit=unit,
        received_from=unit,
        prefix="主管",
    )
    # Departments report without a notice of their own.
    response = login(department_reviewer).post(REPORT, {"ids": [d.pk for d in at_department]})
    assert texts(response) == [f"已上报2份申报至{reporting_department.name}。"]

    Declaration.objects.filter(pk__in=[d.pk for d in at_department]).update(status="passed")
    Review.objects.filter(organization=reporting_department).update(state="passed")
    client = login(reporting_reviewer)
    html = client.post(CONFIRM, {"scope": "all"}).content.decode()
    assert engineering_committee.name in html
    response = client.post(REPORT, {"ids": [d.pk for d in at_department]})
    assert texts(response) == [f"已上报2份申报至{engineering_committee.name}。"]
    assert set(
        Declaration.objects.filter(pk__in=[d.pk for d in at_department]).values_list(
            "status", "holder"
        )
    ) == {("at_committee", committee_office.pk)}


def test_report_all_of_a_large_queue_in_one_confirmed_batch(
    login, unit, unit_reviewer, engineering_plan, chain, supervising_department, settings
):
    """The ids travel as one field: as separate inputs, a queue larger than Django's limit of
    form fields (1,000; 100 here) could not be reported at once."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    ready = build_queue(unit, engineering_plan, 120, state="passed", sections=False)
    notice(unit_reviewer, unit, ready)
    client = login(unit_reviewer)
    response = client.post(CONFIRM, {"scope": "all"})
    html = response.content.decode()
    assert "共120份申报将按生效的申报路径上报" in html and "等120人" in html
    ids = html.split('name="ids" value="')[1].split('"')[0]
    response = client.post(REPORT, {"ids": ids})
    assert texts(response) == [f"已上报120份申报至{supervising_department.name}。"]
    assert Declaration.objects.filter(holder=supervising_department).count() == 120
