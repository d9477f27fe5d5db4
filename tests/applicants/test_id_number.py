"""ID numbers (GB 11643): one account per number, whatever the case of the check digit X."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from applicants.models import AccountKind, User
from applicants.validators import (
    birth_date_and_gender,
    validate_passport,
    validate_phone,
    validate_resident_id,
)
from tests import factories
from tests.applicants.helpers import ID_FEMALE, ID_MALE, ID_WITH_X


def test_valid_resident_id_is_accepted_and_normalised():
    assert validate_resident_id(f" {ID_WITH_X.lower()} ") == ID_WITH_X
    assert validate_resident_id(ID_MALE) == ID_MALE


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (ID_MALE[:-1] + ("1" if ID_MALE[-1] == "0" else "0"), "checksum"),
        (factories.resident_id(1, birth="19850231"), "birth_date"),
        (factories.resident_id(1, birth="20991231"), "birth_date"),
        (factories.resident_id(1, region="999999"), "region"),
        (ID_MALE[:15], "length"),
        ("37070219850315001Y", "format"),
    ],
)
def test_invalid_resident_id_names_what_is_wrong(number, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(number)
    assert excinfo.value.code == code
    assert excinfo.value.messages[0].startswith(("身份证号码", "居民身份证号码"))


# Born 1980 in 潍城区, whose code 370702 exists from 1983: the code is written into the number
# when the card is first issued, not at birth (issue 10).
OLDER_WEICHENG = "370702198005034682"


@pytest.mark.parametrize(
    "number",
    [
        OLDER_WEICHENG,
        factories.resident_id(3, region="371002", birth="19800503"),  # 环翠区, from 1987
        factories.resident_id(4, region="110103", birth="20150101"),  # 崇文区, until 2010
        factories.resident_id(5, region="110110", birth="19950101"),  # 燕山区, until 1986
    ],
)
def test_region_codes_are_accepted_whatever_the_birth_year(number):
    assert validate_resident_id(number) == number


@pytest.mark.parametrize("region", ["999999", "370002", "370799"])
def test_region_codes_that_never_existed_are_still_refused(region):
    number = factories.resident_id(1, region=region, birth="19800503")

    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(number)

    assert excinfo.value.code == "region"
    assert excinfo.value.messages == [f"身份证号码中的地区码（{region}）不存在，请核对。"]


def test_birth_date_and_gender_come_from_the_number():
    assert birth_date_and_gender(ID_MALE) == (date(1990, 1, 1), "M")
    assert birth_date_and_gender(ID_FEMALE) == (date(1992, 7, 8), "F")


def test_passport_and_phone_checks():
    assert validate_passport("e1234567") == "E1234567"
    with pytest.raises(ValidationError):
        validate_passport("E-1")
    assert validate_phone("138 1234-5678") == "13812345678"
    for bad in ("12812345678", "1381234567", "138123456789", ""):
        with pytest.raises(ValidationError):
            validate_phone(bad)


@pytest.mark.django_db
def test_save_stores_the_check_digit_x_uppercase():
    user = factories.ApplicantFactory(id_number=ID_WITH_X.lower())
    user.refresh_from_db()
    assert user.id_number == ID_WITH_X


@pytest.mark.django_db
def test_database_refuses_the_same_id_number_differing_only_in_x_case():
    factories.ApplicantFactory(id_number=ID_WITH_X)
    # bulk_create skips save(), so the lowercase x reaches the database as typed.
    twin = User(
        username="twin",
        name="双胞胎",
        kind=AccountKind.PERSONAL,
        id_number=ID_WITH_X.lower(),
        phone="13700000001",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([twin])
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_database_allows_many_accounts_without_an_id_number():
    factories.UserFactory(kind=AccountKind.ORGANIZATION, phone="", id_number=None)
    factories.UserFactory(kind=AccountKind.ORGANIZATION, phone="", id_number=None)
    assert User.objects.filter(id_number__isnull=True).count() == 2


@pytest.mark.django_db
def test_database_refuses_two_personal_accounts_with_one_phone():
    factories.ApplicantFactory(phone="13812345678")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ApplicantFactory(phone="13812345678")
    # Organization logins may share a contact phone.
    factories.UserFactory(kind=AccountKind.ORGANIZATION, phone="13812345678")
    factories.UserFactory(kind=AccountKind.ORGANIZATION, phone="13812345678")


@pytest.mark.django_db
def test_masked_id_number_hides_the_middle():
    user = factories.ApplicantFactory(id_number=ID_MALE)
    assert user.masked_id_number == f"{ID_MALE[:4]}{'*' * 10}{ID_MALE[-4:]}"
