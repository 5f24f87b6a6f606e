"""The status bar: messages on the left; load progress, the selected pair's CPA and a
summary of the scene on the right."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from .elided_label import ElidedLabel


class StatusReadouts(QtCore.QObject):
    """The permanent widgets of a window's status ``bar``: ``progress`` and
    ``cancel_button`` show only while a load runs; ``pair_label`` shows the selected pair
    (shortened rather than widen the window); ``scene_label`` the scene."""

    def __init__(self, bar: QtWidgets.QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self.pair_label = ElidedLabel("", bar)
        self.pair_label.setObjectName("PairReadout")
        self.pair_label.setMinimumWidth(120)
        self.scene_label = QtWidgets.QLabel("No recording open")
        self.progress = QtWidgets.QProgressBar(bar)
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QtWidgets.QPushButton("Cancel", bar)
        self.cancel_button.setObjectName("CancelButton")
        for w in (self.progress, self.cancel_button):
            w.setVisible(False)
            self.bar.addPermanentWidget(w)
        self.bar.addPermanentWidget(self.pair_label)
        self.bar.addPermanentWidget(self.scene_label)

    def show_job_started(self, what: str) -> None:
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.bar.showMessage(what)

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(1000 * min(max(fraction, 0.0), 1.0)))
        self.bar.showMessage(text)

    def show_job_finished(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    def show_pair(self, text: str) -> None:
        if text != self.pair_label.text():  # (a repaint per frame otherwise)
            self.pair_label.setText(text)
