"""The one table of moves (declarations.workflow.MOVES): every edge with its allowed actor, a
wrong actor and a wrong state; what perform() writes; and that nothing else in the apps
assigns a declaration's status."""

import pathlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from declarations import workflow
from declarations.models import Declaration, DeclarationEvent
from declarations.workflow import MOVES, Action, DeclarationStatus

pytestmark = pytest.mark.django_db

S = DeclarationStatus

# action: (state it starts from, who holds it, who may act, a wrong actor, a wrong state)
EDGES = {
    Action.EDIT: (S.DRAFT, None, "applicant", "unit_reviewer", S.SUBMITTED),
    Action.SUBMIT: (S.RETURNED, None, "applicant", "unit_reviewer", S.SUBMITTED),
    Action.WITHDRAW: (S.SUBMITTED, "unit", "applicant", "outsider", S.DRAFT),
    Action.START_REVIEW: (S.SUBMITTED, "unit", "unit_reviewer", "department_reviewer", S.PASSED),
    Action.REVIEW_SECTION: (
        S.UNDER_REVIEW,
        "unit",
        "unit_reviewer",
        "applicant",
        S.PASSED,
    ),
    Action.PASS: (S.UNDER_REVIEW, "unit", "unit_reviewer", "department_reviewer", S.PASSED),
    Action.RETURN: (S.PASSED, "unit", "unit_reviewer", "applicant", S.AT_COMMITTEE),
    Action.REJECT: (S.SUBMITTED, "unit", "unit_reviewer", "outsider", S.RETURNED),
    Action.REPORT: (S.PASSED, "unit", "unit_reviewer", "department_reviewer", S.UNDER_REVIEW),
    Action.REPORT_TO_COMMITTEE: (
        S.PASSED,
        "reporting_department",
        "reporting_reviewer",
        "unit_reviewer",
        S.SUBMITTED,
    ),
    # The committee stage: the office that holds the declaration.
    Action.ACCEPT: (S.AT_COMMITTEE, "office", "office_user", "reporting_reviewer", S.ACCEPTED),
    Action.COMMITTEE_RETURN: (S.AT_COMMITTEE, "office", "office_user", "unit_reviewer", S.PASSED),
    Action.REFUSE: (S.AT_COMMITTEE, "office", "office_user", "applicant", S.ACCEPTED),
    Action.ENTER_MEETING: (S.ACCEPTED, "office", "office_user", "outsider", S.AT_COMMITTEE),
    Action.LEAVE_MEETING: (S.IN_EVALUATION, "office", "office_user", "unit_reviewer", S.ACCEPTED),
    Action.EVALUATION_PASS: (
        S.IN_EVALUATION,
        "office",
        "office_user",
        "reporting_reviewer",
        S.CONFIRMED,
    ),
    Action.EVALUATION_FAIL: (S.EVALUATION_PASSED, "office", "office_user", "applicant", S.ACCEPTED),
    Action.CONFIRM_RESULT: (
        S.EVALUATION_PASSED,
        "office",
        "office_user",
        "unit_reviewer",
        S.EVALUATION_FAILED,
    ),
    Action.REVOKE: (S.CONFIRMED, "office", "office_user", "outsider", S.REVOKED),
}


def test_every_edge_of_the_table_is_tested_here():
    assert set(EDGES) == set(MOVES)


def put(declaration, status, holder):
    """Bring the declaration to a state (test setup; the app moves it only through perform)."""
    Declaration.objects.filter(pk=declaration.pk).update(status=status, holder=holder)
    return workflow.lock(declaration)


@pytest.fixture
def people(request, unit, reporting_department, committee_office, committee_office_user):
    names = ("applicant", "unit_reviewer", "department_reviewer", "reporting_reviewer", "outsider")
    found = {name: request.getfixturevalue(name) for name in names}
    found["office_user"] = committee_office_user
    found["holders"] = {
        "unit": unit,
        "reporting_department": reporting_department,
        "office": committee_office,
        None: None,
    }
    return found


def actor_of(people, name, declaration):
    return declaration.applicant if name == "applicant" else people[name]


@pytest.mark.parametrize("action", list(EDGES))
def test_the_allowed_actor_may_take_the_move(action, people, engineering_declaration):
    source, holder, allowed, _wrong, _state = EDGES[action]
    declaration = put(engineering_declaration, source, people["holders"][holder])
    actor = actor_of(people, allowed, declaration)
    assert workflow.allowed(declaration, action, actor)
    assert workflow.check(declaration, action, actor) is MOVES[action]
    if MOVES[action].target is not None and action not in workflow.DECISIONS:
        assert action in workflow.available(declaration, actor)


@pytest.mark.parametrize("action", list(EDGES))
def test_a_wrong_actor_is_refused(action, people, engineering_declaration):
    source, holder, _allowed, wrong, _state = EDGES[action]
    declaration = put(engineering_declaration, source, people["holders"][holder])
    actor = actor_of(people, wrong, declaration)
    assert not workflow.allowed(declaration, action, actor)
    assert action not in workflow.available(declaration, actor)
    with pytest.raises(PermissionDenied):
        workflow.check(declaration, action, actor)


