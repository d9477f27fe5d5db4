"""The applicant's 评审结果 card on the home page reads every result in a fixed number of
queries: one declaration with a result or three cost the same."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from declarations.models import Declaration, Plan
from tests import factories
from tests.committee.acceptance_fixtures import bulk_at_committee
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import evaluate, publish

pytestmark = pytest.mark.django_db


def _home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applicants:dashboard"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_results_card_costs_the_same_for_one_and_three_results(
    client,
    login,
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    chain,
    committee_office_user,
    meeting,
):
    failed, first, second = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 3, unit=unit
    )
    evaluate(
        failed, committee_office_user, meeting, passed=False, votes=(5, 4, 2), opinion="业绩不足"
    )
    for declaration in (first, second):
        evaluate(declaration, committee_office_user, meeting, passed=True)
    publish(committee_office_user, meeting)
    person = factories.ApplicantFactory(username="many_results", name="周八")
    Declaration.objects.filter(pk=failed.pk).update(applicant=person)
    login(person)

    one, html = _home(client)
    assert html.count('data-testid="my-result"') == 1
    assert "同意5票，不同意4票，弃权2票" in html and "业绩不足" in html

    # Results of earlier years' plans (one declaration per applicant and plan).
    for declaration, years_ago in ((first, 1), (second, 2)):
        plan = Plan.objects.get(pk=engineering_plan.pk)
        plan.pk, plan.year = None, plan.year - years_ago
        plan.save()
        Declaration.objects.filter(pk=declaration.pk).update(applicant=person, plan=plan)
    three, html = _home(client)
    assert html.count('data-testid="my-result"') == 3
    assert html.count("查看公示") == 2
    assert one == three
