"""收费设定 (committee.services.fees, the office's fee pages) and the reference rule of which
accepted declarations are ready for a meeting (committee.selectors.acceptance.ready_for_meeting)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from committee.models import FeeSetting, Payment
from committee.selectors.acceptance import ready_for_meeting
from committee.services import fees
from institutions.models import AuditAction, AuditEntry
from tests.committee.acceptance_fixtures import *  # noqa: F403
from tests.committee.acceptance_fixtures import accept, bulk_at_committee, charge

pytestmark = pytest.mark.django_db


@pytest.fixture
def arrived(reporting_department, reporting_reviewer, engineering_plan, unit, chain):
    """Four declarations in the office's inbox, in one batch."""
    return bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 4, unit=unit
    )


# --- the service ------------------------------------------------------------------------------


def test_setting_a_fee_is_saved_and_audited(committee_office_user, engineering_plan):
    setting = charge(committee_office_user, engineering_plan, "280.00", required=False)
    assert (setting.charged, setting.amount, setting.required_before_evaluation) == (
        True,
        Decimal("280.00"),
        False,
    )
    assert setting.committee == engineering_plan.committee
    entry = AuditEntry.objects.get(action=AuditAction.FEE_SET)
    assert entry.actor == committee_office_user
    assert entry.details["amount"] == "280.00"


@pytest.mark.parametrize(
    "amount, message",
    [
        (None, "收费时请填写评审费金额"),
        (Decimal("0"), "必须大于0元"),
        (Decimal("-5"), "必须大于0元"),
        (Decimal("100000"), "不能超过99999元"),
        (Decimal("1.234"), "最多保留两位小数"),
    ],
)
def test_a_charged_fee_needs_a_sensible_amount(
    committee_office_user, engineering_plan, amount, message
):
    with pytest.raises(ValidationError) as error:
        fees.set_fee(
            actor=committee_office_user, plan=engineering_plan, charged=True, amount=amount
        )
    assert message in " ".join(error.value.messages)
    assert not FeeSetting.objects.exists()


def test_the_highest_amount_is_allowed(committee_office_user, engineering_plan):
    assert charge(committee_office_user, engineering_plan, "99999").amount == Decimal("99999")


def test_no_charge_keeps_no_amount(committee_office_user, engineering_plan):
    setting = fees.set_fee(
        actor=committee_office_user, plan=engineering_plan, charged=False, amount=Decimal("50")
    )
    assert (setting.charged, setting.amount) == (False, Decimal("0"))


def test_only_the_committees_office_sets_its_fee(
    unit_reviewer, other_office, engineering_plan, culture_plan, committee_office_user
):
    _office, office_user = other_office
    for actor in (unit_reviewer, office_user):
        with pytest.raises(PermissionDenied):
            charge(actor, engineering_plan)
    # The culture plan's committee has another office.
    with pytest.raises(PermissionDenied):
        charge(committee_office_user, culture_plan)
    assert not FeeSetting.objects.exists()


def test_accepted_declarations_follow_a_changed_setting(
    arrived, committee_office, committee_office_user, engineering_plan
):
    first, second, *_rest = arrived
    accept(committee_office_user, committee_office, [first, second])
    # Charged after they were accepted: each gets its pending fee.
    charge(committee_office_user, engineering_plan, "300")
    assert Payment.objects.filter(status=Payment.Status.PENDING).count() == 2
    Payment.objects.filter(declaration=first).update(status=Payment.Status.PAID)
    # A new amount applies to pending fees only.
    charge(committee_office_user, engineering_plan, "320")
    assert Payment.objects.get(declaration=first).amount == Decimal("300")
    assert Payment.objects.get(declaration=second).amount == Decimal("320")
    # No longer charged: the pending fee goes, the paid one stays.
    fees.set_fee(actor=committee_office_user, plan=engineering_plan, charged=False)
    assert list(Payment.objects.values_list("declaration_id", "status")) == [
        (first.pk, Payment.Status.PAID)
    ]


# --- ready for a meeting --------------------------------------------------------------------


def _ready(committee, plan):
    return set(ready_for_meeting(committee, plan).values_list("pk", flat=True))


