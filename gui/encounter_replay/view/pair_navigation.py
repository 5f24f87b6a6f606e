"""Getting to the interesting moment: selecting pairs, going to CPAs, framing the map,
looping around an encounter. Commands of the window that move the controller and the
map together; they read the analysis through ``pair_row`` (None when a pair has none).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore

#: Seconds either side of the CPA that "loop visible range" loops when nothing is zoomed.
CPA_LOOP_S = 60.0


class PairNavigation(QtCore.QObject):
    """Connects itself to the table's, map's and transport's requests (see ``bind``)."""

    def __init__(
        self,
        parent: QtCore.QObject,
        controller,
        canvas,
        timeline,
        pair_row: Callable[[tuple[int, int]], Any],
    ) -> None:
        super().__init__(parent)
        self.controller, self.canvas, self.timeline = controller, canvas, timeline
        self._pair_row = pair_row

    def bind(self, encounters, tracks, transport) -> None:
        self._tracks, self._transport = tracks, transport
        encounters.pairActivated.connect(self.select_pair)
        encounters.pairZoomRequested.connect(self.zoom_from_table)
        self.canvas.trackClicked.connect(self.track_clicked)
        self.canvas.pairPicked.connect(self.pair_picked)
        transport.loopClicked.connect(self.loop_button_clicked)

    @property
    def state(self):
        return self.controller.state

    def select_pair(self, a: int, b: int, cpa_time: float | None = None) -> None:
        """Select a pair and go to its CPA (what clicking a table row does)."""
        self.controller.pause()
        self.controller.select_pair((a, b))
        if cpa_time is None:
            row = self._pair_row((min(a, b), max(a, b)))
            cpa_time = float(row.cpa_time) if row is not None else None
        if cpa_time is not None and math.isfinite(cpa_time):
            self.controller.seek(cpa_time)
            self.canvas.zoom_to_pair(a, b, cpa_time)  # the CPA framed, not a dot at the edge

    def zoom_from_table(self, a: int, b: int, t: float) -> None:
        self.select_pair(a, b, t)
        self.canvas.zoom_to_pair(a, b, t)

    def zoom_to_selected_pair(self) -> None:
        pair = self.state.pair
        if pair is not None:
            self.canvas.zoom_to_pair(pair[0], pair[1], self.state.time)

    def jump_to_selected_cpa(self) -> None:
        pair = self.state.pair
        row = self._pair_row(pair) if pair is not None else None
        if row is not None:
            self.controller.seek(float(row.cpa_time))

    def track_clicked(self, k: int) -> None:
        self.controller.select_track(k)
        self._tracks.select_track(k)

    def pair_picked(self, a: int, b: int) -> None:
        """Any two objects picked on the map become the pair (analysed or not)."""
        self.controller.select_pair((a, b))

    def toggle_follow_selected(self, on: bool) -> None:
        """Keep the selected track centred on the map (off: stop following anything)."""
        self.controller.set_follow(self.state.selected_track if on else None)

    def fit_map(self) -> None:
        self.controller.set_follow(None)
        self.canvas.fit_to_tracks()

    def loop_visible_range(self) -> None:
        """Loop the zoomed timeline; with the whole recording shown, ±60 s around the
        selected pair's CPA (or the whole recording when no pair is selected)."""
        lo, hi = self.timeline.view
        pair = self.state.pair
        row = self._pair_row(pair) if pair is not None else None
        if row is not None and not self.timeline.is_zoomed():
            self.controller.set_loop(row.cpa_time - CPA_LOOP_S, row.cpa_time + CPA_LOOP_S)
        elif self.timeline.is_zoomed() or pair is None:
            self.controller.set_loop(lo, hi)

    def loop_button_clicked(self, checked: bool) -> None:
        if checked:
            self.loop_visible_range()
        else:
            self.controller.set_loop(None)
        self._transport.loop_button.setChecked(self.state.loop is not None)
