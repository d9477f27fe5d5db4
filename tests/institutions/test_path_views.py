"""路径申请 / 路径审核 pages: the own path list, applying, the queue of paths to decide, deciding,
and the message the review chain shows when reporting has no effective path."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions import selectors, services
from institutions.models import OrgKind, RoutingPath
from tests import factories
from tests.institutions.helpers import field_error

pytestmark = pytest.mark.django_db

SUPERVISING_NAME = "潍坊市潍城区工业和信息化局"
REPORTING_NAME = "潍坊市工业和信息化局"
COMMITTEE_NAME = "潍坊市工程技术职务资格中级评审委员会"
OFFICE_NAME = "潍坊市工程技术职务资格中级评审委员会办公室"
EMPTY_CHOICE = "请选择"  # the project's empty choice (core.forms.EMPTY_LABEL)


@pytest.fixture
def engineering(db):
    return factories.SeriesFactory(code="engineering", name="工程技术", sort_order=1)


@pytest.fixture
def culture(db):
    return factories.SeriesFactory(code="mass_culture", name="群众文化", sort_order=2)


@pytest.fixture
def intermediate(db):
    return factories.LevelFactory(code="intermediate", name="中级", rank=2)


@pytest.fixture
def junior(db):
    return factories.LevelFactory(code="junior", name="初级", rank=1)


@pytest.fixture
def committee(engineering, intermediate, committee_office, regions):
    return factories.CommitteeFactory(
        name=COMMITTEE_NAME,
        series=engineering,
        level=intermediate,
        office=committee_office,
        region=regions["370700"],
    )


@pytest.fixture
def other_office_user(regions):
    office = factories.OrganizationFactory(
        name="威海市环翠区群众文化专业职务资格初级评审委员会办公室",
        kind=OrgKind.COMMITTEE_OFFICE,
        region=regions["371002"],
    )
    return factories.org_user(office, user__username="other_office")


@pytest.fixture
def culture_committee(culture, junior, other_office_user, regions):
    return factories.CommitteeFactory(
        name="威海市环翠区群众文化专业职务资格初级评审委员会",
        series=culture,
        level=junior,
        office=other_office_user.memberships.get().organization,
        region=regions["371002"],
    )


@pytest.fixture
def other_department(regions):
    return factories.OrganizationFactory(
        name="潍坊市潍城区科学技术局", kind=OrgKind.SUPERVISING, region=regions["370702"]
    )


@pytest.fixture
def other_department_reviewer(other_department):
    return factories.org_user(other_department, user__username="other_dept")


@pytest.fixture
def unit_path(unit, unit_reviewer, supervising_department, engineering, intermediate):
    """The unit's pending path to its supervising department (工程技术 中级)."""
    return services.apply_for_path(
        actor=unit_reviewer,
        organization=unit,
        series=engineering,
        level=intermediate,
        target=supervising_department,
    )


@pytest.fixture
def committee_path(reporting_department, reporting_reviewer, committee):
    return services.apply_for_path(
        actor=reporting_reviewer,
        organization=reporting_department,
        series=committee.series,
        level=committee.level,
        committee=committee,
    )


def _path(organization, series, level, status=RoutingPath.Status.PENDING, **destination):
    return RoutingPath.objects.create(
        organization=organization,
        series=series,
        level=level,
        status=status,
        applied_by=factories.org_user(organization),
        reason="材料不全" if status == RoutingPath.Status.REJECTED else "",
        **destination,
    )


def _selected(response, field: str) -> str | None:
    """The value of the selected <option> of <select name=field>."""
    html = response.content.decode()
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
    if not select:
        return None
    match = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return match.group(1) if match else ""


def _options(response, field: str) -> list[str]:
    html = response.content.decode()
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
    return [text.strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1))]


def _rows(response) -> int:
    return response.content.decode().count('data-testid="path-row"')


def _decide(client, path, decision, reason=""):
    data = {"reason": reason}
    if decision:
        data["decision"] = decision
    return client.post(f"/org/paths/{path.pk}/decide/", data, follow=True)


# --- 申报路径: the organization's own list --------------------------------------------------


