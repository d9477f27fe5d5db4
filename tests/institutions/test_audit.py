"""The audit trail of changes to who may do what: one row per change (actor, organization acted
for, time, object, reason), append-only, read by administrators in the Django admin."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from applicants.models import AccountKind, User
from institutions import services
from institutions.audit import record_audit
from institutions.models import (
    AuditAction,
    AuditEntry,
    Organization,
    OrgKind,
    PermissionApplication,
    PermissionStatus,
)
from tests import factories
from tests.institutions.helpers import registered_elsewhere

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Reset@2026pass"


def only_entry(**filters) -> AuditEntry:
    """The one audit row matching filters (failing if there is none or several)."""
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


def assert_entry(entry, *, actor, organization, action, obj, reason=""):
    assert entry.actor == actor
    assert entry.organization == organization
    assert entry.action == action
    assert entry.changed_object == obj
    assert entry.object_repr == str(obj)
    assert entry.reason == reason
    assert entry.created_at is not None


def form_data(response) -> dict:
    """What a person submits on an admin change page without touching anything: every field's
    current value and every inline formset's management form."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            bound = form[name]
            put(field, bound.html_name, bound.value())
            if field.show_hidden_initial:  # fields with a callable default post their initial
                put(field, bound.html_initial_name, bound.value())

    def put(field, key, value):
        widgets = getattr(field.widget, "widgets", None)
        if widgets is not None:
            parts = field.widget.decompress(value) if value else [None] * len(widgets)
            for i, part in enumerate(parts):
                if part is not None:
                    data[f"{key}_{i}"] = part
        elif isinstance(value, (list, tuple)):
            data[key] = [v for v in value if v is not None]
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


# --- organization accounts -------------------------------------------------------------------


def test_unit_registration_is_recorded(regions):
    registration = services.UnitRegistration(
        name="潍坊新华精密仪器有限公司",
        uscc="91370702MA3C4D5E7P",
        region_id=regions["370702"].pk,
        contact_name="王经办",
        contact_phone="13912345678",
        username="xinhua_unit",
        password_hash=make_password("Unit@2026pass"),
    )

    unit = services.register_unit(registration=registration)

    entry = only_entry(action=AuditAction.UNIT_REGISTERED)
    assert_entry(
        entry,
        actor=User.objects.get(username="xinhua_unit"),
        organization=unit,
        action=AuditAction.UNIT_REGISTERED,
        obj=unit,
    )
    assert entry.details["username"] == "xinhua_unit"


def test_administrator_creating_a_department_account_is_recorded(login, regions, administrator):
    response = login(administrator).post(
        "/org/organizations/new/",
        {
            "name": "潍坊市奎文区人力资源和社会保障局",
            "kind": OrgKind.HR_BUREAU,
            "region": regions["370702"].pk,
            "uscc": "",
            "contact_name": "孙人社",
            "contact_phone": "13905360099",
            "username": "kw_rsj",
            "password1": "Dept@2026pass",
            "password2": "Dept@2026pass",
        },
    )

    assert response.status_code == 302
    bureau = Organization.objects.get(name="潍坊市奎文区人力资源和社会保障局")
    entry = only_entry(action=AuditAction.ORGANIZATION_ACCOUNT_CREATED)
    # An administrator acts for the platform, not for an organization.
    assert_entry(
        entry,
        actor=administrator,
        organization=None,
        action=AuditAction.ORGANIZATION_ACCOUNT_CREATED,
        obj=bureau,
    )
    assert entry.details["username"] == "kw_rsj"
    assert entry.details["kind"] == OrgKind.HR_BUREAU


def test_changes_to_an_organization_are_recorded_with_before_and_after(
    unit, unit_reviewer, administrator
):
    services.update_organization_contact(
        actor=unit_reviewer, organization=unit, contact_name="新联系人", contact_phone="13900000000"
    )
    services.update_organization_contact(
        actor=administrator,
        organization=unit,
        contact_name="新联系人",
        contact_phone="13900000000",
        name="潍坊华东机械集团有限公司",
    )
    # Saving without a change is not a change.
    services.update_organization_contact(
        actor=unit_reviewer, organization=unit, contact_name="新联系人", contact_phone="13900000000"
    )

    by_unit, by_admin = AuditEntry.objects.filter(
        action=AuditAction.ORGANIZATION_ACCOUNT_CHANGED
    ).order_by("pk")
    assert by_unit.actor == unit_reviewer and by_unit.organization == unit
    assert by_unit.details["changes"] == {"contact_name": ["联系人", "新联系人"]}
    assert by_admin.actor == administrator and by_admin.organization is None
    assert by_admin.details["changes"] == {
        "name": ["潍坊华东机械制造有限公司", "潍坊华东机械集团有限公司"]
    }
    assert by_admin.object_repr == "潍坊华东机械集团有限公司"
    # The first entry still reads as the object read then.
    assert by_unit.object_repr == "潍坊华东机械制造有限公司"


