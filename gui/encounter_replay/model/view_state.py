"""What the replay shows, as one frozen value: the single description of the display.

The window's controller holds one :class:`ViewState` and replaces it on every change
(``stateChanged(old, new)``); the map canvas draws one through ``MapCanvas.apply``; the
command line builds one for each picture; a session file converts to and from one here
and nowhere else. Because it is immutable, "what changed" is a comparison of two values,
which is what lets the canvas redraw once per change instead of once per setter.

Tracks are referred to by index into the scene's TrackSet; sessions name them by id
(ids survive re-reading files in another order), so :meth:`ViewState.from_session` and
:meth:`ViewState.session_fields` translate. See ``docs/architecture.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from .units import check_units

#: Default trail length (seconds of history drawn behind each aircraft).
DEFAULT_TRAIL_S = 120.0

#: Named framings: every aircraft track, or the selected pair at the state's time.
VIEWS = ("all", "pair")

#: Map looks a state can ask for (the view's ``layers/style.THEMES`` draws them).
THEMES = ("screen", "print")

#: ``"all"``, ``"pair"``, an explicit ``(x0, x1, y0, y1)`` in map metres, or None for
#: "leave the framing as it is" (the window, where the user pans and zooms).
View = str | tuple[float, float, float, float] | None


@dataclass(frozen=True)
class ViewState:
    """The display at one instant, in plain values.

    ``pair`` is stored smaller index first so a pair has one spelling. ``view`` is how
    the map is framed (see :data:`View`); an explicit rectangle is widened along one axis
    to a picture's proportions, never cropped. ``visual_range_m`` None means the
    analysis's (or the canvas default when there is none).
    """

    time: float = float("nan")
    pair: tuple[int, int] | None = None
    selected_track: int | None = None
    follow_track: int | None = None
    trail_s: float | None = DEFAULT_TRAIL_S
    units: str = "nm"
    view: View = "all"
    hidden_classes: frozenset[str] = frozenset()
    hidden_tracks: frozenset[int] = frozenset()
    colors: Mapping[int, str] = field(default_factory=dict)
    visual_range_m: float | None = None
    speed: float = 1.0
    loop: tuple[float, float] | None = None
    #: ``screen`` (dark, the window) or ``print`` (white paper); exports honour it.
    theme: str = "screen"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if isinstance(self.view, str) and self.view not in VIEWS:
            raise ValueError(f"unknown view {self.view!r}: use all, pair or a rectangle")
        if isinstance(self.view, Sequence) and not isinstance(self.view, str):
            set_(self, "view", tuple(float(v) for v in self.view))
        if self.pair is not None:
            a, b = int(self.pair[0]), int(self.pair[1])
            if a == b:
                raise ValueError("a pair needs two different tracks")
            set_(self, "pair", (min(a, b), max(a, b)))
        for name in ("selected_track", "follow_track"):
            k = getattr(self, name)
            if k is not None:
                set_(self, name, int(k))
        if self.trail_s is not None:
            if not math.isfinite(self.trail_s) or self.trail_s < 0:
                raise ValueError(f"bad trail length {self.trail_s!r}")
            set_(self, "trail_s", float(self.trail_s))
        set_(self, "units", check_units(self.units))
        if self.theme not in THEMES:
            raise ValueError(f"unknown theme {self.theme!r}: use {' or '.join(THEMES)}")
        set_(self, "hidden_classes", frozenset(str(c) for c in self.hidden_classes))
        set_(self, "hidden_tracks", frozenset(int(k) for k in self.hidden_tracks))
        set_(self, "colors", MappingProxyType({int(k): str(c) for k, c in self.colors.items()}))

    def __hash__(self) -> int:  # colors is a mapping: hash what identifies the state
        return hash((self.time, self.pair, self.selected_track, self.view, self.units))

    def replace(self, **changes: Any) -> ViewState:
        """A copy with ``changes`` (validated like a new state)."""
        return replace(self, **changes)

    # ------------------------------------------------------------------ sessions
    @classmethod
    def from_session(
        cls,
        session: Any,
        ids: Sequence[str],
        start: float,
        visual_range_m: float | None = None,
    ) -> ViewState:
        """The state a :class:`~.session.Session` describes, with track ids turned into
        indices of a scene whose ids are ``ids``. Ids the scene lacks are dropped (a
        session may outlive a file); a session without a time starts at ``start``.
        ``visual_range_m`` (the analysis's, when there is one) wins over the session's."""
        index = {tid: k for k, tid in enumerate(ids)}

        def k(tid: str | None) -> int | None:
            return index.get(tid) if tid is not None else None

        pair = None
        if session.selected_pair:
            a, b = (k(t) for t in session.selected_pair)
            pair = (a, b) if a is not None and b is not None and a != b else None
        time = session.time
        if time is None or not math.isfinite(time):
            time = start
        visual = visual_range_m
        if visual is None:
            visual = (session.analysis or {}).get("visual_range_m")
        return cls(
            time=float(time),
            pair=pair,
            selected_track=k(session.selected_track),
            follow_track=k(session.follow_track),
            trail_s=session.trail_s,
            units=session.units,
            view=tuple(session.map_view) if session.map_view else "all",
            hidden_classes=frozenset(session.hidden_classes),
            hidden_tracks=frozenset(i for i in map(k, session.hidden_tracks) if i is not None),
            colors={i: c for t, c in session.colors.items() if (i := k(t)) is not None},
            visual_range_m=visual,
            speed=session.speed,
            loop=tuple(session.loop) if session.loop else None,
        )

    def session_fields(self, ids: Sequence[str]) -> dict[str, Any]:
        """The :class:`~.session.Session` fields this state fills, tracks named by id.
        ``map_view`` is only filled from an explicit rectangle (the window passes the
        rectangle on screen)."""

        def tid(k: int | None) -> str | None:
            return ids[k] if k is not None and 0 <= k < len(ids) else None

        pair = None
        if self.pair is not None:
            a, b = tid(self.pair[0]), tid(self.pair[1])
            pair = (a, b) if a is not None and b is not None else None
        return {
            "time": self.time if math.isfinite(self.time) else None,
            "speed": self.speed,
            "loop": self.loop,
            "map_view": self.view if isinstance(self.view, tuple) else None,
            "selected_pair": pair,
            "selected_track": tid(self.selected_track),
            "follow_track": tid(self.follow_track),
            "trail_s": self.trail_s,
            "units": self.units,
            "hidden_classes": sorted(self.hidden_classes),
            "hidden_tracks": [ids[k] for k in sorted(self.hidden_tracks) if 0 <= k < len(ids)],
            "colors": {ids[k]: c for k, c in sorted(self.colors.items()) if 0 <= k < len(ids)},
        }
