"""The whole replay window as a picture, from the command line (``snapshot --window``).

A window is built offscreen with a throwaway settings file (a script must not change the
user's recent files or window layout), given the scene and state, laid out at the export
size and painted into an image.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from ..model import TrackSet
from .errors import ExportError
from .image import check_size, render_window
from .offscreen import ensure_qapp


def window_snapshot(
    ts: TrackSet,
    analysis,
    time: float,
    pair: tuple[int, int] | None,
    width: int,
    height: int,
    *,
    trail_s: float | None = 120.0,
) -> QtGui.QImage:
    """The replay window showing ``ts`` at ``time`` (``pair`` selected), ``width`` × ``height``."""
    check_size(width, height)
    ensure_qapp()
    from ..view.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="encounter-replay-") as tmp:
        settings = QtCore.QSettings(
            str(Path(tmp) / "settings.ini"), QtCore.QSettings.Format.IniFormat
        )
        win = MainWindow(settings=settings)
        try:
            win.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            files = list(dict.fromkeys(str(s) for s in ts.meta["source"] if str(s)))
            win.set_scene(ts, analysis, files)
            win.set_trail(trail_s)
            if pair is not None:
                win.select_pair(*pair)
            win.controller.seek(time)
            win.resize(width, height)
            win.show()
            QtWidgets.QApplication.processEvents()
            if (win.width(), win.height()) != (width, height):
                raise ExportError(
                    f"the window cannot be laid out at {width}×{height} "
                    f"(smallest is about {win.minimumSizeHint().width()}×"
                    f"{win.minimumSizeHint().height()})"
                )
            return render_window(win, 1.0)
        finally:
            win.close()
            win.deleteLater()
            settings.sync()
