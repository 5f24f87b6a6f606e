"""What Export ▸ Briefing asks before it writes: the marking every page carries, the paper
(A4, or US Letter where the locale uses it) and the look (paper or the window's dark map),
the choices ``report`` takes as ``--marking``, ``--paper`` and ``--theme``."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtCore, QtWidgets

from ..model.view_state import THEMES
from .briefing_content import PAPERS

#: Territories whose printers hold US Letter (Qt's own default page size per locale).
_LETTER = {
    QtCore.QLocale.Country.UnitedStates,
    QtCore.QLocale.Country.Canada,
    QtCore.QLocale.Country.Mexico,
    QtCore.QLocale.Country.Philippines,
    QtCore.QLocale.Country.Chile,
    QtCore.QLocale.Country.Colombia,
}


@dataclass(frozen=True)
class BriefingOptions:
    marking: str = ""
    paper: str = "a4"
    theme: str = "print"


def default_paper(locale: QtCore.QLocale | None = None) -> str:
    """``letter`` where the locale's printers hold it, else ``a4``."""
    locale = locale or QtCore.QLocale()
    return "letter" if locale.territory() in _LETTER else "a4"


class BriefingOptionsDialog(QtWidgets.QDialog):
    def __init__(self, parent: QtWidgets.QWidget | None = None, paper: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export briefing")
        self.marking = QtWidgets.QLineEdit(self)
        self.marking.setPlaceholderText("e.g. UNCLASSIFIED — on every page, top and bottom")
        self.paper = QtWidgets.QComboBox(self)
        for key, text in (("a4", "A4"), ("letter", "US Letter")):
            self.paper.addItem(text, key)
        self.paper.setCurrentIndex(PAPERS.index(paper or default_paper()))
        self.theme = QtWidgets.QComboBox(self)
        looks = {"print": "Paper (white, dark ink)", "screen": "As on screen (dark)"}
        for key in sorted(THEMES, key=lambda k: k != "print"):
            self.theme.addItem(looks[key], key)
        form = QtWidgets.QFormLayout()
        form.addRow("Marking", self.marking)
        form.addRow("Paper", self.paper)
        form.addRow("Maps", self.theme)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel,
            parent=self,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def options(self) -> BriefingOptions:
        return BriefingOptions(
            self.marking.text().strip(), self.paper.currentData(), self.theme.currentData()
        )


def ask_briefing_options(parent: QtWidgets.QWidget) -> BriefingOptions | None:
    """The options, or None when the analyst cancels."""
    dlg = BriefingOptionsDialog(parent)
    return dlg.options() if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None
