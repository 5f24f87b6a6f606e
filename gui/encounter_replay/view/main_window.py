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
import math
from collections.abc import Iterable

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..analysis import AnalysisResult, AnalysisSettings
from ..io import ReadOptions
from ..model import DataWarning, TrackSet
from ..model.session import Annotation, Session
from ..model.units import fmt_speed_factor
from ..model.view_state import ViewState
from . import dialogs, scene_text, session_bridge
from .actions import create_actions
from .file_drop import FileDrop
from .load_jobs import LoadJobs
from .loader import LoadResult, LoadWorker
from .map_canvas import MapCanvas
from .panel_docks import PanelDocks
from .replay_controller import ReplayController
from .settings_dialog import open_settings_dialog
from .status_bar import StatusReadouts
from .timeline import Timeline
from .transport import TransportBar
from .user_settings import (
    SETTINGS_ENV,
    default_qsettings,
    restore_layout,
    save_layout,
    saved_units,
)
from .welcome import WelcomePage, sample_recording
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
        self._read_shown = False  # the running job's tracks are already on screen
        self._pending_session: Session | None = None  # applied once its files are in
        #: Notes pinned to moments (Playback ▸ Add note); saved in sessions.
        self.annotations: list[Annotation] = []

        self.controller = ReplayController(self)
        self.jobs = LoadJobs(self, self._make_worker)
        self._build_central()
        self.panels = PanelDocks(self)
        self.encounters, self.tracks = self.panels.encounters, self.panels.tracks
        self.plots, self.warnings = self.panels.plots, self.panels.warnings
        self.dock_encounters, self.dock_plots = self.panels.dock_encounters, self.panels.dock_plots
        self.dock_tracks, self.dock_warnings = self.panels.dock_tracks, self.panels.dock_warnings
        self.commands = create_actions(self)
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
        self.class_actions = self.menus.class_actions
        self.export_menu = self.menus.export_menu
        self.toolbar = build_toolbar(self, self.commands)
        self.readouts = StatusReadouts(self.statusBar())
        self.pair_label = self.readouts.pair_label
        self.scene_label = self.readouts.scene_label
        self.cancel_button = self.readouts.cancel_button
        self.cancel_button.clicked.connect(self.cancel_load)
        for widget in (self.canvas, self.timeline, self.transport, self.plots, self.encounters):
            widget.bind(c)
        self.tracks.bind(c)
        self.menus.bind(c)
        self._connect()
        self.resize(1500, 920)
        self._need_dock_sizes = not restore_layout(self, self.qsettings)
        self._update_enabled()

    # ================================================================== construction
    def _build_central(self) -> None:
        central = QtWidgets.QWidget(self)
        central.setObjectName("Central")
        self.canvas = MapCanvas(central)
        self.canvas.setObjectName("MapCanvas")
        self.welcome = WelcomePage(central, has_sample=sample_recording() is not None)
        self.stack = QtWidgets.QStackedWidget(central)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.canvas)
        self.timeline = Timeline(central)
        self.transport = TransportBar(central)
        self.clock = self.transport.clock
        lay = QtWidgets.QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.transport)
        lay.addWidget(self.timeline)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        """What only the window knows: commands behind buttons, files, the status bar."""
        c, a, bar = self.controller, self.commands, self.transport
        c.stateChanged.connect(self._on_state)
        for button, action in (
            (bar.btn_back, a.back),
            (bar.btn_fwd, a.fwd),
            (bar.btn_prev, a.prev),
            (bar.btn_next, a.next),
            (bar.btn_start, a.start),
            (bar.btn_end, a.end),
        ):
            button.clicked.connect(action.trigger)
        bar.loopClicked.connect(self._loop_button_clicked)
        self.welcome.openRequested.connect(self.open_dialog)
        self.welcome.sampleRequested.connect(self.open_sample)
        self.timeline.bandModeChanged.connect(a.all_bands.setChecked)
        self.encounters.pairActivated.connect(self.select_pair)
        self.encounters.pairZoomRequested.connect(self._zoom_pair_from_table)
        self.canvas.trackClicked.connect(self._canvas_track_clicked)
        self.recent.openRequested.connect(lambda path: self.open_files([path]))
        self.file_drop = FileDrop(self)
        self.file_drop.filesDropped.connect(
            lambda paths, add: self.open_files(paths, add=add and self.ts is not None)
        )
        self.jobs.started.connect(self._on_job_started)
        self.jobs.progress.connect(self.readouts.show_progress)
        self.jobs.read.connect(self._on_read)
        self.jobs.loaded.connect(self._on_loaded)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.cancelled.connect(self._on_cancelled)
        self.jobs.finished.connect(self.readouts.show_job_finished)

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

    # Tests and scripts reach these two commands by their historical names.
    @property
    def act_follow(self) -> QtGui.QAction:
        return self.commands.follow

    @property
    def act_rerun(self) -> QtGui.QAction:
        return self.commands.rerun

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

    def busy(self) -> bool:
        return self.jobs.busy()

    def open_files(self, paths: list[str], add: bool = False) -> None:
        """Read ``paths`` in the background; ``add`` merges them into the current scene."""
        base = self.ts if add and self.ts is not None else None
        self.jobs.start(
            files=[str(p) for p in paths],
            base=base,
            base_files=self.files if base is not None else [],
            analyse_only=False,
        )

    def rerun_analysis(self) -> None:
        if self.ts is not None:
            self.jobs.start(files=[], base=self.ts, base_files=self.files, analyse_only=True)

    def cancel_load(self) -> None:
        self._pending_session = None
        self.jobs.cancel()

    def _make_worker(self, job: dict) -> LoadWorker:
        return LoadWorker(self, options=self.options, settings=self._analysis_settings, **job)

    def _on_job_started(self, what: str) -> None:
        self._read_shown = False
        self.readouts.show_job_started(what)

    def _on_cancelled(self) -> None:
        if self.analysis is not None:
            # a cancelled re-run: the results shown keep the settings they were made with
            self._analysis_settings = self.analysis.settings
            message = "Cancelled; the previous results are unchanged."
        elif self.ts is not None and self.encounters.row_count() == 0 and self._read_shown:
            # cancelled while analysing freshly read files: their tracks stay on screen
            self.encounters.set_pairs(None, "Analysis cancelled (Analysis ▸ Re-run analysis)")
            message = "Analysis cancelled; the tracks are shown without it."
        else:
            message = "Cancelled; the previous scene is unchanged."
        self.statusBar().showMessage(message, 8000)

    def _on_failed(self, exc: Exception) -> None:
        self._pending_session = None
        title, text, message = dialogs.describe_load_error(exc, scene_kept=self.ts is not None)
        self.statusBar().showMessage(message, 10000)
        self.loadFailed.emit(message)
        QtWidgets.QMessageBox.critical(self, title, text)

    def _current(self, result: LoadResult) -> bool:
        """False for an analysis run with thresholds that have changed since."""
        known = self._analysis_settings
        return result.settings is None or known is None or result.settings == known

    def _on_read(self, result: LoadResult) -> None:
        """Files read: show the tracks now; the analysis follows in :meth:`_on_loaded`."""
        if self._current(result):
            self._install_scene(result.ts, result.files, added=result.added)
            self._read_shown = True

    def _on_loaded(self, result: LoadResult) -> None:
        if not self._current(result):
            return
        self._analysis_settings = result.settings
        if result.ts is not self.ts:  # (a read that was not shown yet)
            self._install_scene(result.ts, result.files, added=result.added)
        self.set_analysis(result.analysis, keep_selection=result.ts is self.ts)
        if result.analysis_error:
            self.statusBar().showMessage(result.analysis_error, 15000)
            self.warnings.set_analysis_warnings([DataWarning("analysis", result.analysis_error)])
            self.dock_warnings.raise_()
        else:
            self.statusBar().showMessage(f"Ready ({result.seconds:.2f} s)", 5000)
        self._finish_scene()

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
        if not added:
            self.annotations = []  # notes belonged to the scene being replaced
        keep = {} if added else {"hidden_tracks": (), "colors": {}}
        first = self.state.replace(
            time=start, view="all", pair=None, selected_track=None, follow_track=None, **keep
        )
        self.canvas.set_scene(ts, None, first)  # drawn once, before the others hear of it
        self.tracks.set_meta(ts.meta)
        self.controller.reset_scene(start, end, keep_tracks=added)
        self.warnings.set_data_warnings(ts.warnings)
        self.warnings.set_analysis_warnings([])
        self.encounters.set_pairs(None, "Analysing separation…" if self.busy() else "No analysis")
        names = self.track_names()
        self.timeline.set_span(start, end)
        self.timeline.set_scene(names, ts.events)
        self.timeline.set_pairs(None)
        self.timeline.set_notes([(a.time, a.text) for a in self.annotations])
        self.timeline.set_time(start)
        self.plots.set_scene(ts, names)
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
        marks = [self.ts.events["time"].to_numpy(float)] if self.ts is not None else []
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
        self.encounters.set_pairs(pairs, self._pairs_summary(), self.track_names())
        self.timeline.set_pairs(pairs)
        self.warnings.set_analysis_warnings(analysis.warnings if analysis is not None else [])
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

    # ================================================================== user requests
    def select_pair(self, a: int, b: int, cpa_time: float | None = None) -> None:
        """Select a pair and go to its CPA (what clicking a table row does)."""
        self.controller.pause()
        self.controller.select_pair((a, b))
        if cpa_time is None:
            row = self._pair_row((min(a, b), max(a, b)))
            cpa_time = float(row.cpa_time) if row is not None else None
        if cpa_time is not None and math.isfinite(cpa_time):
            self.controller.seek(cpa_time)

    def _zoom_pair_from_table(self, a: int, b: int, t: float) -> None:
        self.select_pair(a, b, t)
        self.canvas.zoom_to_pair(a, b, t)

    def zoom_to_selected_pair(self) -> None:
        pair = self.state.pair
        if pair is not None:
            self.canvas.zoom_to_pair(pair[0], pair[1], self.state.time)

    def jump_to_selected_cpa(self) -> None:
        pair = self.state.pair
        row = self._pair_row(pair) if pair is not None else None
        if row is not None:
            self.controller.seek(float(row.cpa_time))

    def _canvas_track_clicked(self, k: int) -> None:
        self.controller.select_track(k)
        self.tracks.select_track(k)

    def toggle_follow_selected(self, on: bool) -> None:
        """Keep the selected track centred on the map (off: stop following anything)."""
        self.controller.set_follow(self.state.selected_track if on else None)

    def fit_map(self) -> None:
        self.controller.set_follow(None)
        self.canvas.fit_to_tracks()

    def loop_visible_range(self) -> None:
        lo, hi = self.timeline.view
        row = self._pair_row(self.state.pair) if self.state.pair is not None else None
        if row is not None and not self.timeline.is_zoomed():
            self.controller.set_loop(row.cpa_time - 60, row.cpa_time + 60)  # ±60 s around CPA
        elif self.timeline.is_zoomed() or self.state.pair is None:
            self.controller.set_loop(lo, hi)

    def _loop_button_clicked(self, checked: bool) -> None:
        if checked:
            self.loop_visible_range()
        else:
            self.controller.set_loop(None)
        self.transport.loop_button.setChecked(self.state.loop is not None)

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

    def save_session_dialog(self) -> None:
        session_bridge.save_dialog(self)

    def open_session_dialog(self) -> None:
        path = dialogs.ask_session_to_open(self, self.recent.last_dir())
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        """Load a session: its files are read in the background, then its state applied."""
        return session_bridge.open_session(self, path)

    def add_annotation(self, text: str, t: float | None = None) -> Annotation | None:
        """Pin a note to a moment (now by default) and to the selected track, if any."""
        text = text.strip()
        if not text or self.ts is None:
            return None
        k = self.state.selected_track
        note = Annotation(
            time=self.state.time if t is None else float(t),
            text=text,
            track=self.ts.ids[k] if k is not None else None,
        )
        self.set_annotations(sorted([*self.annotations, note], key=lambda a: a.time))
        return note

    def set_annotations(self, notes: Iterable[Annotation]) -> None:
        """Replace the notes and show them on the timeline (and among Shift+←/→ stops)."""
        self.annotations = list(notes)
        self.timeline.set_notes([(a.time, a.text) for a in self.annotations])
        self._set_marks()

    def add_note_dialog(self) -> QtWidgets.QInputDialog:
        """Ask for a note's text (window-modal, not blocking) and pin it to the current time."""
        t = self.state.time
        return dialogs.ask_note(self, t, lambda text: self.add_annotation(text, t))

    def show_about(self) -> None:
        dialogs.show_about(self)

    def show_keys(self) -> None:
        dialogs.show_keys(self, self.commands.listed_in_keys_help())

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
