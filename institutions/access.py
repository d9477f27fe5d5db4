"""The one access policy: which organizations a user acts for, and what each kind of
organization may do. Menus, view guards, selectors and services all ask this module; none of
them lists organization kinds of its own.

The HR bureau reviews in two places of a chain: as the declaring unit of freelancers (S0 二.3(5):
“个人代理”, the county bureau is the 申报单位; it reviews, publishes the notice of its own
declarants and reports up its path) and as a level of a routing path (S3 四(三): 主管部门 →
人社部门 审核推荐 → committee). One role is foreseen and slots in here when it arrives: the
expert (评审专家, a personal account with an expert profile, role EXPERT).
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from applicants.models import AccountKind
from institutions import hooks
from institutions.models import Membership, Organization, OrgKind, Region


class Capability(models.TextChoices):
    REQUEST_PERMISSION = "request_permission", _l("申请职称评审权限")
    REVIEW = "review", _l("审核所持有的申报")
    REPORT = "report", _l("向上级上报申报")
    PUBLISH_NOTICE = "publish_notice", _l("登记公示")
    APPLY_PATH = "apply_path", _l("申请申报路径")
    APPLY_COMMITTEE_PATH = "apply_committee_path", _l("申请评委会路径")
    DECIDE_PATHS = "decide_paths", _l("审核下级的路径申请")
    APPROVE_UNITS = "approve_units", _l("审核单位的评审权限申请")
    # Seed S1 四.5: a unit whose details are wrong or whose password is lost asks its bureau.
    MANAGE_UNITS = "manage_units", _l("更正所辖单位信息、重置单位账号密码")
    RECEIVE = "receive", _l("评委会收件")
    # The committee stage: meetings, experts, votes, results, certificates.
    EVALUATE = "evaluate", _l("组织评审、公布结果、发放证书")
    # Who applicants may choose as their 申报单位: a unit for its own staff (是否是工作单位: 是,
    # 人事代理, 劳务派遣), a county HR bureau for freelancers (个人代理, S0 二.3(5)).
    DECLARING_UNIT = "declaring_unit", _l("作为申报单位受理本单位人员的申报")
    PERSONAL_AGENCY = "personal_agency", _l("作为申报单位受理自由职业者（个人代理）的申报")


C = Capability

CAPABILITIES: dict[str, frozenset[str]] = {
    OrgKind.UNIT: frozenset(
        {C.REQUEST_PERMISSION, C.REVIEW, C.REPORT, C.PUBLISH_NOTICE, C.APPLY_PATH, C.DECLARING_UNIT}
    ),
    OrgKind.SUPERVISING: frozenset({C.REVIEW, C.REPORT, C.APPLY_PATH, C.DECIDE_PATHS}),
    OrgKind.REPORTING: frozenset(
        {C.REVIEW, C.REPORT, C.APPLY_PATH, C.APPLY_COMMITTEE_PATH, C.DECIDE_PATHS}
    ),
    # Unit level for freelancers (its notice covers its own declarants only) and a reviewing
    # level of a path: 人社部门 审核推荐 to another department or to the committee (S3).
    OrgKind.HR_BUREAU: frozenset(
        {
            C.APPROVE_UNITS,
            C.MANAGE_UNITS,
            C.PERSONAL_AGENCY,
            C.REVIEW,
            C.REPORT,
            C.PUBLISH_NOTICE,
            C.APPLY_PATH,
            C.APPLY_COMMITTEE_PATH,
            C.DECIDE_PATHS,
        }
    ),
    OrgKind.COMMITTEE_OFFICE: frozenset({C.RECEIVE, C.EVALUATE, C.DECIDE_PATHS}),
}

ROLE_APPLICANT = "applicant"
ROLE_ADMINISTRATOR = "administrator"
ROLE_ANONYMOUS = "anonymous"
# 评审专家: a personal account of kind EXPERT; its pages come from the committee app (hooks).
ROLE_EXPERT = "expert"


def kinds_with(*capabilities: str) -> tuple[str, ...]:
    """Organization kinds that have any of these capabilities, in OrgKind order."""
    return tuple(
        kind for kind in OrgKind.values if CAPABILITIES.get(kind, frozenset()) & set(capabilities)
    )


def may(organization: Organization | str | None, capability: str) -> bool:
    """Whether an organization (or an organization kind) has a capability."""
    if organization is None:
        return False
    kind = organization if isinstance(organization, str) else organization.kind
    return capability in CAPABILITIES.get(kind, frozenset())


# --- who acts for which organization ----------------------------------------------------------


def organizations_of(user) -> list[Organization]:
    """The organizations the user acts for (an organization account has one); one query,
    cached on the user object for the request and, with ACCESS_CACHE_TIMEOUT, in the shared
    cache between requests (see _cached_organizations)."""
    if not getattr(user, "is_authenticated", False) or user.kind == AccountKind.PERSONAL:
        return []
    if not hasattr(user, "_acting_organizations"):
        user._acting_organizations = _cached_organizations(user)
    return user._acting_organizations


def _query_organizations(user) -> list[Organization]:
    return [
        m.organization
        for m in Membership.objects.select_related("organization", "organization__region")
        .filter(user=user)
        .order_by("pk")
    ]


# --- the memberships cache ---------------------------------------------------------------------
#
# Every page of an organization account needs the user's organizations (the header, the menu,
# every guard). With ACCESS_CACHE_TIMEOUT > 0 (production with Redis: a cache every process
# shares) the list is kept per user under a generation token: any saved or deleted Membership,
# Organization or Region replaces the token (at once, and again when the transaction commits),
# so no request ever serves a list read before the change. Keyed by the user's id: one user's
# entry is never anyone else's. The guards still decide per request; only the rows are cached.
# Off (0) in development and tests, where the cache is per process or rows change behind the
# ORM's back (QuerySet.update() sends no signal: call invalidate_organizations() after one).

_GENERATION_KEY = "access:organizations:generation"
# The cached rows are pickled model instances: a change of the models' fields (a deploy)
# starts new keys instead of unpickling rows of the old shape.
_SCHEMA = hashlib.sha1(
    " ".join(
        f.attname for model in (Organization, Region) for f in model._meta.concrete_fields
    ).encode()
).hexdigest()[:8]


def _cache_timeout() -> int:
    return getattr(settings, "ACCESS_CACHE_TIMEOUT", 0)


def _user_key(user) -> str:
    return f"access:organizations:{_SCHEMA}:{user.pk}"


def _cached_organizations(user) -> list[Organization]:
    timeout = _cache_timeout()
    if not timeout:
        return _query_organizations(user)
    key = _user_key(user)
    found = cache.get_many([_GENERATION_KEY, key])
    generation, entry = found.get(_GENERATION_KEY), found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    if generation is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(_GENERATION_KEY)
    # Read after the token: a change committed later replaces the token, so these rows,
    # stored under the token read before, are never served after that change.
    organizations = _query_organizations(user)
    if generation is not None:
        cache.set(key, (generation, organizations), timeout=timeout)
    return organizations


def invalidate_organizations() -> None:
    """Forget every cached list of organizations (a new generation token)."""
    if _cache_timeout():
        cache.set(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _on_change(sender, **kwargs):
    invalidate_organizations()
    # Again after the commit: a request that read the rows between the first replacement
    # and the commit stored them under a token that this one retires.
    transaction.on_commit(invalidate_organizations, robust=True)


def connect_receivers() -> None:
    for model in (Membership, Organization, Region):
        for signal in (post_save, post_delete):
            signal.connect(
                _on_change, sender=model, dispatch_uid=f"access.organizations.{model.__name__}"
            )


def organization_ids_of(user) -> frozenset[int]:
    return frozenset(o.pk for o in organizations_of(user))


def organization_ids_filter(user):
    """The user's organization ids for use inside another query: the cached ids when known,
    else a subquery, so a filter costs no query of its own."""
    if hasattr(user, "_acting_organizations"):
        return [o.pk for o in user._acting_organizations]
    return Membership.objects.filter(user=user).values("organization_id")


def acts_for(user, organization: Organization | int | None) -> bool:
    if organization is None:
        return False
    pk = organization if isinstance(organization, int) else organization.pk
    return pk in organization_ids_of(user)


def organization_of(user) -> Organization | None:
    """The organization an organization account acts for (its first membership)."""
    organizations = organizations_of(user)
    return organizations[0] if organizations else None


def require_organization(user, *capabilities: str) -> Organization:
    """The organization the user acts for, which must have one of the capabilities (any
    organization when none is named); otherwise 403."""
    organization = organization_of(user)
    if organization is None or (
        capabilities and not any(may(organization, c) for c in capabilities)
    ):
        raise PermissionDenied(_("您的账号无权访问此页面。"))
    return organization


def require_member(user, organization: Organization) -> None:
    """Services: the actor must act for this organization."""
    if not acts_for(user, organization):
        raise PermissionDenied(_("只能操作本单位的数据。"))


# --- roles, home pages and the menu ----------------------------------------------------------


def role_of(user) -> str:
    """applicant, administrator, the kind of the user's organization, or anonymous."""
    if not getattr(user, "is_authenticated", False):
        return ROLE_ANONYMOUS
    if user.is_administrator:
        return ROLE_ADMINISTRATOR
    if user.kind == AccountKind.PERSONAL:
        return ROLE_APPLICANT
    if user.kind == AccountKind.EXPERT:
        return ROLE_EXPERT
    organization = organization_of(user)
    return organization.kind if organization else ROLE_ANONYMOUS


