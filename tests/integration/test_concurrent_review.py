"""Two reviewers of the same unit act on the same declaration at the same moment (PostgreSQL):
the row lock lets exactly one through; the other is told the declaration was already handled,
and the declaration ends in the winner's state with exactly one decision event.

Each decision carries the state the reviewer's page showed (seen_status, as the review page
posts it): a return written while a colleague passed the declaration is refused, although
return is allowed from 已通过待上报, because the returner decided on a page showing 待审核."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from declarations.models import Declaration, DeclarationEvent
from declarations.models import DeclarationStatus as S
from review import services
from review.models import ReportBatch, Review, ReviewState
from tests import factories
from tests.integration.conftest import wait_for
from tests.review.builders import notice
from tests.review.conftest import chain, submitted  # noqa: F401  (fixtures)

pytestmark = pytest.mark.postgres

ALREADY_HANDLED = ("可能已被其他审核人处理", "可能已被他人处理")

ACTIONS = {
    "pass": lambda actor, declaration: services.pass_declaration(
        actor=actor, declaration=declaration, opinion="同意推荐", seen_status=declaration.status
    ),
    "return": lambda actor, declaration: services.return_declaration(
        actor=actor,
        declaration=declaration,
        reason="工作经历证明材料不全",
        seen_status=declaration.status,
    ),
    "reject": lambda actor, declaration: services.reject_declaration(
        actor=actor,
        declaration=declaration,
        reason="不具备申报资格",
        seen_status=declaration.status,
    ),
    "report": lambda actor, declaration: services.report_declarations(
        actor=actor, organization=declaration.holder, declaration_ids=[declaration.pk]
    ),
}
REVIEW_STATE = {
    "pass": ReviewState.PASSED,
    "return": ReviewState.RETURNED,
    "reject": ReviewState.REJECTED,
}
# Where the declaration ends when the action wins.
OUTCOME = {
    "pass": S.PASSED,
    "return": S.RETURNED,
    "reject": S.REJECTED,
    "report": S.UNDER_REVIEW,
}


@pytest.fixture(autouse=True)
def _postgres_and_eager_tasks():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are only real on PostgreSQL")
    # The applicant's notification runs in-process after commit, whatever the environment.
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def reviewers(unit, unit_reviewer):
    """Two accounts of the same unit."""
    return unit_reviewer, factories.org_user(unit, user__username="unit_hr_2")


@pytest.fixture
def published(submitted, chain, reviewers):  # noqa: F811
    """The declaration passed by the unit, with a 公示无异议 notice: ready to report."""
    declaration = services.pass_declaration(actor=reviewers[0], declaration=submitted)
    # From the day of the pass; the outcome once the clock has moved past its end.
    notice(reviewers[0], declaration.holder, [declaration])
    return Declaration.objects.get(pk=declaration.pk)


def race(declaration, first, second):
    """Run two (name, actor, action) at the same moment; name -> "ok" or the error message."""
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, actor, action):
        try:
            # Each thread starts from its own copy, as two browser requests would.
            mine = Declaration.objects.select_related("holder").get(pk=declaration.pk)
            barrier.wait(timeout=10)
            ACTIONS[action](actor, mine)
            outcomes[name] = "ok"
        except ValidationError as error:
            outcomes[name] = " ".join(error.messages)
        except Exception as error:  # reported by the test, not lost in the thread
            outcomes[name] = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=args) for args in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a reviewer is still waiting"
    return outcomes


def in_order(declaration, first, second):
    """`first` locks the declaration and keeps its transaction open until `second` is waiting
    for that lock, then commits: the order a race can take, made certain. name -> outcome."""
    locked = threading.Event()
    outcomes = {}

    def act(name, actor, action, *, holds):
        try:
            mine = Declaration.objects.select_related("holder").get(pk=declaration.pk)
            if holds:
                with transaction.atomic():
                    ACTIONS[action](actor, mine)
                    outcomes[name] = "ok"
                    locked.set()
                    assert wait_for(other_waits_for_a_lock, timeout=10), "no one waited"
            else:
                assert locked.wait(timeout=10)
                ACTIONS[action](actor, mine)
                outcomes[name] = "ok"
        except ValidationError as error:
            outcomes[name] = " ".join(error.messages)
        except Exception as error:  # reported by the test, not lost in the thread
            outcomes[name] = f"{type(error).__name__}: {error}"
        finally:
            locked.set()
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=first, kwargs={"holds": True}),
        threading.Thread(target=act, args=second, kwargs={"holds": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a reviewer is still waiting"
    return outcomes


def other_waits_for_a_lock():
    with connection.cursor() as cursor:
        # The caller polls from inside its open transaction, where PostgreSQL keeps the list of
        # backends from its first pg_stat_activity read until the transaction ends: a reviewer
        # whose connection opened after that first poll (a slow thread start on a loaded CI
        # machine) was never seen waiting. Clearing the snapshot makes each poll current.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def assert_one_winner(declaration, outcomes, actions, since):
    assert list(outcomes.values()).count("ok") == 1, outcomes
    winner = next(name for name, value in outcomes.items() if value == "ok")
    loser = next(value for value in outcomes.values() if value != "ok")
    assert any(text in loser for text in ALREADY_HANDLED), loser
    declaration.refresh_from_db()
    assert declaration.status == OUTCOME[actions[winner]]
    decisions = DeclarationEvent.objects.filter(
        declaration=declaration, action__in=set(actions.values()), pk__gt=since
    )
    assert list(decisions.values_list("action", flat=True)) == [actions[winner]]
    return winner


def last_event_id(declaration):
    return DeclarationEvent.objects.filter(declaration=declaration).latest("pk").pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "pair", [("pass", "pass"), ("return", "return"), ("return", "reject"), ("reject", "return")]
)
def test_two_decisions_one_wins(submitted, reviewers, unit, pair):  # noqa: F811
    since = last_event_id(submitted)
    actions = {"first": pair[0], "second": pair[1]}
    outcomes = race(
        submitted,
        ("first", reviewers[0], actions["first"]),
        ("second", reviewers[1], actions["second"]),
    )
    winner = assert_one_winner(submitted, outcomes, actions, since)
    review = Review.objects.get(declaration=submitted, organization=unit)
    assert review.state == REVIEW_STATE[actions[winner]]
    assert review.decided_by == reviewers[0 if winner == "first" else 1]
    assert submitted.holder == (unit if actions[winner] == "pass" else None)


@pytest.mark.django_db(transaction=True)
def test_return_waiting_on_a_pass_is_refused(submitted, reviewers, unit):  # noqa: F811
    """Return is allowed from 已通过待上报 too, but this reviewer's page showed 待审核: the
    colleague's pass wins and the return is refused instead of silently undoing it."""
    since = last_event_id(submitted)
    actions = {"passer": "pass", "returner": "return"}
    outcomes = in_order(
        submitted, ("passer", reviewers[0], "pass"), ("returner", reviewers[1], "return")
    )
    assert assert_one_winner(submitted, outcomes, actions, since) == "passer"
    submitted.refresh_from_db()
    assert submitted.status == S.PASSED and submitted.holder == unit
    review = Review.objects.get(declaration=submitted, organization=unit)
    assert (review.state, review.decided_by) == (ReviewState.PASSED, reviewers[0])


