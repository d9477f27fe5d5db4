"""The applicant follows the declaration: home shows the current step, the timeline every step."""

from django.urls import reverse

from declarations import services
from tests import factories
from tests.declarations.test_transitions import fill_everything


def test_timeline_shows_each_step_and_who_holds_it(login, engineering_declaration, unit):
    fill_everything(engineering_declaration, unit)
    services.submit_declaration(
        actor=engineering_declaration.applicant, declaration=engineering_declaration
    )
    client = login(engineering_declaration.applicant)
    page = client.get(reverse("declarations:timeline", args=[engineering_declaration.pk]))
    html = page.content.decode()
    assert html.count('data-testid="timeline-step"') == 2
    assert "新增申报" in html and "提交申报" in html
    assert unit.name in html and "待审核" in html
    home = client.get(reverse("applicants:dashboard")).content.decode()
    assert "2026年度 工程技术 中级" in home and unit.name in home and "待审核" in home


def test_timeline_of_someone_else_is_not_found(login, engineering_declaration):
    client = login(factories.ApplicantFactory())
    url = reverse("declarations:timeline", args=[engineering_declaration.pk])
    assert client.get(url).status_code == 404


def test_timeline_query_count_does_not_grow_with_steps(
    login, engineering_declaration, unit, django_assert_max_num_queries
):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:timeline", args=[engineering_declaration.pk])
    with django_assert_max_num_queries(8):
        client.get(url)
    fill_everything(engineering_declaration, unit)
    for _ in range(5):
        services.submit_declaration(
            actor=engineering_declaration.applicant, declaration=engineering_declaration
        )
        services.withdraw_declaration(
            actor=engineering_declaration.applicant, declaration=engineering_declaration
        )
    with django_assert_max_num_queries(8):
        client.get(url)


def test_each_step_names_who_acted_and_where_it_went(
    login, engineering_declaration, unit, unit_reviewer
):
    """新增 and 提交 by the applicant (the submission names the unit it went to); the unit's
    pass names the unit and its reviewer; a step that changes no state shows no "草稿 → 草稿"."""
    from review import services as review_services

    fill_everything(engineering_declaration, unit)
    applicant = engineering_declaration.applicant
    services.submit_declaration(actor=applicant, declaration=engineering_declaration)
    review_services.pass_declaration(
        actor=unit_reviewer, declaration=engineering_declaration, opinion="同意推荐"
    )
    page = login(applicant).get(reverse("declarations:timeline", args=[engineering_declaration.pk]))
    html = page.content.decode()
    steps = html.split('data-testid="timeline-step"')[1:]
    created, submitted, passed = steps
    assert "新增申报" in created and applicant.name in created
    assert "草稿 → 草稿" not in html and "→" not in created
    assert "提交申报" in submitted and applicant.name in submitted
    assert f'data-testid="timeline-sent-to">{unit.name}<' in submitted
    assert "草稿 → 待审核" in submitted
    assert "审核通过" in passed and unit.name in passed and unit_reviewer.name in passed
    assert "timeline-sent-to" not in passed and "同意推荐" in passed
