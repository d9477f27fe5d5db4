"""The project's forms say which field is missing (请填写“…”。 / 请选择“…”。) instead of Django's
"这个字段是必须的", keep a field's own message, and offer one empty choice ("请选择")."""

import pytest
from django.urls import reverse

from applicants.forms import LoginForm, PersonalRegistrationForm, ProfileForm
from core.forms import EMPTY_LABEL, name_required_fields
from institutions.forms import OrganizationProfileForm, PathDecisionForm, PermissionDecisionForm
from review.forms import NoticeCancelForm
from review.forms_decision import PassForm, RejectForm, SectionResultForm
from tests import factories

pytestmark = pytest.mark.django_db

DJANGO_REQUIRED = "这个字段是必须的"


def messages(form, field):
    return " ".join(form.errors.get(field, []))


def test_registration_names_each_missing_field(client):
    response = client.post(reverse("applicants:register"), {"name": ""})
    html = response.content.decode()
    assert DJANGO_REQUIRED not in html
    assert "请填写“姓名”。" in html and "请填写“证件号码”。" in html
    assert "请填写“手机号码”。" in html and "请填写“密码”。" in html


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (lambda: PersonalRegistrationForm(data={}), "username", "请填写“用户名”。"),
        (lambda: LoginForm(data={}), "password", "请填写“密码”。"),
        (
            lambda: ProfileForm(data={}, user=factories.ApplicantFactory()),
            "phone",
            "请填写“手机号码”。",
        ),
        (lambda: PermissionDecisionForm(data={}), "decision", "请选择“审核结果”。"),
        (
            lambda: OrganizationProfileForm(data={}, organization=factories.OrganizationFactory()),
            "contact_name",
            "请填写“联系人”。",
        ),
    ],
)
def test_forms_of_every_app_name_the_missing_field(form, field, message):
    bound = form()
    assert not bound.is_valid()
    assert message in messages(bound, field), bound.errors
    assert DJANGO_REQUIRED not in str(bound.errors)


def test_a_field_s_own_message_is_kept():
    decision = PathDecisionForm(data={})
    assert not decision.is_valid()
    assert messages(decision, "decision") == "请选择“生效”或“不通过”。"
    upper = PassForm(data={}, upper=True)
    assert not upper.is_valid()
    assert messages(upper, "opinion") == "审查通过时必须签署审查意见。"
    for form, field, message in (
        (SectionResultForm(data={}), "result", "请选择“通过”或“不通过”。"),
        (RejectForm(data={}), "reason", "审核不通过时必须填写原因。"),
        (NoticeCancelForm(data={}), "reason", "请填写撤销原因。"),
    ):
        assert not form.is_valid()
        assert messages(form, field) == message


def test_messages_follow_labels_and_required_flags_set_after_init():
    form = ProfileForm(data={}, user=factories.ApplicantFactory())
    form.fields["email"].required = True
    form.fields["email"].label = "常用邮箱"
    name_required_fields(form)
    assert not form.is_valid()
    assert "请填写“常用邮箱”。" in messages(form, "email")


def test_gender_offers_the_project_empty_choice():
    choices = dict(ProfileForm.base_fields["gender"].choices)
    assert choices[""] == EMPTY_LABEL


def test_a_label_with_markup_is_named_by_its_text():
    form = ProfileForm(data={}, user=factories.ApplicantFactory())
    form.fields["email"].required = True
    form.fields["email"].label = "<strong>常用</strong>邮箱 "
    name_required_fields(form)
    assert not form.is_valid()
    assert "请填写“常用邮箱”。" in messages(form, "email")
