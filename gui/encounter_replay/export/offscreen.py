"""A map canvas without a window, for exports from the command line.

Scripts run on servers with no display; Qt then needs its ``offscreen`` platform, and it
has to be chosen before the QApplication exists.
"""

from __future__ import annotations

import os
import sys

from PySide6 import QtCore, QtWidgets

from ..model import TrackSet


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


def scene_canvas(
    ts: TrackSet,
    analysis,
    *,
    time: float,
    size: tuple[int, int],
    pair: tuple[int, int] | None = None,
    trail_s: float | None = 120.0,
    units: str = "nm",
    zoom_pair: bool = False,
):
    """A MapCanvas showing ``ts`` at ``time``, set up the way the window would be.

    The canvas is laid out (offscreen) at ``size``, the size of the map in the export,
    before the view is fitted, so the tracks fill the picture whatever its aspect. With
    ``zoom_pair`` the view frames the selected pair at ``time`` instead of all tracks
    (large scenes make a pair invisible at full extent).
    """
    ensure_qapp()
    from ..view.map_canvas import MapCanvas

    canvas = MapCanvas()
    canvas.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    canvas.resize(*size)
    canvas.show()
    canvas.layout().activate()
    QtCore.QCoreApplication.sendPostedEvents()
    canvas.set_scene(ts, analysis)
    canvas.set_units(units)
    canvas.set_trail_seconds(trail_s)
    canvas.set_selected_pair(pair)
    if analysis is not None:
        canvas.set_visual_range_m(analysis.settings.visual_range_m)
    canvas.fit_to_tracks()
    canvas.set_time(time)
    if zoom_pair and pair is not None:
        canvas.zoom_to_pair(pair[0], pair[1], time)
    return canvas


def dispose(canvas) -> None:
    """Close an offscreen canvas (and its export twin) now rather than at exit."""
    canvas.close()
    canvas.deleteLater()
