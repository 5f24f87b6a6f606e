"""Coastlines, land and borders under the tracks, offline, in the map's projection.

Reading, clipping and projecting happens once per scene and resolution (crude, low,
intermediate, picked by the visible extent) and is cached; zooming then only switches
which cached set is shown. Land is one odd-even filled path (lakes become holes), cached
by Qt as a device pixmap so replay frames do not re-rasterise it; coast, lake shores and
borders are one NaN-separated curve each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6 import QtCore, QtGui, QtWidgets

from ...geo import basemap
from . import style

#: Clip margin (degrees) around the scene per resolution: coarse data is cheap to keep
#: wide, so zooming far out still shows a map; fine data is kept close.
MARGIN_DEG = {"c": 40.0, "l": 12.0, "i": 4.0}


@dataclass
class _Projected:
    coast: tuple[np.ndarray, np.ndarray]
    borders: tuple[np.ndarray, np.ndarray]
    land: QtGui.QPainterPath


class BasemapLayer:
    def __init__(self, plot: pg.PlotItem) -> None:
        self.land = QtWidgets.QGraphicsPathItem()
        self.land.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
        self.land.setBrush(style.brush(style.LAND))
        self.land.setZValue(style.Z_LAND)
        self.land.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.coast = pg.PlotCurveItem(
            pen=style.pen(style.COAST, 1.0), connect="finite", antialias=True
        )
        self.borders = pg.PlotCurveItem(
            pen=style.pen(style.BORDER, 1.0, "dash", alpha=200), connect="finite", antialias=True
        )
        self.coast.setZValue(style.Z_COAST)
        self.borders.setZValue(style.Z_COAST)
        for item in (self.land, self.coast, self.borders):
            plot.addItem(item, ignoreBounds=True)
        self.scene = None
        self.resolution: str | None = None
        self.visible = True

    def set_scene(self, scene) -> None:
        self.scene = scene
        self.resolution = None
        if scene is None:
            for item in (self.coast, self.borders):
                item.setData([], [])
            self.land.setPath(QtGui.QPainterPath())

    def set_visible(self, on: bool) -> None:
        self.visible = on
        for item in (self.land, self.coast, self.borders):
            item.setVisible(on)

    def update_view(self, extent_m: float) -> None:
        """Show the resolution that suits a view ``extent_m`` wide (loads it on first use)."""
        if self.scene is None:
            return
        res = basemap.pick_resolution(extent_m)
        if res == self.resolution:
            return
        # Kept with the scene, so an export twin showing the same scene reuses it.
        cache = self.scene.cache.setdefault("basemap", {})
        data = cache.get(res)
        if data is None:
            data = self._load(res)
            cache[res] = data
        self.resolution = res
        self.coast.setData(*data.coast)
        self.borders.setData(*data.borders)
        self.land.setPath(data.land)

    def _load(self, res: str) -> _Projected:
        proj = self.scene.proj
        box = self.scene.box.expanded(MARGIN_DEG[res])
        lat, lon = basemap.coastlines(box, res)
        coast = proj.forward(lat, lon)
        lat, lon = basemap.borders(box, res)
        borders = proj.forward(lat, lon)
        polys = basemap.land_polygons(box, res)
        if polys:
            lats = np.concatenate([np.r_[p[0], np.nan] for p in polys])
            lons = np.concatenate([np.r_[p[1], np.nan] for p in polys])
            x, y = proj.forward(lats, lons)
            path = fn.arrayToQPath(x, y, connect="finite")
        else:
            path = QtGui.QPainterPath()
        path.setFillRule(QtCore.Qt.FillRule.OddEvenFill)
        return _Projected(coast=coast, borders=borders, land=path)
