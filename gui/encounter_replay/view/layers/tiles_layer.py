"""Optional raster underlay from an analyst-supplied MBTiles/PMTiles file.

Tiles are Web Mercator; the map is azimuthal equidistant. Each tile is warped onto the
map by splitting it into pieces and drawing each piece with the affine transform that puts
its north-west, north-east and south-west corners where the projection sends them. Over a
piece that is a few kilometres to a few tens of kilometres across, the residual bending is
far below a pixel; low zooms (big tiles) are cut into more pieces. The warped result is
kept as a screen-sized image between view changes (see :mod:`.cached`), so replay frames
do not redraw the tiles.

Nothing is ever fetched: only the file the user chose is read.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...geo.projection import LocalProjection, wrap_lon
from ...geo.tiles import (
    TileError,
    TileSource,
    open_tiles,
    tile_corners,
    tiles_covering,
    zoom_for_resolution,
)
from . import style
from .cached import ViewCachedItem

#: Decoded tiles kept in memory.
CACHE_TILES = 256
#: Most tiles drawn at once (a very wide view at a too-fine zoom is capped).
MAX_TILES = 200


def pieces_for_zoom(z: int) -> int:
    """Sub-division per tile side: tiles at zoom < 9 span degrees and need bending."""
    return 1 if z >= 10 else 2 if z >= 8 else 4 if z >= 5 else 8


class TileItem(ViewCachedItem):
    """Draws the warped tiles in data coordinates."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(style.Z_TILES)
        self._tiles: list[tuple[QtGui.QPixmap, np.ndarray, np.ndarray, int]] = []
        self._bounds = QtCore.QRectF()

    def set_tiles(self, tiles: list[tuple[QtGui.QPixmap, np.ndarray, np.ndarray, int]]) -> None:
        self._tiles = tiles
        if tiles:
            xs = np.concatenate([t[1].ravel() for t in tiles])
            ys = np.concatenate([t[2].ravel() for t in tiles])
            self._bounds = QtCore.QRectF(xs.min(), ys.min(), np.ptp(xs), np.ptp(ys))
        else:
            self._bounds = QtCore.QRectF()
        self.content_changed()

    def content_rect(self) -> QtCore.QRectF:
        return self._bounds

    def paint_content(self, p: QtGui.QPainter) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
        base = p.transform()
        for pix, gx, gy, k in self._tiles:
            sw, sh = pix.width() / k, pix.height() / k
            for j in range(k):  # rows, north to south
                for i in range(k):
                    x0, y0 = gx[j, i], gy[j, i]
                    t = QtGui.QTransform(
                        (gx[j, i + 1] - x0) / sw,
                        (gy[j, i + 1] - y0) / sw,
                        (gx[j + 1, i] - x0) / sh,
                        (gy[j + 1, i] - y0) / sh,
                        x0,
                        y0,
                    )
                    p.setTransform(t * base)
                    # Draw a hair larger than the piece so seams do not show.
                    p.drawPixmap(
                        QtCore.QRectF(-0.25, -0.25, sw + 0.5, sh + 0.5),
                        pix,
                        QtCore.QRectF(i * sw, j * sh, sw, sh),
                    )
        p.setTransform(base)


class TilesLayer(QtCore.QObject):
    """Chooses the zoom, loads and warps the tiles covering the view (debounced)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__(plot)
        self.item = TileItem()
        plot.addItem(self.item, ignoreBounds=True)
        self.source: TileSource | None = None
        self.proj: LocalProjection | None = None
        self._cache: OrderedDict[tuple[int, int, int], QtGui.QPixmap | None] = OrderedDict()
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self._refresh)
        self._rect = QtCore.QRectF()
        self._px_width = 0.0
        self.shown: list[tuple[int, int, int]] = []  # tiles drawn (tests, status)

    @property
    def attribution(self) -> str:
        meta = getattr(self.source, "metadata", None) or {}
        return str(meta.get("attribution", "")) if self.source is not None else ""

    def load(self, path: str) -> None:
        """Use tiles from ``path``; empty removes them. TileError for an unusable file."""
        source = open_tiles(path) if path else None
        if self.source is not None:
            self.source.close()
        self.source = source
        self._cache.clear()
        self.item.set_tiles([])
        self.shown = []

    def copy_source(self, other: TilesLayer) -> None:
        """Share another layer's file (the export twin), without reopening it."""
        if other.source is not self.source:
            self.source = other.source
            self._cache = other._cache
            self.item.set_tiles([])

    def set_projection(self, proj: LocalProjection | None) -> None:
        self.proj = proj
        self.item.set_tiles([])
        self.shown = []

    def view_changed(self, rect: QtCore.QRectF, px_width: float, sync: bool) -> None:
        self._rect = QtCore.QRectF(rect)
        self._px_width = float(px_width)
        if self.source is None or self.proj is None:
            return
        if sync:
            self._timer.stop()
            self._refresh()
        else:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _pixmap(self, z: int, x: int, y: int) -> QtGui.QPixmap | None:
        key = (z, x, y)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        try:
            data = self.source.get(z, x, y)
        except TileError:
            data = None
        pix = None
        if data:
            img = QtGui.QImage.fromData(data)
            if not img.isNull():
                pix = QtGui.QPixmap.fromImage(img)
        self._cache[key] = pix
        while len(self._cache) > CACHE_TILES:
            self._cache.popitem(last=False)
        return pix

    def _refresh(self) -> None:
        proj, src, rect = self.proj, self.source, self._rect
        if proj is None or src is None or rect.width() <= 0 or self._px_width <= 0:
            return
        gx, gy = np.meshgrid(
            np.linspace(rect.left(), rect.right(), 7), np.linspace(rect.top(), rect.bottom(), 7)
        )
        lat, lon = proj.inverse(gx.ravel(), gy.ravel())
        ok = np.isfinite(lat) & np.isfinite(lon)
        if not ok.any():
            return
        lon = wrap_lon(lon[ok], proj.lon0)
        lat = lat[ok]
        south, north = float(lat.min()), float(lat.max())
        west, east = float(lon.min()), float(lon.max())
        m_per_px = rect.width() / self._px_width
        z = zoom_for_resolution(m_per_px, 0.5 * (south + north))
        z = min(max(z, src.min_zoom), src.max_zoom)
        if west < -180:
            west, east = west + 360, east + 360
        wanted = tiles_covering(z, south, north, west, east, limit=MAX_TILES)
        k = pieces_for_zoom(z)
        out = []
        for tz, tx, ty in wanted:
            pix = self._pixmap(tz, tx, ty)
            if pix is None:
                continue
            _n, w, _s, e = tile_corners(tz, tx, ty)
            # Piece corners: evenly spaced in tile pixels, i.e. in Mercator y, not latitude.
            rows = ty + np.linspace(0.0, 1.0, k + 1)
            lats = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * rows / 2**tz))))
            lons = np.linspace(w, e, k + 1)
            la, lo = np.meshgrid(lats, lons, indexing="ij")
            px, py = proj.forward(la.ravel(), lo.ravel())
            if not (np.all(np.isfinite(px)) and np.all(np.isfinite(py))):
                continue
            out.append((pix, px.reshape(k + 1, k + 1), py.reshape(k + 1, k + 1), k))
        self.shown = wanted
        self.item.set_tiles(out)
