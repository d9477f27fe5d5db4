"""Slots required by condition (按条件必传), configured per plan in admin: each of the seeds' rules
on a declaration that meets it (the slot is asked for, saying why, and submission is refused
until a valid file is there) and on one that does not (submission goes through without it);
the condition's validation in admin; the section page's 按条件必传; query counts that do not
grow with slots or rows."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attachments.models import Attachment
from catalog.models import DeclarationMethod
from declarations import services as declaration_services
from declarations.models import AttachmentSlot, DeclarationSection, DeclarationStatus
from declarations.slot_conditions import holds, resolve
from demo.fill import (
    admin_post_item,
    bound,
    prefixed,
    rows_data,
    single_values,
    title_item,
    work_item,
)
from tests.declarations.builders import fill_valid, upload_valid


@pytest.fixture
def declaration(engineering_declaration, unit):
    """Complete: every section saved with the demo values, every file they need uploaded."""
    declaration = fill_valid(engineering_declaration, unit)
    declaration.unit = unit
    return declaration


def slot(declaration, code):
    return AttachmentSlot.objects.select_related("plan_section").get(
        plan_section__plan=declaration.plan, code=code
    )


def save_single(declaration, code, **changes):
    values = {**single_values(declaration, declaration.unit)[code], **changes}
    form = bound(declaration, code, prefixed(code, values))
    assert form.is_valid(), form.errors
    extra = {}
    if code == "declaration_info":
        extra["declaring_unit"] = form.cleaned_data["declaring_unit"]
    declaration_services.save_section(
        actor=declaration.applicant,
        declaration=declaration,
        code=code,
        data=form.to_data(),
        **extra,
    )


def save_rows(declaration, code, rows):
    formset = bound(declaration, code, rows_data(code, rows))
    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    declaration_services.save_section(
        actor=declaration.applicant, declaration=declaration, code=code, data=formset.to_data()
    )


def method_pk(code):
    return str(DeclarationMethod.objects.get(code=code).pk)


def without_appointment():
    item = title_item(0)
    item["appointed_on"] = ""
    return item


# Each rule: the slot, why the missing list asks for it, a change of the demo values that
# meets the condition and one that does not (None: the demo values as they are).
CASES = {
    "exceptional": (
        "exceptional_approval",
        "“破格情况”为“学历破格”，请上传“破格推荐审批表”",
        lambda d: save_single(
            d, "declaration_info", method=method_pk("exceptional"), exception_kind="学历破格"
        ),
        None,
    ),
    "degree_since_2008_09": (
        "degree_report",
        "“全日制-学位授予时间”为2008-09-01（2008-09-01及以后），请上传“学位认证报告”",
        lambda d: save_single(d, "education", full_time_degree_on="2008-09-01"),
        lambda d: save_single(d, "education", full_time_degree_on="2008-08-31"),
    ),
    "administrative_post": (
        "post_documents",
        "已填写“现任（含兼任）行政职务”，请上传“任命文件”",
        None,  # the demo applicant has a post: its file is simply deleted
        lambda d: save_rows(d, "admin_posts", []),
    ),
    "dual_role": (
        "dual_role_approval",
        "已勾选“双肩挑”，请上传“事业单位专业技术岗位兼职审批表”",
        # any row: the second of two
        lambda d: save_rows(
            d, "admin_posts", [admin_post_item(0), {**admin_post_item(1), "dual_role": "on"}]
        ),
        lambda d: save_rows(d, "admin_posts", [admin_post_item(0), admin_post_item(1)]),
    ),
    "aid_experience": (
        "special_experience",
        "“特殊经历”为“援藏”，请上传“特殊经历佐证材料”",
        lambda d: save_rows(
            d,
            "work_experience",
            [{**work_item(0, 2), "special_experience": "援藏"}, work_item(1, 2)],
        ),
        lambda d: save_rows(d, "work_experience", [work_item(0, 2), work_item(1, 2)]),
    ),
    "public_institution_staff": (
        "post_information",
        "已勾选“事业单位在编人员”，请上传“事业单位人员职称申报岗位信息表”",
        lambda d: save_single(d, "declaration_info", public_institution_staff="on"),
        None,
    ),
    "transferred_in": (
        "transfer_confirmation",
        "已勾选“外地调入”，请上传“外地调入人员专业技术职务资格审核确认登记表”",
        lambda d: save_rows(d, "titles", [{**title_item(0), "transferred_in": "on"}]),
        None,
    ),
    "high_skill": (
        "skill_certificate",
        "“申报信息”中“申报方式”为“高技能人才贯通”，请上传“技师证书等相关材料”",
        lambda d: save_single(d, "declaration_info", method=method_pk("high_skill")),
        lambda d: save_single(d, "declaration_info", method=method_pk("change_series")),
    ),
    "high_level": (
        "skill_certificate",
        "“申报信息”中“申报方式”为“高层次人才直评”，请上传“技师证书等相关材料”",
        lambda d: save_single(d, "declaration_info", method=method_pk("high_level")),
        lambda d: save_single(d, "declaration_info", method=method_pk("normal")),
    ),
    "appointed": (
        "appointment",
        "已填写“聘任时间”，请上传“聘书或聘任文件”",
        None,  # the demo title has a 聘任时间: its file is simply deleted
        lambda d: save_rows(d, "titles", [without_appointment()]),
    ),
}


def missing(declaration):
    return [(m["section"], m["message"]) for m in declaration_services.missing_items(declaration)]


def submit(declaration):
    return declaration_services.submit_declaration(
        actor=declaration.applicant, declaration=declaration
    )


@pytest.mark.parametrize("case", list(CASES))
def test_a_declaration_meeting_the_condition_needs_the_slot(declaration, case):
    code, message, meet, _unmet = CASES[case]
    target = slot(declaration, code)
    Attachment.objects.filter(declaration=declaration, slot=target).delete()
    if meet is not None:
        meet(declaration)
    assert missing(declaration) == [(target.plan_section.code, message)]
    with pytest.raises(ValidationError, match=message):
        submit(declaration)
    # A refused file does not do.
    bad = upload_valid(declaration, target)
    Attachment.objects.filter(pk=bad.pk).update(status=Attachment.Status.REJECTED)
    assert missing(declaration) == [
        (target.plan_section.code, f"“{target.name}”的文件不合格，请重新上传")
    ]
    upload_valid(declaration, target)
    assert missing(declaration) == []
    submit(declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


@pytest.mark.parametrize("case", list(CASES))
def test_a_declaration_not_meeting_the_condition_goes_without_it(declaration, case):
    code, _message, _meet, unmet = CASES[case]
    Attachment.objects.filter(declaration=declaration, slot__code=code).delete()
    if unmet is not None:
        unmet(declaration)
    assert missing(declaration) == []
    submit(declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert not declaration.attachments.filter(slot__code=code).exists()


def test_a_condition_in_a_disabled_section_never_holds(declaration):
    save_rows(declaration, "admin_posts", [{**admin_post_item(0), "dual_role": "on"}])
    assert missing(declaration) != []
    section = declaration.plan.sections.get(code="admin_posts")
    section.enabled = False
    section.save()
    assert missing(declaration) == []


def test_the_culture_plan_has_the_same_rules(culture_declaration, unit):
    """Its own slots too: a 聘任时间 asks for the 聘书 there as well."""
    saved = {
        "titles": {"rows": [{"title": "管理员", "appointed_on": "2019-10-01"}]},
        "declaration_info": {"exception_kind": "资历破格"},
    }
    for code, data in saved.items():
        DeclarationSection.objects.create(declaration=culture_declaration, code=code, data=data)
    messages = [m["message"] for m in declaration_services.missing_items(culture_declaration)]
    assert "已填写“聘任时间”，请上传“聘书或聘任文件”" in messages
    assert "“破格情况”为“资历破格”，请上传“破格推荐审批表”" in messages


# ---------------------------------------------------------------- deciding, exactly


@pytest.mark.parametrize(
    ("full_time", "review", "needed"),
    [
        ("2008-09-01", None, True),
        ("2008-08-31", None, False),
        (None, "2015-06-30", True),  # either degree
        ("2001-07-01", "2008-08-31", False),
        (None, None, False),
    ],
)
def test_date_from_includes_the_day_itself(engineering_plan, full_time, review, needed):
    target = AttachmentSlot.objects.get(plan_section__plan=engineering_plan, code="degree_report")
    sections = {
        "education": {"full_time_degree_on": full_time, "review_degree_on": review},
    }
    assert (holds(target, sections) is not None) is needed


# ---------------------------------------------------------------- configuring in admin


def new_slot(plan, section="titles", **condition):
    return AttachmentSlot(
        plan_section=plan.sections.get(code=section),
        code="x",
        name="测试栏目",
        **condition,
    )


def test_a_valid_condition_is_resolved_to_what_the_forms_store(engineering_plan):
    filled = new_slot(
        engineering_plan,
        condition_section="admin_posts",
        condition_field="post",
        condition_operator="filled",
    )
    filled.full_clean()
    assert filled.condition_values == {}
    method = new_slot(
        engineering_plan,
        condition_section="declaration_info",
        condition_field="method",
        condition_operator="equals",
        condition_value="高技能人才贯通，高层次人才直评",
    )
    method.full_clean()
    assert method.condition_values == {
        "values": [
            [str(DeclarationMethod.objects.get(code=code).pk), name]
            for code, name in (("high_skill", "高技能人才贯通"), ("high_level", "高层次人才直评"))
        ]
    }
    choice = new_slot(
        engineering_plan,
        condition_section="work_experience",
        condition_field="special_experience",
        condition_operator="equals",
        condition_value="援藏,援疆",
    )
    choice.full_clean()
    assert choice.condition_values == {"values": [["援藏", "援藏"], ["援疆", "援疆"]]}
    month = new_slot(
        engineering_plan,
        condition_section="education",
        condition_field="full_time_degree_on, review_degree_on",
        condition_operator="date_from",
        condition_value="2008-09",
    )
    month.full_clean()
    assert month.condition_values == {"date": "2008-09-01"}


@pytest.mark.parametrize(
    ("condition", "field", "message"),
    [
        (
            {"condition_section": "titles", "condition_field": "appointed"},
            "condition_operator",
            "请选择条件",
        ),
        ({"condition_operator": "filled"}, "condition_section", "请选择条件所在的模块"),
        (
            {"condition_operator": "filled", "condition_section": "continuing_education"},
            "condition_section",
            "没有可填写的字段",
        ),
        (
            {
                "condition_operator": "filled",
                "condition_section": "titles",
                "condition_field": "appointed",
            },
            "condition_field",
            "“现专业技术职称及职业资格”模块没有字段appointed。可选：",
        ),
        (
            {
                "condition_operator": "equals",
                "condition_section": "declaration_info",
                "condition_field": "method",
                "condition_value": "高技能",
            },
            "condition_value",
            "找不到这些选项：高技能",
        ),
        (
            {
                "condition_operator": "equals",
                "condition_section": "declaration_info",
                "condition_field": "method",
            },
            "condition_value",
            "请填写条件值",
        ),
        (
            {
                "condition_operator": "date_from",
                "condition_section": "titles",
                "condition_field": "title",
                "condition_value": "2008-09-01",
            },
            "condition_field",
            "只能用于日期字段",
        ),
        (
            {
                "condition_operator": "date_from",
                "condition_section": "education",
                "condition_field": "full_time_degree_on",
                "condition_value": "2008年九月",
            },
            "condition_value",
            "请按“年-月-日”填写日期",
        ),
        (
            {
                "condition_operator": "filled",
                "condition_section": "titles",
                "condition_field": "appointed_on",
                "condition_value": "是",
            },
            "condition_value",
            "不需要条件值",
        ),
        (
            {
                "condition_operator": "equals",
                "condition_section": "titles",
                "condition_field": "transferred_in",
                "condition_value": "是",
            },
            "condition_field",
            "勾选框",
        ),
        (
            {
                "condition_operator": "filled",
                "condition_section": "titles",
                "condition_field": "appointed_on",
                "required": True,
            },
            "required",
            "不要勾选“必须上传”",
        ),
    ],
    ids=[
        "no_operator",
        "no_section",
        "section_without_form",
        "unknown_field",
        "unknown_value",
        "no_value",
        "date_of_a_text",
        "bad_date",
        "value_for_filled",
        "equals_on_a_checkbox",
        "required_too",
    ],
)
def test_a_bad_condition_is_refused_next_to_its_field(engineering_plan, condition, field, message):
    bad = new_slot(engineering_plan, **condition)
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    errors = refused.value.message_dict
    assert field in errors and any(message in e for e in errors[field]), errors


def test_a_condition_on_a_section_the_plan_does_not_enable_is_refused(engineering_plan):
    engineering_plan.sections.filter(code="admin_posts").update(enabled=False)
    bad = new_slot(
        engineering_plan,
        condition_section="admin_posts",
        condition_field="post",
        condition_operator="filled",
    )
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert "本计划没有启用“现任（含兼任）行政职务”模块" in str(refused.value)


def slot_admin_post(plan_section, **overrides):
    data = {
        "plan_section": plan_section.pk,
        "code": "skill",
        "name": "技能证书",
        "hint": "",
        "multiple": "on",
        "sort_order": 9,
        "condition_section": "declaration_info",
        "condition_field": "method",
        "condition_operator": "equals",
        "condition_value": "高技能人才贯通",
    }
    data.update(overrides)
    return data


def test_admin_saves_a_condition_and_refuses_a_bad_one(login, administrator, engineering_plan):
    client = login(administrator)
    titles = engineering_plan.sections.get(code="titles")
    url = reverse("admin:declarations_attachmentslot_add")
    response = client.post(url, slot_admin_post(titles, condition_value="高技能人才"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "找不到这些选项：高技能人才" in html
    # What was typed is kept.
    assert 'value="高技能人才"' in html
    assert not AttachmentSlot.objects.filter(code="skill").exists()

    response = client.post(url, slot_admin_post(titles))
    assert response.status_code == 302
    saved = AttachmentSlot.objects.get(plan_section=titles, code="skill")
    method = DeclarationMethod.objects.get(code="high_skill")
    assert saved.condition_values == {"values": [[str(method.pk), "高技能人才贯通"]]}
    listing = client.get(reverse("admin:declarations_attachmentslot_changelist")).content.decode()
    assert "按条件必传：“申报信息”中“申报方式”为“高技能人才贯通”的须上传" in listing


def test_the_plan_section_admin_edits_its_slots_conditions(login, administrator, engineering_plan):
    client = login(administrator)
    section = engineering_plan.sections.get(code="admin_posts")
    url = reverse("admin:declarations_plansection_change", args=[section.pk])
    page = client.get(url).content.decode()
    assert "按条件必传" in page and 'name="slots-0-condition_field"' in page


# ---------------------------------------------------------------- the section page


def test_the_section_page_says_when_a_slot_is_needed(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, "titles"])
    html = client.get(url).content.decode()

    def card(code):
        card = html[html.index(f'data-slot="{code}"') :]
        return card[: card.index("</form>")] if "</form>" in card else card

    appointment = card("appointment")
    assert "按条件必传" in appointment and "asteriskField" not in appointment.split("</h3>")[0]
    assert "按条件必传：填写了“聘任时间”的须上传。" in appointment
    skill = card("skill_certificate")
    assert (
        "按条件必传：“申报信息”中“申报方式”为“高技能人才贯通”或“高层次人才直评”的须上传。" in skill
    )
    certificate = card("title_certificate")
    assert 'data-testid="slot-condition"' not in certificate.split("</h3>")[0]
    education = client.get(
        reverse("declarations:section", args=[engineering_declaration.pk, "education"])
    ).content.decode()
    assert (
        "按条件必传：“全日制-学位授予时间”或“评审依据-学位授予时间”在2008-09-01及以后的须上传"
        in (education)
    )


# ---------------------------------------------------------------- queries


def test_completeness_queries_do_not_grow_with_conditional_slots_or_rows(declaration):
    """missing_items reads the slots, the files and the saved sections the conditions name
    once each, however many conditional slots and rows there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            declaration_services.missing_items(declaration)
        return len(captured)

    count()  # warm-up
    one = count()
    titles = declaration.plan.sections.get(code="titles")
    for number in range(10):
        AttachmentSlot.objects.create(
            plan_section=titles,
            code=f"extra{number}",
            name=f"附加{number}",
            condition_section="work_experience",
            condition_field="special_experience",
            condition_operator="filled",
        )
    save_rows(
        declaration,
        "work_experience",
        [work_item(i, 12) for i in range(12)],
    )
    save_rows(declaration, "admin_posts", [admin_post_item(i) for i in range(8)])
    many = count()
    assert many == one, (one, many)


