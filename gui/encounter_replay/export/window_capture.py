"""The whole replay window as a picture, from the command line (``snapshot --window``).

A window is built offscreen with a throwaway settings file (a script must not change the
user's recent files or window layout), given the scene and state, laid out at the export
size and painted into an image. The state goes in through the window's controller, so
the map shows exactly what :func:`.offscreen.scene_canvas` would (hidden tracks, colour
overrides and the selected track included).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from ..model import TrackSet
from ..model.view_state import ViewState
from .errors import ExportError
from .image import check_size, render_window
from .offscreen import ensure_qapp


def window_snapshot(
    ts: TrackSet, analysis, state: ViewState, width: int, height: int
) -> QtGui.QImage:
    """The replay window showing ``state`` of ``ts``, as a ``width`` × ``height`` picture."""
    check_size(width, height)
    ensure_qapp()
    from ..view.app import dark_palette, stylesheet
    from ..view.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="encounter-replay-") as tmp:
        settings = QtCore.QSettings(
            str(Path(tmp) / "settings.ini"), QtCore.QSettings.Format.IniFormat
        )
        win = MainWindow(settings=settings)
        try:
            # the window's dark theme, on this window only (the app may be a test's)
            win.setPalette(dark_palette())
            win.setStyleSheet(stylesheet())
            win.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            win.resize(width, height)
            win.show()
            QtWidgets.QApplication.processEvents()
            files = list(dict.fromkeys(str(s) for s in ts.meta["source"] if str(s)))
            win.set_scene(ts, analysis, files)
            QtWidgets.QApplication.processEvents()  # the map takes its size before framing
            win.controller.restore(state)  # the same ViewState the map-only path applies
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