def home_url_for(user) -> str:
    role = role_of(user)
    if role == ROLE_APPLICANT:
        return reverse("applicants:dashboard")
    if role == ROLE_ADMINISTRATOR:
        return reverse("institutions:admin_home")
    if role == ROLE_EXPERT:
        for url in hooks.home_urls.results(user, role):
            if url:
                return url
    if role in (ROLE_ANONYMOUS, ROLE_EXPERT):
        return reverse("applicants:profile")
    return reverse("institutions:dashboard")


# Built menus by (role, organization kind, language, URL prefix): every entry is a page of a
# capability, which the kind decides (hooks.menu_items follows the same rule), so one build per
# process serves every request instead of a dozen reverse() calls on each signed-in page.
_built_menus: dict = {}


def menu_for(user) -> dict:
    """The navigation of the signed-in user: each entry appears for the capabilities that use
    it, so a new kind of organization gets its menu from CAPABILITIES alone."""
    role = role_of(user)
    if role == ROLE_ANONYMOUS and not getattr(user, "is_authenticated", False):
        return {"role": role, "role_label": "", "items": [], "organization": None}
    organization = (
        None if role in (ROLE_APPLICANT, ROLE_ADMINISTRATOR, ROLE_EXPERT) else organization_of(user)
    )
    key = (
        role,
        organization.kind if organization else None,
        get_language(),
        get_script_prefix(),
        len(hooks.menu_items._functions),
    )
    built = _built_menus.get(key)
    if built is None:
        built = _built_menus[key] = _build_menu(user, role, organization)
    role_label, items, entries = built
    return {
        "role": role,
        "role_label": role_label,
        # (label, url) of every entry; an entry a hook gives as (label, url, group) is shown
        # in the group's drop-down menu (entries), so a busy role's bar still fits one line.
        "items": list(items),
        "entries": entries,
        "organization": organization,
    }


