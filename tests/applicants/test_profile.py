"""基本信息: phone, email and ethnicity can be changed; name and ID number never."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from applicants import services
from applicants.models import IdType, User
from tests import factories
from tests.applicants.helpers import field_errors, flash_messages

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def test_profile_shows_fixed_identity_and_editable_contact(login, applicant):
    content = login(applicant).get(PROFILE).content.decode()
    assert "张三" in content
    assert applicant.id_number in content
    assert "姓名和证件号码注册后不能修改" in content
    assert f'value="{applicant.phone}"' in content


def test_contact_details_are_changed(login, applicant):
    client = login(applicant)
    response = client.post(
        PROFILE,
        {"phone": "13587654321", "email": "zhangsan@example.com", "ethnicity": "回族"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == PROFILE
    assert "基本信息已保存。" in flash_messages(response)
    applicant.refresh_from_db()
    assert applicant.phone == "13587654321"
    assert applicant.email == "zhangsan@example.com"
    assert applicant.ethnicity == "回族"


def test_name_and_id_number_cannot_be_changed(login, applicant):
    before = User.objects.get(pk=applicant.pk)
    other_id = factories.resident_id(99, birth="19700101")
    login(applicant).post(
        PROFILE,
        {
            "name": "张三丰",
            "id_number": other_id,
            "id_type": "passport",
            "username": "zhangsanfeng",
            "birth_date": "1970-01-01",
            "gender": "F",
            "phone": before.phone,
            "ethnicity": "汉族",
        },
    )
    applicant.refresh_from_db()
    assert applicant.name == "张三"
    assert applicant.id_number == before.id_number
    assert applicant.id_type == IdType.RESIDENT_ID
    assert applicant.username == "zhangsan"
    # Birth date and gender come from the ID number and stay as they were.
    assert applicant.birth_date == before.birth_date
    assert applicant.gender == before.gender
    assert applicant.ethnicity == "汉族"


def test_invalid_phone_is_refused_and_nothing_is_lost(login, applicant):
    old_phone = applicant.phone
    response = login(applicant).post(
        PROFILE, {"phone": "1234", "email": "new@example.com", "ethnicity": "满族"}
    )
    assert response.status_code == 200
    assert "请输入11位中国大陆手机号码，例如 13800000000。" in field_errors(response, "phone")
    content = response.content.decode()
    assert 'value="1234"' in content
    assert 'value="new@example.com"' in content
    assert 'value="满族"' in content
    applicant.refresh_from_db()
    assert applicant.phone == old_phone
    assert applicant.email == ""
    assert applicant.ethnicity == ""


def test_invalid_email_is_refused(login, applicant):
    response = login(applicant).post(
        PROFILE, {"phone": applicant.phone, "email": "not-an-email", "ethnicity": ""}
    )
    assert field_errors(response, "email")
    applicant.refresh_from_db()
    assert applicant.email == ""


def test_phone_of_another_person_is_refused(login, applicant):
    factories.ApplicantFactory(phone="13587654321")
    response = login(applicant).post(PROFILE, {"phone": "13587654321", "ethnicity": "汉族"})
    assert "该手机号码已被其他个人账号使用。" in field_errors(response, "phone")
    applicant.refresh_from_db()
    assert applicant.phone != "13587654321"
    assert applicant.ethnicity == ""


def test_keeping_ones_own_phone_is_fine(login, applicant):
    response = login(applicant).post(PROFILE, {"phone": applicant.phone, "ethnicity": "汉族"})
    assert response.status_code == 302


def test_passport_holder_enters_birth_date_and_gender(login, regions):
    holder = factories.UserFactory(id_type=IdType.PASSPORT, id_number="E12345678")
    client = login(holder)
    assert 'name="birth_date"' in client.get(PROFILE).content.decode()
    client.post(PROFILE, {"phone": holder.phone, "birth_date": "1988-05-06", "gender": "F"})
    holder.refresh_from_db()
    assert holder.birth_date == date(1988, 5, 6)
    assert holder.gender == "F"


def test_resident_id_holder_has_no_birth_date_field(login, applicant):
    content = login(applicant).get(PROFILE).content.decode()
    assert 'name="birth_date"' not in content
    assert 'name="gender"' not in content
    assert applicant.birth_date.strftime("%Y-%m-%d") in content


def test_nobody_changes_someone_elses_profile(applicant, regions):
    other = factories.ApplicantFactory()
    with pytest.raises(PermissionDenied):
        services.update_profile(
            actor=other, user=applicant, phone="13587654321", email="", ethnicity=""
        )
    applicant.refresh_from_db()
    assert applicant.phone != "13587654321"


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PROFILE}"
