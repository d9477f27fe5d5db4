"""Every write about organizations: registration, permission, accounts."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from applicants.models import AccountKind, User, sign_in_name_taken
from applicants.services import issue_temporary_password, queue_sms
from applicants.validators import PHONE_RE
from institutions import access, selectors
from institutions.audit import AuditAction, acting_organization, record_audit
from institutions.models import (
    Membership,
    Organization,
    OrgKind,
    PermissionApplication,
    PermissionStatus,
    Region,
    RoutingPath,
)
from institutions.selectors import responsible_bureau


@dataclass(frozen=True)
class UnitRegistration:
    """Validated unit registration waiting for the registrant's confirmation."""

    name: str
    uscc: str
    region_id: int
    contact_name: str
    contact_phone: str
    username: str
    password_hash: str

    def as_session(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_session(cls, data: dict) -> "UnitRegistration":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def _username_taken(username: str) -> bool:
    # Usernames, ID numbers and personal phones share one sign-in namespace, in any case
    # (applicants.models.SignInName): "Unit" may not be taken when "unit" or a passport
    # number "UNIT" signs in already.
    return sign_in_name_taken(username) is not None


def _create_account(*, username, password_hash, name, phone) -> User:
    return User.objects.create(
        kind=AccountKind.ORGANIZATION,
        username=username,
        password=password_hash,
        name=name,
        phone=phone,
    )


@transaction.atomic
def register_unit(*, registration: UnitRegistration) -> Organization:
    """Create the unit and its login account; the name is locked from this confirmation on."""
    region = Region.objects.get(pk=registration.region_id)
    if _username_taken(registration.username):
        raise ValidationError(_("该用户名已被使用，请返回修改。"))
    try:
        with transaction.atomic():
            user = _create_account(
                username=registration.username,
                password_hash=registration.password_hash,
                name=registration.contact_name,
                phone=registration.contact_phone,
            )
    except IntegrityError:
        raise ValidationError(_("该用户名已被使用，请返回修改。")) from None
    unit = Organization.objects.create(
        name=registration.name,
        kind=OrgKind.UNIT,
        region=region,
        uscc=registration.uscc,
        contact_name=registration.contact_name,
        contact_phone=registration.contact_phone,
        name_confirmed_at=timezone.now(),
    )
    Membership.objects.create(user=user, organization=unit, role=Membership.Role.MANAGER)
    record_audit(
        actor=user,
        action=AuditAction.UNIT_REGISTERED,
        obj=unit,
        organization=unit,
        username=user.username,
        uscc=unit.uscc,
        region=unit.region.full_name,
    )
    return unit


def _conflicting_authorized_unit(unit: Organization) -> Organization | None:
    # Any kind of organization: the unique_authorized_name / _uscc constraints span all kinds,
    # so a unit named like a department could pass this check and then never be approved.
    return (
        Organization.objects.select_related("region")
        .filter(permission_status=PermissionStatus.APPROVED)
        .exclude(pk=unit.pk)
        .filter(Q(name=unit.name) | (Q(uscc=unit.uscc) if unit.uscc else Q(pk__in=[])))
        .first()
    )


def _conflict_message(existing: Organization, unit: Organization) -> str:
    accounts = ", ".join(
        existing.memberships.select_related("user").values_list("user__username", flat=True)
    )
    if existing.name == unit.name:
        what = _("已经存在有权限的同名单位")
    else:
        what = _("已经存在使用该统一社会信用代码的有权限单位“%(n)s”") % {"n": existing.name}
    return _(
        "%(what)s（账号：%(acc)s，所属地区：%(region)s），可能是重复注册。"
        "请联系所属地人社局查询账号，使用之前的账号登录。"
    ) % {"what": what, "acc": accounts or "-", "region": existing.region.full_name}


def _automatic_check_problems(unit: Organization) -> list[str]:
    """What keeps a unit's application from being granted at once (seed S1 四.4: 首先进行自动
    校验，自动校验不通过的……提交对应区划人社局后台审核). The code and the region must agree, and
    no other registration may carry the same name or code (a possible duplicate)."""
    problems = []
    if not unit.uscc:
        problems.append(_("未填写统一社会信用代码。"))
    else:
        # Characters 3-8 of the code: the region of the authority that registered the unit.
        registered_in = unit.uscc[2:8]
        region = unit.region
        same_area = region.code[:2] if region.level == Region.Level.PROVINCE else region.code[:4]
        if not registered_in.startswith(same_area):
            problems.append(
                _("统一社会信用代码中的登记管理机关行政区划码（%(c)s）与所属地区（%(r)s）不一致。")
                % {"c": registered_in, "r": region.full_name}
            )
    same = Q(name=unit.name) | (Q(uscc=unit.uscc) if unit.uscc else Q(pk__in=[]))
    twins = list(
        Organization.objects.filter(same)
        .exclude(pk=unit.pk)
        .order_by("pk")
        .values_list("name", flat=True)[:3]
    )
    if twins:
        problems.append(
            _("已有同名或使用同一统一社会信用代码的其他注册单位（%(n)s），可能是重复注册。")
            % {"n": "、".join(twins)}
        )
    return problems


def unit_sms_phone(unit: Organization) -> str:
    """Where the unit's SMS go: its contact phone, else its first account's (mobiles only)."""
    if unit.contact_phone and PHONE_RE.match(unit.contact_phone):
        return unit.contact_phone
    phones = unit.memberships.order_by("pk").values_list("user__phone", flat=True)
    return next((p for p in phones if p and PHONE_RE.match(p)), "")


def _notify_unit(unit: Organization, body: str) -> None:
    """An SMS to the unit, sent after the transaction commits (applicants.services.queue_sms)."""
    phone = unit_sms_phone(unit)
    if phone:
        queue_sms(phone=phone, body=body)


@transaction.atomic
def apply_for_permission(*, actor: User, unit: Organization) -> PermissionApplication:
    """The automatic check: granted at once when it passes, otherwise the application waits in
    the queue of the region's HR bureau with what failed (seed S1 四.4). A unit named or coded
    like an authorized one is refused (a duplicate registration)."""
    unit = Organization.objects.select_for_update().select_related("region").get(pk=unit.pk)
    if not access.acts_for(actor, unit):
        raise PermissionDenied(_("只有本单位账号可以申请权限。"))
    if not access.may(unit, access.Capability.REQUEST_PERMISSION):
        raise ValidationError(_("只有用人单位需要申请职称评审权限。"))
    if unit.permission_status == PermissionStatus.APPROVED:
        raise ValidationError(_("本单位已获得职称评审权限，无需重复申请。"))
    if unit.permission_status == PermissionStatus.PENDING:
        raise ValidationError(_("权限申请正在人社局审核中，请耐心等待。"))
    existing = _conflicting_authorized_unit(unit)
    if existing is not None:
        raise ValidationError(_conflict_message(existing, unit))
    bureau = responsible_bureau(unit.region)
    if bureau is None:
        raise ValidationError(
            _("所属地区（%(r)s）暂无人社局账号，请联系系统管理员。") % {"r": unit.region.full_name}
        )
    problems = _automatic_check_problems(unit)
    now = timezone.now()
    if problems:
        application = PermissionApplication.objects.create(
            organization=unit,
            bureau=bureau,
            submitted_by=actor,
            submitted_at=now,
            check_problems="\n".join(problems),
        )
        unit.permission_status = PermissionStatus.PENDING
        unit.save(update_fields=["permission_status"])
        record_audit(
            actor=actor,
            action=AuditAction.PERMISSION_APPLIED,
            obj=application,
            organization=unit,
            bureau=bureau.name,
            problems=problems,
        )
        return application
    application = PermissionApplication.objects.create(
        organization=unit,
        bureau=bureau,
        submitted_by=actor,
        submitted_at=now,
        status=PermissionApplication.Status.APPROVED,
        decided_at=now,
        reason=_("自动校验通过，已授权。"),
    )
    unit.permission_status = PermissionStatus.APPROVED
    try:
        with transaction.atomic():
            unit.save(update_fields=["permission_status"])
    except IntegrityError:
        # Another unit of that name or code was authorized a moment ago.
        raise ValidationError(_("已存在同名或同代码的有权限单位，不能重复授权。")) from None
    record_audit(
        actor=actor,
        action=AuditAction.PERMISSION_GRANTED_AUTOMATICALLY,
        obj=application,
        organization=unit,
        bureau=bureau.name,
    )
    _notify_unit(
        unit,
        _(
            "【职称申报评审平台】%(n)s：贵单位的职称评审权限申请已通过自动校验，已授权。"
            "本单位人员现在可以在申报时选择本单位。"
        )
        % {"n": unit.name},
    )
    return application


@transaction.atomic
def decide_permission(
    *, actor: User, application: PermissionApplication, approve: bool, reason: str = ""
) -> PermissionApplication:
    """The HR bureau approves or rejects (a reason is required to reject)."""
    application = PermissionApplication.objects.select_for_update().get(pk=application.pk)
    if not access.acts_for(actor, application.bureau_id):
        raise PermissionDenied(_("只能审核本人社局队列中的申请。"))
    if application.status != PermissionApplication.Status.PENDING:
        raise ValidationError(_("该申请已处理，请刷新页面。"))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("不通过时必须填写原因。")})
    unit = Organization.objects.select_for_update().get(pk=application.organization_id)
    now = timezone.now()
    if approve:
        existing = _conflicting_authorized_unit(unit)
        if existing is not None:
            raise ValidationError(_conflict_message(existing, unit))
        unit.permission_status = PermissionStatus.APPROVED
    else:
        unit.permission_status = PermissionStatus.REJECTED
    try:
        with transaction.atomic():
            unit.save(update_fields=["permission_status"])
    except IntegrityError:
        raise ValidationError(_("已存在同名或同代码的有权限单位，不能重复授权。")) from None
    application.status = (
        PermissionApplication.Status.APPROVED if approve else PermissionApplication.Status.REJECTED
    )
    application.decided_by = actor
    application.decided_at = now
    application.reason = reason
    application.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    record_audit(
        actor=actor,
        action=AuditAction.PERMISSION_APPROVED if approve else AuditAction.PERMISSION_REJECTED,
        obj=application,
        organization=application.bureau,
        reason=reason,
        unit=unit.name,
        permission_status=unit.permission_status,
    )
    if approve:
        body = _(
            "【职称申报评审平台】%(n)s：贵单位的职称评审权限申请已由%(b)s审核通过，已授权。"
            "本单位人员现在可以在申报时选择本单位。"
        ) % {"n": unit.name, "b": application.bureau.name}
    else:
        body = _(
            "【职称申报评审平台】%(n)s：贵单位的职称评审权限申请未通过%(b)s审核，原因：%(r)s。"
            "请登录平台修改后重新申请。"
        ) % {"n": unit.name, "b": application.bureau.name, "r": Truncator(reason).chars(60)}
    _notify_unit(unit, body)
    return application


