"""Fonts for the PDF: DejaVu Sans where the system has it (it covers "≥", "≤" and the
other symbols the knowledge base's text uses), else ReportLab's bundled Bitstream Vera
with those symbols spelled out, so the report never shows a missing-glyph box."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_ASCII = {"≥": ">=", "≤": "<=", "→": "->", "…": "...", "−": "-", "–": "-", "—": "-", "≈": "~"}


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    full_unicode: bool

    def text(self, s: str) -> str:
        if self.full_unicode:
            return s
        for a, b in _ASCII.items():
            s = s.replace(a, b)
        return s


@functools.lru_cache(maxsize=1)
def fonts() -> Fonts:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("HipnavSans", str(regular)))
        pdfmetrics.registerFont(TTFont("HipnavSans-Bold", str(bold)))
        full = True
    else:  # pragma: no cover - depends on the machine's fonts
        import reportlab

        vera = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("HipnavSans", str(vera / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("HipnavSans-Bold", str(vera / "VeraBd.ttf")))
        full = False
    from reportlab.lib.fonts import addMapping

    addMapping("HipnavSans", 0, 0, "HipnavSans")
    addMapping("HipnavSans", 1, 0, "HipnavSans-Bold")
    addMapping("HipnavSans", 0, 1, "HipnavSans")
    addMapping("HipnavSans", 1, 1, "HipnavSans-Bold")
    return Fonts("HipnavSans", "HipnavSans-Bold", full)