def test_without_a_fee_setting_every_accepted_declaration_is_ready(
    arrived, committee_office, committee_office_user, engineering_committee, engineering_plan
):
    first, second, third, _fourth = arrived
    accept(committee_office_user, committee_office, [first, second])
    accept(committee_office_user, committee_office, [third], action="refuse", reason="不符合")
    # Waiting for acceptance, refused: not ready.
    assert _ready(engineering_committee, engineering_plan) == {first.pk, second.pk}


def test_a_charged_plan_waits_for_payment(
    arrived, committee_office, committee_office_user, engineering_committee, engineering_plan
):
    charge(committee_office_user, engineering_plan, "300", required=True)
    first, second, *_rest = arrived
    accept(committee_office_user, committee_office, [first, second])
    assert _ready(engineering_committee, engineering_plan) == set()
    Payment.objects.filter(declaration=first).update(status=Payment.Status.PAID)
    assert _ready(engineering_committee, engineering_plan) == {first.pk}


def test_a_fee_not_required_before_evaluation_does_not_wait(
    arrived, committee_office, committee_office_user, engineering_committee, engineering_plan
):
    charge(committee_office_user, engineering_plan, "300", required=False)
    first, *_rest = arrived
    accept(committee_office_user, committee_office, [first])
    assert Payment.objects.get(declaration=first).status == Payment.Status.PENDING
    assert _ready(engineering_committee, engineering_plan) == {first.pk}


def test_a_payment_of_an_earlier_round_does_not_count(
    arrived, committee_office, committee_office_user, engineering_committee, engineering_plan
):
    charge(committee_office_user, engineering_plan, "300")
    first, *_rest = arrived
    accept(committee_office_user, committee_office, [first])
    Payment.objects.filter(declaration=first).update(status=Payment.Status.PAID, round=0)
    assert _ready(engineering_committee, engineering_plan) == set()


def test_another_plan_or_committee_is_not_ready(
    arrived,
    committee_office,
    committee_office_user,
    engineering_committee,
    engineering_plan,
    culture_committee,
    culture_plan,
):
    accept(committee_office_user, committee_office, arrived[:1])
    assert _ready(engineering_committee, culture_plan) == set()
    assert _ready(culture_committee, engineering_plan) == set()


# --- the pages ------------------------------------------------------------------------------


def test_fee_list_and_edit(login, committee_office_user, engineering_plan, culture_plan):
    client = login(committee_office_user)
    page = client.get(reverse("committee:fee_list")).content.decode()
    assert str(engineering_plan) in page
    assert str(culture_plan) not in page  # another office's committee
    url = reverse("committee:fee_edit", args=[engineering_plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"charging": "charged", "amount": "260", "required_before_evaluation": "on"}
    )
    assert response.status_code == 302
    setting = FeeSetting.objects.get(plan=engineering_plan)
    assert (setting.charged, setting.amount, setting.required_before_evaluation) == (
        True,
        Decimal("260"),
        True,
    )
    page = client.get(reverse("committee:fee_list")).content.decode()
    assert "260" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"charging": "charged", "amount": ""}, "收费时请填写评审费金额"),
        ({"charging": "charged", "amount": "0"}, "必须大于0元"),
        ({"charging": "charged", "amount": "123456"}, "不能超过99999元"),
        ({"charging": "charged", "amount": "12.345"}, "最多保留两位小数"),
        ({"charging": "charged", "amount": "abc"}, "请填写有效的金额"),
        ({"amount": "100"}, "请选择“收费设定”"),
    ],
)
def test_fee_edit_refuses_bad_input_and_keeps_it(
    login, committee_office_user, engineering_plan, data, message
):
    client = login(committee_office_user)
    response = client.post(reverse("committee:fee_edit", args=[engineering_plan.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if data.get("amount") and data["amount"] != "abc":
        assert f'value="{data["amount"]}"' in page
    assert not FeeSetting.objects.exists()


def test_fee_pages_for_other_roles(
    login, request, engineering_plan, culture_plan, committee_office_user, other_office
):
    url = reverse("committee:fee_edit", args=[engineering_plan.pk])
    for who in ("committed_applicant", "unit_reviewer"):
        client = login(request.getfixturevalue(who))
        assert client.get(reverse("committee:fee_list")).status_code == 403
        assert client.get(url).status_code == 403
    _office, office_user = other_office
    assert login(office_user).get(url).status_code == 404
    client = login(committee_office_user)
    assert client.get(reverse("committee:fee_edit", args=[culture_plan.pk])).status_code == 404
    assert client.get("/committee/fees/99999999999/").status_code == 404
