"""The window's central area: the welcome page or the map, the transport bar, the timeline."""

from __future__ import annotations

from PySide6 import QtWidgets

from .map_canvas import MapCanvas
from .timeline import Timeline
from .transport import TransportBar
from .welcome import WelcomePage


class CentralArea(QtWidgets.QWidget):
    """Lays out the map (behind a welcome page until a scene is in), the transport bar and
    the timeline; each binds itself to the controller (see MainWindow)."""

    def __init__(self, window: QtWidgets.QMainWindow, has_sample: bool) -> None:
        super().__init__(window)
        self.setObjectName("Central")
        self.canvas = MapCanvas(self)
        self.canvas.setObjectName("MapCanvas")
        self.welcome = WelcomePage(self, has_sample=has_sample)
        self.stack = QtWidgets.QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.canvas)
        self.timeline = Timeline(self)
        self.transport = TransportBar(self)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.transport)
        lay.addWidget(self.timeline)
        window.setCentralWidget(self)
