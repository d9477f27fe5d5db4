"""Usernames, ID numbers and personal phones are one sign-in namespace (applicants.SignInName).

A passport number equal to another person's phone would take over that person's phone login
and password reset; every entry point refuses it, and the database refuses it when two
registrations race.
"""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from applicants import selectors, services
from applicants.models import AccountKind, IdType, SignInName, User
from institutions import services as institution_services
from institutions.models import Organization, OrgKind
from tests import factories
from tests.applicants.helpers import CAPTCHA_OK, field_errors, flash_messages, registration_data
from tests.institutions.helpers import field_error, unit_registration_data

pytestmark = pytest.mark.django_db

REGISTER = "/accounts/register/"
CONFIRM = "/accounts/register/confirm/"
LISI_PHONE = "13800000002"


@pytest.fixture
def lisi(regions):
    return factories.ApplicantFactory(username="lisi", name="李四", phone=LISI_PHONE)


def _passport_registration(number, **overrides):
    return registration_data(
        name="王新人", id_type="passport", id_number=number, phone="13911112222", **overrides
    )


def _registration(**overrides) -> services.PersonalRegistration:
    values = {
        "username": "newcomer",
        "name": "王新人",
        "id_type": IdType.PASSPORT,
        "id_number": "E7654321",
        "phone": "13911112222",
        "password_hash": make_password("Shandong#2026"),
    }
    values.update(overrides)
    return services.PersonalRegistration(**values)


# --- registration -----------------------------------------------------------------------------


def test_passport_number_equal_to_someone_elses_phone_is_refused_at_registration(client, lisi):
    response = client.post(REGISTER, _passport_registration(LISI_PHONE))

    assert response.status_code == 200
    assert field_errors(response, "id_number") == [
        "该证件号码与其他账号的手机号码相同，无法作为登录账号，请联系平台技术支持。"
    ]
    assert 'value="13800000002"' in response.content.decode()  # kept for the correction
    assert User.objects.count() == 1


def test_passport_number_nobody_signs_in_with_registers(client, lisi):
    client.post(REGISTER, _passport_registration("13800000009"))
    client.post(CONFIRM)

    newcomer = User.objects.get(username="lisi2026")
    assert newcomer.id_number == "13800000009"
    assert selectors.find_user_by_identifier("13800000009") == newcomer
    assert selectors.find_user_by_identifier(LISI_PHONE) == lisi


def test_phone_equal_to_someone_elses_passport_number_is_refused_at_registration(client):
    factories.UserFactory(id_type=IdType.PASSPORT, id_number="13912345678", phone="13700000001")

    response = client.post(REGISTER, registration_data(phone="13912345678"))

    assert field_errors(response, "phone") == [
        "该手机号码与其他账号的证件号码相同，不能作为登录名，请换一个手机号码或联系平台技术支持。"
    ]
    assert User.objects.count() == 1


def test_service_refuses_a_passport_number_that_is_someone_elses_phone(lisi):
    with pytest.raises(ValidationError) as excinfo:
        services.register_personal_account(registration=_registration(id_number=LISI_PHONE))

    assert "已被注册" in excinfo.value.messages[0]
    assert not User.objects.filter(username="newcomer").exists()


def test_service_registers_when_every_name_is_free(lisi):
    user = services.register_personal_account(registration=_registration())

    assert set(user.sign_in_names_set.values_list("value", "kind")) == {
        ("NEWCOMER", "username"),
        ("E7654321", "id_number"),
        ("13911112222", "phone"),
    }


def test_a_registration_racing_another_loses_to_the_database_constraint(lisi, monkeypatch):
    # The check passed before the other registration committed: the unique constraint decides.
    monkeypatch.setattr(services, "taken_sign_in_names", lambda names: {})

    with pytest.raises(ValidationError) as excinfo:
        services.register_personal_account(registration=_registration(id_number=LISI_PHONE))

    assert "已被注册" in excinfo.value.messages[0]
    assert not User.objects.filter(username="newcomer").exists()
    assert SignInName.objects.get(value=LISI_PHONE).user == lisi


def test_someone_taking_the_phone_as_passport_between_form_and_confirmation(client, lisi):
    client.post(REGISTER, registration_data(phone="13955556666"))
    factories.UserFactory(id_type=IdType.PASSPORT, id_number="13955556666", phone="13700000002")

    response = client.post(CONFIRM, follow=True)

    assert response.redirect_chain[-1][0] == REGISTER
    assert "已被注册，请返回修改" in " ".join(flash_messages(response))
    assert not User.objects.filter(username="lisi2026").exists()


# --- the database -------------------------------------------------------------------------------


def test_database_refuses_a_passport_number_that_is_another_accounts_phone(lisi):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(id_type=IdType.PASSPORT, id_number=LISI_PHONE, phone="13700000003")

    assert not User.objects.filter(id_number=LISI_PHONE).exists()


def test_database_refuses_a_username_that_is_another_accounts_passport_in_another_case():
    factories.UserFactory(id_type=IdType.PASSPORT, id_number="E12345678")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(username="e12345678", kind=AccountKind.ORGANIZATION, phone="")


def test_organization_contact_phones_are_not_sign_in_names(lisi):
    # A person may be a unit's contact with their own phone; units sign in by login name only.
    account = factories.UserFactory(kind=AccountKind.ORGANIZATION, phone=LISI_PHONE)

    assert not account.sign_in_names_set.filter(kind="phone").exists()
    assert selectors.find_user_by_identifier(LISI_PHONE) == lisi