def test_resolve_is_what_save_stores(engineering_plan):
    target = AttachmentSlot.objects.get(
        plan_section__plan=engineering_plan, code="skill_certificate"
    )
    assert target.condition_values == resolve(target)
    # Stored and read back in the order typed (PostgreSQL keeps no order of a JSON object's
    # keys: a list keeps it).
    target.refresh_from_db()
    assert [label for _pk, label in target.condition_values["values"]] == [
        "高技能人才贯通",
        "高层次人才直评",
    ]


# ---------------------------------------------------------------- the fields the conditions read


def test_a_degree_date_needs_a_degree_and_is_copied_with_the_full_time_block(
    engineering_declaration, unit
):
    values = single_values(engineering_declaration, unit)["education"]
    awarded = bound(
        engineering_declaration,
        "education",
        prefixed("education", {**values, "full_time_degree_on": "2012-07-01"}),
    )
    assert awarded.is_valid(), awarded.errors
    data = awarded.to_data()
    assert data["full_time_degree_on"] == data["review_degree_on"] == "2012-07-01"

    no_degree = {**values, "full_time_degree": "无", "full_time_degree_on": "2012-07-01"}
    refused = bound(engineering_declaration, "education", prefixed("education", no_degree))
    assert not refused.is_valid()
    assert "填写了学位授予时间，请同时选择学位" in str(refused.errors["full_time_degree_on"])
    future = {**values, "full_time_degree_on": "2999-01-01"}
    refused = bound(engineering_declaration, "education", prefixed("education", future))
    assert "学位授予时间不能晚于今天" in str(refused.errors["full_time_degree_on"])