# --- 单位管理: the HR bureau corrects its units and resets their passwords (seed S1 四.5) ------


def _bureau_and_unit(actor: User, unit: Organization) -> tuple[Organization, Organization]:
    """The actor's bureau, which must look after the unit (locked for the change)."""
    bureau = access.require_organization(actor, access.Capability.MANAGE_UNITS)
    if not selectors.managed_units(bureau).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("只能管理本人社局所辖的单位。"))
    unit = Organization.objects.select_for_update().select_related("region").get(pk=unit.pk)
    return bureau, unit


UNIT_CORRECTABLE_FIELDS = ("name", "uscc", "region", "contact_name", "contact_phone")


@transaction.atomic
def correct_unit(
    *,
    actor: User,
    unit: Organization,
    name: str,
    uscc: str,
    region: Region,
    contact_name: str,
    contact_phone: str,
    reason: str,
) -> Organization:
    """The bureau corrects a unit's details, its locked name included, with a reason for the
    audit trail. The unit's accounts that used the old contact phone get the new one (it is
    where 找回密码 sends the code)."""
    bureau, unit = _bureau_and_unit(actor, unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    if bureau.region.code not in region.ancestor_codes():
        raise ValidationError({"region": _("只能选择本人社局管辖的地区。")})
    before = {f: getattr(unit, f) for f in UNIT_CORRECTABLE_FIELDS}
    unit.name, unit.uscc, unit.region = name, uscc, region
    unit.contact_name, unit.contact_phone = contact_name, contact_phone
    changes = {
        f: [str(old), str(getattr(unit, f))] for f, old in before.items() if old != getattr(unit, f)
    }
    if not changes:
        raise ValidationError(_("单位信息没有变化，无需更正。"))
    if unit.is_authorized:
        existing = _conflicting_authorized_unit(unit)
        if existing is not None:
            field = "name" if existing.name == unit.name else "uscc"
            raise ValidationError(
                {
                    field: _("与有权限的“%(n)s”（%(r)s）重复，不能更正为该名称或代码。")
                    % {"n": existing.name, "r": existing.region.full_name}
                }
            )
    try:
        with transaction.atomic():
            unit.save(update_fields=[f for f in UNIT_CORRECTABLE_FIELDS if f in changes])
    except IntegrityError:
        raise ValidationError(_("已存在同名或同代码的有权限单位，请核对后重试。")) from None
    if "contact_phone" in changes:
        for account in selectors.unit_accounts(unit).filter(phone=before["contact_phone"]):
            account.phone = contact_phone
            account.save(update_fields=["phone"])
    record_audit(
        actor=actor,
        action=AuditAction.ORGANIZATION_ACCOUNT_CHANGED,
        obj=unit,
        organization=bureau,
        reason=reason,
        changes=changes,
    )
    return unit


@transaction.atomic
def reset_unit_password(*, actor: User, unit: Organization, account: User) -> str:
    """The bureau resets the password of one of the unit's accounts: a temporary password goes
    by SMS to the unit's contact phone. Returns that phone."""
    bureau, unit = _bureau_and_unit(actor, unit)
    if not selectors.unit_accounts(unit).filter(pk=account.pk).exists():
        raise PermissionDenied(_("该账号不属于此单位。"))
    phone = unit_sms_phone(unit)
    if not phone:
        raise ValidationError(_("该单位未登记联系人手机号码，无法发送临时密码，请先更正单位信息。"))
    account = issue_temporary_password(user=account, phone=phone)
    record_audit(
        actor=actor,
        action=AuditAction.UNIT_PASSWORD_RESET,
        obj=account,
        organization=bureau,
        username=account.username,
        unit=unit.name,
        phone=f"{phone[:3]}****{phone[-4:]}",
    )
    return phone


@transaction.atomic
def update_organization_contact(
    *,
    actor: User,
    organization: Organization,
    contact_name: str,
    contact_phone: str,
    name: str | None = None,
) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not (access.acts_for(actor, organization) or actor.is_administrator):
        raise PermissionDenied(_("无权修改该单位信息。"))
    fields = ["contact_name", "contact_phone"]
    before = {f: getattr(organization, f) for f in ("name", *fields)}
    organization.contact_name = contact_name
    organization.contact_phone = contact_phone
    if name is not None and name != organization.name:
        if organization.name_locked and not actor.is_administrator:
            raise ValidationError({"name": _("单位名称确认后不能自行修改，请联系所属地人社局。")})
        organization.name = name
        fields.append("name")
    organization.save(update_fields=fields)
    changes = {
        f: [old, getattr(organization, f)]
        for f, old in before.items()
        if old != getattr(organization, f)
    }
    if changes:
        record_audit(
            actor=actor,
            action=AuditAction.ORGANIZATION_ACCOUNT_CHANGED,
            obj=organization,
            organization=acting_organization(actor, organization),
            changes=changes,
        )
    return organization


@transaction.atomic
def create_organization_account(
    *,
    actor: User,
    name: str,
    kind: str,
    region: Region,
    username: str,
    password_hash: str,
    contact_name: str = "",
    contact_phone: str = "",
    uscc: str = "",
) -> Organization:
    """Administrators create department, bureau and committee-office accounts."""
    if not actor.is_administrator:
        raise PermissionDenied(_("只有系统管理员可以创建部门账号。"))
    if kind == OrgKind.UNIT:
        raise ValidationError({"kind": _("用人单位请通过“单位注册”自行注册。")})
    if Organization.objects.filter(name=name, kind=kind).exists():
        raise ValidationError({"name": _("已存在同名同类型的部门。")})
    # The new organization is authorized at once, so it must not clash with the
    # unique_authorized_name / unique_authorized_uscc constraints (which span all kinds).
    authorized = Organization.objects.filter(permission_status=PermissionStatus.APPROVED)
    same_name = authorized.filter(name=name).first()
    if same_name is not None:
        raise ValidationError(
            {
                "name": _("已存在同名的有权限单位（部门）（%(k)s，%(r)s），名称不能重复。")
                % {"k": same_name.get_kind_display(), "r": same_name.region.full_name}
            }
        )
    same_uscc = authorized.filter(uscc=uscc).first() if uscc else None
    if same_uscc is not None:
        raise ValidationError(
            {"uscc": _("该统一社会信用代码已被有权限的“%(n)s”使用。") % {"n": same_uscc.name}}
        )
    if _username_taken(username):
        raise ValidationError({"username": _("该用户名已被使用，请换一个。")})
    try:
        with transaction.atomic():
            user = _create_account(
                username=username,
                password_hash=password_hash,
                name=contact_name or name,
                phone=contact_phone,
            )
    except IntegrityError:
        raise ValidationError({"username": _("该用户名已被使用，请换一个。")}) from None
    try:
        with transaction.atomic():
            organization = Organization.objects.create(
                name=name,
                kind=kind,
                region=region,
                uscc=uscc,
                contact_name=contact_name,
                contact_phone=contact_phone,
                name_confirmed_at=timezone.now(),
                # Departments, bureaus and committee offices are set up by the administration.
                permission_status=PermissionStatus.APPROVED,
            )
    except IntegrityError:
        raise ValidationError(_("已存在同名或同代码的有权限单位，请核对后重试。")) from None
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.MANAGER)
    record_audit(
        actor=actor,
        action=AuditAction.ORGANIZATION_ACCOUNT_CREATED,
        obj=organization,
        username=user.username,
        kind=organization.kind,
        region=region.full_name,
        uscc=uscc,
    )
    return organization


