from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from applicants.models import User
from institutions import access
from institutions.models import (
    Committee,
    Organization,
    OrgKind,
    PermissionApplication,
    PermissionStatus,
    Region,
    RoutingPath,
)


def responsible_bureau(region: Region) -> Organization | None:
    """The HR bureau of the region, or of the nearest ancestor region that has one."""
    codes = region.ancestor_codes()
    bureaus = {
        org.region.code: org
        for org in Organization.objects.select_related("region").filter(
            kind=OrgKind.HR_BUREAU, region__code__in=codes
        )
    }
    for code in codes:
        if code in bureaus:
            return bureaus[code]
    return None


def permission_queue(bureau: Organization, status: str | None = None):
    queryset = PermissionApplication.objects.filter(bureau=bureau).select_related(
        "organization", "organization__region", "submitted_by", "decided_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("status", "-submitted_at")


def get_application_for_bureau(user, pk: int) -> PermissionApplication:
    """One application, only if it sits in the queue of the user's own HR bureau."""
    bureau = access.require_organization(user, access.Capability.APPROVE_UNITS)
    try:
        return PermissionApplication.objects.select_related(
            "organization", "organization__region"
        ).get(pk=pk, bureau=bureau)
    except PermissionApplication.DoesNotExist:
        raise Http404(_("未找到该权限申请。")) from None


# 是否是工作单位 = 个人代理: a freelancer, whose 申报单位 is the HR bureau of the county (市、区)
# of their household registration or residence (S0 二.3(5)).
PERSONAL_AGENCY = "个人代理"


# --- the units an HR bureau looks after (单位管理: corrections and password resets) ---------------


def _area_prefix(region: Region) -> str:
    """What the codes of a region and of every region below it start with."""
    if region.level >= Region.Level.DISTRICT:
        return region.code
    return region.code[:4] if region.level == Region.Level.CITY else region.code[:2]


def managed_units(bureau: Organization):
    """The units (organizations that apply for permission) whose responsible_bureau is this
    bureau: those of its region and the regions below it, except where a nearer bureau sits."""
    area = _area_prefix(bureau.region)
    units = Organization.objects.filter(
        region__code__startswith=area,
        kind__in=access.kinds_with(access.Capability.REQUEST_PERMISSION),
    )
    nearer = (
        Organization.objects.filter(
            region__code__startswith=area,
            kind__in=access.kinds_with(access.Capability.MANAGE_UNITS),
        )
        .exclude(region_id=bureau.region_id)
        .select_related("region")
    )
    for other in nearer:
        units = units.exclude(region__code__startswith=_area_prefix(other.region))
    return units.select_related("region").order_by("name", "pk")


def bureau_regions(bureau: Organization):
    """The regions a bureau may move one of its units to: its own and those below it."""
    return Region.objects.filter(code__startswith=_area_prefix(bureau.region)).order_by("code")


def get_managed_unit(user, pk: int) -> Organization:
    """One unit the user's bureau looks after (404 otherwise, 403 for other roles)."""
    bureau = access.require_organization(user, access.Capability.MANAGE_UNITS)
    try:
        return managed_units(bureau).get(pk=pk)
    except Organization.DoesNotExist:
        raise Http404(_("未找到该单位，或该单位不属于本人社局管理。")) from None


def unit_accounts(unit: Organization):
    """The login accounts of a unit, oldest first."""
    return User.objects.filter(memberships__organization=unit).order_by("pk")


def authorized_units():
    """Units applicants may choose as their declaring unit."""
    return Organization.objects.filter(
        kind__in=access.kinds_with(access.Capability.DECLARING_UNIT),
        permission_status=PermissionStatus.APPROVED,
    ).select_related("region")


def personal_agency_bureaus():
    """County-level (县、市、区) HR bureaus, which freelancers choose as their declaring unit."""
    return Organization.objects.filter(
        kind__in=access.kinds_with(access.Capability.PERSONAL_AGENCY),
        permission_status=PermissionStatus.APPROVED,
        region__level=Region.Level.DISTRICT,
    ).select_related("region")


def is_personal_agency_bureau(organization) -> bool:
    """Whether a freelancer may choose the organization (its region loaded) as declaring unit."""
    return (
        organization is not None
        and access.may(organization, access.Capability.PERSONAL_AGENCY)
        and organization.is_authorized
        and organization.region.level == Region.Level.DISTRICT
    )


def declaring_unit_choices():
    """What the declaring-unit field accepts: authorized units and HR bureaus (the form then
    says which fits the relation chosen: a county bureau for 个人代理 only)."""
    return Organization.objects.filter(
        kind__in=access.kinds_with(
            access.Capability.DECLARING_UNIT, access.Capability.PERSONAL_AGENCY
        ),
        permission_status=PermissionStatus.APPROVED,
    ).select_related("region")


def search_authorized_units(
    query: str, limit: int = 20, *, region: Region | None = None, personal_agency: bool = False
):
    """The declaring-unit search: authorized units whose name contains the query or, for 个人代理,
    the county HR bureaus (all of them when nothing is typed); within `region` (the plan's)
    when given."""
    query = (query or "").strip()
    queryset = personal_agency_bureaus() if personal_agency else authorized_units()
    if region is not None:
        queryset = queryset.filter(region.within_q())
    if query:
        queryset = queryset.filter(name__icontains=query)
    elif not personal_agency:
        return Organization.objects.none()
    return queryset.order_by("name")[:limit]


def effective_path(organization, series, level):
    """The path reporting follows for this series and level, or None."""
    return (
        RoutingPath.objects.select_related("target", "committee")
        .filter(
            organization=organization,
            series=series,
            level=level,
            status=RoutingPath.Status.EFFECTIVE,
        )
        .first()
    )


# --- routing paths (路径申请 / 路径审核) -------------------------------------------------------


def _paths():
    return RoutingPath.objects.select_related(
        "organization",
        "organization__region",
        "series",
        "level",
        "target",
        "committee",
        "committee__office",
        "applied_by",
        "decided_by",
    )


def filter_paths(queryset, *, series=None, level=None, status=None):
    if series is not None:
        queryset = queryset.filter(series=series)
    if level is not None:
        queryset = queryset.filter(level=level)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def organization_paths(organization):
    """The paths an organization applied for (its 申报路径 list), newest first."""
    return _paths().filter(organization=organization).order_by("-applied_at", "-pk")


def path_queue_for(user):
    """Every path the user may decide: paths addressed to their department, committee paths of
    their committee office's committees, or (administrators) all committee paths."""
    if user.is_authenticated and user.is_administrator:
        queryset = _paths().filter(committee__isnull=False)
    else:
        organization = access.require_organization(user, access.Capability.DECIDE_PATHS)
        if access.may(organization, access.Capability.RECEIVE):
            queryset = _paths().filter(committee__office=organization)
        else:
            queryset = _paths().filter(target=organization)
    return queryset.order_by("-applied_at", "-pk")


def get_path_for_decider(user, pk: int) -> RoutingPath:
    """One path, only if it sits in the user's queue (404 otherwise, 403 for other roles)."""
    try:
        return path_queue_for(user).get(pk=pk)
    except RoutingPath.DoesNotExist:
        raise Http404(_("未找到该路径申请。")) from None


def path_destinations(organization=None, kinds=(OrgKind.SUPERVISING, OrgKind.REPORTING)):
    """Departments (and HR bureaus) of the given kinds an organization may choose as its next
    level up (services.PATH_TARGETS says which kinds)."""
    queryset = Organization.objects.filter(
        kind__in=list(kinds),
        permission_status=PermissionStatus.APPROVED,
    ).select_related("region")
    if organization is not None:
        queryset = queryset.exclude(pk=organization.pk)
    return queryset.order_by("region__code", "name")


def active_committees():
    return Committee.objects.filter(is_active=True).select_related("series", "level", "office")


def path_apply_url(series=None, level=None) -> str:
    url = reverse("institutions:path_apply")
    query = {key: obj.pk for key, obj in (("series", series), ("level", level)) if obj is not None}
    return f"{url}?{urlencode(query)}" if query else url


def path_decider_name(path: RoutingPath) -> str:
    """Who decides the path: the target department, or the committee's office."""
    return path.committee.office.name if path.committee_id else path.target.name


def open_paths(organization, series_id, level_id):
    """The organization's pending and effective paths for one series and level."""
    return _paths().filter(
        organization=organization,
        series_id=series_id,
        level_id=level_id,
        status__in=[RoutingPath.Status.PENDING, RoutingPath.Status.EFFECTIVE],
    )


def _applies_upward(organization) -> bool:
    """Whether the organization may also apply for a path to a department above it."""
    from institutions.services import path_target_kinds  # (services import this module)

    return bool(path_target_kinds(organization))


def missing_path_message(organization, series, level) -> tuple[str, str]:
    """What to tell an organization that has no effective path for this series and level, and
    where to apply for one (the 路径申请 page, filled in with the series and level)."""
    label = f"{series.name} {level.name}"
    pending = (
        RoutingPath.objects.select_related("target", "committee", "committee__office")
        .filter(
            organization=organization,
            series=series,
            level=level,
            status=RoutingPath.Status.PENDING,
        )
        .first()
    )
    if pending is not None and pending.committee_id:
        message = _(
            "本单位「%(sl)s」的评委会路径（→ %(d)s）尚未生效，正在等待“%(who)s”审核，"
            "审核生效后方可上报。如长时间未生效，请联系该部门。"
        ) % {"sl": label, "d": pending.committee.name, "who": pending.committee.office.name}
    elif pending is not None:
        message = _(
            "本单位「%(sl)s」的申报路径尚未生效，正在等待“%(who)s”审核，"
            "审核生效后方可上报。如长时间未生效，请联系该部门。"
        ) % {"sl": label, "who": pending.target.name}
    elif access.may(organization, access.Capability.APPLY_COMMITTEE_PATH) and _applies_upward(
        organization
    ):
        message = _(
            "本单位尚无「%(sl)s」的生效申报路径，请先申请评委会路径或向上级部门申请路径，"
            "并等待评委会办事机构或该部门审核生效。"
        ) % {"sl": label}
    elif access.may(organization, access.Capability.APPLY_COMMITTEE_PATH):
        message = _(
            "本单位尚无「%(sl)s」的生效评委会路径，请先申请评委会路径并等待评委会办事机构审核生效。"
        ) % {"sl": label}
    else:
        message = _("本单位尚无「%(sl)s」的生效申报路径，请先申请路径并等待上级部门审核生效。") % {
            "sl": label
        }
    return message, path_apply_url(series, level)