def _build_menu(user, role, organization) -> tuple:
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
    elif role == ROLE_EXPERT:
        role_label = _("评审专家")
        items = []
    else:
        role_label = OrgKind(role).label if role in OrgKind.values else ""
        items = [(_("单位首页"), reverse("institutions:dashboard"))]
        if may(organization, C.APPROVE_UNITS):
            items.append((_("权限审核"), reverse("institutions:permission_queue")))
        if may(organization, C.MANAGE_UNITS):
            items.append((_("单位管理"), reverse("institutions:managed_units")))
        if may(organization, C.REVIEW):
            items.append((_("申报审核与上报"), reverse("review:queue")))
        if may(organization, C.PUBLISH_NOTICE):
            items.append((_("公示"), reverse("review:notice_list")))
        if may(organization, C.RECEIVE):
            items.append((_("评委会收件箱"), reverse("review:queue")))
        if may(organization, C.APPLY_PATH):
            items.append((_("申报路径"), reverse("institutions:path_list")))
        if may(organization, C.DECIDE_PATHS):
            items.append((_("路径审核"), reverse("institutions:path_queue")))
        items.append((_("单位信息"), reverse("institutions:organization_profile")))
    for extra in hooks.menu_items.results(user, role, organization):
        items.extend(extra or [])
    return str(role_label), tuple((item[0], item[1]) for item in items), _grouped(items)


def _grouped(items) -> list[dict]:
    """The navigation bar: each entry {label, url, children}; the entries of one group form
    one drop-down at the place of the group's first entry."""
    entries, groups = [], {}
    for item in items:
        label, url = item[0], item[1]
        group = item[2] if len(item) > 2 else None
        if group is None:
            entries.append({"label": label, "url": url, "children": []})
            continue
        if group not in groups:
            groups[group] = {"label": group, "url": "", "children": []}
            entries.append(groups[group])
        groups[group]["children"].append({"label": label, "url": url})
    return entries
