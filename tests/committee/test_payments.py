"""缴费登记 (committee.services.payments, the office's payment pages): marking payments paid one
or several at once, importing a spreadsheet of paid ID numbers (all or nothing, with a report of
bad rows), the pluggable backend, and what the applicant sees."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applicants import sms
from committee import payments as backends
from committee.models import Payment
from committee.services import payments
from declarations.models import Declaration
from institutions.models import AuditAction, AuditEntry
from tests import factories
from tests.committee.acceptance_fixtures import *  # noqa: F403
from tests.committee.acceptance_fixtures import accept, bulk_at_committee, charge

pytestmark = pytest.mark.django_db

LIST = reverse("committee:payment_list")


@pytest.fixture
def pending(
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    chain,
    committee_office,
    committee_office_user,
):
    """Three accepted declarations of a plan charging 300 元: three pending payments."""
    charge(committee_office_user, engineering_plan, "300")
    declarations = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 3, unit=unit
    )
    accept(committee_office_user, committee_office, declarations)
    return list(Payment.objects.select_related("declaration__applicant").order_by("declaration_id"))


def xlsx(rows, header=("证件号码", "姓名", "金额", "缴费凭证号")) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(payment, amount="300", reference="PZ001"):
    applicant = payment.declaration.applicant
    return (applicant.id_number, applicant.name, amount, reference)


# --- marking payments paid ---------------------------------------------------------------------


def test_marking_several_paid(
    pending, committee_office, committee_office_user, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_payments(
            actor=committee_office_user,
            office=committee_office,
            payment_ids=[p.pk for p in pending[:2]],
            reference="银行回单001",
        )
    first, second, third = (Payment.objects.get(pk=p.pk) for p in pending)
    assert (first.status, first.method, first.reference, first.recorded_by) == (
        Payment.Status.PAID,
        Payment.Method.OFFICE,
        "银行回单001",
        committee_office_user,
    )
    assert first.paid_at is not None and second.status == Payment.Status.PAID
    assert third.status == Payment.Status.PENDING
    assert AuditEntry.objects.filter(action=AuditAction.PAYMENT_RECORDED).count() == 2
    assert sum("已确认缴费" in body for _phone, body in sms.outbox) == 2


def test_a_paid_one_among_them_refuses_all(pending, committee_office, committee_office_user):
    payments.record_payments(
        actor=committee_office_user, office=committee_office, payment_ids=[pending[0].pk]
    )
    with pytest.raises(ValidationError) as error:
        payments.record_payments(
            actor=committee_office_user,
            office=committee_office,
            payment_ids=[pending[0].pk, pending[1].pk],
        )
    assert pending[0].declaration.applicant.name in " ".join(error.value.messages)
    assert Payment.objects.get(pk=pending[1].pk).status == Payment.Status.PENDING


def test_other_offices_and_units_cannot_record(
    pending, committee_office, unit_reviewer, other_office
):
    office, office_user = other_office
    with pytest.raises(PermissionDenied):
        payments.record_payments(
            actor=unit_reviewer, office=committee_office, payment_ids=[pending[0].pk]
        )
    with pytest.raises(PermissionDenied):
        payments.record_payments(actor=office_user, office=office, payment_ids=[pending[0].pk])
    assert Payment.objects.get(pk=pending[0].pk).status == Payment.Status.PENDING


class RecordingBackend(backends.OfficeBackend):
    calls: list = []

    def record(self, payment, actor, reference="", method=""):
        RecordingBackend.calls.append((payment.pk, method))
        return super().record(payment, actor, reference=reference, method=method)


class GatewayBackend(backends.PaymentBackend):
    """An online payment service records payments itself."""


def test_the_payment_backend_is_pluggable(
    settings, pending, committee_office, committee_office_user
):
    settings.PAYMENT_BACKEND = f"{__name__}.RecordingBackend"
    RecordingBackend.calls = []
    payments.record_payments(
        actor=committee_office_user, office=committee_office, payment_ids=[pending[0].pk]
    )
    assert RecordingBackend.calls == [(pending[0].pk, Payment.Method.OFFICE)]
    settings.PAYMENT_BACKEND = f"{__name__}.GatewayBackend"
    with pytest.raises(PermissionDenied):
        payments.record_payments(
            actor=committee_office_user, office=committee_office, payment_ids=[pending[1].pk]
        )


def test_the_default_backend_is_the_office():
    assert isinstance(backends.get_backend(), backends.OfficeBackend)


# --- importing a list of paid ID numbers -------------------------------------------------------


def test_an_all_good_import_records_every_row(pending, committee_office, committee_office_user):
    content = xlsx([row_of(p, reference=f"PZ{p.pk}") for p in pending])
    recorded = payments.import_paid(
        actor=committee_office_user,
        office=committee_office,
        rows=payments.read_rows(content),
        filename="缴费名单.xlsx",
    )
    assert len(recorded) == 3
    for payment in pending:
        payment.refresh_from_db()
        assert (payment.status, payment.method, payment.reference) == (
            Payment.Status.PAID,
            Payment.Method.IMPORT,
            f"PZ{payment.pk}",
        )
    entry = AuditEntry.objects.get(action=AuditAction.PAYMENTS_IMPORTED)
    assert (entry.details["count"], entry.details["filename"]) == (3, "缴费名单.xlsx")


def test_the_id_column_alone_is_enough(pending, committee_office, committee_office_user):
    content = xlsx([(p.declaration.applicant.id_number,) for p in pending], header=("证件号码",))
    recorded = payments.import_paid(
        actor=committee_office_user, office=committee_office, rows=payments.read_rows(content)
    )
    assert len(recorded) == 3


def test_a_mixed_import_records_nothing_and_reports_each_bad_row(
    pending, committee_office, committee_office_user, culture_plan, culture_committee
):
    first, second, third = pending
    payments.record_payments(
        actor=committee_office_user, office=committee_office, payment_ids=[third.pk]
    )
    # A pending fee of another committee's plan.
    stranger = factories.ApplicantFactory(name="外委会人员")
    elsewhere = Declaration.objects.create(
        applicant=stranger, plan=culture_plan, status="accepted", round=1
    )
    Payment.objects.create(declaration=elsewhere, round=1, amount=Decimal("300"))
    content = xlsx(
        [
            row_of(first),  # row 2: good
            row_of(second, amount="250"),  # row 3: amount differs
            row_of(third),  # row 4: already paid
            ("110101199001011234", "无此人", "300", ""),  # row 5: unknown
            (stranger.id_number, stranger.name, "300", ""),  # row 6: other committee
            row_of(first),  # row 7: repeated
            ("", "某人", "300", ""),  # row 8: no ID number
        ]
    )
    with pytest.raises(payments.ImportRefused) as refused:
        payments.import_paid(
            actor=committee_office_user, office=committee_office, rows=payments.read_rows(content)
        )
    reasons = {row.number: row.reason for row in refused.value.bad_rows}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "金额不符" in reasons[3] and "300" in reasons[3]
    assert "已登记为已缴费" in reasons[4]
    assert "未找到" in reasons[5]
    assert "不属于本评委会" in reasons[6]
    assert "与第2行" in reasons[7]
    assert "证件号码为空" in reasons[8]
    assert "本次未登记任何缴费" in " ".join(refused.value.messages)
    # Nothing recorded: row 2 was good, yet stays pending.
    assert Payment.objects.get(pk=first.pk).status == Payment.Status.PENDING
    assert not AuditEntry.objects.filter(action=AuditAction.PAYMENTS_IMPORTED).exists()


@pytest.mark.parametrize(
    "cells, reason",
    [
        (("李四", ""), "姓名“李四”与证件号码不符"),
        (("", "三百"), "金额“三百”不是有效的数字"),
    ],
)
def test_a_wrong_name_or_amount_text_is_a_bad_row(
    pending, committee_office, committee_office_user, cells, reason
):
    content = xlsx([(pending[0].declaration.applicant.id_number, *cells, "")])
    with pytest.raises(payments.ImportRefused) as refused:
        payments.import_paid(
            actor=committee_office_user, office=committee_office, rows=payments.read_rows(content)
        )
    [bad] = refused.value.bad_rows
    assert bad.number == 2 and reason in bad.reason
    assert Payment.objects.get(pk=pending[0].pk).status == Payment.Status.PENDING


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a spreadsheet", "请上传Excel（.xlsx）格式的文件"),
        (b"PK\x03\x04 broken zip", "请上传Excel（.xlsx）格式的文件"),
        (xlsx([("x",)], header=("姓名",)), "包含“证件号码”列"),
        (xlsx([], header=("证件号码",)), "文件中没有缴费数据"),
    ],
)
def test_unreadable_files_are_refused(content, message):
    with pytest.raises(ValidationError) as error:
        payments.read_rows(content)
    assert message in " ".join(error.value.messages)


def test_files_are_bounded(monkeypatch):
    monkeypatch.setattr(payments, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(ValidationError) as error:
        payments.read_rows(xlsx([("1",), ("2",), ("3",)], header=("证件号码",)))
    assert "不能超过2行" in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:
        payments.read_rows(b"PK" + b"0" * (payments.MAX_IMPORT_BYTES + 1))
    assert "不能超过2MB" in " ".join(error.value.messages)


# --- the pages ---------------------------------------------------------------------------------


def test_payment_list_confirm_and_record(pending, login, committee_office_user):
    client = login(committee_office_user)
    page = client.get(LIST).content.decode()
    assert page.count('data-testid="payment-row"') == 3
    assert pending[0].declaration.applicant.name in page
    ids = [pending[0].pk, pending[1].pk]
    response = client.post(reverse("committee:payment_confirm"), {"ids": ids})
    page = response.content.decode()
    assert "将以下2人登记为已缴费" in page
    assert pending[2].declaration.applicant.name not in page
    response = client.post(
        reverse("committee:payment_record"),
        {"ids": f"{ids[0]},{ids[1]}", "reference": "PZ-9"},
        follow=True,
    )
    assert "已登记2人已缴费" in response.content.decode()
    assert Payment.objects.filter(status=Payment.Status.PAID).count() == 2


def test_recording_a_paid_one_again_is_told(pending, login, committee_office_user):
    client = login(committee_office_user)
    client.post(reverse("committee:payment_record"), {"ids": str(pending[0].pk)})
    response = client.post(reverse("committee:payment_record"), {"ids": str(pending[0].pk)})
    assert response.status_code == 400
    assert "已登记为已缴费" in response.content.decode()


def test_nothing_ticked_is_told(pending, login, committee_office_user):
    response = login(committee_office_user).post(
        reverse("committee:payment_confirm"), {}, follow=True
    )
    assert "请先勾选要登记为已缴费的记录" in response.content.decode()


def test_payment_pages_for_other_roles(pending, login, request, other_office):
    for who in ("committed_applicant", "unit_reviewer"):
        client = login(request.getfixturevalue(who))
        assert client.get(LIST).status_code == 403
        assert (
            client.post(reverse("committee:payment_record"), {"ids": pending[0].pk}).status_code
            == 403
        )
    _office, office_user = other_office
    client = login(office_user)
    assert pending[0].declaration.applicant.name not in client.get(LIST).content.decode()
    response = client.post(reverse("committee:payment_confirm"), {"ids": [pending[0].pk]})
    assert response.status_code == 404
    response = client.post(reverse("committee:payment_record"), {"ids": str(pending[0].pk)})
    assert response.status_code == 404
    assert Payment.objects.get(pk=pending[0].pk).status == Payment.Status.PENDING


def _upload(content, name="缴费名单.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_import_page_all_good(pending, login, committee_office_user):
    client = login(committee_office_user)
    response = client.post(
        reverse("committee:payment_import"),
        {"file": _upload(xlsx([row_of(p) for p in pending]))},
        follow=True,
    )
    assert "登记3人已缴费" in response.content.decode()
    assert Payment.objects.filter(status=Payment.Status.PAID).count() == 3


def test_import_page_mixed_lists_the_bad_rows(pending, login, committee_office_user):
    client = login(committee_office_user)
    content = xlsx([row_of(pending[0]), ("110101199001011234", "无此人", "300", "")])
    response = client.post(reverse("committee:payment_import"), {"file": _upload(content)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "本次未登记任何缴费" in page
    assert page.count('data-testid="bad-row"') == 1
    assert "<td>3</td>" in page and "110101199001011234" in page
    assert not Payment.objects.filter(status=Payment.Status.PAID).exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("名单.csv", b"id\n1", "请上传Excel（.xlsx）格式的文件"),
        ("名单.xlsx", b"plain text", "请上传Excel（.xlsx）格式的文件"),
    ],
)
def test_import_page_refuses_what_is_not_xlsx(
    pending, login, committee_office_user, name, content, message
):
    response = login(committee_office_user).post(
        reverse("committee:payment_import"), {"file": _upload(content, name)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_import_page_without_a_file(pending, login, committee_office_user):
    response = login(committee_office_user).post(reverse("committee:payment_import"), {})
    assert response.status_code == 400
    assert "请选择要上传的“缴费名单（.xlsx）”" in response.content.decode()


# --- what the applicant sees -------------------------------------------------------------------


def test_the_applicant_sees_the_fee_on_the_declaration_and_home_page(
    at_committee,
    committee_office,
    committee_office_user,
    engineering_plan,
    committed_applicant,
    login,
):
    charge(committee_office_user, engineering_plan, "300")
    accept(committee_office_user, committee_office, [at_committee])
    client = login(committed_applicant)
    for url in (
        reverse("declarations:overview", args=[at_committee.pk]),
        reverse("declarations:timeline", args=[at_committee.pk]),
    ):
        page = client.get(url).content.decode()
        assert 'data-testid="fee-panel"' in page
        assert "300.00" in page and "待缴费" in page
    home = client.get(reverse("applicants:dashboard")).content.decode()
    assert 'data-testid="my-payment"' in home and "待缴费" in home
    payment = Payment.objects.get(declaration=at_committee)
    payments.record_payments(
        actor=committee_office_user, office=committee_office, payment_ids=[payment.pk]
    )
    page = client.get(reverse("declarations:overview", args=[at_committee.pk])).content.decode()
    assert "已缴费" in page


def test_no_fee_panel_without_a_fee(at_committee, committed_applicant, login):
    page = login(committed_applicant).get(reverse("declarations:overview", args=[at_committee.pk]))
    assert 'data-testid="fee-panel"' not in page.content.decode()


def test_payment_list_queries_do_not_grow_with_payments(
    pending,
    login,
    committee_office,
    committee_office_user,
    reporting_department,
    reporting_reviewer,
    engineering_plan,
    unit,
    django_assert_max_num_queries,
):
    client = login(committee_office_user)
    client.get(LIST)
    with django_assert_max_num_queries(20) as few:
        assert client.get(LIST).status_code == 200
    more = bulk_at_committee(
        reporting_department, reporting_reviewer, engineering_plan, 12, unit=unit, prefix="追加"
    )
    accept(committee_office_user, committee_office, more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.content.decode().count('data-testid="payment-row"') == 15
