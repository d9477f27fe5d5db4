"""Moving Django's clock forward in a test.

Some rules depend on the day: a public notice cannot start before the unit passed its people,
and its outcome is recorded only after it has ended. A test that needs a notice with an outcome
records the notice after the pass and then lets the days go by (moves the clock past the end)
instead of dating the notice in the past. The clock is django.utils.timezone.now, which
timezone.localdate() and the code reading the time (timezone.now()) go through; model fields
defaulting to the real function keep the real time.
"""

import datetime
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


@contextmanager
def days_later(days: int):
    """Within the block, the clock runs `days` days ahead (in this process: the live server's
    threads of a browser test too)."""
    real_now = timezone.now
    with mock.patch.object(timezone, "now", lambda: real_now() + datetime.timedelta(days=days)):
        yield


@contextmanager
def on_day(day: datetime.date):
    """Within the block, today (timezone.localdate()) is `day`, at the current time of day."""
    with days_later((day - timezone.localdate()).days):
        yield
