"""Outcome charts as inline SVG: one small chart per measure, drawn on the server.

No script and no outside resources (the site's content security policy allows neither
inline scripts nor other origins); every point has a ``<title>`` for hover and screen
readers, and the page shows the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from hipnav.store import VisitView

W, H = 420, 190
LEFT, RIGHT, TOP, BOTTOM = 40, 26, 16, 34


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    points: tuple[tuple[date, float], ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    y_max: float
    better: str  # "higher" or "lower"
    series: tuple[Series, ...]

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)


def charts_for(visits: Sequence[VisitView]) -> list[Chart]:
    def pts(get: object) -> tuple[tuple[date, float], ...]:
        return tuple((v.visit_date, float(x)) for v in visits if (x := get(v)) is not None)  # type: ignore[operator]

    return [
        Chart("nprs", "Pain (NPRS, 0-10)", 10, "lower",
              (Series("NPRS", "#c2410c", pts(lambda v: v.nprs)),)),
        Chart("psfs", "Function (PSFS mean, 0-10)", 10, "higher",
              (Series("PSFS", "#0b4f6c", pts(lambda v: v.psfs_mean)),)),
        Chart("hoos12", "HOOS-12 (0-100)", 100, "higher", (
            Series("Summary", "#14532d", pts(lambda v: v.hoos12_summary)),
            Series("Pain", "#c2410c", pts(lambda v: v.hoos12_pain)),
            Series("Function", "#0b4f6c", pts(lambda v: v.hoos12_function)),
            Series("Quality of life", "#7c3aed", pts(lambda v: v.hoos12_qol)),
        )),
    ]


def svg(chart: Chart) -> str:
    """The chart as an SVG string (escaped; safe to mark up as-is in a template)."""
    dates = sorted({d for s in chart.series for d, _ in s.points})
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    first = dates[0] if dates else date.today()
    span = max(1, (dates[-1] - first).days) if dates else 1

    def x(d: date) -> float:
        return LEFT + (pw / 2 if len(dates) == 1 else pw * (d - first).days / span)

    def y(v: float) -> float:
        return TOP + ph * (1 - v / chart.y_max)

    title = escape(chart.title)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="outcome-chart" viewBox="0 0 {W} {H}" '
           f'role="img" aria-labelledby="chart-{chart.id}-title" data-chart="{chart.id}">'
           f'<title id="chart-{chart.id}-title">{title}, {escape(chart.better)} is better</title>']
    for i in range(5):
        value = chart.y_max * i / 4
        yy = y(value)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e5e1dc"/>')
        out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="11" '
                   f'fill="#5b554e">{value:g}</text>')
    for d in dates if len(dates) <= 8 else dates[:: max(1, len(dates) // 6)]:
        out.append(f'<text x="{x(d):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" font-size="10" '
                   f'fill="#5b554e">{d:%d %b}</text>')
    for s in chart.series:
        if not s.points:
            continue
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in s.points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2.2" '
                   f'data-series="{escape(s.label)}"/>')
        for d, v in s.points:
            out.append(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3.6" fill="{s.colour}">'
                       f'<title>{escape(s.label)} on {d:%d %b %Y}: {v:.3g}</title></circle>')
    lx = LEFT
    for s in chart.series:
        if s.points and len(chart.series) > 1:
            out.append(f'<rect x="{lx}" y="{H - 12}" width="10" height="10" fill="{s.colour}"/>')
            out.append(f'<text x="{lx + 14}" y="{H - 3}" font-size="10" fill="#2b2620">'
                       f'{escape(s.label)}</text>')
            lx += 22 + 7 * len(s.label)
    out.append("</svg>")
    return "".join(out)
