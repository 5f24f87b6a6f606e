"""Window ↔ :class:`~encounter_replay.model.session.Session`.

The display part of a session converts to and from a ViewState in one place
(:meth:`ViewState.from_session` / :meth:`ViewState.session_fields`); this module adds
what only the window has (files, read options, the timeline's zoom, the map area on
screen, notes, analysis thresholds) and the File ▸ session commands.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6 import QtWidgets

from ..analysis import AnalysisSettings
from ..io import ReadOptions
from ..model.session import Session, SessionError, load_session, save_session
from ..model.view_state import ViewState
from . import dialogs

if TYPE_CHECKING:
    from .main_window import MainWindow


def analysis_to_session(settings: AnalysisSettings | None) -> dict[str, Any]:
    """The thresholds a session stores; {} for None (the defaults, nothing to store)."""
    return {} if settings is None else settings.to_dict()


def analysis_from_session(base: AnalysisSettings, values: dict[str, Any]) -> AnalysisSettings:
    """``base`` with a session's stored thresholds on top."""
    values = dict(values)
    if "include" in values:
        values["include"] = frozenset(values["include"])
    return dataclasses.replace(base, **values)


def window_session(w: MainWindow, analysis_settings: AnalysisSettings | None) -> Session:
    """What File ▸ Save session writes. ``analysis_settings``: the thresholds chosen,
    None while the defaults are in force."""
    ids = list(w.ts.ids) if w.ts is not None else []
    fields = w.state.session_fields(ids)
    if w.ts is None:
        fields["time"] = None
    else:
        fields["map_view"] = tuple(float(v) for v in w.canvas.view_rect())
    return Session(
        files=list(w.files),
        altitude_unit=w.options.altitude_unit,
        speed_unit=w.options.speed_unit,
        timeline_range=w.timeline.view if w.timeline.is_zoomed() else None,
        analysis=analysis_to_session(analysis_settings),
        annotations=list(w.annotations),
        **fields,
    )


def apply_session(w: MainWindow, session: Session) -> None:
    """A session's state onto the freshly loaded scene, through the controller (unknown
    track ids are skipped: a file may have changed since the session was saved)."""
    ids = list(w.ts.ids) if w.ts is not None else []
    start = w.controller.clock.start
    state = ViewState.from_session(session, ids, start)
    # the window's visual range is its analysis's; no map area saved: keep the framing
    state = state.replace(visual_range_m=None, view=state.view if session.map_view else None)
    if session.time is None:
        state = state.replace(time=w.controller.time)
    w.set_annotations(session.annotations)
    w.controller.restore(state)
    if session.timeline_range:
        w.timeline.set_view(*session.timeline_range)


def save(w: MainWindow, path: str) -> None:
    save_session(path, w.current_session())
    w.statusBar().showMessage(f"Session saved to {path}", 5000)


def save_dialog(w: MainWindow) -> None:
    path = dialogs.ask_session_to_save(w, w.recent.last_dir())
    if path:
        try:
            save(w, path)
        except OSError as exc:
            QtWidgets.QMessageBox.critical(w, "Cannot save session", f"{path}: {exc}")


def open_dialog(w: MainWindow) -> None:
    path = dialogs.ask_session_to_open(w, w.recent.last_dir())
    if path:
        w.open_session(path)


def open_session(w: MainWindow, path: str) -> bool:
    """Load a session: its files are read in the background, then its state applied."""
    try:
        session = load_session(path)
    except SessionError as exc:
        w.loadFailed.emit(str(exc))
        QtWidgets.QMessageBox.critical(w, "Cannot open session", str(exc))
        return False
    w.options = ReadOptions(session.altitude_unit, session.speed_unit)
    if session.analysis:
        w.analysis_settings = analysis_from_session(w.analysis_settings, session.analysis)
    if session.files:
        w._pending_session = session
        w.open_files(session.files)
    else:
        w._pending_session = None
        apply_session(w, session)
    return True
