"""Continuing-education hours (近五年学习培训及继续教育经历).

The seed platforms fetch these from the province's continuing-education platform; here an
administrator imports them from a CSV file (ID number, year, type, hours) and the declaration shows
them read-only, year by year, against the plan's required hours.
"""

import csv
import io
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.validators import normalize_id_number, validate_passport, validate_resident_id
from core.prepared import prepared
from declarations.models import ContinuingEducationRecord

logger = logging.getLogger(__name__)

Kind = ContinuingEducationRecord.Kind

MAX_FILE_BYTES = 2 * 1024 * 1024
FIRST_YEAR = 2000
MAX_HOURS = Decimal("99999.9")  # the column holds 6 digits with 1 decimal place
MAX_REPORTED_ERRORS = 50
KIND_ALIASES = {
    "公需": Kind.PUBLIC,
    "公需科目": Kind.PUBLIC,
    "public": Kind.PUBLIC,
    "专业": Kind.PROFESSIONAL,
    "专业科目": Kind.PROFESSIONAL,
    "professional": Kind.PROFESSIONAL,
}
HEADER_WORDS = {"证件号码", "证件号", "身份证号", "身份证号码", "id_number", "id number", "id"}
_BATCH = 500


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def total(self):
        return self.created + self.updated


def decode_csv_bytes(content: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GBK (read as GB 18030, its superset)."""
    if b"\x00" in content:
        raise ValidationError(
            _("文件不是文本格式的CSV文件，请在表格软件中“另存为CSV”后再上传。"), code="binary"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("无法识别文件编码，请保存为UTF-8或GBK编码的CSV文件。"), code="encoding")


def _parse_id_number(value: str) -> str:
    """A resident ID (GB 11643, 18 characters) or a passport number."""
    number = normalize_id_number(value)
    if not number:
        raise ValidationError(_("证件号码为空。"))
    # 18 characters, or 15–17 digits (a resident ID missing digits), are read as a resident ID.
    if len(number) == 18 or (number.isdigit() and len(number) >= 15):
        return validate_resident_id(number)
    try:
        return validate_passport(number)
    except ValidationError:
        raise ValidationError(
            _("证件号码“%(v)s”既不是18位居民身份证号码，也不是5至17位字母或数字的护照号码。")
            % {"v": value.strip()}
        ) from None


def _parse_year(value: str) -> int:
    last = timezone.localdate().year
    text = value.strip().removesuffix("年")
    if not text.isdigit():
        raise ValidationError(_("年度“%(v)s”应为4位数字，例如2025。") % {"v": value.strip()})
    year = int(text)
    if not FIRST_YEAR <= year <= last:
        raise ValidationError(
            _("年度%(y)d不在%(a)d至%(b)d年之间。") % {"y": year, "a": FIRST_YEAR, "b": last}
        )
    return year


def _parse_kind(value: str) -> str:
    kind = KIND_ALIASES.get(value.strip().lower())
    if kind is None:
        raise ValidationError(
            _("类型“%(v)s”无法识别，应为“公需”或“专业”（也可写 public / professional）。")
            % {"v": value.strip()}
        )
    return kind


def _parse_hours(value: str) -> Decimal:
    text = value.strip()
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("学时“%(v)s”不是数字。") % {"v": text}) from None
    if not hours.is_finite() or hours <= 0:
        raise ValidationError(_("学时应大于0，当前为“%(v)s”。") % {"v": text})
    if hours > MAX_HOURS:
        raise ValidationError(_("学时“%(v)s”过大。") % {"v": text})
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError(_("学时“%(v)s”最多保留1位小数。") % {"v": text})
    return hours.quantize(Decimal("0.1"))


def _is_header(cells) -> bool:
    return bool(cells) and cells[0].strip().lstrip("\ufeff").lower() in HEADER_WORDS


def parse_records(csv_text: str) -> list[ContinuingEducationRecord]:
    """Every row as an unsaved record, or ValidationError with one message per bad line."""
    errors = []
    records = []
    first_line = {}
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    try:
        first_row = True
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if first_row:
                first_row = False
                if _is_header(cells):
                    continue
            if len(cells) != 4:
                errors.append(
                    _("第%(l)d行：应有4列（证件号码、年度、类型、学时），实际为%(n)d列。")
                    % {"l": line, "n": len(cells)}
                )
                continue
            values = {}
            problems = []
            for key, parse, cell in zip(
                ("id_number", "year", "kind", "hours"),
                (_parse_id_number, _parse_year, _parse_kind, _parse_hours),
                cells,
                strict=True,
            ):
                try:
                    values[key] = parse(cell)
                except ValidationError as error:
                    problems.extend(error.messages)
            if problems:
                errors.append(_("第%(l)d行：") % {"l": line} + " ".join(problems))
                continue
            key = (values["id_number"], values["year"], values["kind"])
            if key in first_line:
                errors.append(
                    _("第%(l)d行：与第%(f)d行重复（同一证件号码、年度和类型只能有一行）。")
                    % {"l": line, "f": first_line[key]}
                )
                continue
            first_line[key] = line
            records.append(ContinuingEducationRecord(**values))
    except csv.Error as error:
        errors.append(_("第%(l)d行：CSV格式错误（%(e)s）。") % {"l": reader.line_num, "e": error})
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        if len(errors) > len(shown):
            shown.append(_("……另有%(n)d处错误未列出。") % {"n": len(errors) - len(shown)})
        raise ValidationError(
            [_("文件有%(n)d处错误，全部未导入，请修改后重新上传：") % {"n": len(errors)}, *shown]
        )
    if not records:
        raise ValidationError(_("文件中没有数据行。每行依次为：证件号码、年度、类型、学时。"))
    return records


def import_records(csv_text: str, *, actor) -> ImportResult:
    """Validate every row, then upsert all of them on (证件号码, 年度, 类型), or none.

    actor is the administrator importing; None means the command line (import_continuing_education).
    """
    if actor is not None and not actor.is_administrator:
        raise PermissionDenied(_("只有系统管理员可以导入继续教育学时。"))
    records = parse_records(csv_text)
    ids = sorted({r.id_number for r in records})
    with transaction.atomic():
        existing = set()
        for start in range(0, len(ids), _BATCH):
            existing.update(
                ContinuingEducationRecord.objects.filter(
                    id_number__in=ids[start : start + _BATCH]
                ).values_list("id_number", "year", "kind")
            )
        now = timezone.now()
        for record in records:
            record.imported_at = now
        ContinuingEducationRecord.objects.bulk_create(
            records,
            batch_size=_BATCH,
            update_conflicts=True,
            unique_fields=["id_number", "year", "kind"],
            update_fields=["hours", "imported_at"],
        )
    updated = sum((r.id_number, r.year, r.kind) in existing for r in records)
    result = ImportResult(created=len(records) - updated, updated=updated)
    logger.info(
        "continuing education import by %s: %d created, %d updated",
        getattr(actor, "username", "command line"),
        result.created,
        result.updated,
    )
    return result


@dataclass(frozen=True)
class YearSummary:
    year: int
    public: Decimal
    professional: Decimal
    required: int
    # Whether any hours were imported for the year (none: 尚无学时记录, not "0 hours done").
    recorded: bool = True

    @property
    def total(self) -> Decimal:
        return self.public + self.professional

    @property
    def meets(self) -> bool:
        return self.total >= self.required


@dataclass(frozen=True)
class Summary:
    years: list[YearSummary]
    required: int

    @property
    def all_met(self) -> bool:
        return all(y.meets for y in self.years)

    @property
    def short_years(self) -> list[int]:
        return [y.year for y in self.years if not y.meets]

    @property
    def unrecorded_years(self) -> list[int]:
        """Years with no imported hours at all."""
        return [y.year for y in self.years if not y.recorded]

    @property
    def any_recorded(self) -> bool:
        return any(y.recorded for y in self.years)


def summary_years(plan) -> list[int]:
    """The last plan.ce_years years before the plan's year (2026 → 2021—2025)."""
    return list(range(plan.year - plan.ce_years, plan.year))


@prepared
def _hours(*, id_number, first, last):
    return ContinuingEducationRecord.objects.filter(
        id_number=id_number, year__gte=first, year__lte=last
    ).values_list("year", "kind", "hours")


def summary_for(declaration) -> Summary:
    """Hours per year of the applicant's last plan.ce_years years, in one query."""
    plan = declaration.plan
    years = summary_years(plan)
    hours = {}
    id_number = normalize_id_number(declaration.applicant.id_number or "")
    if id_number and years:
        rows = _hours(id_number=id_number, first=years[0], last=years[-1])
        hours = {(year, kind): value for year, kind, value in rows}
    zero = Decimal("0.0")
    return Summary(
        years=[
            YearSummary(
                year=year,
                public=hours.get((year, Kind.PUBLIC), zero),
                professional=hours.get((year, Kind.PROFESSIONAL), zero),
                required=plan.ce_hours_required,
                recorded=(year, Kind.PUBLIC) in hours or (year, Kind.PROFESSIONAL) in hours,
            )
            for year in years
        ],
        required=plan.ce_hours_required,
    )
