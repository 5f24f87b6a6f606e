"""A map canvas without a window, for exports from the command line.

Scripts run on servers with no display; Qt then needs its ``offscreen`` platform, and it
has to be chosen before the QApplication exists.
"""

from __future__ import annotations

import os
import sys

from PySide6 import QtCore, QtWidgets

from ..model import TrackSet
from ..model.view_state import ViewState


def headless() -> bool:
    """True on a Linux machine with no X11 or Wayland display to talk to."""
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


#: Qt messages that say nothing to a user of the command line (the offscreen platform
#: cannot pass window size hints on, which is irrelevant to pictures).
_NOISE = ("propagateSizeHints",)


def _qt_message(mode: QtCore.QtMsgType, context: QtCore.QMessageLogContext, message: str) -> None:
    if not any(n in message for n in _NOISE):
        sys.stderr.write(message + "\n")


def ensure_qapp() -> QtWidgets.QApplication:
    """The running QApplication, or a new one (offscreen when there is no display).

    A new one is the command line's: Qt's chatter about the offscreen platform is kept
    out of its stderr, which scripts read for errors.
    """
    app = QtWidgets.QApplication.instance()
    if app is None:
        if headless():
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QtCore.qInstallMessageHandler(_qt_message)
        app = QtWidgets.QApplication(["encounter-replay"])
    return app  # type: ignore[return-value]


def scene_canvas(ts: TrackSet, analysis, state: ViewState, size: tuple[int, int]):
    """A fresh MapCanvas drawing ``state`` of ``ts``, laid out offscreen at ``size``.

    ``size`` is the size of the map in the export: the canvas takes it before the view is
    set, so a fitted view fills the picture whatever its proportions.
    """
    ensure_qapp()
    from ..view.map_canvas import MapCanvas

    canvas = MapCanvas()
    canvas.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    canvas.resize(*size)
    canvas.show()
    canvas.layout().activate()
    QtCore.QCoreApplication.sendPostedEvents()
    canvas.set_scene(ts, analysis, state)
    return canvas


def dispose(canvas) -> None:
    """Close an offscreen canvas (and its export twin) now rather than at exit."""
    canvas.close()
    canvas.deleteLater()
