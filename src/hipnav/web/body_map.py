"""The body map: SVG regions of the pelvis and thigh, each one a location finding.

A person shows where it hurts by ticking regions on three drawings (front, back, side). Each
region is exactly one location finding of the shared case format and appears in exactly one
view, so that a keyboard or screen-reader user meets each choice once. Regions are drawn on
one leg only: the case format does not record the side, and "Both sides" is its own choice.

What the map means for the case (:func:`map_findings`): a person who ticked at least one
region was shown every region, so the regions left unticked are recorded as absent
(``false``: asked and absent). A person who ticked nothing has told us nothing, and every
region stays unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hipnav.knowledge.model import KnowledgeBase

#: The "both sides hurt" choice shown under the drawings (a location finding, not a region).
BOTH_SIDES = "bilateral"
#: Location findings that are not places on a drawing; the question flow asks them instead.
NOT_DRAWN = frozenset({"c_sign"})


@dataclass(frozen=True)
class Shape:
    """One SVG element of a region: ``kind`` is ``path`` or ``ellipse``."""

    kind: str
    attrs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Region:
    finding: str
    label: str  # short plain name, shown in the list and read by screen readers
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class View:
    id: str
    title: str
    outline: tuple[str, ...]  # SVG path data of the body outline (drawn, not clickable)
    regions: tuple[Region, ...]
    guides: tuple[str, ...] = ()  # landmarks to find one's way (navel, folds, knees), not clickable


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> Shape:
    return Shape("ellipse", (("cx", f"{cx:g}"), ("cy", f"{cy:g}"), ("rx", f"{rx:g}"), ("ry", f"{ry:g}")))


def _path(d: str) -> Shape:
    return Shape("path", (("d", d),))


# Drawings are 200 x 340 user units: waist at the top, mid-calf at the bottom. Front and back
# show both legs; the regions sit on the leg drawn on the left.
_TWO_LEGS = (
    "M56,18 L144,18 C150,46 163,66 164,96 C162,150 150,205 143,255 C141,280 140,305 138,332 "
    "L112,332 C110,305 108,280 108,255 C106,205 104,170 103,142 L97,142 "
    "C96,170 94,205 92,255 C92,280 90,305 88,332 L62,332 C60,305 59,280 57,255 "
    "C50,205 38,150 36,96 C37,66 50,46 56,18 Z",
)
_FRONT_GUIDES = (
    "M97,24 a3,3 0 1,0 6,0 a3,3 0 1,0 -6,0",  # navel
    "M56,74 Q76,100 97,132", "M144,74 Q124,100 103,132",  # groin creases
    "M65,258 a10,12 0 1,0 20,0 a10,12 0 1,0 -20,0", "M115,258 a10,12 0 1,0 20,0 a10,12 0 1,0 -20,0",
)
_BACK_GUIDES = (
    "M100,18 L100,60", "M100,64 L100,128",  # spine, cleft between the buttocks
    "M60,124 Q80,134 98,129", "M102,129 Q120,134 140,124",  # buttock folds
    "M62,262 Q76,267 90,262", "M110,262 Q124,267 138,262",  # backs of the knees
)
_SIDE_GUIDES = (
    "M70,140 Q78,151 88,151",  # buttock fold
    "M113,250 a5,9 0 1,0 0.1,0",  # kneecap
)
_SIDE = (
    "M82,18 L120,18 C126,40 132,72 128,112 C124,160 121,210 119,255 C117,282 113,306 111,332 "
    "L87,332 C80,306 75,284 81,255 C84,212 83,172 76,152 C60,138 55,110 64,90 "
    "C72,70 78,42 82,18 Z",
)

VIEWS: tuple[View, ...] = (
    View("front", "Front", _TWO_LEGS, (
        Region("loc_lower_abdomen", "Lower belly", (_path("M62,30 L138,30 C140,44 140,54 137,62 L63,62 "
                                                          "C60,54 60,44 62,30 Z"),)),
        Region("loc_groin", "Groin or front of the hip", (
            _path("M46,82 L58,71 L93,112 L83,123 Z"),)),
        Region("loc_pubic", "Pubic bone", (_ellipse(101, 103, 12, 9),)),
        Region("loc_anterior_thigh", "Front of the thigh", (_ellipse(64, 188, 14, 46),)),
        Region("loc_medial_thigh", "Inner thigh", (_ellipse(88, 190, 8, 40),)),
        Region("loc_knee", "Knee (front or inner side)", (_ellipse(75, 258, 15, 13),)),
    ), _FRONT_GUIDES),
    View("back", "Back", _TWO_LEGS, (
        Region("loc_low_back", "Low back, above the belt line", (
            _path("M62,24 L138,24 C140,36 140,44 138,52 L62,52 C60,44 60,36 62,24 Z"),)),
        Region("loc_sij", "Low-back dimple (sacroiliac joint)", (_ellipse(88, 70, 8, 11),)),
        Region("loc_buttock", "Buttock", (_ellipse(64, 101, 22, 19),)),
        Region("loc_ischial", "Sitting bone", (_ellipse(85, 133, 11, 8),)),
        Region("loc_posterior_thigh", "Back of the thigh", (_ellipse(72, 192, 18, 46),)),
        Region("pain_below_knee", "Below the knee (calf or foot)", (_ellipse(74, 296, 13, 28),)),
    ), _BACK_GUIDES),
    View("side", "Side", _SIDE, (
        Region("loc_lateral_hip", "Outer hip, over the bony point", (_ellipse(98, 110, 14, 12),)),
        Region("loc_lateral_thigh", "Outer thigh", (_ellipse(100, 188, 11, 52),)),
        Region("loc_lateral_knee", "Outer side of the knee", (_ellipse(100, 258, 11, 10),)),
    ), _SIDE_GUIDES),
)


@dataclass(frozen=True)
class BodyMap:
    """The drawings restricted to the findings a knowledge base knows."""

    views: tuple[View, ...]
    both_sides: str | None  # the "both sides" finding id, if the knowledge base has it

    @property
    def regions(self) -> tuple[Region, ...]:
        return tuple(r for v in self.views for r in v.regions)

    @property
    def choices(self) -> tuple[str, ...]:
        """Every finding id the map can tick, in display order."""
        ids = tuple(r.finding for r in self.regions)
        return (*ids, self.both_sides) if self.both_sides else ids

    def label(self, finding: str) -> str:
        if finding == self.both_sides:
            return "Both sides"
        return next(r.label for r in self.regions if r.finding == finding)


def body_map(kb: KnowledgeBase) -> BodyMap:
    views = tuple(View(v.id, v.title, v.outline, tuple(r for r in v.regions if r.finding in kb.findings),
                       v.guides) for v in VIEWS)
    return BodyMap(views, BOTH_SIDES if BOTH_SIDES in kb.findings else None)


def map_findings(bmap: BodyMap, ticked: Iterable[str]) -> dict[str, bool]:
    """The case findings a body map says: ticked regions true; if any was ticked, the others
    false (the person saw them and did not tick them); nothing ticked: nothing known."""
    chosen = set(ticked)
    if not chosen:
        return {}
    return {fid: fid in chosen for fid in bmap.choices}
