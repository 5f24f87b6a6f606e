"""Events on the map: launches, decoys, removals and the recording's own events, each a
marker at the position where it happened, and the analyst's notes at their moment.

Markers appear when their event has happened and stay for as long as a trail would
(the trail length, or the whole past with "whole trail"), so a launch is seen next to the
smoke trail it starts. The events' projected positions are computed once per scene; per
frame only a time mask is compared, and the scatter is rebuilt only when it changes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyqtgraph as pg

from ... import palette
from ..scene_data import SceneData
from . import style
from .labels import ExtraLabel

#: A fresh event's text is shown next to its marker for this long (s).
TEXT_S = 8.0
#: A note is drawn on the map within this many seconds of its time.
NOTE_S = 15.0
#: Least time an event marker stays when trails are off (s).
MIN_KEEP_S = 60.0
_SYMBOLS = {
    "launch": ("t1", palette.EVENT_LAUNCH),
    "guns": ("star", palette.EVENT_LAUNCH),
    "decoy": ("o", palette.EVENT),
    "destroyed": ("x", palette.EVENT_DESTROYED),
    "removed": ("x", palette.EVENT_DESTROYED),
}


def marker_style(kind: str) -> tuple[str, str]:
    """(pyqtgraph symbol, colour) of an event kind."""
    return _SYMBOLS.get(str(kind).lower(), ("d", palette.EVENT))


class EventsLayer:
    """The scatter of event markers; :meth:`update` returns the labels of fresh ones."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = pg.ScatterPlotItem(pxMode=True, size=11, pen=pg.mkPen(style.OUTLINE, width=1))
        self.item.setZValue(style.Z_CPA)
        plot.addItem(self.item)
        self.visible = True
        self.events = pd.DataFrame()
        self._t = np.zeros(0)
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._symbols: list[str] = []
        self._brushes: list = []
        self._mask = np.zeros(0, dtype=bool)

    def set_events(self, scene: SceneData | None, events: pd.DataFrame | None) -> None:
        self.events = events if events is not None else pd.DataFrame()
        n = len(self.events) if scene is not None else 0
        self._t, self._x, self._y = np.zeros(n), np.full(n, np.nan), np.full(n, np.nan)
        self._mask = np.zeros(n, dtype=bool)
        self.item.clear()
        if n == 0:
            return
        ev = self.events
        lat, lon = ev["lat"].to_numpy(float), ev["lon"].to_numpy(float)
        ok = np.isfinite(lat) & np.isfinite(lon)
        if ok.any():
            self._x[ok], self._y[ok] = scene.proj.forward(lat[ok], lon[ok])
        self._t = ev["time"].to_numpy(float)
        looks = [marker_style(k) for k in ev["kind"]]
        self._symbols = [s for s, _ in looks]
        self._brushes = [pg.mkBrush(c) for _, c in looks]

    @property
    def shown(self) -> np.ndarray:
        """Indices of the events marked now (into :attr:`events`)."""
        return np.flatnonzero(self._mask)

    def update(self, t: float, keep_s: float | None) -> list[ExtraLabel]:
        if len(self._t) == 0 or not self.visible:
            if self._mask.any():
                self._mask[:] = False
                self.item.clear()
            return []
        keep = math.inf if keep_s is None else max(keep_s, MIN_KEEP_S)
        age = t - self._t
        mask = (age >= 0) & (age <= keep) & np.isfinite(self._x)
        if not np.array_equal(mask, self._mask):
            self._mask = mask
            idx = np.flatnonzero(mask)
            self.item.setData(
                x=self._x[idx],
                y=self._y[idx],
                symbol=[self._symbols[i] for i in idx],
                brush=[self._brushes[i] for i in idx],
            )
        fresh = np.flatnonzero(mask & (age <= TEXT_S))
        kinds, texts = self.events["kind"].to_numpy(), self.events["text"].to_numpy()
        out = []
        for i in fresh[-6:]:
            word = str(kinds[i])
            text = str(texts[i] or "")
            line = f"{word}: {text}" if text and text.lower() != word.lower() else word
            out.append(
                ExtraLabel(
                    float(self._x[i]), float(self._y[i]), [(line, marker_style(word)[1])], 45.0
                )
            )
        return out

    def set_visible(self, on: bool) -> None:
        self.visible = bool(on)
        self.item.setVisible(self.visible)


def note_labels(
    notes: list[tuple[float, str, int | None]],
    t: float,
    frame,
    view_rect,
) -> list[ExtraLabel]:
    """Notes near their moment as framed labels: at their track's symbol when it is on
    the map, else at the top of the view."""
    out = []
    for when, text, k in notes:
        if abs(t - when) > NOTE_S:
            continue
        if k is not None and 0 <= k < len(frame.visible) and frame.visible[k]:
            x, y = float(frame.x[k]), float(frame.y[k])
        else:
            x = view_rect.center().x()
            y = view_rect.bottom() - 0.08 * view_rect.height()
        out.append(ExtraLabel(x, y, [(f"✎ {text}", palette.NOTE)], 95.0, True, framed=palette.NOTE))
    return out
