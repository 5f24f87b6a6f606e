"""Recordings dropped on the window: which local files, and whether to add or replace."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

_ADD_MODIFIERS = (
    QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.ShiftModifier
)


def dropped_paths(mime: QtCore.QMimeData) -> list[str]:
    """The local files in a drag (URLs that are not local files are left out)."""
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


class FileDrop(QtCore.QObject):
    """Makes ``target`` accept dragged files: drags carrying none are refused, a drop emits
    ``filesDropped(paths, add)``, ``add`` being True when Ctrl or Shift was held."""

    filesDropped = QtCore.Signal(list, bool)

    def __init__(self, target: QtWidgets.QWidget) -> None:
        super().__init__(target)
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind == QtCore.QEvent.Type.DragEnter:
            if dropped_paths(event.mimeData()):
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QtCore.QEvent.Type.DragMove:
            if dropped_paths(event.mimeData()):
                event.acceptProposedAction()
            return True
        if kind == QtCore.QEvent.Type.Drop:
            self._drop(event)
            return True
        return False

    def _drop(self, event: QtGui.QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        add = bool(event.modifiers() & _ADD_MODIFIERS)
        event.acceptProposedAction()
        self.filesDropped.emit(paths, add)
