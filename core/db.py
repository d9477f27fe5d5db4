"""Database helpers that know about the PostgreSQL connection's prepared statements."""

from contextlib import contextmanager

from django.db import connections


@contextmanager
def unprepared(using: str = "default"):
    """Run the queries inside without prepared statements (PostgreSQL; elsewhere a no-op).

    psycopg prepares a statement once a connection has run it DATABASE_PREPARE_THRESHOLD times,
    and PostgreSQL may then settle on a generic plan, made without the parameters' values. For a
    query whose best plan depends on those values (a queue search joins the trigram-indexed
    name to an organization holding 90 % of the rows) the generic plan can be 100 times slower
    (108 ms against 1.7 ms measured on the 10,000-declaration bench data). Inside this block
    every query is planned with its values."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = previous
