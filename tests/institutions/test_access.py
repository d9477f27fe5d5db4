"""The one access policy (institutions.access): which organizations a user acts for and what
each kind of organization may do; the menu, guards and services all ask it."""

import pytest
from django.core.exceptions import PermissionDenied

from institutions import access
from institutions.access import Capability as C
from institutions.models import OrgKind

pytestmark = pytest.mark.django_db


def test_each_capability_belongs_to_the_kinds_the_seeds_give_it():
    # The HR bureau reviews: as the declaring unit of freelancers (S0 二.3(5)) and as a level
    # of a path (S3 四(三)).
    assert access.kinds_with(C.REVIEW) == (
        OrgKind.UNIT,
        OrgKind.SUPERVISING,
        OrgKind.REPORTING,
        OrgKind.HR_BUREAU,
    )
    assert access.kinds_with(C.REPORT) == access.kinds_with(C.REVIEW)
    assert access.kinds_with(C.PUBLISH_NOTICE) == (OrgKind.UNIT, OrgKind.HR_BUREAU)
    assert access.kinds_with(C.APPROVE_UNITS) == (OrgKind.HR_BUREAU,)
    assert access.kinds_with(C.RECEIVE) == (OrgKind.COMMITTEE_OFFICE,)
    assert access.kinds_with(C.DECLARING_UNIT) == (OrgKind.UNIT,)
    assert access.kinds_with(C.PERSONAL_AGENCY) == (OrgKind.HR_BUREAU,)
    assert access.kinds_with(C.APPLY_COMMITTEE_PATH) == (OrgKind.REPORTING, OrgKind.HR_BUREAU)
    assert set(access.kinds_with(C.DECIDE_PATHS)) == {
        OrgKind.SUPERVISING,
        OrgKind.REPORTING,
        OrgKind.HR_BUREAU,
        OrgKind.COMMITTEE_OFFICE,
    }
    assert not access.may(OrgKind.COMMITTEE_OFFICE, C.REVIEW)
    assert not access.may(None, C.REVIEW)


def test_a_reviewer_acts_for_their_unit_only(unit, unit_reviewer, supervising_department):
    assert access.organization_of(unit_reviewer) == unit
    assert access.acts_for(unit_reviewer, unit)
    assert access.acts_for(unit_reviewer, unit.pk)
    assert not access.acts_for(unit_reviewer, supervising_department)
    with pytest.raises(PermissionDenied):
        access.require_member(unit_reviewer, supervising_department)


def test_applicants_and_administrators_act_for_no_organization(
    applicant, administrator, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert access.organizations_of(applicant) == []
    assert access.role_of(applicant) == access.ROLE_APPLICANT
    assert access.role_of(administrator) == access.ROLE_ADMINISTRATOR
    with pytest.raises(PermissionDenied):
        access.require_organization(applicant)


def test_require_organization_checks_the_capability(unit_reviewer, bureau_reviewer, hr_bureau):
    assert access.require_organization(bureau_reviewer, C.APPROVE_UNITS) == hr_bureau
    with pytest.raises(PermissionDenied):
        access.require_organization(unit_reviewer, C.APPROVE_UNITS)
    with pytest.raises(PermissionDenied):
        access.require_organization(bureau_reviewer, C.RECEIVE, C.REQUEST_PERMISSION)
    # The bureau reviews too (个人代理, and as a level of a path).
    assert access.require_organization(bureau_reviewer, C.REVIEW) == hr_bureau


def test_the_organizations_are_read_once_per_user_object(unit_reviewer, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(5):
            access.organization_ids_of(unit_reviewer)
            access.acts_for(unit_reviewer, 1)


@pytest.mark.parametrize(
    ("persona", "present", "absent"),
    [
        ("unit_reviewer", ["申报审核与上报", "公示", "申报路径"], ["权限审核", "路径审核"]),
        ("department_reviewer", ["申报审核与上报", "路径审核"], ["公示", "评委会收件箱"]),
        (
            "bureau_reviewer",
            ["权限审核", "申报审核与上报", "公示", "申报路径", "路径审核"],
            ["评委会收件箱"],
        ),
        ("committee_office_user", ["评委会收件箱", "路径审核"], ["申报审核与上报", "公示"]),
        ("applicant", ["我的首页", "专业技术职称"], ["单位首页"]),
    ],
)
def test_the_menu_follows_the_capabilities(request, persona, present, absent):
    user = request.getfixturevalue(persona)
    labels = [str(label) for label, _url in access.menu_for(user)["items"]]
    assert all(item in labels for item in present), labels
    assert not any(item in labels for item in absent), labels


def test_a_committee_offices_many_entries_fold_into_drop_downs(committee_office_user, client):
    """Eleven entries do not fit one bar on a 1280 px screen: the committee stage's pages are
    grouped (受理与缴费, 评审组织) and the bar keeps a handful of top-level entries."""
    entries = access.menu_for(committee_office_user)["entries"]
    groups = {str(e["label"]): [str(c["label"]) for c in e["children"]] for e in entries}
    assert groups["受理与缴费"] == ["受理", "收费设定", "缴费登记"]
    assert groups["评审组织"] == ["评审专家库", "评委会委员", "评审会议", "评审结果公示"]
    assert len(entries) <= 7
    client.force_login(committee_office_user)
    page = client.get("/committee/meetings/").content.decode()
    assert 'class="nav-link dropdown-toggle"' in page
    assert 'class="dropdown-item active" href="/committee/meetings/" aria-current="page"' in page


def test_an_applicants_bar_has_no_drop_down(applicant):
    assert all(not e["children"] for e in access.menu_for(applicant)["entries"])


def test_a_menu_built_once_follows_the_language_and_the_organization(
    unit_reviewer, committee_office_user
):
    """access.menu_for keeps each menu built per role, kind and language: a second user of the
    same kind gets the same entries, another language its own labels, another kind its own."""
    from django.utils import translation

    chinese = access.menu_for(unit_reviewer)
    assert chinese["organization"] == access.organization_of(unit_reviewer)
    chinese["items"].append(("改动", "/x/"))  # a caller's change stays its own
    assert ("改动", "/x/") not in access.menu_for(unit_reviewer)["items"]
    with translation.override("en"):
        english = [label for label, _url in access.menu_for(unit_reviewer)["items"]]
    assert "Unit home" in english and "单位首页" not in english
    office = [label for label, _url in access.menu_for(committee_office_user)["items"]]
    assert "评委会收件箱" in office and "评委会收件箱" not in dict(chinese["items"])
