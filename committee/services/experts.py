"""The expert pool (评审专家库) a committee office manages, the experts' login accounts, and the
members of a committee for a year.

Accounts: adding an expert creates a login account of kind EXPERT. Its username is the
expert's phone when no account signs in with that text yet, else a generated ``zj`` + digits.
The ID number is one sign-in name per person (applicants.SignInName): when it is free the
expert account carries it (the expert may sign in with it); when it already belongs to an
account (the person also declares as an applicant, or is an expert of another office) the
expert account is created without an ID number and signs in with its username only, so the
person keeps their personal account apart from the expert role (the pool row keeps the ID
number). The initial password is shown to the office once and sent by SMS.
"""

import io
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from applicants import user_cache
from applicants.models import AccountKind, IdType, User, sign_in_name_taken
from applicants.services import queue_sms, temporary_password
from applicants.validators import validate_passport, validate_phone, validate_resident_id
from catalog.models import Level, Series, Specialty
from committee.models import CommitteeMember, CommitteeRules, Expert
from institutions import access
from institutions.audit import AuditAction, record_audit
from institutions.models import Organization

# 人社部令第40号: a 高级 committee has at least 25 members, a 中级 or 初级 one at least 11.
SENIOR_LEVEL_CODES = frozenset({"deputy_senior", "senior"})
SENIOR_MINIMUM = 25
OTHER_MINIMUM = 11

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 1000
IMPORT_COLUMNS = (
    "姓名",
    "证件号码",
    "手机号码",
    "工作单位",
    "评审系列",
    "评审专业",
    "职称",
    "级别",
)


def minimum_members(committee) -> int:
    """The minimum of members of the committee: its CommitteeRules.minimum_members when set,
    else the legal one by its level (高级 25, 中级/初级 11)."""
    rules = CommitteeRules.objects.filter(committee=committee).first()
    if rules is not None and rules.minimum_members:
        return rules.minimum_members
    level = committee.level
    if level.code in SENIOR_LEVEL_CODES or "高级" in level.name:
        return SENIOR_MINIMUM
    return OTHER_MINIMUM


def require_office(actor, office: Organization) -> None:
    """The actor acts for this committee office, which organizes evaluations."""
    access.require_member(actor, office)
    if not access.may(office, access.Capability.EVALUATE):
        raise PermissionDenied(_("只有评委会办事机构可以管理评审专家。"))


@dataclass
class ExpertData:
    name: str
    id_number: str
    phone: str
    work_unit: str
    title: str
    id_type: str = IdType.RESIDENT_ID
    organization: Organization | None = None
    level: Level | None = None
    series: list = field(default_factory=list)
    specialties: list = field(default_factory=list)


def clean_id_number(id_type: str, value: str) -> str:
    """The ID number checked as applicants' are (GB 11643 for resident IDs)."""
    if id_type == IdType.PASSPORT:
        return validate_passport(value)
    return validate_resident_id(value)


