"""The page shown before any recording is open: what to do next, in two buttons."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets


def sample_recording() -> Path | None:
    """The bundled sample encounter, or None when this build ships without it."""
    try:
        from ..resources import sample_path

        return sample_path()
    except Exception:
        return None


class WelcomePage(QtWidgets.QWidget):
    """Title, a line on what the program reads, "Open recordings…" and, when the sample is
    bundled, "Open the sample encounter". The window decides what the buttons do."""

    openRequested = QtCore.Signal()
    sampleRequested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None, has_sample: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("Welcome")
        title = QtWidgets.QLabel("Encounter Replay", objectName="WelcomeTitle")
        text = QtWidgets.QLabel(
            "Open one or more recordings (Tacview ACMI, CSV / ADS-B), or drop them here.\n"
            "Several files are merged into one scene.",
            objectName="WelcomeText",
        )
        text.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        open_btn = QtWidgets.QPushButton("Open recordings…", objectName="WelcomeButton")
        open_btn.clicked.connect(self.openRequested)
        self.sample_button = QtWidgets.QPushButton("Open the sample encounter", self)
        self.sample_button.setObjectName("WelcomeButton")
        self.sample_button.clicked.connect(self.sampleRequested)
        self.sample_button.setVisible(has_sample)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addStretch(2)
        for item in (title, text):
            lay.addWidget(item, 0, QtCore.Qt.AlignmentFlag.AlignHCenter)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        row.addWidget(open_btn)
        row.addWidget(self.sample_button)
        row.addStretch(1)
        lay.addSpacing(12)
        lay.addLayout(row)
        lay.addStretch(3)
