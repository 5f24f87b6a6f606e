"""Painting a briefing's parts with QPainter: maps from the window's canvas layers,
wrapped text and tables (the chart is :mod:`.briefing_chart`). Used by the PDF (vector,
in points) and for the pictures of the PowerPoint and HTML briefings (the same painting
into an image), so all three show the same drawing.

Sizes are in points. Every device a briefing paints on (PDF writer, picture) runs at
:data:`DEVICE_DPI`, like the screen the canvas is laid out for, and the painter is scaled
so one unit is one point; a map canvas is laid out at :func:`px_per_pt` pixels per point,
so its 8–9 pt fonts print at 8–9 pt on paper, and ours are never under :data:`MIN_PT`.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui

from .. import palette
from ..model import TrackSet, positions_at
from ..model.units import NM
from ..model.view_state import ViewState
from .briefing_content import Encounter, chart_window

#: Dots per inch of the devices briefings paint on (a desktop screen's logical dpi).
DEVICE_DPI = 96.0
#: Device units per point.
DEVICE_PER_PT = DEVICE_DPI / 72.0


def px_per_pt() -> float:
    """Canvas pixels per printed point: the canvas paints onto a :data:`DEVICE_DPI`
    device one pixel to one device unit, so its point-sized fonts keep their size."""
    return DEVICE_PER_PT


#: Nothing on a briefing is printed smaller than this (points).
MIN_PT = 7.0
#: A map is laid out this much larger than its place on the page and drawn reduced:
#: room for labels, while the canvas's smallest (8 pt) text still prints at 7 pt.
MAP_ROOM = 8.0 / MIN_PT - 0.001

FONT_FAMILIES = ["DejaVu Sans", "Helvetica", "Arial", "sans-serif"]


def font(pt: float, bold: bool = False) -> QtGui.QFont:
    f = QtGui.QFont()
    f.setFamilies(FONT_FAMILIES)
    # the painter is scaled by DEVICE_PER_PT, which the point size must not count twice
    f.setPointSizeF(max(MIN_PT, pt) / DEVICE_PER_PT)
    f.setBold(bold)
    return f


def color(hex_: str, alpha: int = 255) -> QtGui.QColor:
    c = QtGui.QColor(hex_)
    c.setAlpha(alpha)
    return c


# ---------------------------------------------------------------------------- text
_WRAP = int(QtCore.Qt.TextFlag.TextWordWrap) | int(QtCore.Qt.AlignmentFlag.AlignLeft)


def _wrap_flag(fm: QtGui.QFontMetricsF, width: float, text: str) -> int:
    """Wrap at words; anywhere when one word is wider than the column (never cut)."""
    widest = max((fm.horizontalAdvance(w) for w in str(text).split()), default=0.0)
    if widest > width:
        return int(QtCore.Qt.TextFlag.TextWrapAnywhere)
    return int(QtCore.Qt.TextFlag.TextWordWrap)


def text_height(p: QtGui.QPainter, width: float, text: str, f: QtGui.QFont) -> float:
    """Height ``text`` takes wrapped to ``width`` in font ``f``."""
    fm = QtGui.QFontMetricsF(f, p.device())
    flags = _wrap_flag(fm, width, text) | int(QtCore.Qt.AlignmentFlag.AlignLeft)
    r = fm.boundingRect(QtCore.QRectF(0, 0, width, 1e6), flags, text)
    return r.height()


def fit_font(
    p: QtGui.QPainter, rect: QtCore.QRectF, text: str, pt: float, bold: bool = False
) -> QtGui.QFont:
    """The largest font from ``pt`` down to :data:`MIN_PT` whose wrapped ``text`` fits
    ``rect``: captions shrink and wrap, they are never cut."""
    size = pt
    while size > MIN_PT and text_height(p, rect.width(), text, font(size, bold)) > rect.height():
        size -= 0.5
    return font(size, bold)


def draw_text(
    p: QtGui.QPainter,
    x: float,
    y: float,
    width: float,
    text: str,
    pt: float = 8.0,
    *,
    bold: bool = False,
    ink: str = palette.REPORT_INK,
    align: QtCore.Qt.AlignmentFlag = QtCore.Qt.AlignmentFlag.AlignLeft,
) -> float:
    """Draw ``text`` wrapped to ``width`` from ``(x, y)``; returns the height used."""
    f = font(pt, bold)
    h = text_height(p, width, text, f)
    p.setFont(f)
    p.setPen(color(ink))
    flags = _wrap_flag(QtGui.QFontMetricsF(f, p.device()), width, text) | int(align)
    p.drawText(QtCore.QRectF(x, y, width, h + 1), flags, text)
    return h


def draw_table(
    p: QtGui.QPainter,
    x: float,
    y: float,
    widths: list[float],
    rows: list[list[str]],
    pt: float = 7.5,
    *,
    header: bool = True,
) -> float:
    """A ruled table; cells wrap. Returns the height used."""
    top = y
    pad = 1.6
    for i, row in enumerate(rows):
        bold = header and i == 0
        heights = [
            text_height(p, w - 2 * pad, str(c), font(pt, bold))
            for w, c in zip(widths, row, strict=False)
        ]
        h = max(heights) + 2 * pad
        if bold:
            p.fillRect(QtCore.QRectF(x, y, sum(widths), h), color(palette.REPORT_BANNER))
        cx = x
        for w, c in zip(widths, row, strict=False):
            draw_text(p, cx + pad, y + pad, w - 2 * pad, str(c), pt, bold=bold)
            cx += w
        y += h
        p.setPen(QtGui.QPen(color(palette.REPORT_RULE), 0.5))
        p.drawLine(QtCore.QPointF(x, y), QtCore.QPointF(x + sum(widths), y))
    return y - top


def fit_widths(
    p: QtGui.QPainter, total: float, rows: list[list[str]], flexible: int, pt: float = 7.5
) -> list[float]:
    """Column widths for :func:`draw_table`: every column but ``flexible`` as wide as its
    widest cell (header in bold) so short figures ("unknown", "11,000 ft") never break,
    the ``flexible`` one (a type, a name) taking what is left and wrapping in it."""
    pad = 2 * 1.6 + 1.0
    natural = []
    for j in range(len(rows[0])):
        w = 0.0
        for i, row in enumerate(rows):
            fm = QtGui.QFontMetricsF(font(pt, bold=i == 0), p.device())
            w = max(w, fm.horizontalAdvance(str(row[j])))
        natural.append(w + pad)
    rest = total - (sum(natural) - natural[flexible])
    natural[flexible] = max(rest, 0.15 * total)
    if sum(natural) > total:  # too narrow for all: shrink in proportion, wrap where needed
        natural = [w * total / sum(natural) for w in natural]
    return natural


# ---------------------------------------------------------------------------- maps
def print_colors(ts: TrackSet) -> dict[int, str]:
    """Each track's colour on paper: its screen colour's print twin (coalition colours
    that differ in lightness), custom hex colours kept."""
    from ..view.scene_data import coalition_color

    twin = {palette.NAMED_COLORS[k].lower(): v for k, v in palette.PRINT_NAMED_COLORS.items()}
    twin[palette.BLUE.lower()] = palette.PRINT_NAMED_COLORS["blue"]
    twin[palette.RED.lower()] = palette.PRINT_NAMED_COLORS["red"]
    twin[palette.NEUTRAL.lower()] = palette.PRINT_NEUTRAL
    meta = ts.meta
    out = {}
    for k in range(len(ts)):
        row = meta.iloc[k]
        c = coalition_color(str(row.get("coalition") or ""), str(row.get("color") or ""))
        out[k] = twin.get(c.lower(), c)
    return out


def map_canvas(
    ts: TrackSet, analysis, state: ViewState, size_pt: tuple[float, float], text: float = 1.0
):
    """An offscreen canvas showing ``state``, laid out for a map ``size_pt`` points big;
    ``text`` > 1 enlarges its text and symbols that much (slides are seen from afar)."""
    from .offscreen import scene_canvas

    scale = px_per_pt() * MAP_ROOM / text
    w, h = (max(60, round(v * scale)) for v in size_pt)
    if state.theme == "print" and not state.colors:
        state = state.replace(colors=print_colors(ts))
    return scene_canvas(ts, analysis, state, (w, h))


def overview_rect(
    canvas, ts: TrackSet, a: int, b: int, t0: float, t1: float, t: float | None = None
):
    """Map rectangle (x0, x1, y0, y1) holding both tracks' paths over ``[t0, t1]`` with a
    margin: the encounter in its context. With ``t`` (the CPA), the pair's position then
    stays left of the right 70 %, where the pair readout opens."""
    keep = np.zeros(len(ts), dtype=bool)
    keep[[a, b]] = True
    sample = np.repeat(keep, np.diff(ts.offsets)) & (ts.t >= t0) & (ts.t <= t1)
    sample &= np.isfinite(ts.lat) & np.isfinite(ts.lon)
    if not sample.any():
        return None
    x, y = canvas.scene_data.proj.forward(ts.lat[sample], ts.lon[sample])
    cx, cy = (x.max() + x.min()) / 2, (y.max() + y.min()) / 2
    half = max(np.ptp(x), np.ptp(y), 10 * NM) / 2 * 1.25
    x0, x1 = cx - half, cx + half
    if t is not None:
        pos = positions_at(ts, t)
        px, _ = canvas.scene_data.proj.forward(pos.lat[[a, b]], pos.lon[[a, b]])
        if np.isfinite(px).any():
            mx = float(np.nanmean(px))
            # extend right until the readout's side has 70 % of the width
            if x1 - mx < 0.7 * (x1 - x0):
                x1 = x0 + (mx - x0) / 0.3
    return (x0, x1, cy - half, cy + half)


def closeup(canvas, ts: TrackSet, a: int, b: int, t: float) -> None:
    """Frame the pair at ``t`` (:func:`~..model.framing.pair_box`, at least 4 NM across) with
    room for labels, the pair left of centre: the pair readout opens to the right of the
    pair and must stay inside a small printed map."""
    from ..model.framing import pair_box

    box = pair_box(ts, a, b, t, min_span_m=4 * NM)
    if box is None:
        return
    lat = np.array([box.south, box.north, box.north, box.south])
    lon = np.array([box.west, box.west, box.east, box.east])
    x, y = canvas.scene_data.proj.forward(lat, lon)
    cx, cy = (x.max() + x.min()) / 2, (y.max() + y.min()) / 2
    half = max(np.ptp(x), np.ptp(y)) / 2 * 1.5
    dx = 0.36 * half  # the readout's side gets the room
    canvas.apply(canvas.state.replace(view=(cx - half + dx, cx + half + dx, cy - half, cy + half)))


def paint_map(p: QtGui.QPainter, canvas, rect: QtCore.QRectF) -> None:
    """The canvas's scene painted into ``rect`` as vectors (PDF) or pixels (images)."""
    from .image import _export_view, _vector_mode

    w, h = canvas.width(), canvas.height()
    view = _export_view(canvas, w, h)
    p.save()
    p.setClipRect(rect)
    p.fillRect(rect, color(palette.PRINT_MAP["SEA"]))
    with _vector_mode(view, p):
        view.render(p, rect, view.viewport().rect())
    p.restore()
    p.setPen(QtGui.QPen(color(palette.REPORT_RULE), 0.6))
    p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
    p.drawRect(rect)


