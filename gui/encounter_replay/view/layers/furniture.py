"""Map furniture: lat/lon graticule with edge labels, scale bar and north arrow.

The graticule lines live in data coordinates (one NaN-separated curve, rebuilt only when
the view changes); their labels, the scale bar and the north arrow are painted in screen
space by one item so they stay put and legible while the map pans and zooms.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...geo.projection import UNIT_M, wrap_lon
from . import style

#: Graticule spacings on offer, degrees (1° down to 1′).
STEPS_DEG = (30.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5, 1 / 3, 0.25, 1 / 6, 1 / 12, 1 / 30, 1 / 60)
MAX_LINES = 7
#: Margin kept round the view by the graticule, as a fraction of its size per side.
GRID_MARGIN = 0.5


def fmt_angle(value: float, step: float, pos: str, neg: str) -> str:
    """``35°30′N``; minutes only when the grid step needs them."""
    hemi = pos if value >= 0 else neg
    v = abs(value)
    deg = math.floor(v + 1e-9)
    minutes = round((v - deg) * 60)
    if minutes == 60:
        deg, minutes = deg + 1, 0
    if step >= 1.0 and minutes == 0:
        return f"{deg}°{hemi}"
    return f"{deg}°{minutes:02d}′{hemi}"


def nice_length(target: float) -> float:
    """The 1-2-5 number nearest below ``target`` (> 0)."""
    e = math.floor(math.log10(target))
    for m in (5.0, 2.0, 1.0):
        if m * 10**e <= target:
            return m * 10**e
    return 10**e


def _crossing(xs: np.ndarray, ys: np.ndarray, level: float, along_y: bool) -> float | None:
    """Where a polyline first crosses ``y = level`` (or ``x = level``): the other coordinate."""
    a, b = (ys, xs) if along_y else (xs, ys)
    s = a - level
    hit = np.flatnonzero((s[:-1] * s[1:] <= 0) & np.isfinite(s[:-1]) & np.isfinite(s[1:]))
    if len(hit) == 0:
        return None
    i = int(hit[0])
    d = a[i + 1] - a[i]
    f = 0.0 if d == 0 else (level - a[i]) / d
    return float(b[i] + f * (b[i + 1] - b[i]))


class Graticule:
    """Meridians and parallels for the visible area; labels handed to the furniture item.

    The lines are computed for the view plus a margin (:data:`GRID_MARGIN` of its size on
    each side) in one projection call, and kept while the view pans inside that margin at
    the same scale: following an aircraft moves the view every frame, and only the edge
    labels, read off the kept lines, change. Hidden (the heading-up view turns the map, so
    east/north lines mean nothing there), it is not computed at all."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.curve = pg.PlotCurveItem(pen=style.pen(style.GRID, 1.0), connect="finite")
        self.curve.setZValue(style.Z_GRID)
        plot.addItem(self.curve, ignoreBounds=True)
        #: (data x, data y, text, edge) for the furniture item; edge "top" or "left".
        self.labels: list[tuple[float, float, str, str]] = []
        self.step = 1.0
        self._lines: list[tuple[np.ndarray, np.ndarray, str, str]] = []
        self._covers = QtCore.QRectF()  # data area the kept lines were computed for
        self._size = (0.0, 0.0)  # view size they were computed at
        self._proj = None

    def set_visible(self, on: bool) -> None:
        self.curve.setVisible(on)
        self._covers = QtCore.QRectF()  # recompute when shown

    def update(self, proj, rect: QtCore.QRectF) -> None:
        if proj is None or rect.width() <= 0 or rect.height() <= 0:
            self._clear()
            return
        if not self.curve.isVisible():
            return
        size = (rect.width(), rect.height())
        if proj is not self._proj or size != self._size or not self._covers.contains(rect):
            self._compute(proj, rect)
        self._label(rect)

    def _clear(self) -> None:
        self.curve.setData([], [])
        self.labels, self._lines, self._covers = [], [], QtCore.QRectF()

    def _compute(self, proj, rect: QtCore.QRectF) -> None:
        self._proj, self._size = proj, (rect.width(), rect.height())
        x0, x1, y0, y1 = rect.left(), rect.right(), rect.top(), rect.bottom()
        gx, gy = np.meshgrid(np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
        lat, lon = proj.inverse(gx.ravel(), gy.ravel())
        ok = np.isfinite(lat) & np.isfinite(lon)
        if not ok.any():
            self._clear()
            return
        lon, lat = wrap_lon(lon[ok], proj.lon0), lat[ok]
        la0, la1 = max(float(lat.min()), -89.0), min(float(lat.max()), 89.0)
        lo0, lo1 = float(lon.min()), float(lon.max())
        span = max(la1 - la0, (lo1 - lo0) * math.cos(math.radians(0.5 * (la0 + la1))))
        step = next((s for s in reversed(STEPS_DEG) if span / s <= MAX_LINES), STEPS_DEG[0])
        self.step = step
        # The margin, in degrees, plus a step so lines reach the corners of a view the 9×9
        # sample did not bound tightly.
        mla = GRID_MARGIN * (la1 - la0) + step
        mlo = GRID_MARGIN * (lo1 - lo0) + step
        la0, la1 = max(la0 - mla, -89.9), min(la1 + mla, 89.9)
        lo0, lo1 = lo0 - mlo, lo1 + mlo
        mer = np.arange(math.ceil(lo0 / step), math.floor(lo1 / step) + 1) * step
        par = np.arange(math.ceil(la0 / step), math.floor(la1 / step) + 1) * step
        n = 48
        along_lat = np.linspace(la0, la1, n)
        along_lon = np.linspace(lo0, lo1, n)
        lats = np.concatenate([np.tile(along_lat, len(mer)), np.repeat(par, n)])
        lons = np.concatenate([np.repeat(mer, n), np.tile(along_lon, len(par))])
        xs, ys = proj.forward(lats, lons)
        xs, ys = xs.reshape(-1, n), ys.reshape(-1, n)
        texts = [fmt_angle(float(wrap_lon(m)), step, "E", "W") for m in mer]
        texts += [fmt_angle(float(p), step, "N", "S") for p in par]
        edges = ["top"] * len(mer) + ["left"] * len(par)
        self._lines = list(zip(xs, ys, texts, edges, strict=True))
        gap = np.full((len(xs), 1), np.nan)
        self.curve.setData(np.hstack([xs, gap]).ravel(), np.hstack([ys, gap]).ravel())
        mx, my = GRID_MARGIN * rect.width(), GRID_MARGIN * rect.height()
        self._covers = rect.adjusted(-mx, -my, mx, my)

    def _label(self, rect: QtCore.QRectF) -> None:
        """Where the kept lines cross the view's top (meridians) and left (parallels)."""
        x0, x1, y0, y1 = rect.left(), rect.right(), rect.top(), rect.bottom()
        self.labels = []
        for x, y, text, edge in self._lines:
            if edge == "top":
                top = _crossing(x, y, y1, along_y=True)
                if top is not None and x0 <= top <= x1:
                    self.labels.append((top, y1, text, "top"))
            else:
                left = _crossing(x, y, x0, along_y=False)
                if left is not None and y0 <= left <= y1:
                    self.labels.append((x0, left, text, "left"))


class Furniture(pg.GraphicsObject):
    """Screen-space item (child of the ViewBox): grid labels, scale bar, north arrow."""

    def __init__(self, viewbox: pg.ViewBox, graticule: Graticule) -> None:
        super().__init__(viewbox)
        self._vb = viewbox
        self._grid = graticule
        self.setZValue(style.Z_FURNITURE)
        self.proj = None
        self.units = "nm"
        self.font = style.ui_font(8.0)
        self.bold = style.ui_font(9.0, bold=True)
        self.scale_rect = QtCore.QRectF()
        self.north_rect = QtCore.QRectF()
        self.scale_text = ""
        #: How far the map is turned (heading-up view, degrees): the north arrow follows.
        self.rotation_deg = 0.0
        self.show_grid_labels = True
        viewbox.sigResized.connect(lambda *_: (self.prepareGeometryChange(), self.update()))

    def boundingRect(self) -> QtCore.QRectF:
        return self._vb.boundingRect()

    def keep_out(self) -> list[QtCore.QRectF]:
        """Screen areas the labels must leave free (updated as the view changes)."""
        w, h = self._vb.width(), self._vb.height()
        return [
            QtCore.QRectF(0, h - 44, 190, 44),  # scale bar
            QtCore.QRectF(w - 54, 0, 54, 70),  # north arrow
            QtCore.QRectF(0, 0, w, 16),  # longitude labels
            QtCore.QRectF(0, 0, 52, h),  # latitude labels
        ]

    def _to_px(self, x: float, y: float) -> QtCore.QPointF:
        return self._vb.childGroup.mapToParent(QtCore.QPointF(x, y))

    def paint(self, p: QtGui.QPainter, *args) -> None:
        w, h = self._vb.width(), self._vb.height()
        if w <= 0 or h <= 0:
            return
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        if self.show_grid_labels:
            self._paint_grid_labels(p, w, h)
        self._paint_scale_bar(p, w, h)
        self._paint_north(p, w, h)

    def _paint_grid_labels(self, p: QtGui.QPainter, w: float, h: float) -> None:
        p.setFont(self.font)
        fm = QtGui.QFontMetricsF(self.font)
        p.setPen(QtGui.QColor(style.GRID_TEXT))
        taken: list[QtCore.QRectF] = []  # a label that would overlap a drawn one is skipped
        for x, y, text, edge in self._grid.labels:
            pt = self._to_px(x, y)
            tw = fm.horizontalAdvance(text)
            if edge == "top":
                px = pt.x() + 3
                box = QtCore.QRectF(px - 4, 0, tw + 8, fm.height())
                if px < 54 or px + tw > w - 58 or any(box.intersects(r) for r in taken):
                    continue
                p.drawText(QtCore.QPointF(px, fm.ascent() + 2), text)
            else:
                py = pt.y() - 3
                box = QtCore.QRectF(0, py - fm.ascent() - 2, tw + 8, fm.height() + 4)
                if py < 24 or py > h - 50 or any(box.intersects(r) for r in taken):
                    continue
                p.drawText(QtCore.QPointF(4, py), text)
            taken.append(box)

    def _paint_scale_bar(self, p: QtGui.QPainter, w: float, h: float) -> None:
        m_per_px = self._vb.viewPixelSize()[0]
        if not (m_per_px > 0) or not math.isfinite(m_per_px):
            return
        unit_m = UNIT_M[self.units]
        length_u = nice_length(0.22 * w * m_per_px / unit_m)
        length_px = length_u * unit_m / m_per_px
        x0, y0 = 14.0, h - 16.0
        label = f"{length_u:g} {'NM' if self.units == 'nm' else 'km'}"
        self.scale_text = label
        self.scale_rect = QtCore.QRectF(x0 - 4, y0 - 22, length_px + 8, 28)
        p.fillRect(self.scale_rect, style.LABEL_BG)
        p.setPen(style.pen(style.TEXT, 2.0))
        p.drawLine(QtCore.QPointF(x0, y0), QtCore.QPointF(x0 + length_px, y0))
        for f in (0.0, 0.5, 1.0):
            tick = 6 if f in (0.0, 1.0) else 4
            p.drawLine(
                QtCore.QPointF(x0 + f * length_px, y0),
                QtCore.QPointF(x0 + f * length_px, y0 - tick),
            )
        p.setFont(self.font)
        p.setPen(QtGui.QColor(style.TEXT))
        p.drawText(
            QtCore.QRectF(x0, y0 - 22, length_px, 14), QtCore.Qt.AlignmentFlag.AlignCenter, label
        )

    def north_angle(self, w: float, h: float) -> float:
        """Map angle of true north at the arrow's spot (degrees clockwise from up)."""
        if self.proj is None:
            return 0.0
        pt = self._vb.childGroup.mapFromParent(QtCore.QPointF(w - 28, 36))
        lat, lon = self.proj.inverse(np.array([pt.x()]), np.array([pt.y()]))
        if not (np.isfinite(lat[0]) and np.isfinite(lon[0])):
            return 0.0
        return float(self.proj.convergence(lat, lon)[0])

    def _paint_north(self, p: QtGui.QPainter, w: float, h: float) -> None:
        cx, cy = w - 28.0, 40.0
        self.north_rect = QtCore.QRectF(cx - 20, cy - 30, 40, 56)
        p.save()
        p.translate(cx, cy)
        p.rotate(self.north_angle(w, h) - self.rotation_deg)
        arrow = QtGui.QPainterPath()
        arrow.moveTo(0, -18)
        arrow.lineTo(7, 8)
        arrow.lineTo(0, 3)
        arrow.lineTo(-7, 8)
        arrow.closeSubpath()
        p.setPen(style.pen(style.OUTLINE, 1.0))
        p.setBrush(style.brush(style.TEXT))
        p.drawPath(arrow)
        p.setFont(self.bold)
        p.setPen(QtGui.QColor(style.TEXT))
        p.drawText(QtCore.QRectF(-10, 8, 20, 16), QtCore.Qt.AlignmentFlag.AlignCenter, "N")
        p.restore()
