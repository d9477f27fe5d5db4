"""Charts drawn on the server as SVG: horizontal bars (one or more series) and a funnel.

Each chart is an <svg role="img"> with an aria-label and a <title>, text labels on every bar, and
a viewBox so it scales to the width of a phone. Colours and fonts are presentation attributes
(the site's Content Security Policy refuses inline styles); the text takes the page's font.
The page shows the data table of every chart right after it.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
LABEL_WIDTH = 132
VALUE_WIDTH = 64
# The funnel writes "count · share" after its bars.
FUNNEL_VALUE_WIDTH = 96
BAR_HEIGHT = 18
GAP = 10
TOP = 8
FONT_SIZE = 14
COLOURS = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1")
# Characters of a label that fit in LABEL_WIDTH at FONT_SIZE (CJK characters are square). The
# drawing is narrow so that on a phone (about 340 px wide) its text stays about 12 px high.
LABEL_CHARS = 9


def _number(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _svg(title: str, height: int, body: list[str]) -> SafeString:
    title = escape(title)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="stats-chart" role="img" '
        f'aria-label="{title}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="inherit" font-size="{FONT_SIZE}">'
        f"<title>{title}</title>" + "".join(body) + "</svg>"
    )


def _empty(title: str, message: str) -> SafeString:
    return _svg(
        title,
        40,
        [
            f'<text x="{WIDTH // 2}" y="25" text-anchor="middle" fill="#6c757d">'
            f"{escape(message)}</text>"
        ],
    )


def bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float | int | None]]],
    *,
    suffix: str = "",
    empty: str = "",
) -> SafeString:
    """Horizontal bars: one group per label, one bar per series (name, values), each bar with
    its value written after it; a legend when there is more than one series."""
    if not labels:
        return _empty(title, empty)
    maximum = max((v or 0) for _name, values in series for v in values) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group = len(series) * BAR_HEIGHT + GAP
    body, y = [], TOP
    if len(series) > 1:
        x = LABEL_WIDTH
        for index, (name, _values) in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            body.append(
                f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
                f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>'
            )
            x += 24 + FONT_SIZE * len(name)
        y += 12 + GAP
    for row, label in enumerate(labels):
        parts = [f"<g><title>{escape(label)}</title>"]
        middle = y + len(series) * BAR_HEIGHT / 2 + FONT_SIZE / 2 - 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
        )
        for index, (name, values) in enumerate(series):
            value = values[row]
            width = plot * (value or 0) / maximum
            top = y + index * BAR_HEIGHT
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top + 2}" width="{width:.1f}" '
                f'height="{BAR_HEIGHT - 4}" fill="{colour}"><title>{escape(label)} · '
                f"{escape(name)}: {_number(value)}{escape(suffix)}</title></rect>"
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{top + BAR_HEIGHT - 5}">'
                f"{_number(value)}{escape(suffix)}</text>"
            )
        parts.append("</g>")
        body.append("".join(parts))
        y += group
    return _svg(title, int(y + TOP), body)


def funnel_chart(
    title: str, labels: list[str], values: list[int], *, empty: str = ""
) -> SafeString:
    """A funnel: centred bars whose width is the count, each labelled with the stage, the count
    and its share of the first stage."""
    if not values or not values[0]:
        return _empty(title, empty)
    first = values[0]
    height = 30
    body, y = [], TOP
    plot = WIDTH - LABEL_WIDTH - FUNNEL_VALUE_WIDTH
    centre = LABEL_WIDTH + plot / 2
    for label, value in zip(labels, values, strict=True):
        width = max(plot * value / first, 2 if value else 0)
        share = f"{100 * value / first:.1f}%"
        body.append(
            f"<g><title>{escape(label)}: {value} ({share})</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{y + height / 2 + FONT_SIZE / 2 - 2:.1f}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
            f'<rect x="{centre - width / 2:.1f}" y="{y + 2}" width="{width:.1f}" '
            f'height="{height - 4}" fill="{COLOURS[0]}" rx="3"/>'
            f'<text x="{WIDTH - 4}" y="{y + height / 2 + FONT_SIZE / 2 - 2:.1f}" '
            f'text-anchor="end">{value} · {share}</text></g>'
        )
        y += height + 4
    return _svg(title, int(y + TOP), body)
