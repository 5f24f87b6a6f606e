"""The side panels (encounter table, Tote, separation plots, track list, data quality).

Layout on the right: encounters (Tote tabbed with them) above the plots, above the track
list (data quality tabbed with it), so plots and tracks can be watched at once. On a first start the docks are sized once the window has its size.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from .panels.encounter_table import EncounterTable
from .panels.events_panel import EventsPanel, NotesPanel
from .panels.plots import PlotsPanel
from .panels.tote_panel import TotePanel
from .panels.track_list import TrackList
from .panels.warnings_panel import WarningsPanel

_FEATURES = (
    QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable
    | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetFloatable
    | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetClosable
)


def _dock(
    window: QtWidgets.QMainWindow, title: str, name: str, widget: QtWidgets.QWidget
) -> QtWidgets.QDockWidget:
    d = QtWidgets.QDockWidget(title, window)
    d.setObjectName(name)  # restoreState finds docks by object name
    d.setWidget(widget)
    d.setFeatures(_FEATURES)
    return d


class PanelDocks:
    """The four panels (``encounters``, ``plots``, ``tracks``, ``warnings``) and their docks
    (``dock_encounters`` …), added to ``window``."""

    def __init__(self, window: QtWidgets.QMainWindow) -> None:
        self.encounters = EncounterTable(window)
        self.tracks = TrackList(window)
        self.plots = PlotsPanel(window)
        self.warnings = WarningsPanel(window)
        self.tote = TotePanel(window)
        self.events = EventsPanel(window)
        self.notes = NotesPanel(window)
        self.dock_encounters = _dock(window, "Encounters", "EncountersDock", self.encounters)
        self.dock_plots = _dock(window, "Separation", "PlotsDock", self.plots)
        self.dock_tracks = _dock(window, "Tracks", "TracksDock", self.tracks)
        self.dock_warnings = _dock(window, "Data quality", "WarningsDock", self.warnings)
        self.dock_tote = _dock(window, "Tote", "ToteDock", self.tote)
        self.dock_events = _dock(window, "Events", "EventsDock", self.events)
        self.dock_notes = _dock(window, "Notes", "NotesDock", self.notes)
        right = QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        window.addDockWidget(right, self.dock_encounters)
        window.addDockWidget(right, self.dock_plots)
        window.addDockWidget(right, self.dock_tracks)
        window.tabifyDockWidget(self.dock_encounters, self.dock_tote)
        window.tabifyDockWidget(self.dock_tracks, self.dock_warnings)
        window.tabifyDockWidget(self.dock_warnings, self.dock_events)
        window.tabifyDockWidget(self.dock_events, self.dock_notes)
        self.dock_plots.raise_()
        self.dock_encounters.raise_()
        self.dock_tracks.raise_()
        window.setCorner(QtCore.Qt.Corner.BottomRightCorner, right)
        window.setDockOptions(
            QtWidgets.QMainWindow.DockOption.AnimatedDocks
            | QtWidgets.QMainWindow.DockOption.AllowTabbedDocks
        )
        self.warnings.countChanged.connect(self._warnings_count)

    def bind(self, controller, on_notes) -> None:
        """Every panel follows the controller; rows that name a pair or a time drive it;
        edited notes go to ``on_notes`` (the window keeps them for sessions)."""
        for panel in (self.plots, self.encounters, self.warnings, self.tracks, self.tote):
            panel.bind(controller)
        self.tote.pairActivated.connect(lambda a, b: controller.select_pair((a, b)))
        self.events.seekRequested.connect(controller.seek)
        self.notes.seekRequested.connect(controller.seek)
        self.notes.notesChanged.connect(on_notes)

    def docks(self) -> tuple[QtWidgets.QDockWidget, ...]:
        """In View ▸ Panels order."""
        return (
            self.dock_encounters,
            self.dock_tote,
            self.dock_plots,
            self.dock_tracks,
            self.dock_events,
            self.dock_notes,
            self.dock_warnings,
        )

    def apply_default_sizes(self, window: QtWidgets.QMainWindow) -> None:
        """Panels about a third of the width; the table a little shorter than the plots."""
        width = max(window.width() * 0.37, 480)
        window.resizeDocks([self.dock_encounters], [int(width)], QtCore.Qt.Orientation.Horizontal)
        h = max(window.height() - 120, 400)
        window.resizeDocks(
            [self.dock_encounters, self.dock_plots, self.dock_tracks],
            [int(h * 0.38), int(h * 0.37), int(h * 0.25)],
            QtCore.Qt.Orientation.Vertical,
        )

    def _warnings_count(self, n: int) -> None:
        self.dock_warnings.setWindowTitle(f"Data quality ({n})" if n else "Data quality")