def test_unit_lists_only_its_own_paths_with_a_new_path_button(
    login, unit_path, unit_reviewer, regions, supervising_department, engineering, intermediate
):
    stranger = factories.OrganizationFactory(name="潍坊另一家公司", region=regions["370702"])
    _path(stranger, engineering, intermediate, target=supervising_department)

    response = login(unit_reviewer).get("/org/paths/")

    page = response.content.decode()
    assert _rows(response) == 1
    assert SUPERVISING_NAME in page
    assert "待审核" in page
    assert f"等待“{SUPERVISING_NAME}”审核" in page
    assert "潍坊另一家公司" not in page
    assert 'href="/org/paths/new/"' in page
    assert "新增路径" in page


def test_list_filters_by_series_level_and_status(
    login,
    unit,
    unit_reviewer,
    supervising_department,
    reporting_department,
    engineering,
    culture,
    intermediate,
    junior,
):
    _path(
        unit, engineering, intermediate, RoutingPath.Status.EFFECTIVE, target=supervising_department
    )
    _path(unit, engineering, junior, target=supervising_department)
    _path(unit, culture, junior, RoutingPath.Status.REJECTED, target=reporting_department)
    client = login(unit_reviewer)

    assert _rows(client.get("/org/paths/")) == 3
    assert _rows(client.get("/org/paths/", {"status": "all"})) == 3
    effective = client.get("/org/paths/", {"status": "effective"})
    assert _rows(effective) == 1
    assert _selected(effective, "status") == "effective"
    assert _rows(client.get("/org/paths/", {"series": engineering.pk})) == 2
    assert _rows(client.get("/org/paths/", {"series": engineering.pk, "level": junior.pk})) == 1
    rejected = client.get("/org/paths/", {"status": "rejected"})
    assert _rows(rejected) == 1
    assert "材料不全" in rejected.content.decode()
    # A value that is not a choice filters nothing instead of failing.
    assert _rows(client.get("/org/paths/", {"series": "abc", "status": "x"})) == 3


def test_status_filter_offers_the_chinese_choices(login, unit_reviewer, engineering, intermediate):
    response = login(unit_reviewer).get("/org/paths/")

    assert _options(response, "status") == ["待审核", "已生效", "未通过", "全部"]
    assert _selected(response, "status") == "all"
    assert _options(response, "series") == ["全部系列", "工程技术"]


def test_list_is_paginated(login, unit, unit_reviewer, supervising_department, engineering, junior):
    for _ in range(25):
        _path(unit, engineering, junior, RoutingPath.Status.REJECTED, target=supervising_department)
    client = login(unit_reviewer)

    assert _rows(client.get("/org/paths/")) == 20
    second = client.get("/org/paths/", {"status": "rejected", "page": 2})
    assert _rows(second) == 5
    assert "2 / 2" in second.content.decode()


