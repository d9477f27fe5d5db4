"""core.html's format_html and format_html_join, which the queue, inbox and navigation rows use
instead of Django's (issue 13): the same escaping for every kind of value a row holds."""

import pytest
from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from core import html

HOSTILE = [
    '<script>alert("x")</script>',
    "O'Brien & <b>",
    '" onmouseover="alert(1)',
    mark_safe("<em>safe</em>"),
    gettext_lazy("审核"),
    12345,
    None,
    "",
    "张三{}{0}",
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_each_value_is_escaped_as_django_escapes_it(value):
    template = '<td data-label="{}"><a href="{}">{}</a></td>'
    ours = html.format_html(template, value, value, value)
    assert ours == django_html.format_html(template, value, value, value)
    assert isinstance(ours, SafeString)
    if value == HOSTILE[0]:
        assert "<script>" not in ours


def test_join_escapes_like_django():
    rows = [(v, v) for v in HOSTILE]
    for sep in ("", " | ", "<br>", mark_safe("<br>")):
        ours = html.format_html_join(sep, "<li>{}: {}</li>", rows)
        assert ours == django_html.format_html_join(sep, "<li>{}: {}</li>", rows)
        assert isinstance(ours, SafeString)
