"""Above the declaring unit, departments 审查 (S3 附件2 二.3: 审查通过 with a signed opinion,
退回修改, 审查不通过), the Huzhou chain unit → 主管部门 → 人社部门 (审核推荐) → committee runs
through an HR bureau, and a report ends at the committee of the declaration's plan."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from declarations import workflow
from declarations.models import DeclarationStatus as S
from declarations.workflow import Action
from demo import people
from institutions.models import OrgKind
from review import selectors, services
from review.models import Review
from tests import factories
from tests.review.builders import notice

pytestmark = pytest.mark.django_db

OPINION = "经审查，符合申报条件，同意推荐"


@pytest.fixture
def huzhou_chain(unit, supervising_department, hr_bureau, engineering_committee, administrator):
    """Effective engineering 中级 paths: unit → 主管部门 → 人社局 → committee."""
    series, level = engineering_committee.series, engineering_committee.level

    def effective(organization, **destination):
        return people.effective_path(
            organization, series, level, applied_by=administrator, **destination
        )

    return [
        effective(unit, target=supervising_department),
        effective(supervising_department, target=hr_bureau),
        effective(hr_bureau, committee=engineering_committee),
    ]


def reported_by_the_unit(declaration, unit, unit_reviewer):
    services.pass_declaration(actor=unit_reviewer, declaration=declaration)
    notice(unit_reviewer, unit, [declaration])
    services.report_declarations(
        actor=unit_reviewer, organization=unit, declaration_ids=[declaration.pk]
    )
    declaration.refresh_from_db()
    return declaration


def test_huzhou_chain_runs_through_the_hr_bureau_to_the_committee(
    submitted,
    huzhou_chain,
    unit,
    unit_reviewer,
    supervising_department,
    department_reviewer,
    hr_bureau,
    bureau_reviewer,
    committee_office,
    engineering_committee,
):
    declaration = reported_by_the_unit(submitted, unit, unit_reviewer)
    assert declaration.holder == supervising_department

    services.pass_declaration(actor=department_reviewer, declaration=declaration, opinion=OPINION)
    [batch] = services.report_declarations(
        actor=department_reviewer,
        organization=supervising_department,
        declaration_ids=[declaration.pk],
    )
    declaration.refresh_from_db()
    assert batch.to_organization == hr_bureau
    assert (declaration.holder, declaration.status) == (hr_bureau, S.UNDER_REVIEW)

    # The bureau 审核推荐: 审查通过 with its opinion, then to the committee. Not the declaring
    # unit, it publishes no notice of its own (the unit's covers the person).
    services.pass_declaration(actor=bureau_reviewer, declaration=declaration, opinion=OPINION)
    assert selectors.unnoticed_names(hr_bureau, [declaration.pk]) == []
    [batch] = services.report_declarations(
        actor=bureau_reviewer, organization=hr_bureau, declaration_ids=[declaration.pk]
    )
    declaration.refresh_from_db()
    assert batch.committee == engineering_committee
    assert (declaration.status, declaration.holder) == (S.AT_COMMITTEE, committee_office)
    assert declaration.committee == engineering_committee
    opinions = dict(
        Review.objects.filter(declaration=declaration).values_list("organization", "opinion")
    )
    assert opinions[supervising_department.pk] == opinions[hr_bureau.pk] == OPINION


def test_upper_levels_must_sign_an_opinion_to_pass(
    submitted, huzhou_chain, unit, unit_reviewer, department_reviewer
):
    # The unit level passes without one.
    declaration = reported_by_the_unit(submitted, unit, unit_reviewer)

    for blank in ("", "   "):
        with pytest.raises(ValidationError, match="审查通过时必须签署审查意见"):
            services.pass_declaration(
                actor=department_reviewer, declaration=declaration, opinion=blank
            )
    declaration.refresh_from_db()
    assert declaration.status == S.UNDER_REVIEW
    services.pass_declaration(actor=department_reviewer, declaration=declaration, opinion=OPINION)
    declaration.refresh_from_db()
    assert declaration.status == S.PASSED


def test_labels_follow_the_holders_place_in_the_chain(submitted, huzhou_chain, unit, unit_reviewer):
    assert [workflow.label_for(a, submitted) for a in workflow.DECISIONS] == [
        "通过",
        "退回修改",
        "不通过",
    ]
    declaration = reported_by_the_unit(submitted, unit, unit_reviewer)
    assert [workflow.label_for(a, declaration) for a in workflow.DECISIONS] == [
        "审查通过",
        "退回修改",
        "审查不通过",
    ]
    assert workflow.MOVES[Action.PASS].label == "通过"


def test_department_review_page_shows_the_s3_labels(
    login, submitted, huzhou_chain, unit, unit_reviewer, department_reviewer
):
    unit_page = login(unit_reviewer).get(reverse("review:detail", args=[submitted.pk]))
    assert re.search(r'data-testid="decide-pass"[^>]*>通过<', unit_page.content.decode())
    declaration = reported_by_the_unit(submitted, unit, unit_reviewer)

    client = login(department_reviewer)
    html = client.get(reverse("review:detail", args=[declaration.pk])).content.decode()

    assert re.search(r'data-testid="decide-pass"[^>]*>审查通过<', html)
    assert re.search(r'data-testid="decide-return"[^>]*>退回修改<', html)
    assert re.search(r'data-testid="decide-reject"[^>]*>审查不通过<', html)
    confirm = client.get(reverse("review:decide", args=[declaration.pk, "pass"]))
    page = confirm.content.decode()
    assert "确认审查通过" in page and "审查意见" in page
    reject = client.get(reverse("review:decide", args=[declaration.pk, "reject"])).content
    assert "确认审查不通过" in reject.decode() and "审查不通过原因" in reject.decode()


def test_department_pass_without_an_opinion_is_explained_at_the_field(
    login, submitted, huzhou_chain, unit, unit_reviewer, department_reviewer
):
    declaration = reported_by_the_unit(submitted, unit, unit_reviewer)
    client = login(department_reviewer)
    url = reverse("review:decide", args=[declaration.pk, "pass"])

    response = client.post(url, {"opinion": "  ", "seen_status": declaration.status})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_opinion"' in html and "审查通过时必须签署审查意见。" in html
    declaration.refresh_from_db()
    assert declaration.status == S.UNDER_REVIEW

    response = client.post(url, {"opinion": OPINION, "seen_status": declaration.status})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == S.PASSED


# --- the report ends at the plan's committee ---------------------------------------------------


@pytest.fixture
def weihai_committee(engineering_committee, regions):
    office = factories.OrganizationFactory(
        name="威海市工程技术评委会办公室", kind=OrgKind.COMMITTEE_OFFICE, region=regions["371000"]
    )
    return factories.CommitteeFactory(
        name="威海市工程技术职务资格中级评审委员会",
        series=engineering_committee.series,
        level=engineering_committee.level,
        office=office,
        region=regions["371000"],
    )


def _at_the_reporting_department(declaration, unit, unit_reviewer, department_reviewer, dept):
    declaration = reported_by_the_unit(declaration, unit, unit_reviewer)
    services.pass_declaration(actor=department_reviewer, declaration=declaration, opinion=OPINION)
    services.report_declarations(
        actor=department_reviewer, organization=dept, declaration_ids=[declaration.pk]
    )
    declaration.refresh_from_db()
    return declaration


def test_a_report_to_another_committee_is_refused(
    login,
    submitted,
    chain,
    unit,
    unit_reviewer,
    supervising_department,
    department_reviewer,
    reporting_department,
    reporting_reviewer,
    weihai_committee,
    engineering_committee,
):
    declaration = _at_the_reporting_department(
        submitted, unit, unit_reviewer, department_reviewer, supervising_department
    )
    services.pass_declaration(actor=reporting_reviewer, declaration=declaration, opinion=OPINION)
    # The reporting department's committee path leads to Weihai's committee, not the plan's.
    chain[-1].committee = weihai_committee
    chain[-1].save(update_fields=["committee"])

    with pytest.raises(ValidationError) as refused:
        services.report_declarations(
            actor=reporting_reviewer,
            organization=reporting_department,
            declaration_ids=[declaration.pk],
        )
    message = " ".join(refused.value.messages)
    assert "本单位的评委会路径通往“威海市工程技术职务资格中级评审委员会”" in message
    assert f"由“{engineering_committee.name}”评审" in message and "张三" in message
    declaration.refresh_from_db()
    assert (declaration.status, declaration.holder) == (S.PASSED, reporting_department)

    # The confirmation page says so and does not offer the report.
    client = login(reporting_reviewer)
    page = client.post(
        reverse("review:report_confirm"), {"scope": "selected", "ids": [declaration.pk]}
    ).content.decode()
    assert 'data-testid="wrong-committee"' in page and "不由该评审委员会评审" in page
    assert (
        'data-testid="confirm-report"' in page
        and "disabled" in page.split('data-testid="confirm-report"')[1].split(">")[0]
    )

    # Back to the plan's committee: the report goes through.
    chain[-1].committee = engineering_committee
    chain[-1].save(update_fields=["committee"])
    [batch] = services.report_declarations(
        actor=reporting_reviewer,
        organization=reporting_department,
        declaration_ids=[declaration.pk],
    )
    assert batch.committee == engineering_committee


def test_the_bureau_as_a_level_asks_no_notice_but_the_unit_does(
    login,
    submitted,
    huzhou_chain,
    unit,
    unit_reviewer,
    department_reviewer,
    supervising_department,
    bureau_reviewer,
    hr_bureau,
):
    declaration = _at_the_reporting_department(
        submitted, unit, unit_reviewer, department_reviewer, supervising_department
    )
    services.pass_declaration(actor=bureau_reviewer, declaration=declaration, opinion=OPINION)

    page = login(bureau_reviewer).get(reverse("review:queue")).content.decode()

    # Reportable at once (上报全部符合条件的（1）), and no 未公示 link for a unit's declarant.
    assert "上报全部符合条件的（1）" in page
    assert "未公示" not in page
    assert selectors.notice_candidates(hr_bureau, declaration.plan).count() == 0
