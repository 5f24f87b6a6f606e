"""Track labels and data readouts, placed on screen so they never overlap.

One item paints every label in screen space (it is a child of the ViewBox, so its
coordinates are the view's pixels), instead of a TextItem per track: a frame needs no item
creation, text layouts are cached as ``QStaticText`` per distinct string (altitudes and
speeds repeat, so the caches fill quickly), and decluttering works on plain arrays.

Decluttering: candidates are thinned on a coarse screen grid (one label per cell, the most
important one), then placed greedily in priority order, trying four positions around the
head against an occupancy grid that already holds every head symbol and the map furniture.
A label that fits nowhere is hidden, except for forced ones (the selected pair/track).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from . import style

CELL = 4  # occupancy grid resolution, px
PAD = 3  # text padding inside a label box, px
RUN_GAP = 6.0  # space between text runs on one line, px
GAP = 10  # distance from the head centre to the label box, px
HEAD_R = 9  # half size of the area a head symbol occupies, px
MAX_LABELS = 250  # more than this is unreadable anyway, and costs time
THIN_CELL = (70, 30)  # one candidate per screen cell of this size (px) before placement
MAX_SHARE = 0.55  # of the view's width or height, beyond which optional lines are dropped


@dataclass
class ExtraLabel:
    """A label that is not a track's: the pair readout, a CPA note, a bullseye name."""

    x: float  # anchor, data coordinates
    y: float
    lines: list[tuple[str, str]]  # (text, colour)
    priority: float = 50.0
    forced: bool = False
    dx: float = GAP  # preferred offset of the box's nearest corner from the anchor
    dy: float = -GAP
    framed: str | None = None  # border colour, for readouts that must stand out
    #: Lines (indices) left out when the whole label would take more than
    #: :data:`MAX_SHARE` of the view's width or height (a printed map is small).
    optional: frozenset[int] = frozenset()


@dataclass
class TrackLabels:
    """Candidate track labels for one frame; text is formatted only for those placed."""

    x: np.ndarray = field(default_factory=lambda: np.zeros(0))
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    track: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    priority: np.ndarray = field(default_factory=lambda: np.zeros(0))
    forced: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: callable(track_index) -> list of lines, each a list of (text, colour) runs
    format: object = None
    #: Per track index, the name that starts its label (a quick test before formatting).
    names: list[str] | None = None


def _around(dx: float, dy: float, far: bool) -> list[tuple[float, float]]:
    """Offsets to try for a label box corner: the four diagonal spots next to the anchor,
    then one step out (joined by the leader line), and for labels that must be shown
    further still, so a forced label moves away from a crowd instead of covering it."""
    steps = (1.0, 2.6, 5.0, 9.0, 14.0) if far else (1.0, 2.6)
    return [
        (sx * dx * k, sy * dy * k) for k in steps for sx, sy in ((1, 1), (1, -1), (-1, 1), (-1, -1))
    ]


class _TextCache:
    """QStaticText and width per string; bounded so a long replay cannot grow it forever."""

    def __init__(self, font: QtGui.QFont, limit: int = 20000) -> None:
        self.font = font
        self.metrics = QtGui.QFontMetricsF(font)
        self.limit = limit
        self._d: dict[str, tuple[QtGui.QStaticText, float]] = {}

    def get(self, text: str) -> tuple[QtGui.QStaticText, float]:
        hit = self._d.get(text)
        if hit is None:
            if len(self._d) > self.limit:
                self._d.clear()
            st = QtGui.QStaticText(text)
            st.setTextFormat(QtCore.Qt.TextFormat.PlainText)
            st.setPerformanceHint(QtGui.QStaticText.PerformanceHint.AggressiveCaching)
            st.prepare(QtGui.QTransform(), self.font)
            hit = (st, self.metrics.horizontalAdvance(text))
            self._d[text] = hit
        return hit


