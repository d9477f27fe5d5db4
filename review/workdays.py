"""Working days: weekends are off, and the Holiday table lists holidays and the weekend days
that become working days when holidays are moved (调休)."""

import datetime

from review.models import Holiday


def working_days(start: datetime.date, end: datetime.date) -> int:
    """How many working days from start to end, both included (one query)."""
    if end < start:
        return 0
    exceptions = dict(
        Holiday.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    )
    count = 0
    day = start
    while day <= end:
        if exceptions.get(day, day.weekday() < 5):
            count += 1
        day += datetime.timedelta(days=1)
    return count