# --- routing paths (路径申请 / 路径审核) -------------------------------------------------------

# Which kinds of organization may apply for a path to which kinds of destination. An HR bureau
# is a level of a path where the region's chain has one (S3 四(三), 附件2: the unit reports to its
# 主管部门 or the county 人力社保部门; the 主管部门 to the 人力社保部门, which 审核推荐 to the
# committee or the reporting department), and the declaring unit of freelancers (S0 二.3(5)),
# which reports to the reporting department or a bureau above it.
PATH_TARGETS = {
    OrgKind.UNIT: (OrgKind.SUPERVISING, OrgKind.REPORTING, OrgKind.HR_BUREAU),
    OrgKind.SUPERVISING: (OrgKind.SUPERVISING, OrgKind.REPORTING, OrgKind.HR_BUREAU),
    OrgKind.HR_BUREAU: (OrgKind.REPORTING, OrgKind.HR_BUREAU),
}


def path_target_kinds(organization) -> tuple[str, ...]:
    """The kinds of department an organization may choose as the next level of its path."""
    return PATH_TARGETS.get(organization.kind, ())


def _kind_names(kinds) -> str:
    labels = [str(OrgKind(kind).label) for kind in kinds]
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(a)s或%(b)s") % {"a": "、".join(labels[:-1]), "b": labels[-1]}


