"""The briefing as a PDF: Qt's PDF writer painting the window's canvas layers, vector.

One page per encounter at A4 or US Letter, a title page first when there are several.
No browser is involved, so it works offline and in the frozen app. The layout is in
points (the writer runs at 72 dpi); see :mod:`.briefing_paint` for the parts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui

from .. import palette
from ..model import TrackSet
from .briefing_chart import paint_chart
from .briefing_content import Brief, Encounter
from .briefing_paint import (
    DEVICE_DPI,
    DEVICE_PER_PT,
    draw_table,
    draw_text,
    fit_widths,
    paint_encounter_map,
)
from .errors import ExportError

#: Page sizes in points (portrait).
PAGE_PT = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MARGIN = 30.0
#: Map height (× its width) and chart height (points): Letter is 50 pt shorter than A4.
MAP_ASPECT = {"a4": 0.9, "letter": 0.78}
CHART_PT = {"a4": 165.0, "letter": 145.0}


def _page_size(paper: str) -> QtGui.QPageSize:
    ids = {"a4": QtGui.QPageSize.PageSizeId.A4, "letter": QtGui.QPageSize.PageSizeId.Letter}
    return QtGui.QPageSize(ids[paper])


class _Pages:
    """Header and footer of every page: title, marking, sources, page x/y, time."""

    def __init__(self, p: QtGui.QPainter, brief: Brief, total: int) -> None:
        self.p, self.brief, self.total = p, brief, total
        self.w, self.h = PAGE_PT[brief.paper]
        self.number = 0

    @property
    def inner(self) -> float:
        return self.w - 2 * MARGIN

    def header(self, title: str) -> float:
        """Paint the header; returns the y where the page's content starts."""
        self.number += 1
        p, b = self.p, self.brief
        y = MARGIN - 14
        marks = b.markings
        if marks:
            draw_text(p, MARGIN, y, self.inner, marks, 8, bold=True, ink=palette.REPORT_INK,
                      align=QtCore.Qt.AlignmentFlag.AlignHCenter)  # fmt: skip
        y += 12
        h = draw_text(p, MARGIN, y, self.inner * 0.66, title, 13, bold=True)
        h2 = draw_text(p, MARGIN + self.inner * 0.66, y, self.inner * 0.34, b.span, 7.5,
                       ink=palette.REPORT_MUTED, align=QtCore.Qt.AlignmentFlag.AlignRight)  # fmt: skip
        y += max(h, h2, 16) + 2
        p.setPen(QtGui.QPen(QtGui.QColor(palette.REPORT_INK), 1.2))
        p.drawLine(QtCore.QPointF(MARGIN, y), QtCore.QPointF(self.w - MARGIN, y))
        self.footer()
        return y + 5

    def footer(self) -> None:
        p, b = self.p, self.brief
        y = self.h - MARGIN + 2
        p.setPen(QtGui.QPen(QtGui.QColor(palette.REPORT_RULE), 0.6))
        p.drawLine(QtCore.QPointF(MARGIN, y), QtCore.QPointF(self.w - MARGIN, y))
        left = " · ".join(x for x in (b.source_line, f"generated {b.generated}") if x)
        draw_text(p, MARGIN, y + 2, self.inner * 0.78, left, 7, ink=palette.REPORT_MUTED)
        draw_text(p, MARGIN + self.inner * 0.78, y + 2, self.inner * 0.22,
                  f"page {self.number}/{self.total}", 7, ink=palette.REPORT_MUTED,
                  align=QtCore.Qt.AlignmentFlag.AlignRight)  # fmt: skip
        if b.markings:
            draw_text(p, MARGIN, y + 11, self.inner, b.markings, 7.5, bold=True,
                      align=QtCore.Qt.AlignmentFlag.AlignHCenter)  # fmt: skip

    @property
    def bottom(self) -> float:
        return self.h - MARGIN - 2


def _section(p: QtGui.QPainter, x: float, y: float, w: float, title: str) -> float:
    h = draw_text(p, x, y, w, title.upper(), 7.5, bold=True, ink=palette.REPORT_MUTED)
    return y + h + 1


def _title_page(pages: _Pages, brief: Brief) -> None:
    p = pages.p
    y = pages.header(f"Briefing: {len(brief.encounters)} encounters")
    y += 4
    y += draw_text(p, MARGIN, y, pages.inner, brief.title, 16, bold=True) + 4
    y += draw_text(p, MARGIN, y, pages.inner, f"{brief.span} · {brief.source_line}", 9) + 8
    rows = [["#", "Pair", "CPA (UTC)", "Slant", "Horizontal", "Vertical", "Closure",
             "Visual", "Sep. lost"]]  # fmt: skip
    for e in brief.encounters:
        k = dict(e.key)
        rows.append([str(e.rank), e.title, k["CPA (UTC)"], k["Slant"], k["Horizontal"],
                     k["Vertical"], k["Closure"], k["Visual contact"], k["Loss of separation"]])  # fmt: skip
    widths = [0.04, 0.25, 0.12, 0.09, 0.11, 0.09, 0.09, 0.1, 0.11]
    y += draw_table(p, MARGIN, y, [w * pages.inner for w in widths], rows, 8.5) + 10
    note = (
        f"{brief.n_pairs} pair(s) reported by the analysis; {len(brief.encounters)} briefed, "
        "one page each, in rank order. Distances in nautical miles, heights in feet, speeds "
        "in knots, times UTC."
    )
    y += draw_text(p, MARGIN, y, pages.inner, note, 8.5, ink=palette.REPORT_MUTED) + 10
    y = _section(p, MARGIN, y, pages.inner, "Settings used")
    draw_table(p, MARGIN, y, [pages.inner * 0.35, pages.inner * 0.65],
               [list(r) for r in brief.settings], 8, header=False)  # fmt: skip