@pytest.mark.parametrize("action", list(EDGES))
def test_a_wrong_state_is_refused_with_the_state_named(action, people, engineering_declaration):
    _source, holder, allowed, _wrong, wrong_state = EDGES[action]
    declaration = put(engineering_declaration, wrong_state, people["holders"][holder])
    actor = actor_of(people, allowed, declaration)
    assert not workflow.allowed(declaration, action, actor)
    with pytest.raises(ValidationError) as refused:
        workflow.check(declaration, action, actor)
    assert str(declaration.get_status_display()) in refused.value.messages[0]


def test_the_committee_office_holds_but_does_not_review(
    engineering_declaration, committee_office, committee_office_user
):
    """Capabilities come from institutions.access: the office receives, it does not pass."""
    declaration = put(engineering_declaration, S.SUBMITTED, committee_office)
    for action in workflow.DECISIONS:
        assert not workflow.allowed(declaration, action, committee_office_user)


def test_withdraw_is_refused_once_the_unit_started(people, engineering_declaration, unit):
    declaration = put(engineering_declaration, S.SUBMITTED, unit)
    Declaration.objects.filter(pk=declaration.pk).update(review_started_at=timezone.now())
    declaration = workflow.lock(declaration)
    assert not workflow.allowed(declaration, Action.WITHDRAW, declaration.applicant)
    with pytest.raises(ValidationError, match="单位已开始审核"):
        workflow.check(declaration, Action.WITHDRAW, declaration.applicant)


def test_a_page_that_showed_an_older_state_is_refused(people, engineering_declaration, unit):
    declaration = put(engineering_declaration, S.PASSED, unit)
    with pytest.raises(ValidationError, match="可能已被其他审核人处理"):
        workflow.check(declaration, Action.RETURN, people["unit_reviewer"], S.UNDER_REVIEW)


def test_a_former_holder_is_told_it_moved_on(people, engineering_declaration, unit):
    """A reviewer of the unit that handed it over hears it was handled, not 'forbidden'."""
    declaration = put(engineering_declaration, S.UNDER_REVIEW, unit)
    DeclarationEvent.objects.create(
        declaration=declaration,
        action=Action.SUBMIT,
        organization=unit,
        from_status="draft",
        to_status="submitted",
    )
    declaration = put(declaration, S.UNDER_REVIEW, people["holders"]["reporting_department"])
    with pytest.raises(ValidationError, match="已不在本单位待审核"):
        workflow.check(declaration, Action.PASS, people["unit_reviewer"])


MOVING = [a for a, move in MOVES.items() if move.target is not None and a in EDGES]


@pytest.mark.parametrize("action", [a for a in MOVING if a not in workflow.RELEASES_HOLDER])
def test_perform_moves_saves_and_audits(action, people, engineering_declaration):
    source, holder, allowed, _wrong, _state = EDGES[action]
    declaration = put(engineering_declaration, source, people["holders"][holder])
    actor = actor_of(people, allowed, declaration)
    heard = []

    def listener(**kwargs):
        heard.append(kwargs["action"])

    # A hand-over names the new holder (submit: the declaring unit; report: the next level).
    receiver = {
        Action.SUBMIT: people["holders"]["unit"],
        Action.REPORT: people["holders"]["reporting_department"],
    }.get(action)
    changes = {"holder": receiver} if receiver else {}
    workflow.declaration_moved.connect(listener)
    try:
        event = workflow.perform(
            declaration, action=action, actor=actor, reason="原因", changes=changes
        )
    finally:
        workflow.declaration_moved.disconnect(listener)
    declaration.refresh_from_db()
    if receiver:
        assert declaration.holder == receiver and event.organization == receiver
    assert declaration.status == MOVES[action].target
    assert (event.action, event.from_status, event.to_status) == (
        action,
        source,
        MOVES[action].target,
    )
    assert event.actor == actor and event.reason == "原因"
    assert heard == [action]


@pytest.mark.parametrize("action", sorted(workflow.RELEASES_HOLDER))
def test_withdraw_return_and_reject_leave_no_holder(action, people, engineering_declaration):
    source, holder, allowed, _wrong, _state = EDGES[action]
    declaration = put(engineering_declaration, source, people["holders"][holder])
    event = workflow.perform(
        declaration, action=action, actor=actor_of(people, allowed, declaration)
    )
    declaration.refresh_from_db()
    assert declaration.holder is None and declaration.status == MOVES[action].target
    # The event names the organization that held it.
    assert event.organization == people["holders"][holder]


def test_only_the_workflow_assigns_a_declarations_status():
    """grep: outside declarations/workflow.py no app code sets Declaration.status."""
    root = pathlib.Path(__file__).resolve().parents[2]
    apps = ["applicants", "catalog", "core", "institutions", "declarations", "attachments"]
    apps += ["review", "config"]
    assignment = re.compile(r"declaration\w*\.status\s*=[^=]|update\([^)]*\bstatus\s*=")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for app in apps
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and path.name != "workflow.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if assignment.search(line)
    ]
    assert offenders == []
