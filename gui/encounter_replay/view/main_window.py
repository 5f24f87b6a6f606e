"""The replay window: map in the middle, clock and timeline under it, panels around.

The window keeps the layout, the files and the dialogs. What is shown lives in one place,
the :class:`.replay_controller.ReplayController` (a frozen ViewState and the clock); the
map, timeline, transport, plots, tables, track list and menus take the controller and
connect themselves (``bind``), so the window relays nothing per frame or per change.
Loading and analysis run in a worker (:mod:`.load_jobs`); the scene is swapped in one
step when they finish, so a failed load leaves the previous scene untouched. Export
actions are installed from outside by the composition root (:mod:`encounter_replay.desktop`).
The layers and the flow of a time value are drawn in ``docs/architecture.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..analysis import AnalysisResult, AnalysisSettings
from ..io import ReadOptions
from ..model import TrackSet
from ..model.derived_events import merged_events
from ..model.framing import first_aircraft_time
from ..model.session import Annotation, Session
from ..model.units import fmt_speed_factor
from ..model.view_state import ViewState
from . import dialogs, notes, scene_text, session_bridge
from .actions import create_actions
from .basemap_menu import BasemapMenu
from .central import CentralArea
from .file_drop import FileDrop
from .pair_navigation import PairNavigation
from .panel_docks import PanelDocks
from .replay_controller import ReplayController
from .scene_loading import SceneLoading
from .settings_dialog import open_settings_dialog
from .status_bar import StatusReadouts
from .user_settings import (
    SETTINGS_ENV,
    default_qsettings,
    restore_layout,
    save_layout,
    saved_units,
)
from .welcome import sample_recording
from .window_menus import CLASS_NAMES, TRAIL_CHOICES, WindowMenus, build_toolbar

__all__ = ["CLASS_NAMES", "SETTINGS_ENV", "TRAIL_CHOICES", "MainWindow", "default_qsettings"]


class MainWindow(QtWidgets.QMainWindow):
    """See the module docstring. Public attributes are what tests and the export layer use."""

    sceneShown = QtCore.Signal()  # tracks on screen (analysis may still be running)
    sceneLoaded = QtCore.Signal()  # scene and its analysis in place
    loadFailed = QtCore.Signal(str)
    analysisChanged = QtCore.Signal()

    def __init__(
        self,
        options: ReadOptions | None = None,
        settings: QtCore.QSettings | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowTitle("Encounter Replay")
        self.options = options or ReadOptions()
        self.qsettings = settings or default_qsettings()
        self.ts: TrackSet | None = None
        self.analysis: AnalysisResult | None = None
        self.files: list[str] = []
        self._analysis_settings: AnalysisSettings | None = None  # None: the defaults
        self._pending_session: Session | None = None  # applied once its files are in
        #: Notes pinned to moments (Playback ▸ Add note); saved in sessions.
        self.annotations: list[Annotation] = []

        self.controller = ReplayController(self)
        self._build_central()
        self.panels = PanelDocks(self)
        self.encounters, self.tracks = self.panels.encounters, self.panels.tracks
        self.plots, self.warnings = self.panels.plots, self.panels.warnings
        self.dock_encounters, self.dock_plots = self.panels.dock_encounters, self.panels.dock_plots
        self.dock_tracks, self.dock_warnings = self.panels.dock_tracks, self.panels.dock_warnings
        self.tote, self.dock_tote = self.panels.tote, self.panels.dock_tote
        self.events_panel, self.notes_panel = self.panels.events, self.panels.notes
        self.events = None  # recorded + derived events of the scene (merged_events)
        self.nav = PairNavigation(self, self.controller, self.canvas, self.timeline, self._pair_row)
        self.nav.bind(self.encounters, self.tracks, self.transport)
        self.select_pair = self.nav.select_pair
        self.zoom_to_selected_pair = self.nav.zoom_to_selected_pair
        self.commands = create_actions(self)
        self.act_follow, self.act_rerun = self.commands.follow, self.commands.rerun  # old names
        c = self.controller
        self.menus = WindowMenus(
            self,
            self.commands,
            self.panels.docks(),
            self.qsettings,
            c.state.trail_s,
            on_trail=c.set_trail,
            on_class_visible=c.set_class_visible,
        )
        self.recent = self.menus.recent
        self.basemap_menu = BasemapMenu(self, self.canvas, self.menus.view_menu)
        self.class_actions = self.menus.class_actions
        self.export_menu = self.menus.export_menu
        self.toolbar = build_toolbar(self, self.commands)
        self.readouts = StatusReadouts(self.statusBar())
        self.pair_label = self.readouts.pair_label
        self.scene_label = self.readouts.scene_label
        self.cancel_button = self.readouts.cancel_button
        self.loading = SceneLoading(self)
        self.jobs = self.loading.jobs
        self.open_files, self.rerun_analysis = self.loading.open_files, self.loading.rerun_analysis
        self.cancel_load, self.busy = self.loading.cancel_load, self.loading.busy
        self.cancel_button.clicked.connect(self.cancel_load)
        for widget in (self.canvas, self.timeline, self.transport):
            widget.bind(c)
        self.panels.bind(c, on_notes=self.set_annotations)
        self.menus.bind(c)
        self._connect()
        self.resize(1500, 920)
        self._need_dock_sizes = not restore_layout(self, self.qsettings)
        self._update_enabled()

    # ================================================================== construction
    def _build_central(self) -> None:
        self.central = CentralArea(self, has_sample=sample_recording() is not None)
        c = self.central
        self.canvas, self.welcome, self.stack = c.canvas, c.welcome, c.stack
        self.timeline, self.transport, self.clock = c.timeline, c.transport, c.transport.clock

    def _connect(self) -> None:
        """What only the window knows: commands behind buttons, files, the status bar."""
        a = self.commands
        self.controller.stateChanged.connect(self._on_state)
        self.transport.bind_commands(a)
        self.welcome.openRequested.connect(self.open_dialog)
        self.welcome.sampleRequested.connect(self.open_sample)
        self.timeline.bandModeChanged.connect(a.all_bands.setChecked)
        self.recent.openRequested.connect(lambda path: self.open_files([path]))
        self.file_drop = FileDrop(self)
        self.file_drop.filesDropped.connect(
            lambda paths, add: self.open_files(paths, add=add and self.ts is not None)
        )

    def add_export_actions(self, actions: Iterable[QtGui.QAction], toolbar: bool = True) -> None:
        """Put ``actions`` in File ▸ Export (replacing the disabled placeholders) and, with
        ``toolbar``, on the main toolbar after the settings button."""
        actions = list(actions)
        self.menus.add_export_actions(actions)
        if toolbar:
            self.toolbar.addActions(actions)

    @property
    def state(self) -> ViewState:
        """What the window shows now (the controller's frozen state)."""
        return self.controller.state

    # ================================================================== loading
    @property
    def analysis_settings(self) -> AnalysisSettings:
        """The AnalysisSettings in force (the defaults until changed)."""
        if self._analysis_settings is None:
            self._analysis_settings = AnalysisSettings()
        return self._analysis_settings

    @analysis_settings.setter
    def analysis_settings(self, value: AnalysisSettings | None) -> None:
        self._analysis_settings = value

    def open_sample(self) -> None:
        path = sample_recording()
        if path is not None:
            self.open_files([str(path)])

    def open_dialog(self) -> None:
        paths = dialogs.ask_recordings(self, "Open recordings", self.recent.last_dir())
        if paths:
            self.open_files(paths)

    def add_dialog(self) -> None:
        paths = dialogs.ask_recordings(self, "Add recordings to the scene", self.recent.last_dir())
        if paths:
            self.open_files(paths, add=True)

    def recent_files(self) -> list[str]:
        return self.recent.paths()

    # ================================================================== scene
    def set_scene(
        self, ts: TrackSet, analysis: AnalysisResult | None, files: list[str], added: bool = False
    ) -> None:
        """Put a scene and its analysis in place at once (the loader does it in two steps).
        ``added``: the files joined the previous scene, whose tracks keep their indices."""
        self._install_scene(ts, files, added)
        if analysis is not None:
            self._analysis_settings = analysis.settings
        self.set_analysis(analysis, keep_selection=False)
        self._finish_scene()

    def _install_scene(self, ts: TrackSet, files: list[str], added: bool = False) -> None:
        """Tracks on the map, timeline, lists: everything that does not need the analysis.
        What the user hid or recoloured stays so (``added`` keeps track indices)."""
        self.ts, self.analysis, self.files = ts, None, list(files)
        for f in files:
            self.recent.remember(f)
        start, end = (ts.start, ts.end) if len(ts) else (0.0, 0.0)
        opening = first_aircraft_time(ts) if len(ts) and not added else start
        if not added:
            self.annotations = []  # notes belonged to the scene being replaced
        keep = {} if added else {"hidden_tracks": (), "colors": {}}
        first = self.state.replace(
            time=opening, view="all", pair=None, selected_track=None, follow_track=None, **keep
        )
        self.canvas.set_scene(ts, None, first)  # drawn once, before the others hear of it
        self.tracks.set_meta(ts.meta)
        self.clock.set_start(start)
        self.controller.reset_scene(start, end, keep_tracks=added)
        self.controller.set_sample_times(ts.t)
        if opening != start:  # the map opens where the first aircraft is, not on nothing
            self.controller.seek(opening)
        self.warnings.set_data_warnings(ts.warnings)
        self.warnings.set_analysis_warnings([])
        self.encounters.set_pairs(None, "Analysing separation…" if self.busy() else "No analysis")
        names = self.track_names()
        self.events = merged_events(ts) if len(ts) else None
        self.canvas.set_events(self.events)
        self.events_panel.set_events(self.events, names, start)
        self.timeline.set_span(start, end)
        self.timeline.set_scene(names, self.events)
        self.timeline.set_pairs(None)
        self.set_annotations(self.annotations)
        self.timeline.set_time(start)
        self.plots.set_scene(ts, names)
        self.tote.set_scene(ts, names)
        self.clock.set_start(start)
        self.clock.set_time(start)
        self.stack.setCurrentWidget(self.canvas)
        self._set_marks()
        self.setWindowTitle(scene_text.window_title(ts, files))
        self._update_scene_label()
        self._update_enabled()
        self.sceneShown.emit()

    def _finish_scene(self) -> None:
        """The analysis is in: apply a session waiting for it, tell listeners."""
        if self._pending_session is not None:
            session, self._pending_session = self._pending_session, None
            session_bridge.apply_session(self, session)
        self.sceneLoaded.emit()

    def _set_marks(self) -> None:
        """Times Shift+←/→ jump between: events, notes and every pair's CPA."""
        events = self.events if self.events is not None else None
        marks = [events["time"].to_numpy(float)] if events is not None and len(events) else []
        marks.append(np.array([a.time for a in self.annotations], dtype=np.float64))
        if self.analysis is not None and len(self.analysis.pairs):
            marks.append(self.analysis.pairs["cpa_time"].to_numpy(float))
        self.controller.set_marks(np.concatenate(marks))

    def track_names(self) -> list[str]:
        return [self.tracks.model.label(k) for k in range(len(self.ts))] if self.ts else []

    def set_analysis(self, analysis: AnalysisResult | None, keep_selection: bool = True) -> None:
        """New analysis results for the current scene (after loading or a settings change)."""
        self.analysis = analysis
        pairs = analysis.pairs if analysis is not None else None
        if analysis is not None:
            self.plots.set_thresholds(analysis.settings.visual_range_m, analysis.settings.hsep_m)
        self.canvas.set_analysis(analysis)
        self.tote.set_analysis(analysis)
        self.plots.set_analysis(analysis)
        self.encounters.set_pairs(pairs, self._pairs_summary(), self.track_names())
        self.timeline.set_analysis(analysis, self.ts)
        self.warnings.set_analysis_warnings(analysis.warnings if analysis is not None else [])
        self.warnings.set_excluded(analysis.excluded if analysis is not None else None)
        self._set_marks()
        sel = self.state.pair
        if not keep_selection or (sel is not None and self._pair_row(sel) is None):
            self.controller.select_pair(None)
        self._update_pair_readout()
        self._update_scene_label()
        self.analysisChanged.emit()

    def _pairs_summary(self) -> str:
        return scene_text.pairs_summary(self.analysis, self.state.units, self.busy())

    def _pair_row(self, pair: tuple[int, int]):
        return scene_text.pair_row(self.analysis, pair)

    def _update_scene_label(self) -> None:
        self.scene_label.setText(scene_text.scene_summary(self.ts, self.files, self.analysis))

    def _update_enabled(self) -> None:
        s = self.state
        has = self.ts is not None and len(self.ts) > 0
        self.commands.update_enabled(has, s.pair is not None, s.selected_track, s.follow_track)
        self.transport.setEnabled(has)

    # ================================================================== state → window
    def _on_state(self, old: ViewState, new: ViewState) -> None:
        """What the window itself shows of the state: status bar, command states."""
        if new.speed != old.speed:
            self.statusBar().showMessage(f"Speed {fmt_speed_factor(new.speed)}", 1500)
        if new.units != old.units:
            self.commands.units.blockSignals(True)
            self.commands.units.setChecked(new.units == "km")
            self.commands.units.blockSignals(False)
            self.encounters.summary.setText(self._pairs_summary())
        self._update_pair_readout()
        self._update_enabled()

    def _update_pair_readout(self) -> None:
        """Selected pair and its CPA in the status bar."""
        pair = self.state.pair
        row = self._pair_row(pair) if pair is not None and self.ts is not None else None
        if row is None:
            self.readouts.show_pair("")
            return
        text = scene_text.pair_readout(self.track_names(), pair, row, self.state.units)
        self.readouts.show_pair(text)

    def set_heading_up(self, on: bool) -> None:
        """Primary-oriented view on or off (View ▸ Basemap ▸ Heading-up, H)."""
        self.basemap_menu.heading_up.setChecked(bool(on))

    # ================================================================== settings
    def open_settings(self) -> QtWidgets.QDialog:
        """The settings dialog, opened window-modal without blocking (returns it)."""
        return open_settings_dialog(self, self.analysis_settings, self.state.units)

    def apply_settings(self, values: dict, units: str | None = None) -> bool:
        """New thresholds (metres) and units; re-runs the analysis if the thresholds changed.
        Returns True when an analysis run was started."""
        if units is not None:
            self.controller.set_units(units)
        new = dataclasses.replace(self.analysis_settings, **values)
        if new == self.analysis_settings:
            return False
        self.analysis_settings = new
        if self.ts is None:
            return False
        self.rerun_analysis()
        return True

    # ================================================================== sessions and notes
    def current_session(self) -> Session:
        return session_bridge.window_session(self, self._analysis_settings)

    def save_session(self, path: str) -> None:
        session_bridge.save(self, path)

    def open_session(self, path: str) -> bool:
        """Load a session: its files are read in the background, then its state applied."""
        return session_bridge.open_session(self, path)

    def add_annotation(self, text: str, t: float | None = None) -> Annotation | None:
        """Pin a note to a moment (now by default) and to the selected track, if any."""
        note = notes.make_note(self.ts, self.state, text, t)
        if note is not None:
            self.set_annotations(sorted([*self.annotations, note], key=lambda a: a.time))
        return note

    def set_annotations(self, annotations: Iterable[Annotation]) -> None:
        """Replace the notes and show them on the timeline (and among Shift+←/→ stops)."""
        self.annotations = list(annotations)
        self.timeline.set_notes([(a.time, a.text) for a in self.annotations])
        index = {tid: k for k, tid in enumerate(self.ts.ids)} if self.ts is not None else {}
        self.canvas.set_notes([(a.time, a.text, index.get(a.track)) for a in self.annotations])
        start = self.ts.start if self.ts is not None and len(self.ts) else float("nan")
        self.notes_panel.set_notes(self.annotations, start)
        self._set_marks()

    def add_note_dialog(self) -> QtWidgets.QInputDialog:
        return notes.ask_note(self)

    # ================================================================== window state
    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if self._need_dock_sizes:  # dock sizes only take once the window has its size
            self._need_dock_sizes = False
            QtCore.QTimer.singleShot(0, self, self._first_start_layout)

    def _first_start_layout(self) -> None:
        self.panels.apply_default_sizes(self)
        units = saved_units(self.qsettings)
        if units is not None:
            self.controller.set_units(units)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.controller.stop()
        self.plots.stop()
        self.jobs.shutdown()
        self.canvas.close()  # children get no closeEvent of their own: stops the tile timer
        save_layout(self, self.qsettings, self.state.units)
        super().closeEvent(event)
