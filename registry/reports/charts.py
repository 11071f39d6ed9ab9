"""Server-side SVG charts (no JavaScript, nothing fetched from a CDN: bureau networks are often offline).

Categories get a bar in each table row (see dashboard/breakdown.html); time series get columns in
time order drawn here. Every value is also printed as text.
"""

from __future__ import annotations

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

BAR = "#417690"  # the admin's own blue, readable in light and dark themes


def _scale(value: int, largest: int, length: int) -> float:
    return 0 if not largest else round(value * length / largest, 1)


def column_chart(items: list[tuple[str, int]]) -> str:
    """Vertical columns in time order, one per (year, value), for time series."""
    if not items:
        return ""
    largest = max(value for _, value in items)
    column, gap, plot, base = 34, 8, 120, 140
    width = max(len(items) * (column + gap) + gap, 160)
    columns = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle">{}</text></g>',
        (
            (
                x,
                base - h,
                column,
                h,
                BAR,
                x + column / 2,
                base - h - 4,
                value,
                x + column / 2,
                base + 16,
                label,
            )
            for x, h, label, value in (
                (gap + i * (column + gap), _scale(value, largest, plot), label, value)
                for i, (label, value) in enumerate(items)
            )
        ),
    )
    axis = format_html('<line x1="0" y1="{}" x2="{}" y2="{}" stroke="currentColor"></line>', base, width, base)
    return _svg(width, base + 24, columns + axis, items)


def _svg(width: int, height: int, body: str, items: list[tuple[str, int]]) -> str:
    description = "; ".join(f"{label}: {value}" for label, value in items)
    return format_html(
        '<svg class="registry-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" '
        'width="{}" height="{}" viewBox="0 0 {} {}" font-size="12" fill="currentColor">'
        "<title>{}</title>{}</svg>",
        description,
        width,
        height,
        width,
        height,
        escape(description),
        mark_safe(body),  # noqa: S308 - built by format_html from escaped values above
    )