@pytest.mark.parametrize("persona", ["applicant", "committee_office_user", "administrator"])
def test_accounts_without_paths_of_their_own_cannot_open_the_list(request, login, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get("/org/paths/").status_code == 403
    assert client.get("/org/paths/new/").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, unit_path):
    for url in ("/org/paths/", "/org/paths/new/", "/org/paths/queue/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    response = client.post(f"/org/paths/{unit_path.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    unit_path.refresh_from_db()
    assert unit_path.status == RoutingPath.Status.PENDING


# --- 新增路径 ---------------------------------------------------------------------------------


def test_unit_applies_for_a_path_to_its_supervising_department(
    login, unit, unit_reviewer, supervising_department, engineering, intermediate
):
    response = login(unit_reviewer).post(
        "/org/paths/new/",
        {"series": engineering.pk, "level": intermediate.pk, "target": supervising_department.pk},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/org/paths/"
    page = response.content.decode()
    assert f"路径申请已提交，等待“{SUPERVISING_NAME}”审核，生效后方可上报。" in page
    path = RoutingPath.objects.get(organization=unit)
    assert path.status == RoutingPath.Status.PENDING
    assert path.target == supervising_department
    assert path.applied_by == unit_reviewer
    assert _rows(response) == 1


def test_unit_chooses_among_authorized_departments_only(
    login,
    regions,
    unit_reviewer,
    supervising_department,
    reporting_department,
    hr_bureau,
    committee_office,
    engineering,
    intermediate,
):
    factories.OrganizationFactory(
        name="潍坊未授权主管局",
        kind=OrgKind.SUPERVISING,
        region=regions["370702"],
        permission_status="none",
    )
    response = login(unit_reviewer).get("/org/paths/new/")

    assert _options(response, "target") == [
        EMPTY_CHOICE,
        # 潍坊市 (370700) before 潍城区 (370702); a unit may report to the county HR bureau (S3).
        f"{REPORTING_NAME}（呈报部门，山东省潍坊市）",
        "潍坊市潍城区人力资源和社会保障局（人社局，山东省潍坊市潍城区）",
        f"{SUPERVISING_NAME}（主管部门，山东省潍坊市潍城区）",
    ]
    assert _selected(response, "committee") is None
    assert "单位路径申请" in response.content.decode()


def test_supervising_department_does_not_see_itself_as_a_destination(
    login, department_reviewer, supervising_department, reporting_department
):
    response = login(department_reviewer).get("/org/paths/new/")

    assert _options(response, "target") == [
        EMPTY_CHOICE,
        f"{REPORTING_NAME}（呈报部门，山东省潍坊市）",
    ]


def test_supervising_department_applies_to_the_reporting_department(
    login, supervising_department, department_reviewer, reporting_department, engineering, junior
):
    login(department_reviewer).post(
        "/org/paths/new/",
        {"series": engineering.pk, "level": junior.pk, "target": reporting_department.pk},
    )

    path = RoutingPath.objects.get(organization=supervising_department)
    assert (path.target, path.level, path.status) == (reporting_department, junior, "pending")


def test_reporting_department_applies_for_a_committee_path(
    login, reporting_department, reporting_reviewer, committee, culture_committee
):
    client = login(reporting_reviewer)
    form = client.get("/org/paths/new/")
    assert "评委会路径申请" in form.content.decode()
    assert _selected(form, "target") is None
    assert _options(form, "committee") == [
        EMPTY_CHOICE,
        f"{COMMITTEE_NAME}（工程技术 · 中级）",
        "威海市环翠区群众文化专业职务资格初级评审委员会（群众文化 · 初级）",
    ]

    response = client.post(
        "/org/paths/new/",
        {"series": committee.series_id, "level": committee.level_id, "committee": committee.pk},
        follow=True,
    )

    assert f"路径申请已提交，等待“{OFFICE_NAME}”审核，生效后方可上报。" in response.content.decode()
    path = RoutingPath.objects.get(organization=reporting_department)
    assert path.committee == committee and path.target is None


def test_inactive_committees_are_not_offered(login, reporting_reviewer, committee):
    committee.is_active = False
    committee.save()

    response = login(reporting_reviewer).get("/org/paths/new/")

    assert _options(response, "committee") == [EMPTY_CHOICE]


def test_committee_of_another_series_is_explained_and_the_choices_are_kept(
    login, reporting_department, reporting_reviewer, committee, culture_committee, engineering
):
    response = login(reporting_reviewer).post(
        "/org/paths/new/",
        {
            "series": engineering.pk,
            "level": committee.level_id,
            "committee": culture_committee.pk,
        },
    )

    assert response.status_code == 200
    assert "所选评审委员会与申请的系列、级别不一致。" in response.content.decode()
    assert _selected(response, "series") == str(engineering.pk)
    assert _selected(response, "level") == str(committee.level_id)
    assert _selected(response, "committee") == str(culture_committee.pk)
    assert not RoutingPath.objects.filter(organization=reporting_department).exists()


def test_duplicate_application_shows_the_service_message(
    login, unit, unit_path, unit_reviewer, reporting_department, engineering, intermediate
):
    response = login(unit_reviewer).post(
        "/org/paths/new/",
        {"series": engineering.pk, "level": intermediate.pk, "target": reporting_department.pk},
    )

    assert response.status_code == 200
    assert (
        f"该系列、级别已有待审核的路径（→ {SUPERVISING_NAME}），无需重复申请。"
        in response.content.decode()
    )
    assert _selected(response, "target") == str(reporting_department.pk)
    assert RoutingPath.objects.filter(organization=unit).count() == 1


def test_missing_destination_is_explained_in_chinese(
    login, unit, unit_reviewer, engineering, intermediate
):
    response = login(unit_reviewer).post(
        "/org/paths/new/", {"series": engineering.pk, "level": intermediate.pk, "target": ""}
    )

    message = field_error(response, "target")
    assert message and not message.isascii()
    assert _selected(response, "series") == str(engineering.pk)
    assert not RoutingPath.objects.exists()


def test_series_and_level_in_the_address_fill_the_form_in(
    login, unit_reviewer, engineering, intermediate
):
    response = login(unit_reviewer).get(
        "/org/paths/new/", {"series": engineering.pk, "level": intermediate.pk}
    )

    assert _selected(response, "series") == str(engineering.pk)
    assert _selected(response, "level") == str(intermediate.pk)
    assert 'data-testid="existing-path"' not in response.content.decode()
    # Garbage in the address is ignored.
    assert login(unit_reviewer).get("/org/paths/new/?series=x&level=").status_code == 200
    huge = "9" * 30
    assert (
        login(unit_reviewer).get(f"/org/paths/new/?series={huge}&level={huge}").status_code == 200
    )


def test_form_filled_in_for_a_pending_path_says_whom_it_waits_for(
    login, unit_path, unit_reviewer, engineering, intermediate
):
    page = (
        login(unit_reviewer)
        .get("/org/paths/new/", {"series": engineering.pk, "level": intermediate.pk})
        .content.decode()
    )

    assert 'data-testid="existing-path"' in page
    assert f"「工程技术 中级」的路径正在等待“{SUPERVISING_NAME}”审核" in page


def test_form_filled_in_for_a_pending_committee_path_names_the_office(
    login, committee_path, reporting_reviewer, committee
):
    page = (
        login(reporting_reviewer)
        .get("/org/paths/new/", {"series": committee.series_id, "level": committee.level_id})
        .content.decode()
    )

    assert f"的路径（→ {COMMITTEE_NAME}）正在等待“{OFFICE_NAME}”审核" in page


def test_form_filled_in_for_an_effective_path_says_no_need_to_apply(
    login, unit_path, unit_reviewer, department_reviewer, engineering, intermediate
):
    services.decide_path(actor=department_reviewer, path=unit_path, approve=True)

    page = (
        login(unit_reviewer)
        .get("/org/paths/new/", {"series": engineering.pk, "level": intermediate.pk})
        .content.decode()
    )

    assert f"「工程技术 中级」已有生效路径（→ {SUPERVISING_NAME}），无需重复申请。" in page


@pytest.mark.parametrize("persona", ["applicant", "committee_office_user"])
def test_other_roles_cannot_apply(
    request, login, persona, supervising_department, engineering, intermediate
):
    response = login(request.getfixturevalue(persona)).post(
        "/org/paths/new/",
        {"series": engineering.pk, "level": intermediate.pk, "target": supervising_department.pk},
    )

    assert response.status_code == 403
    assert not RoutingPath.objects.exists()


# --- an HR bureau's paths: to the committee, or to the department above (S3 四(三)) ------------


def test_hr_bureau_chooses_a_committee_or_a_department_above(
    login, hr_bureau, bureau_reviewer, reporting_department, supervising_department, committee
):
    form = login(bureau_reviewer).get("/org/paths/new/")

    page = form.content.decode()
    assert "申报路径申请" in page
    assert _options(form, "target") == [EMPTY_CHOICE, f"{REPORTING_NAME}（呈报部门，山东省潍坊市）"]
    assert _options(form, "committee") == [EMPTY_CHOICE, f"{COMMITTEE_NAME}（工程技术 · 中级）"]


def test_hr_bureau_applies_for_the_committee_path(
    login, hr_bureau, bureau_reviewer, committee, committee_office_user
):
    client = login(bureau_reviewer)
    response = client.post(
        "/org/paths/new/",
        {"series": committee.series_id, "level": committee.level_id, "committee": committee.pk},
        follow=True,
    )

    assert f"路径申请已提交，等待“{OFFICE_NAME}”审核" in response.content.decode()
    path = RoutingPath.objects.get(organization=hr_bureau)
    assert path.committee == committee and path.target is None
    # The list names the destination whichever kind it is.
    listed = client.get("/org/paths/").content.decode()
    assert "上级部门或评审委员会" in listed and COMMITTEE_NAME in listed


@pytest.mark.parametrize("both", [True, False])
def test_hr_bureau_must_choose_exactly_one_destination(
    login, hr_bureau, bureau_reviewer, reporting_department, committee, both
):
    data = {"series": committee.series_id, "level": committee.level_id}
    if both:
        data.update(target=reporting_department.pk, committee=committee.pk)
    response = login(bureau_reviewer).post("/org/paths/new/", data)

    assert response.status_code == 200
    assert "请选择一个上级部门或一个评审委员会（二者选一）。" in response.content.decode()
    assert not RoutingPath.objects.exists()


def test_committee_of_an_unrelated_region_is_explained(
    login, regions, reporting_department, reporting_reviewer, engineering, intermediate
):
    office = factories.OrganizationFactory(
        name="威海市评委会办公室", kind=OrgKind.COMMITTEE_OFFICE, region=regions["371000"]
    )
    weihai = factories.CommitteeFactory(
        name="威海市工程技术职务资格中级评审委员会",
        series=engineering,
        level=intermediate,
        office=office,
        region=regions["371000"],
    )
    response = login(reporting_reviewer).post(
        "/org/paths/new/",
        {"series": engineering.pk, "level": intermediate.pk, "committee": weihai.pk},
    )

    assert response.status_code == 200
    assert "与本单位所属地区（山东省潍坊市）无上下级关系" in response.content.decode()
    assert _selected(response, "committee") == str(weihai.pk)
    assert not RoutingPath.objects.exists()


def test_supervising_department_path_to_the_bureau_is_decided_by_the_bureau(
    login,
    supervising_department,
    department_reviewer,
    hr_bureau,
    bureau_reviewer,
    engineering,
    intermediate,
):
    login(department_reviewer).post(
        "/org/paths/new/",
        {"series": engineering.pk, "level": intermediate.pk, "target": hr_bureau.pk},
    )
    path = RoutingPath.objects.get(organization=supervising_department)

    client = login(bureau_reviewer)
    assert _rows(client.get("/org/paths/queue/")) == 1
    _decide(client, path, "approve")
    path.refresh_from_db()
    assert path.status == RoutingPath.Status.EFFECTIVE and path.decided_by == bureau_reviewer


def test_missing_path_message_for_an_hr_bureau_names_both_ways(hr_bureau, engineering, junior):
    message, url = selectors.missing_path_message(hr_bureau, engineering, junior)

    assert "请先申请评委会路径或向上级部门申请路径" in message
    assert url == f"/org/paths/new/?series={engineering.pk}&level={junior.pk}"


# --- 路径审核: the queue ----------------------------------------------------------------------


def test_department_sees_only_paths_addressed_to_it(
    login,
    unit_path,
    department_reviewer,
    regions,
    other_department,
    engineering,
    intermediate,
):
    elsewhere = factories.OrganizationFactory(name="潍坊别处单位", region=regions["370702"])
    _path(elsewhere, engineering, intermediate, target=other_department)

    response = login(department_reviewer).get("/org/paths/queue/")

    page = response.content.decode()
    assert _rows(response) == 1
    assert "潍坊华东机械制造有限公司" in page
    assert "潍坊别处单位" not in page
    assert f'href="/org/paths/{unit_path.pk}/decide/"' in page
    assert "待审核 1 条" in page


def test_reporting_department_sees_paths_of_departments_below(
    login,
    supervising_department,
    department_reviewer,
    reporting_department,
    reporting_reviewer,
    engineering,
    intermediate,
):
    services.apply_for_path(
        actor=department_reviewer,
        organization=supervising_department,
        series=engineering,
        level=intermediate,
        target=reporting_department,
    )

    response = login(reporting_reviewer).get("/org/paths/queue/")

    assert _rows(response) == 1
    assert SUPERVISING_NAME in response.content.decode()


def test_committee_office_sees_committee_paths_of_its_own_committees(
    login, committee_path, culture_committee, committee_office_user, other_office_user, regions
):
    weihai = factories.OrganizationFactory(
        name="威海市文化和旅游局", kind=OrgKind.REPORTING, region=regions["371000"]
    )
    _path(weihai, culture_committee.series, culture_committee.level, committee=culture_committee)

    mine = login(committee_office_user).get("/org/paths/queue/").content.decode()
    assert REPORTING_NAME in mine and COMMITTEE_NAME in mine
    assert "威海市文化和旅游局" not in mine

    theirs = login(other_office_user).get("/org/paths/queue/").content.decode()
    assert "威海市文化和旅游局" in theirs
    assert REPORTING_NAME not in theirs


def test_administrator_sees_every_committee_path_and_no_department_path(
    login, committee_path, unit_path, administrator
):
    response = login(administrator).get("/org/paths/queue/")

    page = response.content.decode()
    assert _rows(response) == 1
    assert REPORTING_NAME in page
    assert "潍坊华东机械制造有限公司" not in page
    assert "全部评委会路径" in page


def test_queue_defaults_to_pending_and_filters_by_status_series_and_level(
    login, unit_path, department_reviewer, regions, supervising_department, engineering, junior
):
    client = login(department_reviewer)
    _decide(client, unit_path, "reject", reason="请选择所属主管部门")
    other = factories.OrganizationFactory(name="潍坊第二家公司", region=regions["370702"])
    _path(other, engineering, junior, target=supervising_department)

    pending = client.get("/org/paths/queue/")
    assert _rows(pending) == 1
    assert "潍坊第二家公司" in pending.content.decode()
    assert "待审核 1 条" in pending.content.decode()

    everything = client.get("/org/paths/queue/", {"status": "all"})
    assert _rows(everything) == 2
    assert "请选择所属主管部门" in everything.content.decode()

    assert _rows(client.get("/org/paths/queue/", {"status": "rejected"})) == 1
    assert _rows(client.get("/org/paths/queue/", {"status": "all", "level": junior.pk})) == 1
    tabs = client.get("/org/paths/queue/", {"level": junior.pk}).content.decode()
    assert f'href="?level={junior.pk}&amp;status=rejected"' in tabs


@pytest.mark.parametrize("persona", ["unit_reviewer", "applicant"])
def test_accounts_that_decide_no_paths_cannot_open_the_queue(request, login, persona, unit_path):
    client = login(request.getfixturevalue(persona))

    assert client.get("/org/paths/queue/").status_code == 403
    assert client.get(f"/org/paths/{unit_path.pk}/decide/").status_code == 403
    assert _decide(client, unit_path, "approve").status_code == 403
    unit_path.refresh_from_db()
    assert unit_path.status == RoutingPath.Status.PENDING


# --- deciding --------------------------------------------------------------------------------


def test_decision_page_offers_both_buttons_with_a_confirmation(
    login, unit_path, department_reviewer
):
    page = login(department_reviewer).get(f"/org/paths/{unit_path.pk}/decide/").content.decode()

    assert "潍坊华东机械制造有限公司" in page
    assert 'name="decision" value="approve"' in page
    assert 'name="decision" value="reject"' in page
    assert page.count("data-confirm=") == 2
    assert "<script>" not in page and "onclick" not in page and 'style="' not in page


def test_department_makes_the_path_effective(
    login, unit, unit_path, department_reviewer, engineering, intermediate
):
    response = _decide(login(department_reviewer), unit_path, "approve")

    assert response.redirect_chain[-1][0] == "/org/paths/queue/"
    assert "“潍坊华东机械制造有限公司”的工程技术 中级路径审核结果：已生效。" in (
        response.content.decode()
    )
    unit_path.refresh_from_db()
    assert unit_path.status == RoutingPath.Status.EFFECTIVE
    assert unit_path.decided_by == department_reviewer
    assert selectors.effective_path(unit, engineering, intermediate) == unit_path


def test_rejection_with_a_reason_reaches_the_unit(
    login, unit_path, department_reviewer, unit_reviewer
):
    _decide(login(department_reviewer), unit_path, "reject", reason="请选择本单位的主管部门")

    unit_path.refresh_from_db()
    assert unit_path.status == RoutingPath.Status.REJECTED
    assert unit_path.reason == "请选择本单位的主管部门"
    page = login(unit_reviewer).get("/org/paths/", {"status": "rejected"}).content.decode()
    assert "请选择本单位的主管部门" in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejection_without_a_reason_is_explained_and_changes_nothing(
    login, unit_path, department_reviewer, reason
):
    response = _decide(login(department_reviewer), unit_path, "reject", reason=reason)

    assert response.status_code == 200
    assert field_error(response, "reason") == "不通过时必须填写原因。"
    unit_path.refresh_from_db()
    assert unit_path.status == RoutingPath.Status.PENDING
    assert unit_path.decided_by is None and unit_path.reason == ""


def test_decision_must_be_one_of_the_two_buttons(login, unit_path, department_reviewer):
    for decision in ("", "maybe"):
        response = _decide(login(department_reviewer), unit_path, decision, reason="备注")

        page = response.content.decode()
        assert "请选择“生效”或“不通过”。" in page
        assert "备注" in page  # the typed reason is kept
    unit_path.refresh_from_db()
    assert unit_path.status == RoutingPath.Status.PENDING


def test_decided_path_shows_its_decision_and_cannot_be_decided_again(
    login, unit_path, department_reviewer
):
    client = login(department_reviewer)
    _decide(client, unit_path, "approve")

    page = client.get(f"/org/paths/{unit_path.pk}/decide/").content.decode()
    assert 'data-testid="decided"' in page
    assert "该路径申请已处理：已生效" in page
    assert 'name="decision"' not in page

    response = _decide(client, unit_path, "reject", reason="改主意了")

    assert "该路径申请已处理，请刷新页面。" in response.content.decode()
    unit_path.refresh_from_db()
    assert unit_path.status == RoutingPath.Status.EFFECTIVE
    assert unit_path.reason == ""


@pytest.mark.parametrize(
    "persona", ["other_department_reviewer", "reporting_reviewer", "bureau_reviewer"]
)
def test_a_department_cannot_decide_a_path_addressed_to_another(request, login, unit_path, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get(f"/org/paths/{unit_path.pk}/decide/").status_code == 404
    assert _decide(client, unit_path, "approve").status_code == 404
    unit_path.refresh_from_db()
    assert unit_path.status == RoutingPath.Status.PENDING


def test_committee_office_makes_a_committee_path_effective(
    login, committee_path, committee_office_user, reporting_department, committee
):
    _decide(login(committee_office_user), committee_path, "approve")

    path = selectors.effective_path(reporting_department, committee.series, committee.level)
    assert path == committee_path and path.committee == committee


def test_another_committee_office_gets_not_found(login, committee_path, other_office_user):
    client = login(other_office_user)

    assert client.get(f"/org/paths/{committee_path.pk}/decide/").status_code == 404
    assert _decide(client, committee_path, "approve").status_code == 404
    committee_path.refresh_from_db()
    assert committee_path.status == RoutingPath.Status.PENDING


def test_administrator_decides_committee_paths_but_not_department_paths(
    login, committee_path, unit_path, administrator
):
    client = login(administrator)

    _decide(client, committee_path, "reject", reason="请选择本地区评委会")
    committee_path.refresh_from_db()
    assert committee_path.status == RoutingPath.Status.REJECTED
    assert committee_path.decided_by == administrator

    assert client.get(f"/org/paths/{unit_path.pk}/decide/").status_code == 404


def test_decide_is_get_or_post_only(login, unit_path, department_reviewer):
    client = login(department_reviewer)

    assert client.put(f"/org/paths/{unit_path.pk}/decide/").status_code == 405


# --- the message shown when reporting has no effective path ----------------------------------


def test_missing_path_message_without_any_path(unit, engineering, intermediate):
    message, url = selectors.missing_path_message(unit, engineering, intermediate)

    assert message == (
        "本单位尚无「工程技术 中级」的生效申报路径，请先申请路径并等待上级部门审核生效。"
    )
    assert url == f"/org/paths/new/?series={engineering.pk}&level={intermediate.pk}"


def test_missing_path_message_with_a_pending_path_says_whom_it_waits_for(
    unit, unit_path, engineering, intermediate
):
    message, url = selectors.missing_path_message(unit, engineering, intermediate)

    assert message == (
        f"本单位「工程技术 中级」的申报路径尚未生效，正在等待“{SUPERVISING_NAME}”审核，"
        "审核生效后方可上报。如长时间未生效，请联系该部门。"
    )
    assert url == f"/org/paths/new/?series={engineering.pk}&level={intermediate.pk}"


def test_missing_path_message_for_a_reporting_department(
    reporting_department, engineering, intermediate
):
    message, url = selectors.missing_path_message(reporting_department, engineering, intermediate)

    assert message == (
        "本单位尚无「工程技术 中级」的生效评委会路径，"
        "请先申请评委会路径并等待评委会办事机构审核生效。"
    )
    assert url.startswith("/org/paths/new/?")


def test_missing_path_message_for_a_pending_committee_path_names_the_office(
    reporting_department, committee_path, committee
):
    message, _ = selectors.missing_path_message(
        reporting_department, committee.series, committee.level
    )

    assert message == (
        f"本单位「工程技术 中级」的评委会路径（→ {COMMITTEE_NAME}）尚未生效，"
        f"正在等待“{OFFICE_NAME}”审核，审核生效后方可上报。如长时间未生效，请联系该部门。"
    )


def test_missing_path_message_link_opens_the_filled_in_form(
    login, unit, unit_reviewer, engineering, intermediate
):
    _, url = selectors.missing_path_message(unit, engineering, intermediate)

    response = login(unit_reviewer).get(url)

    assert _selected(response, "series") == str(engineering.pk)
    assert _selected(response, "level") == str(intermediate.pk)


# --- navigation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "own_paths", "queue"),
    [
        ("unit_reviewer", True, False),
        ("department_reviewer", True, True),
        ("reporting_reviewer", True, True),
        ("committee_office_user", False, True),
        # A level of the Huzhou chain and the declaring unit of freelancers (S3, S0 二.3(5)).
        ("bureau_reviewer", True, True),
    ],
)
def test_menu_offers_the_path_pages_to_the_right_roles(request, login, persona, own_paths, queue):
    page = login(request.getfixturevalue(persona)).get("/org/").content.decode()

    assert ('href="/org/paths/"' in page) is own_paths
    assert ('href="/org/paths/queue/"' in page) is queue


def test_administrator_menu_offers_the_path_queue(login, administrator):
    page = login(administrator).get("/org/admin-home/").content.decode()

    assert 'href="/org/paths/queue/"' in page
    assert 'href="/org/paths/"' not in page


# --- query budgets ---------------------------------------------------------------------------


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def many_unit_paths(
    unit, supervising_department, reporting_department, engineering, culture, junior
):
    """Builds n paths of the unit, alternating destinations and series (rejected ones repeat)."""

    def build(n):
        for i in range(n):
            target = supervising_department if i % 2 else reporting_department
            _path(unit, (engineering, culture)[i % 2], junior, "rejected", target=target)

    return build


@pytest.fixture
def many_queue_paths(regions, supervising_department, engineering, junior):
    """Builds n pending paths of n different units to the supervising department."""

    def build(n):
        for _ in range(n):
            unit = factories.OrganizationFactory(region=regions["370702"])
            _path(unit, engineering, junior, target=supervising_department)

    return build


# Measured: session, user, membership, count, series and level choices, the page (7); the queue
# adds the per-status counts (8; an administrator has no membership to load).
LIST_BUDGET = 7
QUEUE_BUDGET = 8


def test_list_query_count_does_not_grow_with_paths(
    login, unit_reviewer, many_unit_paths, django_assert_max_num_queries
):
    client = login(unit_reviewer)
    many_unit_paths(1)
    with django_assert_max_num_queries(LIST_BUDGET):
        one = client.get("/org/paths/")
    assert _rows(one) == 1
    with CaptureQueriesContext(connection) as first:
        client.get("/org/paths/")

    many_unit_paths(29)
    with django_assert_max_num_queries(LIST_BUDGET):
        thirty = client.get("/org/paths/", {"page": 2})
    assert _rows(thirty) == 10
    with CaptureQueriesContext(connection) as second:
        client.get("/org/paths/")

    assert len(second) == len(first)


@pytest.mark.parametrize("persona", ["department_reviewer", "administrator"])
def test_queue_query_count_does_not_grow_with_paths(
    request,
    login,
    persona,
    many_queue_paths,
    committee,
    reporting_department,
    django_assert_max_num_queries,
):
    client = login(request.getfixturevalue(persona))

    def build(n):
        many_queue_paths(n)
        for _ in range(n):
            department = factories.OrganizationFactory(
                kind=OrgKind.REPORTING, region=reporting_department.region
            )
            _path(department, committee.series, committee.level, committee=committee)

    build(1)
    with django_assert_max_num_queries(QUEUE_BUDGET):
        assert _rows(client.get("/org/paths/queue/")) == 1
    first = _count_queries(client, "/org/paths/queue/")

    build(29)
    with django_assert_max_num_queries(QUEUE_BUDGET):
        assert _rows(client.get("/org/paths/queue/")) == 20
    assert _count_queries(client, "/org/paths/queue/") == first
