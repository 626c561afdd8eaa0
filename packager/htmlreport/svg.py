"""Inline SVG bar charts (no script): horizontal bars made of segments, a label above each bar.

Colours come from the page's stylesheet classes (``s0``…``s5``, ``cpu``), so the charts follow
light and dark mode.  Each chart carries a ``<title>`` for screen readers; the numbers are in the
table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packager.htmlreport.page import esc

WIDTH = 400
LABEL_H, BAR_H, GAP = 16, 14, 10


@dataclass(frozen=True)
class Bar:
    """One bar.

    Attributes:
        label: text above the bar (left).
        value_text: text above the bar (right), e.g. ``95/95 nodes, 1 partition``.
        segments: (length in chart units ≥ 0, CSS class, tooltip) from the left.
    """

    label: str
    value_text: str
    segments: list[tuple[float, str, str]] = field(default_factory=list)


def bars(title: str, items: list[Bar], xmax: float | None = None, ref: tuple[float, str] | None = None,
         gap_px: float = 0.0) -> str:
    """A chart of ``items`` scaled so that ``xmax`` (default: the longest bar) spans the width;
    ``ref`` draws a dashed vertical line (value, label); ``gap_px`` leaves a thin gap between
    segments so that their boundaries show."""
    longest = max((sum(s[0] for s in b.segments) for b in items), default=0.0)
    xmax = max(xmax or longest, ref[0] if ref else 0.0, 1e-12)
    row = LABEL_H + BAR_H + GAP
    top = 18 if ref else 0
    height = top + row * len(items)
    out = [f'<svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>']
    for i, b in enumerate(items):
        y = top + i * row
        out.append(f'<text x="0" y="{y + 12}">{esc(b.label)}</text>')
        out.append(f'<text x="{WIDTH - 2}" y="{y + 12}" text-anchor="end">{esc(b.value_text)}</text>')
        x = 0.0
        for length, cls, tip in b.segments:
            w = WIDTH * length / xmax
            shown = max(w - gap_px, min(w, 1.0)) if w > 0 else 0.0
            out.append(f'<rect class="{cls}" x="{x:.2f}" y="{y + LABEL_H}" width="{shown:.2f}" height="{BAR_H}">'
                       f"<title>{esc(tip)}</title></rect>")
            x += w
    if ref:
        rx = WIDTH * ref[0] / xmax
        anchor = "end" if rx > WIDTH / 2 else "start"
        out.append(f'<line class="ref" x1="{rx:.2f}" y1="14" x2="{rx:.2f}" y2="{height}"/>')
        out.append(f'<text x="{rx + (-4 if anchor == "end" else 4):.2f}" y="11" text-anchor="{anchor}">{esc(ref[1])}</text>')
    out.append("</svg>")
    return "".join(out)


def key(entries: list[tuple[str, str]]) -> str:
    """A colour key: (CSS class, label) pairs."""
    return '<p class="key note">' + "".join(f'<span class="{c}"></span>{esc(t)}' for c, t in entries) + "</p>"
