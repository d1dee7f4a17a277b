"""Bar charts drawn on the server as inline SVG: no script, no library, readable on a phone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 60
ROW = 26
MAX_LABEL = 30


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(rows: Sequence[tuple[str, int]], title: str) -> Markup:
    """Horizontal bars, one row per (label, value), the value written after each bar."""
    if not rows:
        return Markup("")
    top = max(value for _, value in rows) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(rows) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = i * ROW + 2
        length = round(span * value / top) if value else 0
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{max(length, 1)}" '
            f'height="{ROW - 8}" rx="3"></rect>'
            f'<text class="value" x="{LABEL_WIDTH + length + 6}" y="{y + 17}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(days: Sequence[tuple[date, int, int]], title: str, first: str, second: str) -> Markup:
    """Two columns per day (e.g. questions for officers, answer ratings), dates every 7 days."""
    if not days:
        return Markup("")
    height, base, legend = 200, 170, 16
    top = max(max(a, b) for _, a, b in days) or 1
    step = (WIDTH - 40) / len(days)
    bar = max(step / 2 - 1, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f'<text class="value" x="0" y="{legend + 12}">{top}</text>',
        f'<line class="axis" x1="34" y1="{base}" x2="{WIDTH}" y2="{base}"></line>',
        f'<rect class="bar" x="40" y="2" width="12" height="12"></rect>'
        f'<text class="label" x="58" y="13">{escape(first)}</text>'
        f'<rect class="bar second" x="{WIDTH // 2}" y="2" width="12" height="12"></rect>'
        f'<text class="label" x="{WIDTH // 2 + 18}" y="13">{escape(second)}</text>',
    ]
    area = base - legend - 10
    for i, (day, a, b) in enumerate(days):
        x = 40 + i * step
        for j, (value, css) in enumerate(((a, "bar"), (b, "bar second"))):
            h = round(area * value / top)
            if h:
                parts.append(
                    f'<rect class="{css}" x="{x + j * (bar + 1):.1f}" y="{base - h}" '
                    f'width="{bar:.1f}" height="{h}"><title>{day:%d/%m}: {value}</title></rect>'
                )
        if (len(days) - 1 - i) % 7 == 0:
            parts.append(f'<text class="label" x="{x:.1f}" y="{base + 18}">{day:%d/%m}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
