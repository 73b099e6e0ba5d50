"""Drawings for the PDF: the body map, probability bars and the outcome trend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Ellipse, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from hipnav.reports import body_map

HIGHLIGHT = colors.HexColor("#d9534f")
OUTLINE = colors.HexColor("#8795a1")
SKIN = colors.HexColor("#eef1f4")
MUTED = colors.HexColor("#c5ccd3")


def body_map_drawing(regions: Iterable[str], font: str, scale: float = 0.8) -> Drawing:
    """Front and back views; y runs up in ReportLab, so shapes are flipped from the SVG box."""
    chosen = set(regions)
    gap = 20.0
    w, h = (2 * body_map.VIEW_W + gap) * scale, (body_map.VIEW_H + 14) * scale
    d = Drawing(w, h)

    def y(top: float) -> float:
        return (body_map.VIEW_H + 14 - top) * scale

    for i, view in enumerate(("front", "back")):
        dx = i * (body_map.VIEW_W + gap)
        cx, cy, rx, ry = body_map._HEAD
        d.add(Ellipse((dx + cx) * scale, y(cy), rx * scale, ry * scale, fillColor=SKIN,
                      strokeColor=OUTLINE, strokeWidth=0.7))
        for x, top, rw, rh in body_map.outline_rects():
            d.add(Rect((dx + x) * scale, y(top + rh), rw * scale, rh * scale, rx=6 * scale, ry=6 * scale,
                       fillColor=SKIN, strokeColor=OUTLINE, strokeWidth=0.7))
        for rid, (rview, shapes, _label) in body_map.REGIONS.items():
            if rview != view:
                continue
            for ex, ey, erx, ery in (m for e in shapes for m in body_map.mirrored(e)):
                on = rid in chosen
                d.add(Ellipse((dx + ex) * scale, y(ey), erx * scale, ery * scale,
                              fillColor=HIGHLIGHT if on else None,
                              fillOpacity=0.8 if on else 0,
                              strokeColor=colors.HexColor("#a02622") if on else MUTED,
                              strokeWidth=0.8 if on else 0.4,
                              strokeDashArray=None if on else [1.5, 1.5]))
        d.add(String((dx + body_map.VIEW_W / 2) * scale, 2, view, fontName=font, fontSize=8,
                     textAnchor="middle", fillColor=colors.HexColor("#4a5560")))
    return d


def probability_bar(p: float, width: float = 70, height: float = 8) -> Drawing:
    d = Drawing(width, height)
    d.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#e9ecef"), strokeColor=None))
    d.add(Rect(0, 0, max(0.5, width * p), height, fillColor=colors.HexColor("#3a6ea5"), strokeColor=None))
    return d


SERIES = (  # key, label, colour, scale to 0..100
    ("nprs", "Pain (NPRS, 0-10, lower is better)", colors.HexColor("#d9534f"), 10.0),
    ("psfs_mean", "Function (PSFS mean, 0-10, higher is better)", colors.HexColor("#3a6ea5"), 10.0),
    ("hoos12_summary", "HOOS-12 summary (0-100, higher is better)", colors.HexColor("#2e8b57"), 1.0),
)


def measure(visit: Mapping[str, Any], key: str) -> float | None:
    """A measure of a visit as exported (``VisitView.to_json``): HOOS-12 scores are nested."""
    if key.startswith("hoos12_"):
        value = (visit.get("hoos12_scores") or {}).get(key.removeprefix("hoos12_"))
    else:
        value = visit.get(key)
    return None if value is None else float(value)


def trend_drawing(visits: Sequence[Mapping[str, Any]], font: str, width: float = 330,
                  height: float = 150) -> Drawing | None:
    """All three measures on one 0-100 axis (NPRS and PSFS scaled x10), by visit date."""
    dated = [(date.fromisoformat(v["visit_date"]), v) for v in visits]
    if not dated:
        return None
    day0 = min(d for d, _ in dated)
    data, used = [], []
    for key, label, colour, factor in SERIES:
        points = [((d - day0).days, float(x) * factor) for d, v in dated
                  if (x := measure(v, key)) is not None]
        if points:
            data.append(points)
            used.append((label + (" (x10 on this axis)" if factor != 1 else ""), colour))
    if not data:
        return None
    d = Drawing(width, height + 14 * len(used))
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 30, 14 * len(used) + 26, width - 40, height - 36
    plot.data = data
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 25
    span = max(1, max(x for series in data for x, _ in series))
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, span
    plot.xValueAxis.labels.fontName = plot.yValueAxis.labels.fontName = font
    plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 7
    for i, (_label, colour) in enumerate(used):
        plot.lines[i].strokeColor = colour
        plot.lines[i].strokeWidth = 1.5
        plot.lines[i].symbol = makeMarker("FilledCircle", size=3, fillColor=colour)
    d.add(plot)
    d.add(String(plot.x + plot.width / 2, plot.y - 20, "days since first visit", fontName=font, fontSize=7,
                 textAnchor="middle"))
    for i, (label, colour) in enumerate(used):
        yy = 4 + 14 * (len(used) - 1 - i)
        d.add(Rect(30, yy, 10, 6, fillColor=colour, strokeColor=None))
        d.add(String(44, yy, label, fontName=font, fontSize=7))
    return d
