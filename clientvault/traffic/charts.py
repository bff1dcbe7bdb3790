"""Bar charts drawn on the server as inline SVG: no script, no CDN, nothing but the page.

A chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(what it shows, its total and its highest bar, in words); the page puts the same figures in a
table under it, so nothing is only in the picture. Bars may be stacked (several series, the
legend under the chart names them); each bar's own ``<title>`` gives its figures on hover.

The chart is as wide as its box: bars are placed in percentages of the width and everything
vertical in pixels, so the text never shrinks on a phone. The grid's labels are a narrow SVG of
their own beside it (hidden from screen readers: the description says the figures), so no bar
ever covers them. There is no inline style (the content security policy forbids it): colours
come from classes in the site's style sheet (``.chart-bar.series-N``), sizes from presentation
attributes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

HEIGHT = 240  # pixels, the whole chart
TOP = 14  # room above the highest grid line for its label
BOTTOM = 212  # the baseline; the day labels go under it
MAX_LABELS = 5  # labels along the bottom: any more would touch on a phone
SERIES_CLASSES = 5  # .series-0 .. .series-4 in site.css
EDGE = 4.0  # percent: a label nearer the side than this is anchored to the side
AXIS_WIDTH = 56  # pixels, the grid's labels' column

Formatter = Callable[[int], str]


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (only some are shown): "3 Dec"
    title: str  # in words, on hover and in the description: "3 December 2026"
    values: tuple[int, ...]  # one per series, stacked from the bottom

    @property
    def total(self) -> int:
        return sum(self.values)


def count_text(value: int) -> str:
    """A whole number with thousands separated: 12,345."""
    return f"{value:,}"


def compact_count(value: int) -> str:
    """A short form for axis labels: 950, 1.2k, 3.4M."""
    for size, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value / size:.3g}{suffix}"
    return str(value)


def byte_text(value: int) -> str:
    """Bytes in decimal units, as the plans count them: 512 B, 1.5 kB, 2.25 GB."""
    for size, unit in ((10**12, "TB"), (10**9, "GB"), (10**6, "MB"), (10**3, "kB")):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value} B"


def nice_ticks(highest: int, intervals: int = 4) -> list[int]:
    """Grid lines from 0 to a round number at or above ``highest``, at most ``intervals`` steps
    of 1, 2, 2.5 or 5 times a power of ten (whole numbers only)."""
    if highest <= 0:
        return [0]
    magnitude = 10 ** max(int(math.log10(highest / intervals)), 0) if highest > intervals else 1
    step = magnitude
    for factor in (1, 2, 2.5, 5, 10, 20, 25, 50):
        candidate = factor * magnitude
        if candidate == int(candidate) and candidate * intervals >= highest:
            step = int(candidate)
            break
    top = step * math.ceil(highest / step)
    return list(range(0, top + 1, step))


def _y(value: float, top: int) -> float:
    return BOTTOM - (BOTTOM - TOP) * value / top


def _grid(ticks: list[int]) -> list[str]:
    parts = ['<g class="chart-grid">']
    for tick in ticks:
        y = _y(tick, ticks[-1])
        parts.append(f'<line x1="0" x2="100%" y1="{y:.1f}" y2="{y:.1f}"/>')
    parts.append("</g>")
    return parts


def _axis(ticks: list[int], formatter: Formatter) -> str:
    """The grid's labels, right-aligned in their own column, level with their lines."""
    labels = "".join(
        f'<text class="chart-tick" x="{AXIS_WIDTH - 6}" y="{_y(tick, ticks[-1]) + 4:.1f}" '
        f'text-anchor="end">{escape(formatter(tick))}</text>'
        for tick in ticks
    )
    return (
        f'<svg class="chart-axis" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
        f'focusable="false" width="{AXIS_WIDTH}" height="{HEIGHT}">{labels}</svg>'
    )


