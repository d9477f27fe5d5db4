"""Recording fees paid (缴费登记) through the payment backend (committee.payments): the office
marks payments paid, one or several at once, or imports a spreadsheet of paid ID numbers. Both
are all or nothing: one payment that is not pending (already paid, a stale page) or one row of
the file that does not match a pending payment of the office refuses the whole lot, and the
import's report names each bad row with its number and reason."""

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from committee import payments as backends
from committee.models import Payment
from institutions import access
from institutions.audit import AuditAction, record_audit

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_PER_RECORD = 500
ID_HEADER = "证件号码"
OPTIONAL_HEADERS = {"姓名": "name", "金额": "amount", "缴费凭证号": "reference"}


def _require_office(actor, office):
    access.require_member(actor, office)
    if not access.may(office, access.Capability.EVALUATE):
        raise PermissionDenied(_("本单位不能登记缴费。"))
    backend = backends.get_backend()
    if not backend.office_records:
        raise PermissionDenied(_("本评委会的缴费由支付接口自动登记，不能手工登记。"))
    return backend


def _office_payments(office):
    return Payment.objects.filter(declaration__plan__committee__office=office)


def _after_commit_notify(payment_ids):
    from committee.tasks_acceptance import notify_payment_recorded

    ids = list(payment_ids)
    transaction.on_commit(lambda: [notify_payment_recorded.delay(pk) for pk in ids])


@transaction.atomic
def record_payments(*, actor, office, payment_ids, reference: str = "") -> list[Payment]:
    """Mark the office's pending payments paid (method OFFICE): all or nothing."""
    backend = _require_office(actor, office)
    ids = sorted({int(i) for i in payment_ids})
    if not ids:
        raise ValidationError(_("请选择要登记的缴费记录。"))
    if len(ids) > MAX_PER_RECORD:
        raise ValidationError(_("一次最多登记%(n)d条，请分批操作。") % {"n": MAX_PER_RECORD})
    reference = (reference or "").strip()
    if len(reference) > 64:
        raise ValidationError({"reference": _("缴费凭证号不能超过64个字符。")})
    payments = list(
        _office_payments(office)
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("declaration__applicant")
        .order_by("pk")
    )
    if len(payments) != len(ids):
        raise PermissionDenied(_("只能登记本评委会的缴费记录。"))
    done = [p for p in payments if p.status != Payment.Status.PENDING]
    if done:
        names = "、".join(p.declaration.applicant.name for p in done[:10])
        raise ValidationError(
            _(
                "以下%(n)d条缴费记录已登记为已缴费（可能已被其他工作人员处理），本次未登记：%(names)s。请刷新页面。"
            )
            % {"n": len(done), "names": names}
        )
    for payment in payments:
        backend.record(payment, actor, reference=reference, method=Payment.Method.OFFICE)
        record_audit(
            actor=actor,
            action=AuditAction.PAYMENT_RECORDED,
            obj=payment,
            organization=office,
            declaration=payment.declaration_id,
            round=payment.round,
            amount=str(payment.amount),
            reference=reference,
        )
    _after_commit_notify(p.pk for p in payments)
    return payments


# --- importing a list of paid ID numbers -------------------------------------------------------


@dataclass
class ImportRow:
    number: int  # the row's number in the sheet (the header is row 1)
    id_number: str
    name: str = ""
    amount: Decimal | None = None
    reference: str = ""
    amount_text: str = ""


@dataclass
class BadRow:
    number: int
    id_number: str
    reason: str


class ImportRefused(ValidationError):
    """The file was read but some rows do not match: nothing was recorded."""

    def __init__(self, bad_rows: list[BadRow], total: int):
        self.bad_rows = bad_rows
        self.total = total
        super().__init__(
            _("共%(t)d行，其中%(n)d行与本评委会的待缴费记录不符，本次未登记任何缴费。")
            % {"t": total, "n": len(bad_rows)}
        )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(content: bytes) -> list[ImportRow]:
    """The rows of an .xlsx file (first sheet, headers in row 1). Refuses what is not an xlsx
    workbook, lacks the 证件号码 column, or is too long."""
    import openpyxl

    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError(_("文件不能超过2MB。"))
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationError(_("请上传Excel（.xlsx）格式的文件。"))
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # any unreadable workbook gets the same message
        raise ValidationError(_("无法读取该文件，请上传Excel（.xlsx）格式的文件。")) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ValidationError(_("文件中没有工作表。"))
        lines = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(lines, ()) or ()]
        if ID_HEADER not in header:
            raise ValidationError(_("第1行须为表头，且包含“证件号码”列。"))
        columns = {"id_number": header.index(ID_HEADER)}
        for title, key in OPTIONAL_HEADERS.items():
            if title in header:
                columns[key] = header.index(title)
        rows = []
        for number, values in enumerate(lines, start=2):
            values = list(values or ())
            cell = {
                key: _text(values[index]) if index < len(values) else ""
                for key, index in columns.items()
            }
            if not any(cell.values()):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise ValidationError(
                    _("文件不能超过%(n)d行数据，请分批导入。") % {"n": MAX_IMPORT_ROWS}
                )
            rows.append(
                ImportRow(
                    number=number,
                    id_number=cell["id_number"].upper(),
                    name=cell.get("name", ""),
                    reference=cell.get("reference", "")[:64],
                    amount_text=cell.get("amount", ""),
                )
            )
    finally:
        book.close()
    if not rows:
        raise ValidationError(_("文件中没有缴费数据。"))
    return rows


