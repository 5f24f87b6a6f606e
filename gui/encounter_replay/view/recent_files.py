"""File ▸ Recent files: the last files opened, kept in the window's QSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

MAX_RECENT = 10
_KEY = "recentFiles"


class RecentFiles(QtCore.QObject):
    """The last :data:`MAX_RECENT` files opened, newest first, and the menu listing them.

    ``menu`` is rebuilt whenever the list changes; choosing an entry emits
    ``openRequested`` with its path.
    """

    openRequested = QtCore.Signal(str)

    def __init__(self, settings: QtCore.QSettings, menu: QtWidgets.QMenu) -> None:
        super().__init__(menu)
        self.settings = settings
        self.menu = menu
        self._rebuild_menu()

    def paths(self) -> list[str]:
        value = self.settings.value(_KEY, [])
        if isinstance(value, str):  # QSettings gives a one-item list back as a string
            value = [value]
        return [str(v) for v in (value or [])]

    def last_dir(self) -> str:
        """Where file dialogs start: next to the last file opened, else the home folder."""
        recent = self.paths()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def remember(self, path: str) -> None:
        path = str(Path(path).absolute())
        recent = [p for p in self.paths() if p != path]
        self.settings.setValue(_KEY, [path, *recent][:MAX_RECENT])
        self._rebuild_menu()

    def clear(self) -> None:
        self.settings.setValue(_KEY, [])
        self._rebuild_menu()

    def _rebuild_menu(self) -> None:
        self.menu.clear()
        recent = self.paths()
        for p in recent:
            a = self.menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.setStatusTip(p)
            a.triggered.connect(lambda _=False, p=p: self.openRequested.emit(p))
        if not recent:
            self.menu.addAction("(none)").setEnabled(False)
        else:
            self.menu.addSeparator()
            self.menu.addAction("Clear list", self.clear)