def test_sign_in_names_follow_a_changed_phone_and_username(lisi):
    lisi.phone = "13800000007"
    lisi.username = "lisi_new"
    lisi.save()

    assert selectors.find_user_by_identifier("13800000007") == lisi
    assert selectors.find_user_by_identifier("LISI_NEW") == lisi
    assert selectors.find_user_by_identifier(LISI_PHONE) is None
    assert selectors.find_user_by_identifier("lisi") is None


def test_saving_the_last_login_does_not_touch_sign_in_names(lisi, django_assert_num_queries):
    with django_assert_num_queries(1):
        lisi.save(update_fields=["last_login"])


def test_model_validation_names_the_field_for_the_admin(lisi):
    impostor = User(username="impostor", name="冒名", id_type=IdType.PASSPORT, id_number=LISI_PHONE)

    with pytest.raises(ValidationError) as excinfo:
        impostor.full_clean(exclude=["password"])

    assert "其他账号的登录名" in excinfo.value.message_dict["id_number"][0]
    lisi.full_clean(exclude=["password"])  # one's own names are no conflict


def test_migration_fills_names_and_keeps_the_first_match_of_old_sign_in(regions):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("applicants.migrations.0002_sign_in_names")
    phone_owner = factories.ApplicantFactory(username="phone_owner", phone="13800000005")
    SignInName.objects.all().delete()
    # Data from before the namespace: a passport equal to that phone (bulk_create skips save).
    User.objects.bulk_create(
        [
            User(
                username="passport_owner",
                name="旧数据",
                kind=AccountKind.PERSONAL,
                id_type=IdType.PASSPORT,
                id_number="13800000005",
                phone="13800000006",
            )
        ]
    )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.fill_sign_in_names(apps, editor)

    # The old lookup tried ID numbers before phones, so the passport keeps the name.
    passport_owner = User.objects.get(username="passport_owner")
    assert selectors.find_user_by_identifier("13800000005") == passport_owner
    assert selectors.find_user_by_identifier("phone_owner") == phone_owner
    assert selectors.find_user_by_identifier("13800000006") == passport_owner


# --- the other entry points --------------------------------------------------------------------


def test_profile_phone_equal_to_someone_elses_passport_number_is_refused(login, applicant):
    factories.UserFactory(id_type=IdType.PASSPORT, id_number="13966667777", phone="13700000004")
    old_phone = applicant.phone

    response = login(applicant).post("/accounts/profile/", {"phone": "13966667777"})

    assert response.status_code == 200
    assert field_errors(response, "phone") == [
        "该手机号码与其他账号的证件号码相同，不能作为登录名，请换一个手机号码或联系平台技术支持。"
    ]
    applicant.refresh_from_db()
    assert applicant.phone == old_phone


def test_profile_service_refuses_a_phone_that_is_another_accounts_sign_in_name(applicant):
    factories.UserFactory(id_type=IdType.PASSPORT, id_number="13966667777", phone="13700000004")

    with pytest.raises(ValidationError) as excinfo:
        services.update_profile(
            actor=applicant, user=applicant, phone="13966667777", email="", ethnicity=""
        )

    assert "phone" in excinfo.value.message_dict
    services.update_profile(
        actor=applicant, user=applicant, phone="13966667778", email="", ethnicity=""
    )
    assert selectors.find_user_by_identifier("13966667778") == applicant


def test_unit_login_name_equal_to_a_passport_number_is_refused(client, regions):
    factories.UserFactory(id_type=IdType.PASSPORT, id_number="XINHUAUNIT")

    response = client.post(
        "/org/register/", unit_registration_data(regions["370702"], username="XinhuaUnit")
    )

    assert field_error(response, "username") == "该登录名已被使用，请换一个。"
    assert not Organization.objects.exists()


def test_organization_account_service_refuses_a_passport_number_as_login_name(
    regions, administrator
):
    factories.UserFactory(id_type=IdType.PASSPORT, id_number="KWRSJ2026")

    with pytest.raises(ValidationError) as excinfo:
        institution_services.create_organization_account(
            actor=administrator,
            name="潍坊市奎文区人力资源和社会保障局",
            kind=OrgKind.HR_BUREAU,
            region=regions["370702"],
            username="kwrsj2026",
            password_hash=make_password("Dept@2026pass"),
        )

    assert "username" in excinfo.value.message_dict
    assert not Organization.objects.filter(kind=OrgKind.HR_BUREAU).exists()


def test_password_reset_by_phone_reaches_the_phone_owner(
    client, lisi, django_capture_on_commit_callbacks
):
    from applicants import sms

    client.post(REGISTER, _passport_registration(LISI_PHONE))  # refused
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"identifier": LISI_PHONE, **CAPTCHA_OK})

    assert [phone for phone, _body in sms.outbox] == [LISI_PHONE]
    assert User.objects.count() == 1


def test_after_the_refused_takeover_lisi_signs_in_with_her_phone_on_the_login_page(
    client, post_login, lisi
):
    client.post(REGISTER, _passport_registration(LISI_PHONE))  # refused
    assert client.get("/accounts/login/").status_code == 200

    response = post_login(LISI_PHONE)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert home.wsgi_request.user == lisi
    assert "李四" in home.content.decode()
