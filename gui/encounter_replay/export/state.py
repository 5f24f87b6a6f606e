"""What an export draws, as plain values: the one description the window and the CLI share.

An on-screen canvas carries history (label positions chosen in earlier frames stick, axes
only ever widen to fit tick labels), so two canvases in the same state can still differ
by a few pixels. Exports therefore never draw from the window's canvas: both the window
and the command line describe the picture as a :class:`MapState` and render it on a fresh
offscreen canvas (:func:`.offscreen.scene_canvas`), which makes "same state, same
pixels" hold by construction. A session file (:mod:`encounter_replay.model.session`)
converts to a MapState the same way in both, through :func:`state_from_session`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model import TrackSet
from ..model.replay import DEFAULT_TRAIL_S

#: Named views: every aircraft track, or the selected pair at the picture's time.
VIEWS = ("all", "pair")

View = str | tuple[float, float, float, float]


@dataclass(frozen=True)
class MapState:
    """The map at one instant. ``view`` is ``"all"``, ``"pair"`` or ``(x0, x1, y0, y1)``
    in canvas units (as :meth:`MapCanvas.view_rect` gives it); an explicit rectangle is
    widened along one axis to the picture's proportions, never cropped."""

    time: float
    pair: tuple[int, int] | None = None
    selected_track: int | None = None
    trail_s: float | None = DEFAULT_TRAIL_S
    units: str = "nm"
    view: View = "all"
    hidden_classes: frozenset[str] = frozenset()
    hidden_tracks: frozenset[int] = frozenset()
    colors: Mapping[int, str] = field(default_factory=dict)
    visual_range_m: float | None = None  # None: the analysis's (or the canvas default)

    def __post_init__(self) -> None:
        if isinstance(self.view, str) and self.view not in VIEWS:
            raise ValueError(f"unknown view {self.view!r}: use all, pair or a rectangle")
        if self.pair is not None:
            a, b = self.pair
            object.__setattr__(self, "pair", (min(a, b), max(a, b)))


def state_from_session(session, ts: TrackSet, analysis=None) -> MapState:
    """The map state a session describes, with track ids turned into this scene's indices.

    Ids the scene does not have are dropped (a session may outlive a file), as the window
    does when it restores one.
    """
    index = {tid: k for k, tid in enumerate(ts.ids)}

    def k(tid: str | None) -> int | None:
        return index.get(tid) if tid is not None else None

    pair = None
    if session.selected_pair:
        a, b = (k(t) for t in session.selected_pair)
        pair = (a, b) if a is not None and b is not None and a != b else None
    time = session.time if session.time is not None and math.isfinite(session.time) else ts.start
    view: View = tuple(session.map_view) if session.map_view else "all"
    visual = (session.analysis or {}).get("visual_range_m")
    if analysis is not None:
        visual = analysis.settings.visual_range_m
    return MapState(
        time=float(time),
        pair=pair,
        selected_track=k(session.selected_track),
        trail_s=session.trail_s,
        units=session.units,
        view=view,
        hidden_classes=frozenset(session.hidden_classes),
        hidden_tracks=frozenset(i for i in map(k, session.hidden_tracks) if i is not None),
        colors={i: c for t, c in session.colors.items() if (i := k(t)) is not None},
        visual_range_m=visual,
    )
