"""Server-side SVG bar charts: this module computes the geometry, the template draws it
(so every label passes through Jinja's autoescaping). Nothing is loaded from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 720
HEIGHT = 180
PAD_LEFT = 40
PAD_BOTTOM = 20


@dataclass(frozen=True)
class Bar:
    """One bar: position, size and its tooltip."""

    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Chart:
    """A bar chart ready for ``charts.html``'s ``bar_chart`` macro."""

    title: str
    bars: list[Bar]
    max_value: int
    first_label: str
    last_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PAD_LEFT
    bottom: int = HEIGHT - PAD_BOTTOM


def nice_max(value: int) -> int:
    """The axis maximum: ``value`` rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for mult in (1, 2, 5):
            if value <= step * mult:
                return step * mult
        step *= 10


def bar_chart(title: str, points: list[tuple[str, int]], unit: str) -> Chart:
    """A chart of ``(label, value)`` points, left to right."""
    top = nice_max(max((v for _, v in points), default=0))
    plot_w = WIDTH - PAD_LEFT - 4
    plot_h = HEIGHT - PAD_BOTTOM - 8
    slot = plot_w / max(1, len(points))
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        bars.append(Bar(
            x=round(PAD_LEFT + i * slot + slot * 0.1, 2), y=round(HEIGHT - PAD_BOTTOM - h, 2),
            width=round(max(1.0, slot * 0.8), 2), height=round(h, 2),
            title=f"{label}: {value:,} {unit}",
        ))
    first = points[0][0] if points else ""
    last = points[-1][0] if points else ""
    return Chart(title, bars, top, first, last)
