"""The status bar: messages on the left; load progress, the selected pair's CPA and a
summary of the scene on the right."""

from __future__ import annotations

from PySide6 import QtWidgets

from .elided_label import ElidedLabel


class WindowStatusBar(QtWidgets.QStatusBar):
    """``progress`` and ``cancel_button`` show only while a load runs; ``pair_label`` shows
    the selected pair (shortened rather than widen the window); ``scene_label`` the scene."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair_label = ElidedLabel("", self)
        self.pair_label.setObjectName("PairReadout")
        self.pair_label.setMinimumWidth(120)
        self.scene_label = QtWidgets.QLabel("No recording open")
        self.progress = QtWidgets.QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QtWidgets.QPushButton("Cancel", self)
        self.cancel_button.setObjectName("CancelButton")
        for w in (self.progress, self.cancel_button):
            w.setVisible(False)
            self.addPermanentWidget(w)
        self.addPermanentWidget(self.pair_label)
        self.addPermanentWidget(self.scene_label)

    def show_job_started(self, what: str) -> None:
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.showMessage(what)

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(1000 * min(max(fraction, 0.0), 1.0)))
        self.showMessage(text)

    def show_job_finished(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    def show_pair(self, text: str) -> None:
        if text != self.pair_label.text():  # (a repaint per frame otherwise)
            self.pair_label.setText(text)
