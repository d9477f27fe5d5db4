"""The applicant's home page: who may see it, what it shows, and what it costs."""

import pytest

from applicants import services
from tests import factories

pytestmark = pytest.mark.django_db

DASHBOARD = "/accounts/me/"


def test_applicant_lands_on_own_home(login, applicant):
    response = login(applicant).get("/", follow=True)
    assert response.redirect_chain[-1][0] == DASHBOARD
    content = response.content.decode()
    assert "张三，您好" in content
    assert applicant.masked_id_number in content
    # The full ID number is not shown on the home page.
    assert applicant.id_number not in content


@pytest.mark.parametrize("persona", ["unit_reviewer", "outsider", "administrator"])
def test_other_roles_get_403(login, request, persona):
    user = request.getfixturevalue(persona)
    assert login(user).get(DASHBOARD).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={DASHBOARD}"


def test_dashboard_query_count_is_small_and_fixed(login, applicant, django_assert_max_num_queries):
    client = login(applicant)
    # Session, user, commitment, the applicant's declarations (one joined query), and one
    # query for each card of the committee stage (fees, results).
    with django_assert_max_num_queries(6):
        assert client.get(DASHBOARD).status_code == 200

    # More people, agreements and codes elsewhere do not make the page cost more.
    for _ in range(5):
        services.agree_commitment(actor=factories.ApplicantFactory())
    services.agree_commitment(actor=applicant)
    with django_assert_max_num_queries(6):
        assert client.get(DASHBOARD).status_code == 200


def test_dashboard_queries_do_not_grow_with_declarations(
    login, committed_applicant, plans, django_assert_max_num_queries
):
    """The declarations card is one joined query (plan, series, level, region, holder): the
    same count with no declaration as with one in every open plan."""
    from declarations.services import create_declaration

    client = login(committed_applicant)

    def queries():
        with django_assert_max_num_queries(6) as captured:
            response = client.get(DASHBOARD)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    none, _html = queries()
    for plan in plans:
        create_declaration(actor=committed_applicant, plan=plan)
    every, html = queries()
    assert html.count('data-testid="my-declaration"') == len(plans)
    assert every == none


def test_home_only_redirects(login, applicant, django_assert_max_num_queries):
    """/ sends the applicant to their dashboard: the session and the user, nothing else."""
    client = login(applicant)
    with django_assert_max_num_queries(2):
        response = client.get("/")
    assert response.status_code == 302 and response["Location"] == DASHBOARD
