"""Notes pinned to moments of a replay (Playback ▸ Add note), kept in sessions."""

from __future__ import annotations

from PySide6 import QtWidgets

from ..model import TrackSet
from ..model.session import Annotation
from ..model.view_state import ViewState
from . import dialogs


def make_note(
    ts: TrackSet | None, state: ViewState, text: str, t: float | None = None
) -> Annotation | None:
    """A note at ``t`` (now by default) on the selected track, if any; None for no text
    or no scene."""
    text = text.strip()
    if not text or ts is None:
        return None
    k = state.selected_track
    return Annotation(
        time=state.time if t is None else float(t),
        text=text,
        track=ts.ids[k] if k is not None else None,
    )


def ask_note(window) -> QtWidgets.QInputDialog:
    """Ask for a note's text (window-modal, not blocking) and pin it to the current time."""
    t = window.state.time
    return dialogs.ask_note(window, t, lambda text: window.add_annotation(text, t))
