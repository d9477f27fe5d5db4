"""The expert pool: adding experts with their accounts, import, deactivation, members for a year
with the legal minimum, and the expert's role, home page and menu."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from applicants import sms
from applicants.models import AccountKind, User
from catalog.models import Level, Series, Specialty
from committee.models import CommitteeMember, Expert
from committee.services import experts as services
from institutions import access
from institutions.models import AuditAction, AuditEntry
from tests import factories
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import experts

pytestmark = pytest.mark.django_db
setting = meeting_fixtures.setting


def data(**overrides):
    values = {
        "name": "王专家",
        "id_number": factories.resident_id(501),
        "phone": "13712345678",
        "work_unit": "潍坊市建筑设计研究院",
        "title": "正高级工程师",
    }
    values.update(overrides)
    return services.ExpertData(**values)


def workbook(rows, header=services.IMPORT_COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- services ---------------------------------------------------------------------------------


def test_adding_an_expert_creates_an_expert_account_and_tells_the_password(
    committee_office, committee_office_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        expert, password = services.add_expert(
            actor=committee_office_user, office=committee_office, data=data()
        )
    user = expert.user
    assert user.kind == AccountKind.EXPERT
    assert user.username == "13712345678"
    assert user.id_number == factories.resident_id(501)
    assert user.check_password(password)
    assert access.role_of(user) == access.ROLE_EXPERT
    assert any(password in body for _phone, body in sms.outbox)
    entry = AuditEntry.objects.get(action=AuditAction.EXPERT_ADDED)
    assert password not in str(entry.details)


def test_an_id_number_with_a_personal_account_keeps_it_and_the_expert_signs_in_by_username(
    committee_office, committee_office_user, applicant
):
    applicant.phone = "13712345678"
    applicant.save()
    expert, _password = services.add_expert(
        actor=committee_office_user,
        office=committee_office,
        data=data(id_number=applicant.id_number, phone="13712345678"),
    )
    # The personal account keeps the ID number; the expert account has none and, since the
    # phone already signs in the applicant, a generated username.
    assert expert.user.id_number is None
    assert expert.user.username.startswith("zj")
    assert expert.id_number == applicant.id_number
    assert User.objects.get(pk=applicant.pk).kind == AccountKind.PERSONAL


def test_bad_id_number_and_duplicates_are_refused_in_chinese(
    committee_office, committee_office_user
):
    with pytest.raises(ValidationError) as error:
        services.add_expert(
            actor=committee_office_user,
            office=committee_office,
            data=data(id_number="370702198503155010", phone="123"),
        )
    assert "校验位" in str(error.value.message_dict["id_number"])
    assert "11位" in str(error.value.message_dict["phone"])
    services.add_expert(actor=committee_office_user, office=committee_office, data=data())
    with pytest.raises(ValidationError) as error:
        services.add_expert(
            actor=committee_office_user, office=committee_office, data=data(phone="13712340000")
        )
    assert "已在本专家库" in str(error.value.message_dict["id_number"])
    assert Expert.objects.count() == 1


def test_only_the_office_manages_its_pool(committee_office, unit_reviewer):
    with pytest.raises(PermissionDenied):
        services.add_expert(actor=unit_reviewer, office=committee_office, data=data())


def test_import_is_all_or_nothing_with_a_row_report(
    catalog, committee_office, committee_office_user
):
    series = Series.objects.get(code="engineering")
    specialty = Specialty.objects.filter(series=series).first()
    good = ["李一", factories.resident_id(601), "13700000001", "某院", series.name, specialty.name]
    good += ["高级工程师", "副高级"]
    bad = ["赵二", "370702198503155010", "13700000002", "某院", "不存在的系列", "", "工程师", ""]
    report = services.import_experts(
        actor=committee_office_user, office=committee_office, content=workbook([good, bad])
    )
    assert not report.ok
    assert [row for row, _name, _problem in report.errors] == [3]
    assert "不存在" in report.errors[0][2] and "校验位" in report.errors[0][2]
    assert not Expert.objects.exists() and not User.objects.filter(kind="expert").exists()

    second = ["赵二", factories.resident_id(602), "13700000002", "某院", series.name, "", "工程师"]
    report = services.import_experts(
        actor=committee_office_user,
        office=committee_office,
        content=workbook([good, [*second, ""]]),
    )
    assert report.ok and len(report.created) == 2
    li = Expert.objects.get(name="李一")
    assert list(li.specialties.all()) == [specialty]
    assert li.level == Level.objects.get(name="副高级")
    assert AuditEntry.objects.get(action=AuditAction.EXPERTS_IMPORTED).details["count"] == 2


def test_import_refuses_a_wrong_header_and_duplicate_rows(committee_office, committee_office_user):
    with pytest.raises(ValidationError, match="表头"):
        services.import_experts(
            actor=committee_office_user,
            office=committee_office,
            content=workbook([], header=["name"]),
        )
    row = ["李一", factories.resident_id(601), "13700000001", "某院", "", "", "工程师", ""]
    report = services.import_experts(
        actor=committee_office_user, office=committee_office, content=workbook([row, row])
    )
    assert "与第2行重复" in report.errors[0][2]
    with pytest.raises(ValidationError, match="Excel"):
        services.import_experts(
            actor=committee_office_user, office=committee_office, content=b"not a workbook"
        )


def test_deactivation_stops_sign_in(committee_office, committee_office_user):
    expert, _password = services.add_expert(
        actor=committee_office_user, office=committee_office, data=data()
    )
    services.deactivate_expert(actor=committee_office_user, expert=expert, reason="退休")
    expert.refresh_from_db()
    assert not expert.is_active and not expert.user.is_active
    with pytest.raises(ValidationError):
        services.deactivate_expert(actor=committee_office_user, expert=expert)


def test_legal_minimum_by_level(engineering_committee):
    assert services.minimum_members(engineering_committee) == 11
    engineering_committee.level = Level.objects.get_or_create(
        code="deputy_senior", defaults={"name": "副高级", "rank": 3}
    )[0]
    assert services.minimum_members(engineering_committee) == 25


def test_appointing_members_for_a_year(setting):
    pool = experts(setting["office"], 3)
    committee, actor, year = setting["committee"], setting["actor"], setting["year"]
    services.appoint_members(
        actor=actor, committee=committee, year=year, expert_ids=[pool[0].pk, pool[1].pk]
    )
    services.appoint_members(
        actor=actor, committee=committee, year=year, expert_ids=[pool[1].pk, pool[2].pk]
    )
    assert set(
        CommitteeMember.objects.filter(committee=committee, year=year).values_list(
            "expert_id", flat=True
        )
    ) == {pool[1].pk, pool[2].pk}
    entry = AuditEntry.objects.filter(action=AuditAction.MEMBERS_APPOINTED).order_by("pk").last()
    assert entry.details["removed"] == [pool[0].pk]
    other = experts(factories.OrganizationFactory(kind="committee_office"), 1)[0]
    with pytest.raises(ValidationError):
        services.appoint_members(actor=actor, committee=committee, year=year, expert_ids=[other.pk])


# --- views ------------------------------------------------------------------------------------


def test_add_view_shows_the_password_once_and_keeps_bad_input(
    client, login, committee_office_user, committee_office
):
    login(committee_office_user)
    url = reverse("committee:expert_new")
    response = client.post(
        url,
        {
            "name": "王专家",
            "id_type": "resident_id",
            "id_number": "123",
            "phone": "1371234",
            "work_unit": "某院",
            "title": "工程师",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "居民身份证号码应为18位" in page and "请输入11位" in page
    assert 'value="某院"' in page
    response = client.post(
        url,
        {
            "name": "王专家",
            "id_type": "resident_id",
            "id_number": factories.resident_id(501),
            "phone": "13712345678",
            "work_unit": "某院",
            "title": "工程师",
        },
        follow=True,
    )
    page = response.content.decode()
    assert 'data-testid="new-password"' in page and "13712345678" in page
    again = client.get(reverse("committee:expert_list")).content.decode()
    assert 'data-testid="new-password"' not in again


def test_pool_pages_refuse_other_roles(client, login, unit_reviewer, setting):
    expert = experts(setting["office"], 1)[0]
    login(unit_reviewer)
    assert client.get(reverse("committee:expert_list")).status_code == 403
    assert client.get(reverse("committee:expert_edit", args=[expert.pk])).status_code == 403
    other_office = factories.org_user(factories.OrganizationFactory(kind="committee_office"))
    login(other_office)
    assert client.get(reverse("committee:expert_edit", args=[expert.pk])).status_code == 404
    response = client.post(reverse("committee:expert_deactivate", args=[expert.pk]))
    assert response.status_code == 404
    expert.refresh_from_db()
    assert expert.is_active


def test_deactivate_view_asks_for_confirmation(client, login, setting):
    expert = experts(setting["office"], 1)[0]
    login(setting["actor"])
    url = reverse("committee:expert_deactivate", args=[expert.pk])
    assert 'data-testid="confirm-deactivate"' in client.get(url).content.decode()
    expert.refresh_from_db()
    assert expert.is_active
    client.post(url, {"reason": "退休"})
    expert.refresh_from_db()
    assert not expert.is_active


def test_import_view_reports_rows(client, login, setting):
    login(setting["actor"])
    row = ["李一", "370702198503155010", "13700000001", "某院", "", "", "工程师", ""]
    upload = io.BytesIO(workbook([row]))
    upload.name = "experts.xlsx"
    response = client.post(reverse("committee:expert_import"), {"file": upload})
    page = response.content.decode()
    assert 'data-testid="import-error"' in page and "校验位" in page
    assert not Expert.objects.exists()


def test_members_page_flags_a_committee_below_the_minimum(client, login, setting):
    pool = experts(setting["office"], 12)
    login(setting["actor"])
    url = reverse("committee:members")
    committee = setting["committee"]
    response = client.post(
        url,
        {
            "committee": committee.pk,
            "year": setting["year"],
            "shown": [e.pk for e in pool],
            "experts": [e.pk for e in pool[:10]],
        },
        follow=True,
    )
    assert 'data-testid="below-minimum"' in response.content.decode()
    client.post(
        url,
        {
            "committee": committee.pk,
            "year": setting["year"],
            "shown": [pool[10].pk],
            "experts": [pool[10].pk],
        },
    )
    response = client.get(url, {"committee": committee.pk, "year": setting["year"]})
    assert 'data-testid="below-minimum"' not in response.content.decode()
    assert CommitteeMember.objects.filter(committee=committee).count() == 11


def test_members_page_queries_do_not_grow_with_the_pool(
    client, login, setting, django_assert_max_num_queries
):
    login(setting["actor"])
    url = reverse("committee:members")
    experts(setting["office"], 3)
    with django_assert_max_num_queries(20):
        client.get(url)
    experts(setting["office"], 20)
    with django_assert_max_num_queries(20):
        client.get(url)


def test_expert_home_and_menu(client, login, setting):
    expert = experts(setting["office"], 1)[0]
    assert access.home_url_for(expert.user) == reverse("committee:expert_home")
    labels = [label for label, _url in access.menu_for(expert.user)["items"]]
    assert "评审任务" in labels
    office_labels = [label for label, _url in access.menu_for(setting["actor"])["items"]]
    assert {"评审专家库", "评委会委员", "评审会议"} <= set(office_labels)
    login(expert.user)
    response = client.get(reverse("committee:expert_home"))
    assert response.status_code == 200 and "暂无评审任务" in response.content.decode()


def test_committee_rules_override_the_legal_minimum(engineering_committee):
    from committee.models import CommitteeRules

    CommitteeRules.objects.create(committee=engineering_committee, minimum_members=15)
    assert services.minimum_members(engineering_committee) == 15


def test_admin_lists_the_pool_and_rules(client, login, administrator, setting):
    experts(setting["office"], 2)
    login(administrator)
    for name in ("expert", "committeerules", "committeemember", "meeting"):
        response = client.get(reverse(f"admin:committee_{name}_changelist"))
        assert response.status_code == 200, name


def test_edit_view_changes_details_but_not_the_id_number(client, login, setting):
    expert = experts(setting["office"], 1)[0]
    login(setting["actor"])
    url = reverse("committee:expert_edit", args=[expert.pk])
    assert expert.id_number in client.get(url).content.decode()
    response = client.post(
        url, {"name": "改名", "phone": "12", "work_unit": "新单位", "title": "研究员"}
    )
    page = response.content.decode()
    assert "请输入11位" in page and 'value="新单位"' in page
    client.post(
        url,
        {
            "name": "改名",
            "phone": "13812345678",
            "work_unit": "新单位",
            "title": "研究员",
            "organization": setting["unit"].pk,
            "id_number": "370702199001011234",
        },
    )
    old_id = expert.id_number
    expert.refresh_from_db()
    assert (expert.name, expert.phone, expert.organization) == (
        "改名",
        "13812345678",
        setting["unit"],
    )
    assert expert.id_number == old_id
    assert expert.user.phone == "13812345678"
    assert AuditEntry.objects.filter(action=AuditAction.EXPERT_CHANGED).count() == 1