def _push_out(
    x0: float, y0: float, w: float, h: float, r: QtCore.QRectF, width: float, height: float
) -> tuple[float, float]:
    """The smallest move of a ``w`` × ``h`` box at (x0, y0) off rectangle ``r`` that keeps
    it on the screen (unchanged if none does)."""
    moves = [
        (r.right() + 2 - x0, 0.0),
        (r.left() - 2 - (x0 + w), 0.0),
        (0.0, r.bottom() + 2 - y0),
        (0.0, r.top() - 2 - (y0 + h)),
    ]
    ok = [
        (abs(dx) + abs(dy), dx, dy)
        for dx, dy in moves
        if x0 + dx >= 0 and x0 + dx + w <= width and y0 + dy >= 0 and y0 + dy + h <= height
    ]
    if not ok:
        return x0, y0
    _, dx, dy = min(ok)
    return x0 + dx, y0 + dy


class LabelLayer(pg.GraphicsObject):
    """Screen-space labels over the map; a child of the ViewBox."""

    def __init__(self, viewbox: pg.ViewBox) -> None:
        super().__init__(viewbox)
        self._vb = viewbox
        self.setZValue(style.Z_LABELS)
        self._text = _TextCache(style.ui_font(9.0))
        self._bold = _TextCache(style.ui_font(9.0, bold=True))
        self.line_h = self._text.metrics.height()
        self.tracks = TrackLabels()
        self.extras: list[ExtraLabel] = []
        self.heads_x = np.zeros(0)
        self.heads_y = np.zeros(0)
        self.keep_out: list[QtCore.QRectF] = []  # screen areas labels avoid (furniture)
        self.placed: list[tuple[str, QtCore.QRectF]] = []  # what the last paint showed
        #: Map metres → ViewBox coordinates when the map is turned (heading-up), else None.
        self.pre: QtGui.QTransform | None = None
        self._groups: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        #: Per labelled track, how many objects its label stands for besides itself.
        self.group_sizes: dict[int, int] = {}
        self._serial = 0
        self._pens: dict[str, QtGui.QPen] = {}  # per text colour
        self._layout_key: tuple = ()
        self._layout: list[tuple] = []
        #: Offset each track's label used last time: tried first, so labels do not jump
        #: from side to side while the replay runs.
        self._last_try: dict[int, int] = {}
        viewbox.sigResized.connect(self._resized)
        self._resized()

    def reset(self) -> None:
        """Forget per-track placement memory (a new scene reuses track indices)."""
        self._last_try.clear()
        self._layout_key = ()

    def _resized(self, *_: object) -> None:
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._vb.boundingRect()

    def set_frame(
        self,
        tracks: TrackLabels,
        extras: list[ExtraLabel],
        heads_x: np.ndarray,
        heads_y: np.ndarray,
    ) -> None:
        self.tracks = tracks
        self.extras = extras
        self.heads_x = heads_x
        self.heads_y = heads_y
        self._serial += 1
        self.update()

    @property
    def group_members(self) -> dict[int, list[int]]:
        """Per group label (its track), the other tracks it stands for."""
        if self._groups is None:
            return {}
        members, run, heads = self._groups
        return {
            int(h): [int(m) for m in members[run == r] if int(m) != int(h)]
            for r, h in enumerate(heads)
            if int(h) in self.group_sizes
        }

    # ------------------------------------------------------------------ layout
    def _to_px(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = self._vb.childGroup.transform()
        if self.pre is not None:  # the heading-up view turns the map under the labels
            m = self.pre * m
        px = m.m11() * x + m.m21() * y + m.m31()
        py = m.m12() * x + m.m22() * y + m.m32()
        return px, py

    def _measure(self, lines: list[list[tuple[str, str]]]) -> tuple[float, float]:
        """Box size; the first line of a multi-line label is bold (as :meth:`paint` draws)."""
        first = self._bold if len(lines) > 1 else self._text
        w = sum(first.get(t)[1] for t, _ in lines[0]) + RUN_GAP * (len(lines[0]) - 1)
        get = self._text.get
        for runs in lines[1:]:
            w = max(w, sum(get(t)[1] for t, _ in runs) + RUN_GAP * (len(runs) - 1))
        return w + 2 * PAD, len(lines) * self.line_h + 2 * PAD

    def layout(self, width: float, height: float) -> list[tuple]:
        """Place labels; returns ``(box, anchor_px, lines, colour_of_leader, frame)``."""
        gw, gh = int(width // CELL) + 2, int(height // CELL) + 2
        occ = np.zeros((gh, gw), dtype=bool)  # labels and furniture

        def cells(x0: float, y0: float, x1: float, y1: float) -> tuple[slice, slice]:
            return (
                slice(max(int(y0 // CELL), 0), max(math.ceil(y1 / CELL), 0)),
                slice(max(int(x0 // CELL), 0), max(math.ceil(x1 / CELL), 0)),
            )

        hx, hy = self._to_px(self.heads_x, self.heads_y)
        inview = (hx > -20) & (hx < width + 20) & (hy > -20) & (hy < height + 20)
        # Head squares, the same cells ``cells()`` gives for a head's box, counted in a
        # summed-area table: "any head in this box?" is then four lookups, and a label's
        # own head is discounted exactly.
        c0x = np.clip(np.floor((hx[inview] - HEAD_R) / CELL).astype(np.int64), 0, gw - 1)
        c0y = np.clip(np.floor((hy[inview] - HEAD_R) / CELL).astype(np.int64), 0, gh - 1)
        c1x = np.clip(np.ceil((hx[inview] + HEAD_R) / CELL).astype(np.int64), 1, gw)
        c1y = np.clip(np.ceil((hy[inview] + HEAD_R) / CELL).astype(np.int64), 1, gh)
        # A 2-D difference array (+1/-1 at the square corners) summed twice gives how many
        # squares cover each cell; summed twice more, the table of counts up to each cell.
        stride = gw + 1
        corners = np.concatenate(
            [c0y * stride + c0x, c0y * stride + c1x, c1y * stride + c0x, c1y * stride + c1x]
        )
        # (int32 throughout: these four passes over the grid are a good part of a frame.)
        k = len(c0x)
        size = (gh + 1) * stride
        diff = (
            np.bincount(corners[np.r_[0:k, 3 * k : 4 * k]], minlength=size).astype(np.int32)
            - np.bincount(corners[k : 3 * k], minlength=size).astype(np.int32)
        ).reshape(gh + 1, stride)
        i32 = np.int32
        covered = diff.cumsum(0, dtype=i32).cumsum(1, dtype=i32)[:gh, :gw] > 0
        sat = np.zeros((gh + 1, stride), dtype=i32)
        sat[1:, 1:] = covered.cumsum(0, dtype=i32).cumsum(1, dtype=i32)
        flat = memoryview(sat.ravel())  # fast scalar lookups, no per-call numpy overhead

        def n_heads(r0: int, r1: int, c0: int, c1: int) -> int:
            if r1 <= r0 or c1 <= c0:
                return 0
            return (
                flat[r1 * stride + c1]
                - flat[r0 * stride + c1]
                - flat[r1 * stride + c0]
                + flat[r0 * stride + c0]
            )

        for r in self.keep_out:
            occ[cells(r.left(), r.top(), r.right(), r.bottom())] = True
        furn = occ.copy()  # the scale bar, legend, north arrow: never under a label

        cands: list[tuple[float, bool, float, float, object]] = []
        self.group_sizes: dict[int, int] = {}
        tl = self.tracks
        if len(tl.x):
            px, py = self._to_px(tl.x, tl.y)
            ok = np.isfinite(px) & (px >= -5) & (px <= width + 5) & (py >= -5) & (py <= height + 5)
            idx = np.flatnonzero(ok)
            if len(idx):
                cell = (py[idx] // THIN_CELL[1]).astype(np.int64) * 100000 + (
                    px[idx] // THIN_CELL[0]
                ).astype(np.int64)
                order = np.lexsort((-tl.priority[idx], cell))
                first = np.r_[True, cell[order][1:] != cell[order][:-1]]
                keep = idx[order[first]]
                # Objects sharing a cell with a labelled one are never dropped silently:
                # the label that wins the cell says how many it stands for ("SOKOL 01 +1");
                # zooming in separates them into cells of their own.
                starts = np.flatnonzero(first)
                sizes = np.diff(np.r_[starts, len(order)])
                forced_here = tl.forced[idx[order]]
                run = np.cumsum(first) - 1
                np.subtract.at(sizes, run[forced_here & ~first], 1)  # forced ones get their own
                self.group_sizes = {
                    int(tl.track[k]): int(n - 1) for k, n in zip(keep, sizes, strict=True) if n > 1
                }
                # Who each group label stands for: read by the hover tooltip only, so kept
                # as arrays and made into lists on demand (:attr:`group_members`).
                self._groups = (tl.track[idx[order]], run, tl.track[keep])
                keep = np.union1d(keep, idx[tl.forced[idx]])
                keep = keep[np.argsort(-tl.priority[keep], kind="stable")][:MAX_LABELS]
                for i in keep:
                    cands.append(
                        (
                            float(tl.priority[i]),
                            bool(tl.forced[i]),
                            float(px[i]),
                            float(py[i]),
                            int(tl.track[i]),
                        )
                    )
        for e in self.extras:
            ex, ey = self._to_px(np.array([e.x]), np.array([e.y]))
            if np.isfinite(ex[0]):
                cands.append((e.priority, e.forced, float(ex[0]), float(ey[0]), e))
        cands.sort(key=lambda c: (not c[1], -c[0]))

        out = []
        track_tries = _around(GAP, -GAP, far=False)
        track_tries_forced = _around(GAP, -GAP, far=True)
        floor, ceil = math.floor, math.ceil

        def first_fit(ax: float, ay: float, w: float, h: float, tries, order):
            """First offset (in ``order``) where a w × h box is on screen, clear of
            labels, furniture and heads other than its own: (x0, y0, i), else None."""
            # Own head square in cells (a label never counts its own symbol against itself).
            or0, or1 = floor((ay - HEAD_R) / CELL), ceil((ay + HEAD_R) / CELL)
            oc0, oc1 = floor((ax - HEAD_R) / CELL), ceil((ax + HEAD_R) / CELL)
            for i in order:
                dx, dy = tries[i]
                x0 = ax + dx if dx >= 0 else ax + dx - w
                y0 = ay + dy if dy >= 0 else ay + dy - h
                if x0 < 0 or y0 < 0 or x0 + w > width or y0 + h > height:
                    continue
                r0, r1 = int(y0 // CELL), min(ceil((y0 + h) / CELL), gh)
                c0, c1 = int(x0 // CELL), min(ceil((x0 + w) / CELL), gw)
                n = n_heads(r0, r1, c0, c1)
                if n and n - n_heads(max(r0, or0), min(r1, or1), max(c0, oc0), min(c1, oc1)):
                    continue
                if occ[r0:r1, c0:c1].any():
                    continue
                return x0, y0, i
            return None

        names = tl.names
        one_line_h = self.line_h + 2 * PAD
        for _prio, forced, ax, ay, what in cands:
            is_track = not isinstance(what, ExtraLabel)
            if is_track:
                tries = track_tries_forced if forced else track_tries
                prev = self._last_try.get(what)
                order = range(len(tries))
                if prev is not None and prev < len(tries):
                    order = [prev, *(i for i in range(len(tries)) if i != prev)]
                if not forced and names is not None:
                    # Every box grows away from its anchor, so if a box of just the name
                    # fits nowhere the whole label cannot: skip formatting it (in a crowd
                    # most candidates end here).
                    name = names[what]
                    least = min(self._text.get(name)[1], self._bold.get(name)[1]) + 2 * PAD
                    if first_fit(ax, ay, least, one_line_h, tries, order) is None:
                        continue
                lines = tl.format(what)  # type: ignore[misc]
                more = self.group_sizes.get(what, 0)
                if more:
                    lines = [[*lines[0], (f" +{more}", lines[0][0][1])], *lines[1:]]
                leader = lines[0][0][1]
                frame = None
            else:
                lines = [[run] for run in what.lines]
                tries = _around(what.dx, what.dy, far=forced)
                order = range(len(tries))
                leader = what.lines[0][1] if what.framed else None
                frame = what.framed
            w, h = self._measure(lines)
            if not is_track and what.optional and (w > MAX_SHARE * width or h > MAX_SHARE * height):
                lines = [[run] for i, run in enumerate(what.lines) if i not in what.optional]
                w, h = self._measure(lines)
            fit = first_fit(ax, ay, w, h, tries, order)
            placed, chosen = (None, 0) if fit is None else ((fit[0], fit[1]), fit[2])
            if placed is None:
                if not forced:
                    continue
                # A forced label (the pair readout) may cover heads and other labels but
                # never the map's furniture: first spot clear of it, else clamped and
                # lifted above whatever furniture it would sit on.
                for dx, dy in tries:
                    x0 = min(max(ax + dx if dx >= 0 else ax + dx - w, 0.0), max(width - w, 0.0))
                    y0 = min(max(ay + dy if dy >= 0 else ay + dy - h, 0.0), max(height - h, 0.0))
                    if not furn[cells(x0, y0, x0 + w, y0 + h)].any():
                        placed = (x0, y0)
                        break
                if placed is None:
                    dx, dy = tries[0]
                    x0 = min(max(ax + dx if dx >= 0 else ax + dx - w, 0.0), max(width - w, 0.0))
                    y0 = min(max(ay + dy if dy >= 0 else ay + dy - h, 0.0), max(height - h, 0.0))
                    for _ in range(2):
                        for r in self.keep_out:
                            if r.intersects(QtCore.QRectF(x0, y0, w, h)):
                                x0, y0 = _push_out(x0, y0, w, h, r, width, height)
                    placed = (x0, y0)
            x0, y0 = placed
            if is_track:
                self._last_try[what] = chosen
            occ[cells(x0, y0, x0 + w, y0 + h)] = True
            out.append((QtCore.QRectF(x0, y0, w, h), (ax, ay), lines, leader, frame))
        return out

    # ------------------------------------------------------------------ paint
    def paint(self, p: QtGui.QPainter, *args) -> None:
        rect = self._vb.boundingRect()
        m = self._vb.childGroup.transform()
        key = (self._serial, rect.width(), rect.height(), m.m11(), m.m22(), m.m31(), m.m32(),
               None if self.pre is None else (self.pre.m11(), self.pre.m12(), self.pre.m31()))  # fmt: skip
        if key != self._layout_key:  # a second paint of the same frame reuses the layout
            self._layout = self.layout(rect.width(), rect.height())
            self._layout_key = key
        boxes = self._layout
        self.placed = [("".join(t for t, _ in lines[0]), box) for box, _a, lines, _l, _f in boxes]
        if not boxes:
            return
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        for box, (ax, ay), _lines, leader, _frame in boxes:
            if leader is None:
                continue
            # Leader from the head edge to the nearest box corner.
            cx = box.left() if box.left() > ax else box.right()
            cy = box.top() if box.top() > ay else box.bottom()
            d = np.hypot(cx - ax, cy - ay)
            if d > HEAD_R + 2:
                f = (HEAD_R - 2) / d
                p.setPen(style.pen(leader, 1.0, alpha=150))
                p.drawLine(
                    QtCore.QPointF(ax + f * (cx - ax), ay + f * (cy - ay)), QtCore.QPointF(cx, cy)
                )
        pens = self._pens
        font = None
        for box, _a, lines, _leader, frame in boxes:
            p.fillRect(box, style.LABEL_BG)
            if frame:
                p.setPen(style.pen(frame, 1.0))
                p.drawRect(box)
            y = box.top() + PAD
            for li, runs in enumerate(lines):
                x = box.left() + PAD
                for ri, (text, color) in enumerate(runs):
                    cache = self._bold if ri == 0 and li == 0 and len(lines) > 1 else self._text
                    st, w = cache.get(text)
                    if cache.font is not font:
                        font = cache.font
                        p.setFont(font)
                    pen = pens.get(color)
                    if pen is None:
                        pen = pens[color] = QtGui.QPen(QtGui.QColor(color))
                    p.setPen(pen)
                    p.drawStaticText(QtCore.QPointF(x, y), st)
                    x += w + RUN_GAP
                y += self.line_h
