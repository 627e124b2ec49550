"""A small SVG chart drawn on the server: lines or bars over labelled categories.

No JavaScript and no chart library: the geometry is computed here and the
template writes it out as `<polyline>` and `<rect>` elements in a viewBox that
scales to the page (phones included). Colours come from the stylesheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

ChartKind = Literal["line", "bar"]
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 48
MAX_SERIES = 6
MAX_X_LABELS = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Plotted:
    name: str
    css: str
    points: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    series: tuple[Plotted, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    omitted: int


def nice_step(span: float, count: int = 5) -> float:
    raw = span / count if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def build_chart(
    labels: list[str], series: list[tuple[str, list[float | None]]], kind: ChartKind
) -> Chart | None:
    """`series` are (name, one value per label); the largest MAX_SERIES are drawn."""
    if not labels or not series:
        return None
    ranked = sorted(series, key=lambda s: -sum(abs(v or 0) for v in s[1]))
    shown, omitted = ranked[:MAX_SERIES], max(0, len(ranked) - MAX_SERIES)
    values = [v for _, vs in shown for v in vs if v is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    step = nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if high == low:
        high = low + step
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_w, plot_h = right - LEFT, bottom - TOP
    slot = plot_w / len(labels)

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * plot_h

    plotted = []
    for index, (name, vs) in enumerate(shown):
        points = " ".join(
            f"{LEFT + (i + 0.5) * slot:.1f},{y_of(v):.1f}"
            for i, v in enumerate(vs)
            if v is not None
        )
        bars = []
        if kind == "bar":
            group = slot * 0.8
            width = group / len(shown)
            for i, v in enumerate(vs):
                if v is None:
                    continue
                top, base = sorted((y_of(v), y_of(0.0)))
                x = LEFT + i * slot + slot * 0.1 + index * width
                bars.append(
                    Bar(x, top, max(width - 1, 0.5), max(base - top, 0.5), f"{labels[i]}: {v:g}")
                )
        plotted.append(Plotted(name, f"s{index}", points, tuple(bars)))
    y_ticks = []
    tick = low
    while tick <= high + step / 2:
        y_ticks.append(Tick(y_of(tick), _number(tick)))
        tick += step
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    x_ticks = [
        Tick(LEFT + (i + 0.5) * slot, label) for i, label in enumerate(labels) if i % every == 0
    ]
    return Chart(
        kind=kind,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        series=tuple(plotted),
        y_ticks=tuple(y_ticks),
        x_ticks=tuple(x_ticks),
        omitted=omitted,
    )
