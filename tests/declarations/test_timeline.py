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
