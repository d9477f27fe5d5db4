"""个人代理: a freelancer's declaring unit is the county HR bureau (S0 二.3(5)), which then is the
unit level of the chain: its queue, per-section review, pass / return / reject with the unit's
labels, the public notice of its own declarants, and the report up its path."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from declarations.models import DeclarationStatus as S
from declarations.services import save_section, submit_declaration
from demo import people
from institutions.models import OrgKind
from review import services
from review.models import Review, ReviewState
from tests import factories
from tests.declarations.builders import fill_valid
from tests.review.builders import notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def freelancer(engineering_declaration, hr_bureau, committed_applicant):
    """The applicant's engineering declaration, 个人代理 through the 潍城区 HR bureau, submitted."""
    fill_valid(engineering_declaration, hr_bureau)
    return submit_declaration(actor=committed_applicant, declaration=engineering_declaration)


@pytest.fixture
def bureau_path(hr_bureau, reporting_department, engineering_committee, administrator):
    """Effective paths: the bureau → the reporting department → the committee."""
    series, level = engineering_committee.series, engineering_committee.level
    return [
        people.effective_path(
            hr_bureau, series, level, target=reporting_department, applied_by=administrator
        ),
        people.effective_path(
            reporting_department,
            series,
            level,
            committee=engineering_committee,
            applied_by=administrator,
        ),
    ]


@pytest.fixture
def other_bureau_reviewer(regions):
    bureau = factories.OrganizationFactory(
        name="威海市环翠区人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["371002"]
    )
    return factories.org_user(bureau, user__username="other_bureau")


def test_the_bureau_holds_the_freelancers_declaration_in_its_queue(
    login, freelancer, hr_bureau, bureau_reviewer
):
    assert freelancer.holder == freelancer.declaring_unit == hr_bureau
    review = Review.objects.get(declaration=freelancer)
    assert (review.organization, review.state) == (hr_bureau, ReviewState.PENDING)

    page = login(bureau_reviewer).get(reverse("review:queue")).content.decode()

    assert page.count('data-testid="queue-row"') == 1
    assert "张三" in page and "个人提交" in page
    assert reverse("review:detail", args=[freelancer.pk]) in page


def test_the_bureau_reviews_with_the_units_labels(login, freelancer, bureau_reviewer):
    client = login(bureau_reviewer)
    html = client.get(reverse("review:detail", args=[freelancer.pk])).content.decode()

    assert 'name="education-result"' in html
    assert re.search(r'data-testid="decide-pass"[^>]*>通过<', html)
    assert re.search(r'data-testid="decide-reject"[^>]*>不通过<', html)
    assert "审查通过" not in html
    # As the declaring unit it passes without an opinion, like any unit.
    response = client.post(reverse("review:decide", args=[freelancer.pk, "pass"]), {"opinion": ""})
    assert response.status_code == 302
    freelancer.refresh_from_db()
    assert freelancer.status == S.PASSED


def test_the_bureau_returns_and_the_applicant_resubmits_to_it(
    freelancer, hr_bureau, bureau_reviewer, committed_applicant
):
    services.record_section_result(
        actor=bureau_reviewer,
        declaration=freelancer,
        code="education",
        passed=False,
        reason="学历证书扫描件不清晰",
    )
    services.return_declaration(actor=bureau_reviewer, declaration=freelancer)
    freelancer.refresh_from_db()
    assert (freelancer.status, freelancer.holder) == (S.RETURNED, None)

    education = freelancer.section_data.get(code="education").data
    save_section(
        actor=committed_applicant, declaration=freelancer, code="education", data=education
    )
    submit_declaration(actor=committed_applicant, declaration=freelancer)
    freelancer.refresh_from_db()
    assert (freelancer.status, freelancer.holder, freelancer.round) == (S.SUBMITTED, hr_bureau, 2)

    services.reject_declaration(
        actor=bureau_reviewer, declaration=freelancer, reason="不具备申报资格"
    )
    freelancer.refresh_from_db()
    assert freelancer.status == S.REJECTED


def test_the_bureau_reports_its_freelancer_after_its_notice(
    freelancer, hr_bureau, bureau_reviewer, reporting_department, reporting_reviewer, bureau_path
):
    services.pass_declaration(actor=bureau_reviewer, declaration=freelancer)
    # As the declaring unit it publishes the notice of its own declarants first (S3 五(一)).
    with pytest.raises(ValidationError, match="公示"):
        services.report_declarations(
            actor=bureau_reviewer, organization=hr_bureau, declaration_ids=[freelancer.pk]
        )
    notice(bureau_reviewer, hr_bureau, [freelancer])

    [batch] = services.report_declarations(
        actor=bureau_reviewer, organization=hr_bureau, declaration_ids=[freelancer.pk]
    )

    freelancer.refresh_from_db()
    assert batch.to_organization == reporting_department
    assert (freelancer.status, freelancer.holder) == (S.UNDER_REVIEW, reporting_department)
    assert Review.objects.get(declaration=freelancer, organization=hr_bureau).state == "reported"
    # Above the declaring unit the reporting department 审查s: an opinion is required.
    with pytest.raises(ValidationError, match="审查通过时必须签署审查意见"):
        services.pass_declaration(actor=reporting_reviewer, declaration=freelancer)
    services.pass_declaration(
        actor=reporting_reviewer, declaration=freelancer, opinion="经审查，同意推荐"
    )
    services.report_declarations(
        actor=reporting_reviewer,
        organization=reporting_department,
        declaration_ids=[freelancer.pk],
    )
    freelancer.refresh_from_db()
    assert freelancer.status == S.AT_COMMITTEE


def test_another_bureau_or_a_unit_cannot_act(
    login, freelancer, other_bureau_reviewer, unit_reviewer
):
    for outsider in (other_bureau_reviewer, unit_reviewer):
        with pytest.raises(PermissionDenied):
            services.pass_declaration(actor=outsider, declaration=freelancer)
        client = login(outsider)
        assert client.get(reverse("review:detail", args=[freelancer.pk])).status_code == 404
        response = client.post(
            reverse("review:decide", args=[freelancer.pk, "pass"]), {"opinion": "同意"}
        )
        assert response.status_code == 404
    freelancer.refresh_from_db()
    assert freelancer.status == S.SUBMITTED