def _bar(bar: Bar, index: int, count: int, top: int, hover: str) -> list[str]:
    slot = 100 / count
    x, width = index * slot + slot * 0.15, slot * 0.7
    parts = [f'<g class="chart-column"><title>{escape(hover)}</title>']
    base = 0
    for series, value in enumerate(bar.values):
        if value > 0:
            y_top, y_base = _y(base + value, top), _y(base, top)
            parts.append(
                f'<rect class="chart-bar series-{series % SERIES_CLASSES}" x="{x:.3f}%" '
                f'y="{y_top:.1f}" width="{width:.3f}%" height="{y_base - y_top:.1f}"/>'
            )
        base += value
    parts.append("</g>")
    return parts


def _labels(bars: Sequence[Bar]) -> list[str]:
    """Every k-th bar's label, counted back from the last bar (the newest day is labelled)."""
    count = len(bars)
    every = math.ceil(count / MAX_LABELS)
    slot = 100 / count
    parts = ['<g class="chart-labels" aria-hidden="true">']
    for index in range(count - 1, -1, -every):
        centre = (index + 0.5) * slot
        anchor, x = "middle", centre
        if centre < EDGE:
            anchor, x = "start", index * slot
        elif centre > 100 - EDGE:
            anchor, x = "end", (index + 1) * slot
        parts.append(
            f'<text class="chart-label" x="{x:.3f}%" y="{HEIGHT - 8}" '
            f'text-anchor="{anchor}">{escape(bars[index].label)}</text>'
        )
    parts.append("</g>")
    return parts


def _hover(bar: Bar, series: Sequence[str], formatter: Formatter) -> str:
    if len(series) == 1:
        return f"{bar.title}: {formatter(bar.total)}"
    each = ", ".join(f"{name} {formatter(v)}" for name, v in zip(series, bar.values, strict=True))
    return f"{bar.title}: {formatter(bar.total)} ({each})"


def summary(bars: Sequence[Bar], formatter: Formatter) -> str:
    """The chart in words: its total, and its highest and lowest bars."""
    total = sum(bar.total for bar in bars)
    high = max(bars, key=lambda bar: bar.total)
    low = min(bars, key=lambda bar: bar.total)
    text = f"{len(bars)} bars, {formatter(total)} in all"
    text += f"; highest {high.title}, {formatter(high.total)}"
    if len(bars) > 1:
        text += f"; lowest {low.title}, {formatter(low.total)}"
    return text + "."


def legend(series: Sequence[str]) -> str:
    items = "".join(
        f'<li><span class="chart-swatch series-{i % SERIES_CLASSES}"></span>{escape(name)}</li>'
        for i, name in enumerate(series)
    )
    return f'<ul class="chart-legend">{items}</ul>'


def bar_chart(
    *,
    ident: str,
    title: str,
    description: str,
    series: Sequence[str],
    bars: Sequence[Bar],
    formatter: Formatter = count_text,
    axis: Formatter = compact_count,
    empty: str = "Nothing was measured in this period.",
) -> SafeString:
    """An inline SVG bar chart (stacked when there are several ``series``), or the ``empty``
    text when no bar has a value. ``ident`` must be unique on the page (it names the title and
    description); ``formatter`` writes figures in words, ``axis`` the grid's labels."""
    if not bars or not any(bar.total for bar in bars):
        return mark_safe(f'<p class="empty chart-empty">{escape(empty)}</p>')  # noqa: S308
    ticks = nice_ticks(max(bar.total for bar in bars))
    words = f"{description} {summary(bars, formatter)} The table below gives every figure."
    parts = [
        '<div class="chart"><div class="chart-frame">',
        _axis(ticks, axis),
        f'<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'height="{HEIGHT}" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(words)}</desc>',
        *_grid(ticks),
        *[
            line
            for index, bar in enumerate(bars)
            for line in _bar(bar, index, len(bars), ticks[-1], _hover(bar, series, formatter))
        ],
        f'<line class="chart-baseline" x1="0" x2="100%" y1="{BOTTOM}" y2="{BOTTOM}"/>',
        *_labels(bars),
        "</svg></div>",
        legend(series) if len(series) > 1 else "",
        "</div>",
    ]
    return mark_safe("".join(parts))  # noqa: S308  (every text in it is escaped above)
