"""The body map: front and back outlines with the painful regions highlighted.

Regions are the knowledge base's ``location`` findings. Their shapes are data (ellipses in a
100 x 220 box per view, drawn for the left half of the body and mirrored, since a case
does not record the side), rendered here for the PDF (ReportLab graphics) and as SVG. A
location finding with no shape here is still listed in the legend, so a region the
knowledge base adds later is never silently dropped from a report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

VIEW_W, VIEW_H = 100.0, 220.0
CENTRE = VIEW_W / 2


@dataclass(frozen=True)
class Ellipse:
    cx: float  # on the figure's left half (x < 50); mirrored unless ``midline``
    cy: float  # from the top
    rx: float
    ry: float
    midline: bool = False


#: region id -> (view, shapes, short label)
REGIONS: dict[str, tuple[str, tuple[Ellipse, ...], str]] = {
    "loc_lower_abdomen": ("front", (Ellipse(50, 92, 13, 6, midline=True),), "lower belly"),
    "loc_pubic": ("front", (Ellipse(50, 108, 6, 4, midline=True),), "pubic bone"),
    "loc_groin": ("front", (Ellipse(40, 104, 6, 4),), "groin"),
    "loc_lateral_hip": ("front", (Ellipse(27, 104, 4.5, 7),), "outer hip"),
    "loc_anterior_thigh": ("front", (Ellipse(38, 130, 7, 15),), "front of thigh"),
    "loc_medial_thigh": ("front", (Ellipse(45, 130, 3, 13),), "inner thigh"),
    "loc_lateral_thigh": ("front", (Ellipse(30, 132, 3, 16),), "outer thigh"),
    "loc_lateral_knee": ("front", (Ellipse(32, 160, 3, 5),), "outer knee"),
    "loc_knee": ("front", (Ellipse(38, 160, 5, 5),), "knee"),
    "loc_low_back": ("back", (Ellipse(50, 80, 12, 8, midline=True),), "low back"),
    "loc_sij": ("back", (Ellipse(44, 96, 3.5, 4),), "sacroiliac joint"),
    "loc_buttock": ("back", (Ellipse(37, 108, 10, 9),), "buttock"),
    "loc_ischial": ("back", (Ellipse(41, 118, 4, 3),), "sitting bone"),
    "loc_posterior_thigh": ("back", (Ellipse(38, 138, 7, 16),), "back of thigh"),
    "pain_below_knee": ("back", (Ellipse(38, 185, 5, 14),), "below the knee"),
}

# The outline: (cx, cy, rx, ry) ellipses and (x, y, w, h) rounded limbs, left half mirrored.
_HEAD = (50.0, 14.0, 9.0, 11.0)
_TORSO = [(31.0, 28.0, 38.0, 62.0)]  # shoulders to waist
_PELVIS = (26.0, 82.0, 48.0, 32.0)
_ARM = (20.0, 30.0, 9.0, 62.0)  # left arm; mirrored
_LEG = (28.0, 106.0, 20.0, 104.0)  # left leg; mirrored


def mirrored(e: Ellipse) -> list[tuple[float, float, float, float]]:
    if e.midline:
        return [(e.cx, e.cy, e.rx, e.ry)]
    return [(e.cx, e.cy, e.rx, e.ry), (VIEW_W - e.cx, e.cy, e.rx, e.ry)]


def outline_rects() -> list[tuple[float, float, float, float]]:
    """Rounded rectangles (x, y, w, h) of the body outline, both sides."""
    x, y, w, h = _ARM
    lx, ly, lw, lh = _LEG
    return [*_TORSO, _PELVIS, _ARM, (VIEW_W - x - w, y, w, h), _LEG, (VIEW_W - lx - lw, ly, lw, lh)]


def split_regions(regions: Iterable[str]) -> tuple[list[str], list[str]]:
    """(regions that have a shape, regions that do not)."""
    drawn: list[str] = []
    other: list[str] = []
    for r in regions:
        (drawn if r in REGIONS else other).append(r)
    return drawn, other


def svg(regions: Iterable[str], *, width: int = 260, fill: str = "#d9534f") -> str:
    """Front and back views side by side as one inline SVG (no external resources)."""
    chosen = set(regions)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * VIEW_W + 20:g} {VIEW_H + 16:g}" '
             f'width="{width}" role="img" aria-label="Body map: front and back">']
    for i, view in enumerate(("front", "back")):
        dx = i * (VIEW_W + 20)
        parts.append(f'<g transform="translate({dx:g},0)"><title>{view}</title>')
        cx, cy, rx, ry = _HEAD
        parts.append(f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="#eef1f4" stroke="#8795a1"/>')
        for x, y, w, h in outline_rects():
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="#eef1f4" '
                         'stroke="#8795a1"/>')
        for rid, (rview, shapes, label) in REGIONS.items():
            if rview != view:
                continue
            on = rid in chosen
            for ex, ey, erx, ery in (m for e in shapes for m in mirrored(e)):
                style = (f'fill="{fill}" fill-opacity="0.75" stroke="#a02622"' if on
                         else 'fill="none" stroke="#c5ccd3" stroke-dasharray="2 2"')
                parts.append(f'<ellipse data-region="{rid}" cx="{ex}" cy="{ey}" rx="{erx}" ry="{ery}" '
                             f'{style}><title>{label}</title></ellipse>')
        parts.append(f'<text x="{VIEW_W / 2}" y="{VIEW_H + 12}" text-anchor="middle" font-size="9" '
                     f'fill="#4a5560">{view}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