@pytest.mark.django_db(transaction=True)
def test_pass_waiting_on_a_return_is_refused(submitted, reviewers, unit):  # noqa: F811
    since = last_event_id(submitted)
    actions = {"returner": "return", "passer": "pass"}
    outcomes = in_order(
        submitted, ("returner", reviewers[1], "return"), ("passer", reviewers[0], "pass")
    )
    assert assert_one_winner(submitted, outcomes, actions, since) == "returner"
    assert "可能已被其他审核人处理" in outcomes["passer"]


@pytest.mark.django_db(transaction=True)
def test_two_report_the_same_declaration(published, reviewers, unit, supervising_department):
    since = last_event_id(published)
    actions = {"first": "report", "second": "report"}
    outcomes = race(
        published, ("first", reviewers[0], "report"), ("second", reviewers[1], "report")
    )
    assert list(outcomes.values()).count("ok") == 1, outcomes
    loser = next(value for value in outcomes.values() if value != "ok")
    assert "可能已被他人处理" in loser
    assert_one_winner(published, outcomes, actions, since)
    published.refresh_from_db()
    assert published.holder == supervising_department
    assert ReportBatch.objects.filter(from_organization=unit).count() == 1
    assert Review.objects.get(declaration=published, organization=unit).state == "reported"
    arrived = Review.objects.get(declaration=published, organization=supervising_department)
    assert arrived.state == ReviewState.PENDING and arrived.received_from == unit


@pytest.mark.django_db(transaction=True)
def test_report_waiting_on_a_return_is_refused(published, reviewers, supervising_department):
    since = last_event_id(published)
    actions = {"returner": "return", "reporter": "report"}
    outcomes = in_order(
        published, ("returner", reviewers[1], "return"), ("reporter", reviewers[0], "report")
    )
    assert assert_one_winner(published, outcomes, actions, since) == "returner"
    assert "可能已被他人处理" in outcomes["reporter"]
    published.refresh_from_db()
    assert published.holder is None
    assert not ReportBatch.objects.exists()
    assert not Review.objects.filter(organization=supervising_department).exists()


@pytest.mark.django_db(transaction=True)
def test_return_waiting_on_a_report_is_refused(published, reviewers, supervising_department):
    since = last_event_id(published)
    actions = {"reporter": "report", "returner": "return"}
    outcomes = in_order(
        published, ("reporter", reviewers[0], "report"), ("returner", reviewers[1], "return")
    )
    assert assert_one_winner(published, outcomes, actions, since) == "reporter"
    assert "可能已被其他审核人处理" in outcomes["returner"]
    published.refresh_from_db()
    assert published.holder == supervising_department
