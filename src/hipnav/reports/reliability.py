"""A reliability diagram as SVG (``hipnav eval --reliability FILE``): each bin of the
conditions' probabilities against how often they were present, the diagonal for perfect
calibration, and each bin's count, drawn directly so that no plotting library is needed."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from hipnav.evaluation import ReliabilityBin

SIZE, MARGIN = 420, 56


def _xy(p: float, q: float) -> tuple[float, float]:
    return MARGIN + p * SIZE, MARGIN + (1 - q) * SIZE


def reliability_svg(bins: Sequence[ReliabilityBin], title: str, brier: float) -> str:
    w, h = SIZE + 2 * MARGIN, SIZE + 2 * MARGIN + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             'font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="#fff"/>',
             f'<text x="{w / 2}" y="22" text-anchor="middle" font-size="14">{escape(title)}</text>']
    x0, y0 = _xy(0, 0)
    x1, y1 = _xy(1, 1)
    parts.append(f'<rect x="{x0}" y="{y1}" width="{SIZE}" height="{SIZE}" fill="none" stroke="#888"/>')
    for t in (0.2, 0.4, 0.6, 0.8, 1.0):
        gx, gy = _xy(t, t)
        parts.append(f'<line x1="{gx}" y1="{y0}" x2="{gx}" y2="{y1}" stroke="#eee"/>')
        parts.append(f'<line x1="{x0}" y1="{gy}" x2="{x1}" y2="{gy}" stroke="#eee"/>')
        parts.append(f'<text x="{gx}" y="{y0 + 16}" text-anchor="middle">{t:.1f}</text>')
        parts.append(f'<text x="{x0 - 6}" y="{gy + 4}" text-anchor="end">{t:.1f}</text>')
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#999" stroke-dasharray="4 4"/>')
    points = [_xy(b.mean_probability, b.observed) for b in bins]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0b4f6c" stroke-width="2"/>')
    for b, (x, y) in zip(bins, points, strict=True):
        r = 3 + min(9.0, b.count ** 0.5 / 3)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#0b4f6c" fill-opacity="0.6">'
                     f'<title>{b.low:.2f}-{b.high:.2f}: {b.count} forecasts, said {b.mean_probability:.3f}, '
                     f'present {b.observed:.3f}</title></circle>')
        parts.append(f'<text x="{x + 8:.1f}" y="{y - 6:.1f}" font-size="10" fill="#444">n={b.count}</text>')
    parts.append(f'<text x="{MARGIN + SIZE / 2}" y="{y0 + 36}" text-anchor="middle">'
                 'probability given (mean of the bin)</text>')
    parts.append(f'<text x="16" y="{MARGIN + SIZE / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {MARGIN + SIZE / 2})">share present</text>')
    parts.append(f'<text x="{MARGIN + SIZE / 2}" y="{h - 8}" text-anchor="middle" fill="#444">'
                 f'Brier {brier:.4f} (mean over cases and conditions); dashed: perfect calibration</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
