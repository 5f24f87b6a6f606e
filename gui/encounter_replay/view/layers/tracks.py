"""Trails and heads of every track for one frame, built with numpy only.

The rule this follows was measured (docs/targets.md, "Drawing many tracks"): never an item per track. Trails of one style
(colour, line weight, age band) are drawn together, and there are only a handful of
styles however many tracks there are. Trails fade with age in four bands.

How they are drawn was measured here (1,000 tracks × 120 points, offscreen raster):
pyqtgraph's NaN-separated ``PlotCurveItem`` spends 18–60 ms per frame just building the
QPainterPath (``arrayToQPath``) before drawing it, while filling a ``QLineF`` array from
numpy takes ~1 ms and ``drawLines`` rasterises as fast as the path. So one
:class:`TrailsItem` holds a segment array per style and draws them with ``drawLines``.
The bands use opaque colours blended towards the sea colour rather than alpha, because
overlapping segment ends would show as dots with a translucent pen.

Frames stay cheap at any zoom because (1) trails come from a decimated copy of the scene
whose samples are about 3 px apart at the current scale (see
:meth:`~encounter_replay.view.scene_data.SceneData.decimated`) and (2) segments outside
the view are dropped before drawing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import internals
from PySide6 import QtCore, QtGui

from ...model import trail_indices
from . import style
from .heads import HeadsItem, symbol_for

#: How much of the track colour each age band keeps (the rest is sea colour), newest first.
BAND_MIX = (1.0, 0.68, 0.45, 0.28)
#: Band edges (seconds of age) used for full-history trails, where there is no length.
FULL_HISTORY_BANDS = (60.0, 300.0, 900.0)
#: Above this many trail segments per frame, trails are drawn 1 px wide (wide cosmetic
#: lines cost 2–3× more to rasterise: 12 vs 27 ms for 120k segments, measured here).
THIN_TRAILS_ABOVE = 30_000


@dataclass
class Frame:
    """Per-frame state the layers share (arrays over all tracks; NaN where not drawn)."""

    time: float
    visible: np.ndarray  # bool: present at this time, not hidden
    x: np.ndarray  # head position on the map (m)
    y: np.ndarray
    angle: np.ndarray  # map heading (deg clockwise from up)
    alt: np.ndarray  # m
    speed: np.ndarray  # m/s
    lat: np.ndarray
    lon: np.ndarray


@functools.cache
def band_color(color: str, band: int) -> str:
    """The trail colour of an age band: the track colour faded towards the sea."""
    c, sea = QtGui.QColor(color), QtGui.QColor(style.SEA)
    f = BAND_MIX[band]
    mix = QtGui.QColor(
        round(f * c.red() + (1 - f) * sea.red()),
        round(f * c.green() + (1 - f) * sea.green()),
        round(f * c.blue() + (1 - f) * sea.blue()),
    )
    return mix.name()


class TrailsItem(pg.GraphicsObject):
    """Every trail segment of a frame, one ``drawLines`` call per style."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(style.Z_TRAILS)
        self._groups: list[tuple[QtGui.QPen, internals.PrimitiveArray, int]] = []
        self._pool: list[internals.PrimitiveArray] = []
        self._bounds = QtCore.QRectF()
        self.antialias = False

    def set_bounds(self, rect: QtCore.QRectF) -> None:
        """All the scene's samples: fixed per scene, so frames need no geometry change."""
        self.prepareGeometryChange()
        self._bounds = QtCore.QRectF(rect)

    def set_segments(self, groups: list[tuple[QtGui.QPen, np.ndarray]]) -> None:
        """``groups``: (pen, array of shape (n, 4) with x0, y0, x1, y1 per segment),
        drawn in order (oldest band first so newer trails lie on top)."""
        out = []
        for i, (pen, seg) in enumerate(groups):
            if i >= len(self._pool):
                self._pool.append(internals.PrimitiveArray(QtCore.QLineF, 4))
            prim = self._pool[i]
            prim.resize(len(seg))
            prim.ndarray()[:] = seg
            out.append((pen, prim, len(seg)))
        self._groups = out
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, p: QtGui.QPainter, *args) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, self.antialias)
        for pen, prim, n in self._groups:
            if n:
                p.setPen(pen)
                p.drawLines(*prim.drawargs())