def test_the_new_row_fields_are_optional_and_checked(engineering_declaration):
    plain = bound(
        engineering_declaration, "work_experience", rows_data("work_experience", [work_item(0, 1)])
    )
    assert plain.is_valid() and plain.to_data()["rows"][0]["special_experience"] == ""
    unknown = bound(
        engineering_declaration,
        "work_experience",
        rows_data("work_experience", [{**work_item(0, 1), "special_experience": "援月"}]),
    )
    assert not unknown.is_valid()
    assert "special_experience" in unknown.errors[0]
    posts = bound(
        engineering_declaration,
        "admin_posts",
        rows_data("admin_posts", [{**admin_post_item(0), "dual_role": "on"}]),
    )
    assert posts.is_valid() and posts.to_data()["rows"][0]["dual_role"] is True


@pytest.mark.parametrize("case", list(CASES))
def test_the_prefetched_saved_sections_give_the_same_conditions(declaration, case):
    """The overview prefetches the saved sections: the conditions read them from there (no
    query of their own), with the same result as read afresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from declarations.models import Declaration

    def prefetched():
        return Declaration.objects.prefetch_related("section_data", "plan__sections").get(
            pk=declaration.pk
        )

    code, message, meet, unmet = CASES[case]
    target = slot(declaration, code)
    Attachment.objects.filter(declaration=declaration, slot=target).delete()
    if meet is not None:
        meet(declaration)
    fresh = prefetched()
    with CaptureQueriesContext(connection) as captured:
        assert missing(fresh) == [(target.plan_section.code, message)]
    assert not [q for q in captured if "declarations_declarationsection" in q["sql"]]
    if unmet is not None:
        unmet(declaration)
    assert missing(prefetched()) == missing(declaration)
