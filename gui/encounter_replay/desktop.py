"""The composition root of the desktop program: builds the window and plugs exports in.

The layers only point down (``docs/architecture.md``): the view knows nothing of the
export layer, which adds File ▸ Export to a window it is handed. This module is the one
place that knows both and wires them together, so the arrow is visible to readers and
to ``lint-imports`` instead of hiding in an ``importlib`` call.
"""

from __future__ import annotations

from PySide6 import QtCore

from .export.window_actions import install as install_export_actions
from .io import ReadOptions
from .view import app, encounter_list
from .view.main_window import MainWindow


def build_window(
    options: ReadOptions | None = None, settings: QtCore.QSettings | None = None
) -> MainWindow:
    """The replay window with its export actions and encounter list installed."""
    window = MainWindow(options, settings=settings)
    install_export_actions(window)
    encounter_list.install(window)
    return window


def run_app(
    files: list[str],
    options: ReadOptions | None = None,
    session: str | None = None,
    tiles: str | None = None,
) -> int:
    """Show the replay window with ``files`` (or a saved ``session``) over an optional tile
    underlay; returns the exit code."""
    return app.run_app(files, options, session, make_window=build_window, tiles=tiles)
