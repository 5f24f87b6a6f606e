"""A map canvas without a window, for exports from the command line.

Scripts run on servers with no display; Qt then needs its ``offscreen`` platform, and it
has to be chosen before the QApplication exists.
"""

from __future__ import annotations

import os
import sys

from PySide6 import QtCore, QtWidgets

from ..model import TrackSet
from .state import MapState


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


def scene_canvas(ts: TrackSet, analysis, state: MapState, size: tuple[int, int]):
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
    canvas.set_scene(ts, analysis)
    canvas.set_units(state.units)
    canvas.set_trail_seconds(state.trail_s)
    for cls in state.hidden_classes:
        canvas.set_class_visible(cls, False)
    for k in state.hidden_tracks:
        canvas.set_track_visible(k, False)
    for k, color in state.colors.items():
        canvas.set_track_color(k, color)
    visual = state.visual_range_m
    if visual is None and analysis is not None:
        visual = analysis.settings.visual_range_m
    if visual is not None:
        canvas.set_visual_range_m(visual)
    canvas.set_selected_pair(state.pair)
    canvas.set_selected_track(state.selected_track)
    apply_view(canvas, state)
    canvas.set_time(state.time)
    return canvas


def apply_view(canvas, state: MapState) -> None:
    """Frame ``state.view`` on ``canvas`` (a pair view without a pair frames everything)."""
    if isinstance(state.view, tuple):
        canvas.set_view_rect(*state.view)
    elif state.view == "pair" and state.pair is not None:
        canvas.zoom_to_pair(state.pair[0], state.pair[1], state.time)
    else:
        canvas.fit_to_tracks()


def dispose(canvas) -> None:
    """Close an offscreen canvas (and its export twin) now rather than at exit."""
    canvas.close()
    canvas.deleteLater()
