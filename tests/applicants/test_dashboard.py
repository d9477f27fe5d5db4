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
