"""Window state ↔ :class:`~encounter_replay.model.session.Session`.

A session names tracks by id, the window by index (ids survive re-reading the files;
indices need not), so both directions translate here. What a session holds is defined
in :mod:`encounter_replay.model.session`; this module only knows where each piece lives
in the window.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ..model.session import Session
from .window_menus import CLASS_NAMES

if TYPE_CHECKING:
    from .main_window import MainWindow


def analysis_to_session(settings: Any) -> dict[str, Any]:
    """The thresholds a session stores; {} for None (the defaults, nothing to store)."""
    if settings is None:
        return {}
    return {
        "visual_range_m": settings.visual_range_m,
        "hsep_m": settings.hsep_m,
        "vsep_m": settings.vsep_m,
        "within_m": settings.within_m,
        "gap_s": settings.gap_s,
        "earth_k": settings.earth_k,
        "include": sorted(settings.include),
        "visual_range_by_type": dict(settings.visual_range_by_type),
    }


def analysis_from_session(base: Any, values: dict[str, Any]) -> Any:
    """``base`` AnalysisSettings with a session's stored thresholds on top."""
    values = dict(values)
    if "include" in values:
        values["include"] = frozenset(values["include"])
    return dataclasses.replace(base, **values)


def window_session(w: MainWindow, analysis_settings: Any) -> Session:
    """What File ▸ Save session writes (and what the export layer reads the view from).
    ``analysis_settings``: the thresholds chosen, None while the defaults are in force."""
    s = w.state
    ids = w.ts.ids if w.ts is not None else []

    def tid(k: int | None) -> str | None:
        return ids[k] if k is not None and 0 <= k < len(ids) else None

    map_view = tuple(float(v) for v in w.canvas.view_rect()) if w.ts else None
    return Session(
        files=list(w.files),
        altitude_unit=w.options.altitude_unit,
        speed_unit=w.options.speed_unit,
        time=s.time if w.ts is not None else None,
        speed=s.speed,
        loop=s.loop,
        timeline_range=w.timeline.view if w.timeline.is_zoomed() else None,
        map_view=map_view,
        selected_pair=(tid(s.selected_pair[0]), tid(s.selected_pair[1]))
        if s.selected_pair
        else None,
        selected_track=tid(s.selected_track),
        follow_track=tid(s.follow_track),
        trail_s=s.trail_s,
        units=s.units,
        hidden_classes=sorted(s.hidden_classes),
        hidden_tracks=[ids[k] for k in sorted(s.hidden_tracks) if k < len(ids)],
        colors={ids[k]: c for k, c in s.colors.items() if k < len(ids)},
        analysis=analysis_to_session(analysis_settings),
        annotations=list(w.annotations),
    )


def apply_session(w: MainWindow, session: Session) -> None:
    """A session's state onto the freshly loaded scene (ids → indices; unknown ids are
    skipped: a file may have changed since the session was saved)."""
    c = w.controller
    index = {tid: k for k, tid in enumerate(w.ts.ids)} if w.ts is not None else {}
    w.set_annotations(session.annotations)
    w.set_units(session.units)
    w.set_trail(session.trail_s)
    c.set_speed(session.speed)
    for cls in CLASS_NAMES:
        w.set_class_visible(cls, cls not in session.hidden_classes)
    for tid in session.hidden_tracks:
        if tid in index:
            w.tracks.set_track_visible(index[tid], False)
    for tid, color in session.colors.items():
        if tid in index:
            w.tracks.set_color(index[tid], color)
    pair = session.selected_pair
    if pair and pair[0] in index and pair[1] in index:
        c.select_pair((index[pair[0]], index[pair[1]]))
    track = session.selected_track
    c.select_track(index.get(track) if track else None)
    follow = session.follow_track
    c.set_follow(index.get(follow) if follow else None)
    c.set_loop(*(session.loop or (None, None)))
    if session.timeline_range:
        w.timeline.set_view(*session.timeline_range)
    if session.map_view:
        w.canvas.set_view_rect(*session.map_view)
    if session.time is not None:
        c.seek(session.time)