def test_changing_an_organization_in_django_admin_is_recorded(
    login, unit, unit_reviewer, administrator
):
    client = login(administrator)
    url = f"/admin/institutions/organization/{unit.pk}/change/"
    data = form_data(client.get(url))
    data["permission_status"] = PermissionStatus.REJECTED

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    unit.refresh_from_db()
    assert unit.permission_status == PermissionStatus.REJECTED
    entry = only_entry(action=AuditAction.ORGANIZATION_ACCOUNT_CHANGED)
    assert_entry(
        entry,
        actor=administrator,
        organization=None,
        action=AuditAction.ORGANIZATION_ACCOUNT_CHANGED,
        obj=unit,
    )
    assert entry.details["changes"] == {"permission_status": PermissionStatus.REJECTED}


def test_adding_an_account_to_an_organization_in_django_admin_is_recorded(
    login, unit, unit_reviewer, administrator
):
    newcomer = factories.UserFactory(username="new_hr", kind=AccountKind.ORGANIZATION, phone="")
    client = login(administrator)
    url = f"/admin/institutions/organization/{unit.pk}/change/"
    data = form_data(client.get(url))
    data.update(
        {
            "memberships-TOTAL_FORMS": "2",
            "memberships-1-user": newcomer.pk,
            "memberships-1-role": "reviewer",
            "memberships-1-organization": unit.pk,
            "memberships-1-created_at_0": "2026-11-02",
            "memberships-1-created_at_1": "09:00:00",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    entry = only_entry(action=AuditAction.ORGANIZATION_ACCOUNT_CHANGED)
    assert entry.actor == administrator and entry.changed_object == unit
    assert entry.details["memberships"] == {"added": ["new_hr（reviewer）"]}


def test_deleting_an_organization_in_django_admin_is_recorded(login, regions, administrator):
    doomed = factories.OrganizationFactory(name="误建的测试单位", region=regions["370702"])
    factories.org_user(doomed, user__username="doomed_hr")
    client = login(administrator)

    response = client.post(f"/admin/institutions/organization/{doomed.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Organization.objects.filter(name="误建的测试单位").exists()
    entry = only_entry(action=AuditAction.ORGANIZATION_ACCOUNT_DELETED)
    assert entry.actor == administrator and entry.organization is None
    assert entry.object_repr == "误建的测试单位"
    assert entry.changed_object is None  # gone, but the entry still says what it was
    assert entry.details["accounts"] == ["doomed_hr"]


# --- permission decisions --------------------------------------------------------------------


def test_a_grant_by_the_automatic_check_is_recorded(new_unit, new_unit_user, hr_bureau):
    application = services.apply_for_permission(actor=new_unit_user, unit=new_unit)

    entry = only_entry(action=AuditAction.PERMISSION_GRANTED_AUTOMATICALLY)
    assert_entry(
        entry,
        actor=new_unit_user,
        organization=new_unit,
        action=AuditAction.PERMISSION_GRANTED_AUTOMATICALLY,
        obj=application,
    )
    assert entry.details["bureau"] == hr_bureau.name
    assert not AuditEntry.objects.filter(action=AuditAction.PERMISSION_APPLIED).exists()


def test_failing_the_automatic_check_is_recorded_with_its_problems(
    new_unit, new_unit_user, hr_bureau
):
    registered_elsewhere(new_unit)
    application = services.apply_for_permission(actor=new_unit_user, unit=new_unit)

    entry = only_entry(action=AuditAction.PERMISSION_APPLIED)
    assert_entry(
        entry,
        actor=new_unit_user,
        organization=new_unit,
        action=AuditAction.PERMISSION_APPLIED,
        obj=application,
    )
    assert entry.details["bureau"] == hr_bureau.name
    assert entry.details["problems"] == [application.check_problems]


@pytest.mark.parametrize(
    ("approve", "reason", "action"),
    [
        (True, "", AuditAction.PERMISSION_APPROVED),
        (False, "单位名称与营业执照不一致", AuditAction.PERMISSION_REJECTED),
    ],
)
def test_permission_decision_is_recorded_for_the_bureau(
    new_unit, new_unit_user, hr_bureau, bureau_reviewer, approve, reason, action
):
    registered_elsewhere(new_unit)
    application = services.apply_for_permission(actor=new_unit_user, unit=new_unit)

    services.decide_permission(
        actor=bureau_reviewer, application=application, approve=approve, reason=reason
    )

    entry = only_entry(action=action)
    application.refresh_from_db()
    assert_entry(
        entry,
        actor=bureau_reviewer,
        organization=hr_bureau,
        action=action,
        obj=application,
        reason=reason,
    )
    assert entry.details["unit"] == new_unit.name
    assert entry.details["permission_status"] == (
        PermissionStatus.APPROVED if approve else PermissionStatus.REJECTED
    )


def test_a_refused_decision_leaves_no_entry(new_unit, new_unit_user, hr_bureau, bureau_reviewer):
    registered_elsewhere(new_unit)
    application = services.apply_for_permission(actor=new_unit_user, unit=new_unit)

    with pytest.raises(ValidationError):
        services.decide_permission(actor=bureau_reviewer, application=application, approve=False)

    assert not AuditEntry.objects.exclude(action=AuditAction.PERMISSION_APPLIED).exists()
    assert PermissionApplication.objects.get().status == PermissionApplication.Status.PENDING


# --- path decisions --------------------------------------------------------------------------


@pytest.fixture
def series_level(db):
    return factories.SeriesFactory(), factories.LevelFactory()


def test_path_application_and_approval_are_recorded(
    unit, unit_reviewer, supervising_department, department_reviewer, series_level
):
    series, level = series_level
    path = services.apply_for_path(
        actor=unit_reviewer,
        organization=unit,
        series=series,
        level=level,
        target=supervising_department,
    )
    services.decide_path(actor=department_reviewer, path=path, approve=True)

    path.refresh_from_db()
    assert_entry(
        only_entry(action=AuditAction.PATH_APPLIED),
        actor=unit_reviewer,
        organization=unit,
        action=AuditAction.PATH_APPLIED,
        obj=path,
    )
    approved = only_entry(action=AuditAction.PATH_APPROVED)
    assert_entry(
        approved,
        actor=department_reviewer,
        organization=supervising_department,
        action=AuditAction.PATH_APPROVED,
        obj=path,
    )
    assert approved.object_repr == (
        "潍坊华东机械制造有限公司 → 潍坊市潍城区工业和信息化局（工程技术 中级）"
    )


def test_path_rejection_by_an_administrator_is_recorded_with_its_reason(
    reporting_department, reporting_reviewer, committee_office, administrator, series_level
):
    series, level = series_level
    committee = factories.CommitteeFactory(
        series=series, level=level, office=committee_office, region=reporting_department.region
    )
    path = services.apply_for_path(
        actor=reporting_reviewer,
        organization=reporting_department,
        series=series,
        level=level,
        committee=committee,
    )

    services.decide_path(actor=administrator, path=path, approve=False, reason="评委会尚未组建")

    assert_entry(
        only_entry(action=AuditAction.PATH_REJECTED),
        actor=administrator,
        organization=None,
        action=AuditAction.PATH_REJECTED,
        obj=path,
        reason="评委会尚未组建",
    )


# --- accounts and passwords changed by staff in the Django admin -----------------------------


def test_password_reset_by_staff_in_django_admin_is_recorded(login, unit_reviewer, administrator):
    response = login(administrator).post(
        f"/admin/applicants/user/{unit_reviewer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    unit_reviewer.refresh_from_db()
    assert unit_reviewer.check_password(NEW_PASSWORD)
    entry = only_entry(action=AuditAction.PASSWORD_RESET_BY_STAFF)
    assert_entry(
        entry,
        actor=administrator,
        organization=None,
        action=AuditAction.PASSWORD_RESET_BY_STAFF,
        obj=unit_reviewer,
    )
    assert entry.details == {"username": "unit_hr", "kind": "organization", "usable_password": True}
    # The hash is never written to the trail.
    assert unit_reviewer.password not in str(entry.details)


def test_an_invalid_password_form_records_nothing(login, unit_reviewer, administrator):
    response = login(administrator).post(
        f"/admin/applicants/user/{unit_reviewer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": "different", "usable_password": "true"},
    )

    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def test_changing_what_an_account_may_do_in_django_admin_is_recorded(
    login, unit_reviewer, administrator
):
    client = login(administrator)
    url = f"/admin/applicants/user/{unit_reviewer.pk}/change/"
    data = form_data(client.get(url))
    data.pop("is_active", None)  # unticked: the account is disabled

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    unit_reviewer.refresh_from_db()
    assert not unit_reviewer.is_active
    entry = only_entry(action=AuditAction.ACCOUNT_CHANGED_BY_STAFF)
    assert_entry(
        entry,
        actor=administrator,
        organization=None,
        action=AuditAction.ACCOUNT_CHANGED_BY_STAFF,
        obj=unit_reviewer,
    )
    assert entry.details["changes"] == {"is_active": [True, False]}
    assert entry.details["created"] is False


def test_creating_an_account_in_django_admin_is_recorded(login, administrator):
    response = login(administrator).post(
        "/admin/applicants/user/add/",
        {
            "username": "second_admin",
            "name": "第二管理员",
            "kind": AccountKind.ADMINISTRATOR,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.context["errors"]
    created = User.objects.get(username="second_admin")
    entry = only_entry(action=AuditAction.ACCOUNT_CHANGED_BY_STAFF)
    assert entry.actor == administrator and entry.changed_object == created
    assert entry.details["created"] is True
    assert entry.details["changes"]["kind"] == [None, AccountKind.ADMINISTRATOR]


# --- append-only -----------------------------------------------------------------------------


@pytest.fixture
def entry(unit, unit_reviewer):
    return record_audit(
        actor=unit_reviewer,
        action=AuditAction.ORGANIZATION_ACCOUNT_CHANGED,
        obj=unit,
        organization=unit,
        reason="测试",
    )


def test_an_entry_cannot_be_changed(entry):
    entry.reason = "改过的原因"
    with pytest.raises(ValidationError, match="审计记录不可修改"):
        entry.save()
    with pytest.raises(ValidationError, match="审计记录不可修改"):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="改过的原因")
    assert AuditEntry.objects.get(pk=entry.pk).reason == "测试"


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(ValidationError, match="审计记录不可删除"):
        entry.delete()
    with pytest.raises(ValidationError, match="审计记录不可删除"):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_unknown_action_is_refused(unit, unit_reviewer):
    with pytest.raises(ValueError, match="Unknown audit action"):
        record_audit(actor=unit_reviewer, action="made_up", obj=unit)


# --- Django admin ----------------------------------------------------------------------------

CHANGELIST = "/admin/institutions/auditentry/"


def test_administrator_reads_the_trail_with_filters(login, administrator, entry, hr_bureau):
    client = login(administrator)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "潍坊华东机械制造有限公司" in html
    assert "修改单位（部门）信息" in html
    # The filters: action, organization kind, time (and the date hierarchy).
    assert "?action__exact=organization_account_changed" in html
    assert "?organization_kind=unit" in html
    assert "created_at__gte=" in html and "created_at__year=" in html

    by_kind = client.get(CHANGELIST, {"organization_kind": OrgKind.HR_BUREAU})
    assert by_kind.status_code == 200
    assert by_kind.context["cl"].result_count == 0
    by_action = client.get(CHANGELIST, {"action__exact": AuditAction.ORGANIZATION_ACCOUNT_CHANGED})
    assert by_action.context["cl"].result_count == 1
    searched = client.get(CHANGELIST, {"q": "unit_hr"})
    assert searched.context["cl"].result_count == 1


def test_the_trail_is_read_only_in_django_admin(login, administrator, entry):
    client = login(administrator)
    detail = f"{CHANGELIST}{entry.pk}/change/"

    assert client.get(detail).status_code == 200
    assert client.post(detail, {"reason": "改过的原因"}).status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(f"{CHANGELIST}{entry.pk}/delete/").status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).reason == "测试"


def test_the_trail_is_not_for_other_accounts(login, unit_reviewer, entry):
    response = login(unit_reviewer).get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
