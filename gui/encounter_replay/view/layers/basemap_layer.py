"""Coastlines, land and borders under the tracks, offline, in the map's projection.

Reading, clipping and projecting happens once per scene and resolution (crude, low,
intermediate, picked by the visible extent) and is cached with the scene; zooming then
only switches which set is shown. Land is one odd-even filled path (lakes become holes);
coast/lake shores and borders are one NaN-separated path each. All of it is drawn by one
item that keeps a screen-sized image of itself between view changes (see
:mod:`.cached`), so replay frames do not re-rasterise the map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6 import QtCore, QtGui

from ... import palette
from ...geo import basemap
from . import style
from .cached import ViewCachedItem

#: Clip margin (degrees) around the scene per resolution: coarse data is cheap to keep
#: wide, so zooming far out still shows a map; fine data is kept close.
MARGIN_DEG = {"c": 40.0, "l": 12.0, "i": 4.0}


@dataclass
class _Projected:
    coast: QtGui.QPainterPath
    borders: QtGui.QPainterPath
    land: QtGui.QPainterPath
    rect: QtCore.QRectF
    rivers: QtGui.QPainterPath = None  # type: ignore[assignment]
    lakes: QtGui.QPainterPath = None  # type: ignore[assignment]
    #: The lines' vertices (x, y with NaN breaks) by name, for clipping (vector exports).
    lines: dict[str, tuple[np.ndarray, np.ndarray]] | None = None


def clip_polyline(x: np.ndarray, y: np.ndarray, rect: QtCore.QRectF) -> QtGui.QPainterPath:
    """The parts of a NaN-broken polyline whose segments can touch ``rect``.

    A vector export draws every vertex it is given, and a dashed border at close zoom is
    written as one dash at a time along its whole length: hundreds of kilobytes of PDF
    for lines far outside the printed map. Segments wholly beyond one side of the rect are
    dropped, with a break where the line leaves and comes back."""
    if len(x) < 2:
        return QtGui.QPainterPath()
    x0, x1, y0, y1 = rect.left(), rect.right(), rect.top(), rect.bottom()
    xa, xb, ya, yb = x[:-1], x[1:], y[:-1], y[1:]
    with np.errstate(invalid="ignore"):
        out = ((xa < x0) & (xb < x0)) | ((xa > x1) & (xb > x1))
        out |= ((ya < y0) & (yb < y0)) | ((ya > y1) & (yb > y1))
    seg = ~out & np.isfinite(xa) & np.isfinite(xb) & np.isfinite(ya) & np.isfinite(yb)
    keep = np.r_[seg, False] | np.r_[False, seg]
    cx, cy = np.where(keep, x, np.nan), np.where(keep, y, np.nan)
    gap = np.flatnonzero(keep[:-1] & keep[1:] & ~seg) + 1  # kept ends of a dropped segment
    cx, cy = np.insert(cx, gap, np.nan), np.insert(cy, gap, np.nan)
    # One NaN per break (a run of them is many empty moves in the path).
    nan = ~np.isfinite(cx)
    single = ~(nan & np.r_[True, nan[:-1]])
    return _path(cx[single], cy[single])


def _path(x: np.ndarray, y: np.ndarray) -> QtGui.QPainterPath:
    if len(x) == 0:
        return QtGui.QPainterPath()
    return fn.arrayToQPath(x, y, connect="finite")


class BasemapItem(ViewCachedItem):
    def __init__(self) -> None:
        super().__init__()
        self.setZValue(style.Z_LAND)
        self.data: _Projected | None = None
        self.fill_land = True
        self._land_brush = style.brush(style.LAND)
        self._coast_pen = style.pen(style.COAST, 1.0)
        self._border_pen = style.pen(style.BORDER, 1.0, "dash", alpha=200)
        self._river_pen = style.pen(palette.RIVER, 1.0)
        self._lake_pen = style.pen(palette.LAKE_SHORE, 1.0)
        self.show_rivers = True
        #: Other view-cached content painted into the same image (places).
        self.overlays: list[ViewCachedItem] = []
        self.map_visible = True  # land, coasts, borders (places stay when off)

    def set_data(self, data: _Projected | None) -> None:
        self.data = data
        self.content_changed()

    def backdrop(self) -> str | None:
        return style.SEA if self.fill_land else None  # no tiles underneath: opaque

    def content_rect(self) -> QtCore.QRectF:
        rect = self.data.rect if self.data is not None else QtCore.QRectF()
        for o in self.overlays:
            r = o.content_rect()
            if not r.isEmpty():
                rect = rect.united(r) if not rect.isEmpty() else r
        return rect

    def paint_content(self, p: QtGui.QPainter) -> None:
        self._paint_map(p)
        for o in self.overlays:
            if o.isVisible():
                o.paint_content(p)

    def _lines_for(self, p: QtGui.QPainter) -> dict[str, QtGui.QPainterPath]:
        """The line paths to draw: whole (into the cached image, where the raster clips
        for free), or clipped to what the painter shows (a vector export)."""
        d = self.data
        whole = {"coast": d.coast, "borders": d.borders, "rivers": d.rivers, "lakes": d.lakes}
        device = p.device()
        inverse, ok = p.transform().inverted()
        if self.cache_enabled or d.lines is None or device is None or not ok:
            return whole
        shown = inverse.mapRect(QtCore.QRectF(0, 0, device.width(), device.height()))
        m = 0.05 * max(shown.width(), shown.height())
        shown = shown.adjusted(-m, -m, m, m)
        return {
            k: clip_polyline(*d.lines[k], shown) if k in d.lines else v for k, v in whole.items()
        }

    @staticmethod
    def _stroke(p: QtGui.QPainter, pen: QtGui.QPen, path: QtGui.QPainterPath) -> None:
        # An empty path still writes a stroke to a PDF, which readers flag as broken.
        if path is not None and not path.isEmpty():
            p.setPen(pen)
            p.drawPath(path)

    def _paint_map(self, p: QtGui.QPainter) -> None:
        d = self.data
        if d is None or not self.map_visible:
            return
        lines = self._lines_for(p)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        if self.fill_land:
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(self._land_brush)
            p.drawPath(d.land)
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        self._stroke(p, self._border_pen, lines["borders"])
        if self.show_rivers and d.rivers is not None:
            self._stroke(p, self._river_pen, lines["rivers"])
            self._stroke(p, self._lake_pen, lines["lakes"])
        self._stroke(p, self._coast_pen, lines["coast"])


class BasemapLayer:
    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = BasemapItem()
        plot.addItem(self.item, ignoreBounds=True)
        self.scene = None
        self.resolution: str | None = None
        self.visible = True

    def set_scene(self, scene) -> None:
        self.scene = scene
        self.resolution = None
        if scene is None:
            self.item.set_data(None)

    def set_visible(self, on: bool) -> None:
        """Land, coasts, borders, rivers on or off (hosted places stay)."""
        self.visible = on
        self.item.map_visible = on
        self.item.content_changed()

    def set_rivers(self, on: bool) -> None:
        """Rivers and lake shores drawn (on) or not."""
        if on != self.item.show_rivers:
            self.item.show_rivers = on
            self.item.content_changed()

    def set_fill_land(self, on: bool) -> None:
        """Land fill off when raster tiles lie underneath (they show the land)."""
        if on != self.item.fill_land:
            self.item.fill_land = on
            self.item.content_changed()

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
        self.item.set_data(data)

    def _load(self, res: str) -> _Projected:
        proj = self.scene.proj
        box = self.scene.box.expanded(MARGIN_DEG[res])
        coast = proj.forward(*basemap.coastlines(box, res))
        borders = proj.forward(*basemap.borders(box, res))
        polys = basemap.land_polygons(box, res)
        if polys:
            lats = np.concatenate([np.r_[p[0], np.nan] for p in polys])
            lons = np.concatenate([np.r_[p[1], np.nan] for p in polys])
            land = _path(*proj.forward(lats, lons))
        else:
            land = QtGui.QPainterPath()
        land.setFillRule(QtCore.Qt.FillRule.OddEvenFill)
        coast_path, border_path = _path(*coast), _path(*borders)
        rect = (
            land.boundingRect().united(coast_path.boundingRect()).united(border_path.boundingRect())
        )
        lines = {"coast": coast, "borders": borders}
        try:  # rivers and lake shores where the bundled data has them
            lines["rivers"] = proj.forward(*basemap.rivers(box, res))
            lines["lakes"] = proj.forward(*basemap.lake_shores(box, res))
            rivers, lakes = _path(*lines["rivers"]), _path(*lines["lakes"])
        except (OSError, ValueError, KeyError):
            rivers = lakes = QtGui.QPainterPath()
        return _Projected(coast_path, border_path, land, rect, rivers, lakes, lines)