# ---------------------------------------------------------------------------- pictures
def points_image(size_pt: tuple[float, float], scale: float = 3.0):
    """(image, painter) for painting in points at ``scale`` pixels per point: a picture of
    a briefing part for slides and HTML, drawn by the same code as the PDF."""
    w, h = (max(1, round(v * scale)) for v in size_pt)
    image = QtGui.QImage(w, h, QtGui.QImage.Format.Format_RGB32)
    dpm = round(DEVICE_DPI / 0.0254)
    image.setDotsPerMeterX(dpm)
    image.setDotsPerMeterY(dpm)
    image.fill(color(palette.PAPER))
    p = QtGui.QPainter(image)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
    p.scale(scale, scale)  # one unit is one point (fonts: see font())
    return image, p


#: The two maps of an encounter: the pair in its context, and the pair at its CPA.
MAP_KINDS = ("overview", "closeup")


def paint_encounter_map(
    p: QtGui.QPainter,
    rect: QtCore.QRectF,
    ts: TrackSet,
    analysis,
    enc: Encounter,
    kind: str,
    theme: str = "print",
    text: float = 1.0,
) -> None:
    """One of an encounter's maps, painted into ``rect`` (points) at the CPA: ``overview``
    (both tracks' whole encounter, full trails, with the scene around them) or ``closeup``
    (the pair framed by :func:`closeup`, the last 90 s of track)."""
    if kind not in MAP_KINDS:
        raise ValueError(f"unknown map {kind!r}")
    state = ViewState(time=enc.cpa_time, pair=(enc.a, enc.b), theme=theme)
    state = state.replace(trail_s=None) if kind == "overview" else state.replace(trail_s=90.0)
    canvas = map_canvas(ts, analysis, state, (rect.width(), rect.height()), text)
    try:
        if kind == "overview":
            canvas.set_readout_shown(False)  # context only: the close-up has the figures
            window = chart_window(ts, enc.a, enc.b, enc.cpa_time, [*enc.visual, *enc.los], 120.0)
            view = overview_rect(canvas, ts, enc.a, enc.b, *window, enc.cpa_time)
            if view is not None:
                canvas.apply(canvas.state.replace(view=view))
        else:
            closeup(canvas, ts, enc.a, enc.b, enc.cpa_time)
        paint_map(p, canvas, rect)
    finally:
        canvas.close()
        canvas.deleteLater()


def encounter_map_picture(
    ts: TrackSet,
    analysis,
    enc: Encounter,
    kind: str,
    size_pt: tuple[float, float],
    theme: str = "print",
    scale: float = 3.0,
    text: float = 1.0,
) -> QtGui.QImage:
    """:func:`paint_encounter_map` as a picture (slides, HTML)."""
    image, p = points_image(size_pt, scale)
    try:
        paint_encounter_map(p, QtCore.QRectF(0, 0, *size_pt), ts, analysis, enc, kind, theme, text)
    finally:
        p.end()
    return image
