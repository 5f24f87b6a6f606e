"""The briefing's separation and altitude chart, painted with QPainter in points: slant and
horizontal range over both aircraft's altitudes against time, with the visual, well-clear
and loss-of-separation bands, the horizontal minimum and the CPA. Vector in the PDF, a
picture on slides and in HTML (:func:`chart_picture`).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore, QtGui

from .. import palette
from ..model import TrackSet
from ..model.timefmt import clock_utc
from ..model.units import FT, NM
from .briefing_content import Encounter, chart_window
from .briefing_paint import color, font, points_image


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
    """Altitude of both aircraft at ``times`` (linear between the samples the analysis
    used; NaN outside a track and across gaps longer than ``gap_s``, as the map draws
    them)."""
    out = np.full((2, len(times)), np.nan)
    for j, k in enumerate((enc.a, enc.b)):
        lo, hi = int(ts.offsets[k]), int(ts.offsets[k + 1])
        t, z = ts.t[lo:hi], ts.alt[lo:hi]
        # Without the samples the analysis left out: a one-sample spike is not the profile.
        ok = np.isfinite(z) & ~np.isin(t, np.asarray(enc.dropped[j], dtype=float))
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
