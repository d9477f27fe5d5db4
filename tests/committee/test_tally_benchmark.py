"""manage.py benchmark_tally runs the whole meeting at a small size and leaves nothing behind."""

import io

import pytest
from django.core.management import call_command

from committee.models import Meeting

pytestmark = pytest.mark.django_db


def test_benchmark_tally_prints_the_steps_and_rolls_back():
    out = io.StringIO()
    call_command("benchmark_tally", declarations=4, experts=3, stdout=out)
    text = out.getvalue()
    assert "结束投票并计票（4 份 × 3 名专家 = 12 票）" in text
    assert "会议有效：True" in text and "已回滚" in text
    assert not Meeting.objects.exists()
