from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from applicants.roles import primary_membership
from institutions.models import (
    Organization,
    OrgKind,
    PermissionApplication,
    PermissionStatus,
    Region,
)


def organization_for_user(user) -> Organization | None:
    membership = primary_membership(user) if user.is_authenticated else None
    return membership.organization if membership else None


def require_organization(user, *kinds: str) -> Organization:
    """The organization the user acts for, refusing users of other kinds."""
    organization = organization_for_user(user)
    if organization is None or (kinds and organization.kind not in kinds):
        raise PermissionDenied(_("您的账号无权访问此页面。"))
    return organization


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
    bureau = require_organization(user, OrgKind.HR_BUREAU)
    try:
        return PermissionApplication.objects.select_related(
            "organization", "organization__region"
        ).get(pk=pk, bureau=bureau)
    except PermissionApplication.DoesNotExist:
        raise Http404(_("未找到该权限申请。")) from None


def authorized_units():
    """Units applicants may choose as their declaring unit."""
    return Organization.objects.filter(
        kind=OrgKind.UNIT, permission_status=PermissionStatus.APPROVED
    ).select_related("region")


def search_authorized_units(query: str, limit: int = 20):
    query = (query or "").strip()
    if not query:
        return Organization.objects.none()
    return authorized_units().filter(name__icontains=query).order_by("name")[:limit]


def regions_for_choice():
    return Region.objects.order_by("code")


def effective_path(organization, series, level):
    """The path reporting follows for this series and level, or None."""
    from institutions.models import RoutingPath

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