def _validate(data: ExpertData, office: Organization, *, exclude_pk=None) -> dict:
    errors = {}
    if not data.name.strip():
        errors["name"] = _("请填写“姓名”。")
    try:
        data.id_number = clean_id_number(data.id_type, data.id_number)
    except ValidationError as error:
        errors["id_number"] = error.messages
    try:
        data.phone = validate_phone(data.phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    if not data.work_unit.strip():
        errors["work_unit"] = _("请填写“工作单位”。")
    if not data.title.strip():
        errors["title"] = _("请填写“职称”。")
    if "id_number" not in errors:
        taken = Expert.objects.filter(office=office, id_number=data.id_number)
        if exclude_pk:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors["id_number"] = _("该证件号码的专家已在本专家库中。")
    series_ids = {s.pk for s in data.series}
    if any(s.series_id not in series_ids for s in data.specialties):
        errors["specialties"] = _("评审专业须属于所选的评审系列。")
    return errors


def _username_for(phone: str) -> str:
    if not sign_in_name_taken(phone):
        return phone
    while True:
        candidate = f"zj{secrets.randbelow(10**8):08d}"
        if not sign_in_name_taken(candidate):
            return candidate


def _create_account(data: ExpertData) -> tuple[User, str]:
    password = temporary_password()
    user = User(
        kind=AccountKind.EXPERT,
        username=_username_for(data.phone),
        name=data.name,
        phone=data.phone,
        id_type=data.id_type,
        # One account per ID number: an ID number another account signs in with stays there.
        id_number=None if sign_in_name_taken(data.id_number) else data.id_number,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            {"phone": _("创建登录账号时登录名冲突（可能有人同时注册），请重试。")}
        ) from None
    return user, password


def _tell_password(user: User, password: str) -> None:
    body = _(
        "【职称申报评审平台】您已被列入评审专家库，登录账号 %(u)s，初始密码 %(p)s。"
        "请登录后立即修改密码。"
    )
    queue_sms(
        phone=user.phone,
        body=body % {"u": user.username, "p": password},
        redacted_body=body % {"u": user.username, "p": "******"},
    )


def _save_new(office: Organization, data: ExpertData) -> tuple[Expert, str]:
    user, password = _create_account(data)
    expert = Expert.objects.create(
        office=office,
        user=user,
        name=data.name.strip(),
        id_number=data.id_number,
        phone=data.phone,
        work_unit=data.work_unit.strip(),
        organization=data.organization,
        title=data.title.strip(),
        level=data.level,
    )
    expert.series.set(data.series)
    expert.specialties.set(data.specialties)
    _tell_password(user, password)
    return expert, password


@transaction.atomic
def add_expert(*, actor, office: Organization, data: ExpertData) -> tuple[Expert, str]:
    """Add an expert to the office's pool with a login account; returns the expert and the
    initial password (to be shown to the office once; it is also sent by SMS)."""
    require_office(actor, office)
    errors = _validate(data, office)
    if errors:
        raise ValidationError(errors)
    expert, password = _save_new(office, data)
    record_audit(
        actor=actor,
        action=AuditAction.EXPERT_ADDED,
        obj=expert,
        organization=office,
        username=expert.user.username,
    )
    return expert, password


@transaction.atomic
def update_expert(*, actor, expert: Expert, data: ExpertData) -> Expert:
    """Change an expert's details; the ID number is fixed once added."""
    require_office(actor, expert.office)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    data.id_number = expert.id_number
    data.id_type = IdType.PASSPORT if not expert.id_number[:17].isdigit() else IdType.RESIDENT_ID
    errors = _validate(data, expert.office, exclude_pk=expert.pk)
    errors.pop("id_number", None)
    if errors:
        raise ValidationError(errors)
    before = {"phone": expert.phone, "work_unit": expert.work_unit, "title": expert.title}
    expert.name = data.name.strip()
    expert.phone = data.phone
    expert.work_unit = data.work_unit.strip()
    expert.organization = data.organization
    expert.title = data.title.strip()
    expert.level = data.level
    expert.save()
    expert.series.set(data.series)
    expert.specialties.set(data.specialties)
    if expert.user_id:
        User.objects.filter(pk=expert.user_id).update(name=expert.name, phone=expert.phone)
        user_cache.forget(expert.user_id)
    record_audit(
        actor=actor,
        action=AuditAction.EXPERT_CHANGED,
        obj=expert,
        organization=expert.office,
        before=before,
    )
    return expert


@transaction.atomic
def deactivate_expert(*, actor, expert: Expert, reason: str = "") -> Expert:
    """停用: the expert leaves the pool (no new appointments or draws) and can no longer sign in."""
    require_office(actor, expert.office)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if not expert.is_active:
        raise ValidationError(_("该专家已停用。"))
    expert.is_active = False
    expert.save(update_fields=["is_active"])
    if expert.user_id:
        User.objects.filter(pk=expert.user_id).update(is_active=False)
        user_cache.forget(expert.user_id)  # signed out at the next request
    record_audit(
        actor=actor,
        action=AuditAction.EXPERT_DEACTIVATED,
        obj=expert,
        organization=expert.office,
        reason=reason,
    )
    return expert


# --- import from xlsx --------------------------------------------------------------------------


@dataclass
class ImportReport:
    """Rows with their problems; created is filled only when every row was good."""

    errors: list[tuple[int, str, str]] = field(default_factory=list)
    created: list[tuple[Expert, str]] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(content: bytes) -> list[list[str]]:
    """The data rows of the first sheet (the header row must name IMPORT_COLUMNS)."""
    from openpyxl import load_workbook

    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationError(_("文件不能超过2MB。"))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ValidationError(_("无法读取该文件，请上传 .xlsx 格式的 Excel 文件。")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        header = None
        for values in sheet.iter_rows(values_only=True):
            cells = [_cell(v) for v in values[: len(IMPORT_COLUMNS)]]
            cells += [""] * (len(IMPORT_COLUMNS) - len(cells))
            if header is None:
                header = cells
                if tuple(header) != IMPORT_COLUMNS:
                    raise ValidationError(
                        _("第一行须为表头：%(h)s。") % {"h": "、".join(IMPORT_COLUMNS)}
                    )
                continue
            if not any(cells):
                continue
            rows.append(cells)
            if len(rows) > IMPORT_MAX_ROWS:
                raise ValidationError(
                    _("一次最多导入%(n)d名专家，请分批导入。") % {"n": IMPORT_MAX_ROWS}
                )
    finally:
        workbook.close()
    if header is None:
        raise ValidationError(_("文件是空的。"))
    if not rows:
        raise ValidationError(_("文件中没有专家数据。"))
    return rows


def _split(value: str) -> list[str]:
    for separator in ("，", ",", ";", "；", "/"):
        value = value.replace(separator, "、")
    return [part.strip() for part in value.split("、") if part.strip()]


@transaction.atomic
def import_experts(*, actor, office: Organization, content: bytes) -> ImportReport:
    """导入评审专家 from an xlsx file: all or nothing. Every row is checked first; when any row
    is wrong nothing is saved and the report lists each wrong row (its number in the sheet)."""
    require_office(actor, office)
    rows = read_rows(content)
    series_by_name = {s.name: s for s in Series.objects.all()}
    specialties = {(s.series_id, s.name): s for s in Specialty.objects.all()}
    levels = {level.name: level for level in Level.objects.all()}
    organizations = {}
    for organization in Organization.objects.filter(name__in=[r[3] for r in rows]):
        organizations[organization.name] = organization
    report = ImportReport(rows=len(rows))
    seen_ids, seen_phones, parsed = {}, {}, []
    for number, cells in enumerate(rows, start=2):
        name, id_number, phone, work_unit, series_text, specialty_text, title, level_name = cells
        problems = []
        series = []
        for series_name in _split(series_text):
            if series_name in series_by_name:
                series.append(series_by_name[series_name])
            else:
                problems.append(_("评审系列“%(s)s”不存在") % {"s": series_name})
        chosen_specialties = []
        for specialty_name in _split(specialty_text):
            match = next(
                (
                    specialties[(s.pk, specialty_name)]
                    for s in series
                    if (s.pk, specialty_name) in specialties
                ),
                None,
            )
            if match is None:
                problems.append(_("评审专业“%(s)s”不属于所填系列") % {"s": specialty_name})
            else:
                chosen_specialties.append(match)
        level = None
        if level_name:
            level = levels.get(level_name)
            if level is None:
                problems.append(_("级别“%(s)s”不存在") % {"s": level_name})
        id_type = IdType.RESIDENT_ID if len(id_number) == 18 else IdType.PASSPORT
        data = ExpertData(
            name=name,
            id_number=id_number,
            id_type=id_type,
            phone=phone,
            work_unit=work_unit,
            organization=organizations.get(work_unit),
            title=title,
            level=level,
            series=series,
            specialties=chosen_specialties,
        )
        for messages in _validate(data, office).values():
            problems.extend([messages] if isinstance(messages, str) else messages)
        if data.id_number in seen_ids:
            problems.append(_("证件号码与第%(n)d行重复") % {"n": seen_ids[data.id_number]})
        if data.phone in seen_phones:
            problems.append(_("手机号码与第%(n)d行重复") % {"n": seen_phones[data.phone]})
        seen_ids.setdefault(data.id_number, number)
        seen_phones.setdefault(data.phone, number)
        if problems:
            report.errors.append((number, name, "；".join(str(p) for p in problems)))
        parsed.append(data)
    if report.errors:
        return report
    for data in parsed:
        report.created.append(_save_new(office, data))
    record_audit(
        actor=actor,
        action=AuditAction.EXPERTS_IMPORTED,
        obj=office,
        organization=office,
        count=len(report.created),
        expert_ids=[expert.pk for expert, _password in report.created],
    )
    return report


# --- members of a committee for a year -------------------------------------------------------


@transaction.atomic
def appoint_members(*, actor, committee, year: int, expert_ids) -> list[int]:
    """Make the committee's members for the year exactly these experts of its office's pool
    (active ones). Returns the member expert ids."""
    require_office(actor, committee.office)
    wanted = {int(i) for i in expert_ids}
    pool = set(
        Expert.objects.filter(office=committee.office, is_active=True, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    if pool != wanted:
        raise ValidationError(_("所选专家中有不在本专家库或已停用的专家，请刷新后重试。"))
    # Lock the year's rows so two offices' saves do not interleave.
    current = set(
        CommitteeMember.objects.select_for_update()
        .filter(committee=committee, year=year)
        .values_list("expert_id", flat=True)
    )
    removed, added = current - wanted, wanted - current
    if removed:
        CommitteeMember.objects.filter(
            committee=committee, year=year, expert_id__in=removed
        ).delete()
    CommitteeMember.objects.bulk_create(
        [CommitteeMember(committee=committee, expert_id=pk, year=year) for pk in sorted(added)]
    )
    record_audit(
        actor=actor,
        action=AuditAction.MEMBERS_APPOINTED,
        obj=committee,
        organization=committee.office,
        year=year,
        added=sorted(added),
        removed=sorted(removed),
        count=len(wanted),
        minimum=minimum_members(committee),
    )
    return sorted(wanted)
