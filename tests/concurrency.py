"""Running service calls at the same moment, for the PostgreSQL tests of row locks."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are only real on PostgreSQL")


def run_together(*jobs):
    """Run the callables at once (a barrier), each in its own thread and connection; returns
    their outcomes in order: "ok" or the refusal's message."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            job()
            outcomes[index] = "ok"
        except (ValidationError, PermissionDenied) as error:
            outcomes[index] = " ".join(getattr(error, "messages", [str(error)]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
