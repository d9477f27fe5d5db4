from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from applicants.roles import ROLE_ADMINISTRATOR, ROLE_APPLICANT, primary_membership, role_of
from institutions.models import OrgKind


def _menu(user):
    role = role_of(user)
    if role == "anonymous" and not user.is_authenticated:
        return {"role": role, "role_label": "", "items": [], "organization": None}
    items = []
    organization = None
    if role == ROLE_APPLICANT:
        role_label = _("申报人")
        items = [
            (_("我的首页"), reverse("applicants:dashboard")),
            (_("专业技术职称"), reverse("declarations:index")),
            (_("基本信息"), reverse("applicants:profile")),
        ]
    elif role == ROLE_ADMINISTRATOR:
        role_label = _("系统管理员")
        items = [
            (_("管理首页"), reverse("institutions:admin_home")),
            (_("单位（部门）"), reverse("institutions:organization_list")),
            (_("创建部门账号"), reverse("institutions:create_organization_account")),
            (_("路径审核"), reverse("institutions:path_queue")),
            (_("导入继续教育学时"), reverse("declarations:ce_import")),
            (_("管理后台"), reverse("admin:index")),
        ]
    else:
        membership = primary_membership(user)
        organization = membership.organization if membership else None
        role_label = OrgKind(role).label if role in OrgKind.values else ""
        items = [(_("单位首页"), reverse("institutions:dashboard"))]
        if role == OrgKind.HR_BUREAU:
            items.append((_("权限审核"), reverse("institutions:permission_queue")))
        if role in (OrgKind.UNIT, OrgKind.SUPERVISING, OrgKind.REPORTING):
            items.append((_("申报审核与上报"), reverse("review:queue")))
        if role == OrgKind.UNIT:
            items.append((_("公示"), reverse("review:notice_list")))
        if role == OrgKind.COMMITTEE_OFFICE:
            items.append((_("评委会收件箱"), reverse("review:queue")))
        if role in (OrgKind.UNIT, OrgKind.SUPERVISING, OrgKind.REPORTING):
            items.append((_("申报路径"), reverse("institutions:path_list")))
        if role in (OrgKind.SUPERVISING, OrgKind.REPORTING, OrgKind.COMMITTEE_OFFICE):
            items.append((_("路径审核"), reverse("institutions:path_queue")))
        items.append((_("单位信息"), reverse("institutions:organization_profile")))
    return {"role": role, "role_label": role_label, "items": items, "organization": organization}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav": SimpleLazyObject(lambda: _menu(user))}