class TracksLayer:
    """Owns the trails item and the heads item inside the plot."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.trails = TrailsItem()
        self.heads = HeadsItem()
        plot.addItem(self.trails, ignoreBounds=True)
        plot.addItem(self.heads, ignoreBounds=True)
        #: Track index of each head drawn last frame (for hit tests).
        self.head_tracks = np.zeros(0, dtype=np.int64)
        self.n_segments = 0  # drawn last frame (tests, benchmark)

    def set_scene(self, scene) -> None:
        if scene is None:
            self.trails.set_bounds(QtCore.QRectF())
            return
        x0, x1, y0, y1 = scene.bounds_all
        self.trails.set_bounds(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))

    # ------------------------------------------------------------------ trails
    def update_trails(
        self,
        scene,
        frame: Frame,
        colors: list[str],
        trail_s: float | None,
        shown: np.ndarray,
        view: QtCore.QRectF | None = None,
        stride: int = 1,
    ) -> int:
        """Rebuild the trail segments; returns how many are drawn.

        ``shown`` says which tracks are not hidden (a track keeps its fading trail for a
        while after it ends); ``view`` (map metres) limits the work to what is visible;
        ``stride`` picks the decimated copy of the scene to draw from.
        """
        self.n_segments = 0
        if trail_s is not None and trail_s <= 0:
            self.trails.set_segments([])
            return 0
        dec = scene.decimated(stride)
        ts = dec.ts
        t = frame.time
        t0 = ts.start if trail_s is None else t - trail_s
        idx, trk, brk = trail_indices(ts, t0, t, scene.gap_s)
        keep = (shown & scene.trail_class)[trk]
        idx, trk, brk = idx[keep], trk[keep], brk[keep]
        if len(idx) == 0:
            self.trails.set_segments([])
            return 0
        px, py, age = dec.x[idx], dec.y[idx], t - ts.t[idx]
        # Join each trail to its moving head (the interpolated position at t).
        ends = np.flatnonzero(np.r_[trk[1:] != trk[:-1], True])
        head_trk = trk[ends]
        join = frame.visible[head_trk] & (age[ends] <= scene.gap_s) & (age[ends] > 0)
        ins = ends[join] + 1
        px = np.insert(px, ins, frame.x[head_trk[join]])
        py = np.insert(py, ins, frame.y[head_trk[join]])
        age = np.insert(age, ins, 0.0)
        trk = np.insert(trk, ins, head_trk[join])
        brk = np.insert(brk, ins, False)
        # Segment i-1 -> i exists where no break precedes point i.
        end = np.flatnonzero(~brk[1:]) + 1
        start = end - 1
        if view is not None and len(end):
            mx, my = 0.02 * view.width(), 0.02 * view.height()
            x0, x1 = view.left() - mx, view.right() + mx
            y0, y1 = view.top() - my, view.bottom() + my
            # Drop segments whose both ends lie beyond the same side of the view.
            xs, xe, ys, ye = px[start], px[end], py[start], py[end]
            out = (
                ((xs < x0) & (xe < x0))
                | ((xs > x1) & (xe > x1))
                | ((ys < y0) & (ye < y0))
                | ((ys > y1) & (ye > y1))
            )
            end, start = end[~out], start[~out]
        if len(end) == 0:
            self.trails.set_segments([])
            return 0
        if trail_s is None:
            band = np.searchsorted(np.asarray(FULL_HISTORY_BANDS), age[end], side="right")
        else:
            band = np.minimum((age[end] / (trail_s / 4.0)).astype(np.int64), 3)
        color_names, color_idx = np.unique(np.asarray(colors, dtype=object), return_inverse=True)
        seg_trk = trk[end]
        thin = scene.thin_class[seg_trk]
        # Style code: band (oldest drawn first), colour, weight.
        code = ((3 - band) * len(color_names) + color_idx[seg_trk]) * 2 + thin
        counts = np.bincount(code, minlength=8 * len(color_names))
        # Small integer keys: a stable sort of int16 is a radix sort, linear in the count.
        order = np.argsort(code.astype(np.int16 if code.max() < 2**15 else np.int64), kind="stable")
        seg = np.empty((len(end), 4))
        seg[:, 0], seg[:, 1] = px[start[order]], py[start[order]]
        seg[:, 2], seg[:, 3] = px[end[order]], py[end[order]]
        wide = 1 if len(end) > THIN_TRAILS_ABOVE else 2
        groups = []
        pos = 0
        for c in np.flatnonzero(counts):
            n = int(counts[c])
            is_thin = c % 2
            ci = (c // 2) % len(color_names)
            b = 3 - (c // 2) // len(color_names)
            pen = style.pen(band_color(str(color_names[ci]), int(b)), 1 if is_thin else wide)
            groups.append((pen, seg[pos : pos + n]))
            pos += n
        self.trails.antialias = len(end) < 8_000
        self.trails.set_segments(groups)
        self.n_segments = len(end)
        return len(end)

    # ------------------------------------------------------------------ heads
    def update_heads(
        self, scene, frame: Frame, colors: list[str], drawable: np.ndarray, rings: list[int]
    ) -> None:
        sel = np.flatnonzero(drawable)
        self.head_tracks = sel
        group = np.zeros(len(sel), dtype=np.int64)
        styles = []
        if len(sel):
            # Style groups per (class, colour): a handful, so the loop is over styles only.
            keys = np.char.add(
                scene.cls[sel].astype(str), np.char.add("|", np.asarray(colors, dtype=str)[sel])
            )
            uniq, group = np.unique(keys, return_inverse=True)
            for key in uniq:
                cls, color = str(key).split("|", 1)
                kind, size, rotates, filled = symbol_for(cls)
                styles.append((kind, size, color, filled, rotates))
        rings_sel = [k for k in rings if 0 <= k < len(frame.visible) and frame.visible[k]]
        self.heads.set_heads(
            frame.x[sel],
            frame.y[sel],
            frame.angle[sel],
            group,
            styles,
            frame.x[rings_sel] if rings_sel else None,
            frame.y[rings_sel] if rings_sel else None,
        )

    def clear(self) -> None:
        self.trails.set_segments([])
        self.heads.set_heads(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, int), [])
        self.head_tracks = np.zeros(0, dtype=np.int64)
