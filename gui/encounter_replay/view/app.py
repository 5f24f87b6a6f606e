"""Starting the window: QApplication, theme, main window, the files from the command line.

``ENCOUNTER_REPLAY_EXIT_AFTER_SHOWN=1`` makes the app print how long it took from process
start until the window was painted with the tracks of its files, and until their analysis
was in the table, then quit: that is the startup benchmark
(tests/benchmarks/bench_startup.py) and a smoke test of a build.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from .. import palette
from ..io import ReadOptions

_IMPORTED_AT = time.perf_counter()
EXIT_AFTER_SHOWN = "ENCOUNTER_REPLAY_EXIT_AFTER_SHOWN"
WATCHDOG_MS = 120_000


def process_age() -> float:
    """Seconds since this process started (Linux /proc; else since this module loaded)."""
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat: starttime, in clock ticks after boot
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED_AT


def stylesheet() -> str:
    """The dark theme; empty (Qt's own look) if the installation lacks the file."""
    try:
        from ..resources import asset_path

        path = asset_path("style.qss")
    except (ImportError, FileNotFoundError):
        path = Path(__file__).resolve().parents[3] / "assets" / "style.qss"
        if not path.is_file():
            return ""
    return path.read_text(encoding="utf-8")


def dark_palette() -> QtGui.QPalette:
    """Palette under the stylesheet, so native-drawn parts (icons, dialogs) match it."""
    p = QtGui.QPalette()
    role, c = QtGui.QPalette.ColorRole, QtGui.QColor
    for r, col in (
        (role.Window, palette.WINDOW),
        (role.WindowText, palette.WINDOW_TEXT),
        (role.Base, palette.BASE),
        (role.AlternateBase, palette.ALTERNATE_BASE),
        (role.Text, palette.WINDOW_TEXT),
        (role.Button, palette.BUTTON),
        (role.ButtonText, palette.WINDOW_TEXT),
        (role.Highlight, palette.HIGHLIGHT),
        (role.HighlightedText, palette.HIGHLIGHTED_TEXT),
        (role.ToolTipBase, palette.TOOLTIP_BASE),
        (role.ToolTipText, palette.TOOLTIP_TEXT),
        (role.PlaceholderText, palette.PLACEHOLDER),
        (role.Link, palette.LINK),
    ):
        p.setColor(r, c(col))
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(QtGui.QPalette.ColorGroup.Disabled, r, c(palette.DISABLED_TEXT))
    return p


def setup_application(argv: list[str] | None = None) -> QtWidgets.QApplication:
    """The QApplication with names (for QSettings), style and theme; reused if one exists."""
    app = QtWidgets.QApplication.instance()
    if app is None:
        app = QtWidgets.QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("EncounterReplay")
    app.setApplicationName("EncounterReplay")
    app.setApplicationDisplayName("Encounter Replay")
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setStyleSheet(stylesheet())
    try:
        from ..resources import asset_path

        app.setWindowIcon(QtGui.QIcon(str(asset_path("icons", "encounter-replay.png"))))
    except (ImportError, FileNotFoundError):
        pass
    return app


def run_app(
    files: list[str],
    options: ReadOptions | None,
    session: str | None,
    make_window: Callable[[ReadOptions], QtWidgets.QMainWindow],
    tiles: str | None = None,
) -> int:
    """Show the window ``make_window`` builds (:func:`encounter_replay.desktop.build_window`)
    with ``files`` (or a saved ``session``); returns the exit code."""
    app = setup_application()
    window = make_window(options or ReadOptions())
    window.show()
    if tiles:  # an underlay from the command line, as View ▸ Basemap ▸ Tile underlay does
        window.basemap_menu.load_tiles(tiles)
    if os.environ.get(EXIT_AFTER_SHOWN):
        _exit_when_shown(app, window, expect_scene=bool(files or session))
    if session:
        window.open_session(session)
    elif files:
        window.open_files(files)
    return app.exec()


def _exit_when_shown(app: QtWidgets.QApplication, window, expect_scene: bool) -> None:
    """Benchmark/smoke mode: print when the tracks are painted and when the analysis is in,
    then quit (exit code 1 if loading failed)."""
    shown_at: list[float] = []
    done: list[bool] = []
    app.setQuitOnLastWindowClosed(False)  # the exit code is ours, not the window's
    # a smoke run must end: an exception in a slot (printed, not raised) or a load that
    # never finishes fails it instead of hanging the caller
    watchdog = QtCore.QTimer(window)
    watchdog.setSingleShot(True)

    def painted() -> None:
        window.repaint()  # synchronous: the tracks are on screen when it returns
        shown_at.append(process_age())

    def report(ok: bool) -> None:
        if done:
            return
        done.append(True)
        watchdog.stop()
        if not shown_at:
            painted()
        ready = process_age()
        pairs = len(window.analysis.pairs) if window.analysis is not None else 0
        tracks = len(window.ts) if window.ts is not None else 0
        print(
            f"shown {shown_at[0]:.3f} s after process start, analysis ready {ready:.3f} s "
            f"({tracks} tracks, {pairs} pairs){'' if ok else ' — load FAILED'}",
            flush=True,
        )
        window.close()
        app.exit(0 if ok else 1)

    watchdog.timeout.connect(lambda: report(False))
    watchdog.start(WATCHDOG_MS)
    previous_hook = sys.excepthook

    def excepthook(*exc_info) -> None:
        previous_hook(*exc_info)
        QtCore.QTimer.singleShot(0, window, lambda: report(False))

    sys.excepthook = excepthook
    if expect_scene:
        window.sceneShown.connect(painted)
        window.sceneLoaded.connect(
            lambda: QtCore.QTimer.singleShot(0, window, lambda: report(True))
        )
        window.loadFailed.connect(
            lambda _m: QtCore.QTimer.singleShot(0, window, lambda: report(False))
        )
        # an error dialog would block a smoke run: report instead of showing it
        QtWidgets.QMessageBox.critical = staticmethod(lambda *a, **k: None)  # type: ignore[method-assign]
    else:
        QtCore.QTimer.singleShot(0, window, lambda: report(True))