def _encounter_page(pages: _Pages, brief: Brief, enc: Encounter, ts, analysis, theme: str) -> None:
    p = pages.p
    n = len(brief.encounters)
    which = f"Encounter {enc.rank}" if n == 1 else f"{enc.rank}."
    y = pages.header(f"{which}  {enc.title}")
    y += draw_text(p, MARGIN, y, pages.inner, enc.headline, 9.5, bold=True) + 4
    # maps side by side
    gap = 10.0
    mw = (pages.inner - gap) / 2
    mh = mw * MAP_ASPECT[brief.paper]
    for i, kind in enumerate(("overview", "closeup")):
        rect = QtCore.QRectF(MARGIN + i * (mw + gap), y, mw, mh)
        paint_encounter_map(p, rect, ts, analysis, enc, kind, theme)
    y += mh + 2
    c1 = draw_text(p, MARGIN, y, mw, "Overview: both tracks up to the CPA, with the scene", 7,
                   ink=palette.REPORT_MUTED)  # fmt: skip
    c2 = draw_text(p, MARGIN + mw + gap, y, mw,
                   f"Close-up at the CPA, {enc.geometry[0][1]}: last 90 s of track", 7,
                   ink=palette.REPORT_MUTED)  # fmt: skip
    y += max(c1, c2) + 4
    # chart
    ch = CHART_PT[brief.paper]
    paint_chart(p, QtCore.QRectF(MARGIN, y, pages.inner, ch), ts, enc, analysis.settings)
    y += ch + 6
    # two columns of tables
    lw = pages.inner * 0.5 - gap / 2
    rx = MARGIN + lw + gap
    yl = _section(p, MARGIN, y, lw, "Identification at CPA")
    ident = [["Callsign", "Type", "Side", "Alt", "Speed", "Hdg"]]
    ident += [[q.callsign, q.type, q.side, q.altitude, q.speed, q.heading] for q in enc.parties]
    yl += draw_table(p, MARGIN, yl, fit_widths(p, lw, ident, flexible=1), ident) + 4
    yl = _section(p, MARGIN, yl, lw, "Geometry at CPA")
    yl += draw_table(p, MARGIN, yl, [lw * 0.52, lw * 0.48], [list(r) for r in enc.geometry[1:]],
                     header=False) + 4  # fmt: skip
    yl = _section(p, MARGIN, yl, lw, "Settings used")
    yl += draw_table(p, MARGIN, yl, [lw * 0.4, lw * 0.6], [list(r) for r in brief.settings],
                     7, header=False)  # fmt: skip
    yr = _section(p, rx, y, lw, "Intervals")
    yr += draw_table(p, rx, yr, [lw * 0.36, lw * 0.64], [list(r) for r in enc.intervals],
                     header=False) + 4  # fmt: skip
    yr = _section(p, rx, yr, lw, "Events and analyst notes")
    events = [list(r) for r in enc.timeline] or [["", "", "None in the chart's time range."]]
    if enc.timeline_more:
        events.append(["", "", f"… {enc.timeline_more} more in the events list"])
    yr += draw_table(p, rx, yr, [lw * 0.17, lw * 0.17, lw * 0.66], events, 7, header=False) + 4
    yr = _section(p, rx, yr, lw, "Data quality for this pair")
    for c in enc.caveats:
        yr += draw_text(p, rx, yr, lw, f"• {c}", 7) + 1
    if max(yl, yr) > pages.bottom:
        raise ExportError(
            f"encounter {enc.title}: the page overflows ({max(yl, yr):.0f} > {pages.bottom:.0f} pt)"
        )


def write_pdf(path: str | Path, brief: Brief, ts: TrackSet, analysis, theme: str = "print") -> Path:
    """Write ``brief`` as a PDF: a title page when several encounters, then one page each."""
    from ..view.layers.style import themed
    from .offscreen import ensure_qapp

    ensure_qapp()
    path = Path(path)
    if not path.parent.exists():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    writer = QtGui.QPdfWriter(str(path))
    writer.setResolution(round(DEVICE_DPI))  # the dpi the canvas's fonts are sized for
    writer.setPageSize(_page_size(brief.paper))
    writer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0))
    writer.setTitle(brief.title)
    writer.setCreator("Encounter Replay")
    p = QtGui.QPainter()
    if not p.begin(writer):
        raise ExportError(f"{path}: cannot write PDF (permission or disk space?)")
    several = len(brief.encounters) > 1
    total = len(brief.encounters) + (1 if several else 0)
    pages = _Pages(p, brief, total)
    try:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        p.scale(DEVICE_PER_PT, DEVICE_PER_PT)  # layout in points
        with themed(theme):
            if several:
                _title_page(pages, brief)
            for i, enc in enumerate(brief.encounters):
                if i or several:
                    writer.newPage()
                _encounter_page(pages, brief, enc, ts, analysis, theme)
    finally:
        p.end()
    if not path.exists() or path.stat().st_size == 0:
        raise ExportError(f"{path}: PDF was not written")
    return path