def _match(office, rows: list[ImportRow]) -> tuple[dict[int, Payment], list[BadRow]]:
    """Each row's pending payment of the office, or the reason it has none (one query)."""
    ids = {row.id_number for row in rows if row.id_number}
    candidates = (
        Payment.objects.filter(declaration__applicant__id_number__in=ids)
        .select_related("declaration__applicant", "declaration__plan__committee")
        .order_by("pk")
    )
    by_id: dict[str, list[Payment]] = {}
    for payment in candidates:
        if payment.round != payment.declaration.round:
            continue
        by_id.setdefault(payment.declaration.applicant.id_number.upper(), []).append(payment)
    matched, bad, seen = {}, [], {}
    for row in rows:
        reason = None
        if not row.id_number:
            reason = _("证件号码为空。")
        elif row.id_number in seen:
            reason = _("与第%(n)d行的证件号码重复。") % {"n": seen[row.id_number]}
        if row.amount_text:
            try:
                row.amount = Decimal(row.amount_text.replace(",", ""))
            except InvalidOperation:
                reason = reason or _("金额“%(v)s”不是有效的数字。") % {"v": row.amount_text}
        if reason is None:
            seen[row.id_number] = row.number
            payments = by_id.get(row.id_number, [])
            ours = [p for p in payments if p.declaration.plan.committee.office_id == office.pk]
            pending = [p for p in ours if p.status == Payment.Status.PENDING]
            if row.amount is not None:
                same = [p for p in pending if p.amount == row.amount]
                if pending and not same:
                    reason = _("金额不符：应缴%(a)s元，表中为%(b)s元。") % {
                        "a": "、".join(str(p.amount) for p in pending),
                        "b": row.amount,
                    }
                pending = same
            if reason is None:
                if not payments:
                    reason = _("未找到该证件号码的待缴费记录。")
                elif not ours:
                    reason = _("该证件号码的缴费记录不属于本评委会。")
                elif not pending and any(p.status == Payment.Status.PAID for p in ours):
                    reason = _("该证件号码已登记为已缴费。")
                elif len(pending) > 1:
                    reason = _("该证件号码有多笔待缴费记录，请填写“金额”列以区分。")
                elif not pending:
                    reason = _("未找到该证件号码的待缴费记录。")
                elif row.name and row.name != pending[0].declaration.applicant.name:
                    reason = _("姓名“%(n)s”与证件号码不符。") % {"n": row.name}
        if reason is None:
            matched[row.number] = pending[0]
        else:
            bad.append(BadRow(number=row.number, id_number=row.id_number, reason=str(reason)))
    return matched, bad


@transaction.atomic
def import_paid(*, actor, office, rows: list[ImportRow], filename: str = "") -> list[Payment]:
    """Mark paid (method IMPORT) the pending payment of each row: all rows match or nothing
    is recorded (ImportRefused carries the report of bad rows)."""
    backend = _require_office(actor, office)
    if not rows:
        raise ValidationError(_("文件中没有缴费数据。"))
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(_("文件不能超过%(n)d行数据，请分批导入。") % {"n": MAX_IMPORT_ROWS})
    matched, bad = _match(office, rows)
    if bad:
        raise ImportRefused(bad, len(rows))
    by_pk = {p.pk: number for number, p in matched.items()}
    locked = list(
        Payment.objects.select_for_update()
        .filter(pk__in=list(by_pk), status=Payment.Status.PENDING)
        .order_by("pk")
    )
    if len(locked) != len(by_pk):
        # Paid by a colleague between the match and the lock.
        gone = set(by_pk) - {p.pk for p in locked}
        raise ImportRefused(
            [
                BadRow(
                    number=by_pk[pk],
                    id_number=matched[by_pk[pk]].declaration.applicant.id_number,
                    reason=str(_("该证件号码已登记为已缴费。")),
                )
                for pk in sorted(gone, key=lambda pk: by_pk[pk])
            ],
            len(rows),
        )
    references = {p.pk: row.reference for row in rows for p in [matched[row.number]]}
    for payment in locked:
        backend.record(
            payment, actor, reference=references.get(payment.pk, ""), method=Payment.Method.IMPORT
        )
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_IMPORTED,
        obj=office,
        organization=office,
        filename=(filename or "")[:200],
        count=len(locked),
        payments=[p.pk for p in locked],
    )
    _after_commit_notify(p.pk for p in locked)
    return locked


# --- after commit -------------------------------------------------------------------------------


def notify_paid(*, payment_id: int) -> None:
    """Run by the task: tell the applicant the fee was recorded as paid."""
    from django.conf import settings
    from django.utils.translation import override

    from applicants.services import queue_sms

    payment = (
        Payment.objects.select_related(
            "declaration__applicant",
            "declaration__plan__series",
            "declaration__plan__level",
            "declaration__plan__region",
        )
        .filter(pk=payment_id, status=Payment.Status.PAID)
        .first()
    )
    if payment is None or not payment.declaration.applicant.phone:
        return
    with override(settings.LANGUAGE_CODE):
        body = _("【职称申报】您的职称申报“%(plan)s”评审费%(amount)s元已确认缴费。") % {
            "plan": payment.declaration.plan,
            "amount": payment.amount,
        }
        queue_sms(phone=payment.declaration.applicant.phone, body=body)