def _check_committee_region(organization, committee):
    """A committee path stays within one line of the region tree: the committee evaluates for
    the organization's region or a region above it (湖州 city committee, a county bureau), or
    for a region below it (环翠区 committee, the Weihai department that reports to it)."""
    mine, theirs = organization.region, committee.region
    if not (theirs.covers(mine) or mine.covers(theirs)):
        raise ValidationError(
            _(
                "所选评审委员会“%(c)s”评审%(cr)s的申报，与本单位所属地区（%(r)s）无上下级关系，"
                "不能申请该评委会路径。请选择本地区的评审委员会。"
            )
            % {"c": committee.name, "cr": theirs.full_name, "r": mine.full_name}
        )


@transaction.atomic
def apply_for_path(*, actor, organization, series, level, target=None, committee=None):
    """A unit, department or HR bureau applies for a path upward (PATH_TARGETS); a reporting
    department or an HR bureau for its committee path, to a committee of its series, level and
    region line. The destination approves it (the committee office or an administrator for a
    committee path)."""
    if not access.acts_for(actor, organization):
        raise PermissionDenied(_("只能为本单位申请路径。"))
    if (target is None) == (committee is None):
        raise ValidationError(_("请选择一个上级部门或评审委员会。"))
    if committee is not None:
        if not access.may(organization, access.Capability.APPLY_COMMITTEE_PATH):
            raise ValidationError(_("只有呈报部门或人社局可以申请评委会路径。"))
        if committee.series_id != series.pk or committee.level_id != level.pk:
            raise ValidationError(_("所选评审委员会与申请的系列、级别不一致。"))
        _check_committee_region(organization, committee)
    else:
        allowed = path_target_kinds(organization)
        if target.kind not in allowed:
            raise ValidationError(
                _("%(k)s只能向%(t)s申请路径。")
                % {"k": organization.get_kind_display(), "t": _kind_names(allowed)}
                if allowed
                else _("%(k)s请申请评委会路径。") % {"k": organization.get_kind_display()}
            )
        if target.pk == organization.pk:
            raise ValidationError(_("不能向本单位申请路径。"))
    existing = RoutingPath.objects.filter(
        organization=organization,
        series=series,
        level=level,
        status__in=[RoutingPath.Status.PENDING, RoutingPath.Status.EFFECTIVE],
    ).first()
    if existing is not None:
        raise ValidationError(
            _("该系列、级别已有%(s)s的路径（→ %(d)s），无需重复申请。")
            % {"s": existing.get_status_display(), "d": existing.destination_name}
        )
    try:
        with transaction.atomic():
            path = RoutingPath.objects.create(
                organization=organization,
                series=series,
                level=level,
                target=target,
                committee=committee,
                applied_by=actor,
            )
    except IntegrityError:
        raise ValidationError(_("该系列、级别的路径申请已存在，请刷新页面。")) from None
    record_audit(actor=actor, action=AuditAction.PATH_APPLIED, obj=path, organization=organization)
    return path


@transaction.atomic
def decide_path(*, actor, path, approve: bool, reason: str = ""):
    path = (
        RoutingPath.objects.select_for_update(of=("self",))
        # All that the audit entry's text names, in the same query.
        .select_related("committee__office", "target", "organization", "series", "level")
        .get(pk=path.pk)
    )
    if path.committee_id is not None:
        allowed = actor.is_administrator or access.acts_for(actor, path.committee.office_id)
    else:
        allowed = access.acts_for(actor, path.target_id)
    if not allowed:
        raise PermissionDenied(_("只能审核申请到本部门的路径。"))
    if path.status != RoutingPath.Status.PENDING:
        raise ValidationError(_("该路径申请已处理，请刷新页面。"))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("不通过时必须填写原因。")})
    path.status = RoutingPath.Status.EFFECTIVE if approve else RoutingPath.Status.REJECTED
    path.decided_by = actor
    path.decided_at = timezone.now()
    path.reason = reason
    path.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    record_audit(
        actor=actor,
        action=AuditAction.PATH_APPROVED if approve else AuditAction.PATH_REJECTED,
        obj=path,
        organization=acting_organization(
            actor, path.committee.office if path.committee_id else path.target
        ),
        reason=reason,
        status=path.status,
    )
    return path
