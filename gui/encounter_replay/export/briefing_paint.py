"""Painting a briefing's parts with QPainter: maps from the window's canvas layers, the
separation/altitude chart, wrapped text and tables. Used by the PDF (vector, in points)
and for the pictures of the PowerPoint and HTML briefings (the same painting into an
image), so all three show the same drawing.

Sizes are in points. Every device a briefing paints on (PDF writer, picture) runs at
:data:`DEVICE_DPI`, like the screen the canvas is laid out for, and the painter is scaled
so one unit is one point; a map canvas is laid out at :func:`px_per_pt` pixels per point,
so its 8–9 pt fonts print at 8–9 pt on paper, and ours are never under :data:`MIN_PT`.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore, QtGui

from .. import palette
from ..model import TrackSet, positions_at
from ..model.timefmt import clock_utc
from ..model.units import FT, NM
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


# ---------------------------------------------------------------------------- chart
def paint_chart(
    p: QtGui.QPainter,
    rect: QtCore.QRectF,
    ts: TrackSet,
    enc: Encounter,
    settings,
    pt: float = 7.5,
) -> None:
    """Separation (slant, horizontal; NM) over altitude of both aircraft (ft) against time,
    with the visual, well-clear and loss-of-separation bands, the minima and the CPA."""
    from ..analysis.series import separation_series
    from ..model.labels import track_labels

    t0, t1 = chart_window(ts, enc.a, enc.b, enc.cpa_time, [*enc.visual, *enc.los], 120.0)
    s = separation_series(
        ts, enc.a, enc.b, t0, t1, 500, settings=settings, extra_times=np.array([enc.cpa_time])
    )
    times = s["time"].to_numpy()
    alt = _altitudes(ts, enc, times, settings.gap_s)
    f = font(pt)
    fm = QtGui.QFontMetricsF(f, p.device())
    left = fm.horizontalAdvance("00,000") + fm.height() + 4
    legend_h = fm.height() * 1.4
    plot = QtCore.QRectF(
        rect.left() + left, rect.top() + legend_h, rect.width() - left - 4,
        rect.height() - legend_h - fm.height() * 1.6,
    )  # fmt: skip
    gap = fm.height() * 1.3  # room between the panels' tick labels
    top = QtCore.QRectF(plot.left(), plot.top(), plot.width(), (plot.height() - gap) * 0.55)
    bot = QtCore.QRectF(
        plot.left(), top.bottom() + gap, plot.width(), plot.height() - gap - top.height()
    )

    def tx(t):
        return plot.left() + (np.asarray(t) - t0) / (t1 - t0) * plot.width()

    p.save()
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    for r in (top, bot):
        p.fillRect(r, color(palette.PAPER))
        for spans, brush in (
            (enc.visual, _band(palette.VISUAL)),
            (enc.los, _band(palette.LOS)),
            (enc.well_clear, _band(palette.WELL_CLEAR, hatched=True)),
        ):
            for a, b in spans:
                a, b = max(a, t0), min(b, t1)
                if b > a:
                    p.fillRect(QtCore.QRectF(tx(a), r.top(), tx(b) - tx(a), r.height()), brush)
    # separation panel
    slant = s["slant_m"].to_numpy() / NM
    horiz = s["horizontal_m"].to_numpy() / NM
    smax = float(
        np.nanmax(
            [np.nanmax(slant) if np.isfinite(slant).any() else 1, settings.hsep_m / NM * 1.15]
        )
    )
    _axis(p, top, 0.0, smax, "NM", f)
    _hline(
        p,
        top,
        settings.hsep_m / NM,
        0,
        smax,
        palette.LOS,
        f"{settings.hsep_m / NM:g} NM minimum",
        f,
    )
    _curve(p, top, times, horiz, t0, t1, 0, smax, palette.PRINT_MAP["GRID_TEXT"], 1.0, dash=True)
    _curve(p, top, times, slant, t0, t1, 0, smax, palette.PRINT_SEPARATION, 1.4)
    # altitude panel
    alt_ft = alt / FT
    lo = float(np.nanmin(alt_ft)) if np.isfinite(alt_ft).any() else 0.0
    hi = float(np.nanmax(alt_ft)) if np.isfinite(alt_ft).any() else 1000.0
    pad = max(500.0, (hi - lo) * 0.1)
    lo, hi = max(0.0, lo - pad), hi + pad
    _axis(p, bot, lo, hi, "ft", f)
    for j, hue in enumerate(palette.PRINT_PAIR_TRACKS):
        _curve(p, bot, times, alt_ft[j], t0, t1, lo, hi, hue, 1.4)
    # CPA line through both
    x = float(tx(enc.cpa_time))
    p.setPen(QtGui.QPen(color(palette.PRINT_MAP["CPA"]), 1.0, QtCore.Qt.PenStyle.DashLine))
    p.drawLine(QtCore.QPointF(x, top.top()), QtCore.QPointF(x, bot.bottom()))
    p.setFont(f)
    p.setPen(color(palette.REPORT_INK))
    cpa = f"CPA {clock_utc(enc.cpa_time)}"
    w = fm.horizontalAdvance(cpa)
    lx = x + 2 if x + 2 + w <= top.right() else x - 2 - w  # inside the chart
    p.drawText(QtCore.QPointF(lx, top.top() + fm.ascent()), cpa)
    # time axis
    _time_axis(p, bot, t0, t1, f)
    # legend
    names = track_labels(ts.meta)
    items = [
        ("slant", palette.PRINT_SEPARATION, "line"),
        ("horizontal", palette.PRINT_MAP["GRID_TEXT"], "dash"),
        (f"alt {names[enc.a]}", palette.PRINT_PAIR_TRACKS[0], "line"),
        (f"alt {names[enc.b]}", palette.PRINT_PAIR_TRACKS[1], "line"),
        ("visual", palette.VISUAL, "band"),
        ("well clear lost", palette.WELL_CLEAR, "band"),
        ("sep. lost", palette.LOS, "band"),
    ]
    lx, ly = plot.left(), rect.top() + fm.ascent()
    for text, hue, kind in items:
        w = fm.horizontalAdvance(text)
        if lx + 16 + w > rect.right():
            break
        if kind == "band":
            box = QtCore.QRectF(lx, ly - fm.ascent() * 0.8, 12, fm.ascent() * 0.8)
            p.fillRect(box, _band(hue, hatched=hue == palette.WELL_CLEAR))
        else:
            pen = QtGui.QPen(color(hue), 1.4)
            if kind == "dash":
                pen.setStyle(QtCore.Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(
                QtCore.QPointF(lx, ly - fm.ascent() * 0.35),
                QtCore.QPointF(lx + 12, ly - fm.ascent() * 0.35),
            )
        p.setPen(color(palette.REPORT_INK))
        p.drawText(QtCore.QPointF(lx + 15, ly), text)
        lx += 15 + w + 8
    p.restore()


def _altitudes(ts: TrackSet, enc: Encounter, times: np.ndarray, gap_s: float) -> np.ndarray:
    """Altitude of both aircraft at ``times`` (linear between samples; NaN outside a track
    and across gaps longer than ``gap_s``, as the map draws them)."""
    out = np.full((2, len(times)), np.nan)
    for j, k in enumerate((enc.a, enc.b)):
        lo, hi = int(ts.offsets[k]), int(ts.offsets[k + 1])
        t, z = ts.t[lo:hi], ts.alt[lo:hi]
        ok = np.isfinite(z)
        t, z = t[ok], z[ok]
        if len(t) < 2:
            continue
        out[j] = np.interp(times, t, z, left=np.nan, right=np.nan)
        i = np.clip(np.searchsorted(t, times), 1, len(t) - 1)
        out[j][(t[i] - t[i - 1]) > gap_s] = np.nan
    return out


def _band(hue: str, hatched: bool = False) -> QtGui.QBrush:
    """An interval band: a light tint, or hatching (well clear lies inside the others and
    must show through them, in greyscale too)."""
    if hatched:
        brush = QtGui.QBrush(color(hue, 230), QtCore.Qt.BrushStyle.BDiagPattern)
        brush.setTransform(QtGui.QTransform.fromScale(0.5, 0.5))
        return brush
    return QtGui.QBrush(color(hue, 55 if hue == palette.LOS else 45))


def _nice_step(span: float, n: int = 4) -> float:
    raw = span / max(1, n)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def _axis(p, r: QtCore.QRectF, lo: float, hi: float, unit: str, f: QtGui.QFont) -> None:
    fm = QtGui.QFontMetricsF(f, p.device())
    p.setPen(QtGui.QPen(color(palette.REPORT_RULE), 0.5))
    p.drawRect(r)
    step = _nice_step(hi - lo)
    v = math.ceil(lo / step) * step
    p.setFont(f)
    while v <= hi + 1e-9:
        y = r.bottom() - (v - lo) / (hi - lo) * r.height()
        p.setPen(QtGui.QPen(color(palette.REPORT_RULE), 0.4))
        p.drawLine(QtCore.QPointF(r.left(), y), QtCore.QPointF(r.right(), y))
        p.setPen(color(palette.REPORT_MUTED))
        text = f"{v:,.0f}" if step >= 1 else f"{v:g}"
        p.drawText(
            QtCore.QRectF(r.left() - 60 - 3, y - fm.height() / 2, 60, fm.height()),
            int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        v += step
    p.save()
    p.translate(r.left() - fm.horizontalAdvance("00,000") - fm.height() - 2, r.center().y())
    p.rotate(-90)
    p.setPen(color(palette.REPORT_MUTED))
    p.drawText(
        QtCore.QRectF(-40, 0, 80, fm.height()), int(QtCore.Qt.AlignmentFlag.AlignCenter), unit
    )
    p.restore()


def _hline(p, r, v, lo, hi, hue, text, f) -> None:
    if not lo <= v <= hi:
        return
    y = r.bottom() - (v - lo) / (hi - lo) * r.height()
    p.setPen(QtGui.QPen(color(hue), 1.0, QtCore.Qt.PenStyle.DashLine))
    p.drawLine(QtCore.QPointF(r.left(), y), QtCore.QPointF(r.right(), y))
    fm = QtGui.QFontMetricsF(f, p.device())
    p.setFont(f)
    p.drawText(QtCore.QPointF(r.right() - fm.horizontalAdvance(text) - 2, y - 2), text)


def _curve(p, r, t, v, t0, t1, lo, hi, hue, width, dash=False) -> None:
    x = r.left() + (t - t0) / (t1 - t0) * r.width()
    y = r.bottom() - (np.clip(v, lo, hi) - lo) / (hi - lo) * r.height()
    ok = np.isfinite(x) & np.isfinite(y)
    pen = QtGui.QPen(color(hue), width)
    if dash:
        pen.setStyle(QtCore.Qt.PenStyle.DashLine)
    p.setPen(pen)
    path = QtGui.QPainterPath()
    pen_down = False
    for xi, yi, good in zip(x, y, ok, strict=True):
        if not good:
            pen_down = False
            continue
        if pen_down:
            path.lineTo(float(xi), float(yi))
        else:
            path.moveTo(float(xi), float(yi))
            pen_down = True
    p.drawPath(path)


def _time_axis(p, r: QtCore.QRectF, t0: float, t1: float, f: QtGui.QFont) -> None:
    fm = QtGui.QFontMetricsF(f, p.device())
    span = t1 - t0
    step = next(
        (s for s in (10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600) if span / s <= 7), 7200
    )
    t = math.ceil(t0 / step) * step
    p.setFont(f)
    while t <= t1:
        x = r.left() + (t - t0) / span * r.width()
        p.setPen(color(palette.REPORT_MUTED))
        label = clock_utc(t)
        w = fm.horizontalAdvance(label)
        left = min(max(x - w / 2, r.left() - w / 2), r.right() - w)  # inside the chart
        p.drawText(QtCore.QPointF(left, r.bottom() + fm.ascent() + 2), label)
        t += step


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


def chart_picture(
    ts: TrackSet,
    enc: Encounter,
    settings,
    size_pt: tuple[float, float],
    scale: float = 3.0,
    pt: float = 7.5,
) -> QtGui.QImage:
    image, p = points_image(size_pt, scale)
    try:
        rect = QtCore.QRectF(2, 2, size_pt[0] - 4, size_pt[1] - 4)
        paint_chart(p, rect, ts, enc, settings, pt)
    finally:
        p.end()
    return image
