"""Reading recordings and analysing them in the background, for the window.

:class:`.load_jobs.LoadJobs` runs one job at a time; this puts what a job delivers in the
window in two steps (tracks as soon as they are read, then the analysis) and reports
cancellations and failures. Results made with thresholds that have changed since are
dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from ..model import DataWarning
from . import dialogs
from .load_jobs import LoadJobs
from .loader import LoadResult, LoadWorker

if TYPE_CHECKING:
    from .main_window import MainWindow


class SceneLoading(QtCore.QObject):
    """The window's loads: ``open_files``, ``rerun_analysis``, ``cancel_load``, ``busy``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self._read_shown = False  # the running job's tracks are already on screen
        self.jobs = jobs = LoadJobs(self, self._make_worker)
        jobs.started.connect(self._on_job_started)
        jobs.progress.connect(window.readouts.show_progress)
        jobs.read.connect(self._on_read)
        jobs.loaded.connect(self._on_loaded)
        jobs.failed.connect(self._on_failed)
        jobs.cancelled.connect(self._on_cancelled)
        jobs.finished.connect(window.readouts.show_job_finished)

    def busy(self) -> bool:
        return self.jobs.busy()

    def open_files(self, paths: list[str], add: bool = False) -> None:
        """Read ``paths`` in the background; ``add`` merges them into the current scene."""
        base = self.w.ts if add and self.w.ts is not None else None
        self.jobs.start(
            files=[str(p) for p in paths],
            base=base,
            base_files=self.w.files if base is not None else [],
            analyse_only=False,
        )

    def rerun_analysis(self) -> None:
        if self.w.ts is not None:
            self.jobs.start(files=[], base=self.w.ts, base_files=self.w.files, analyse_only=True)

    def cancel_load(self) -> None:
        self.w._pending_session = None
        self.jobs.cancel()

    def _make_worker(self, job: dict) -> LoadWorker:
        w = self.w
        return LoadWorker(w, options=w.options, settings=w._analysis_settings, **job)

    def _on_job_started(self, what: str) -> None:
        self._read_shown = False
        self.w.readouts.show_job_started(what)

    def _on_cancelled(self) -> None:
        if self.w.analysis is not None:
            # a cancelled re-run: the results shown keep the settings they were made with
            self.w._analysis_settings = self.w.analysis.settings
            message = "Cancelled; the previous results are unchanged."
        elif self.w.ts is not None and self.w.encounters.row_count() == 0 and self._read_shown:
            # cancelled while analysing freshly read files: their tracks stay on screen
            self.w.encounters.set_pairs(None, "Analysis cancelled (Analysis ▸ Re-run analysis)")
            message = "Analysis cancelled; the tracks are shown without it."
        else:
            message = "Cancelled; the previous scene is unchanged."
        self.w.statusBar().showMessage(message, 8000)

    def _on_failed(self, exc: Exception) -> None:
        self.w._pending_session = None
        title, text, message = dialogs.describe_load_error(exc, scene_kept=self.w.ts is not None)
        self.w.statusBar().showMessage(message, 10000)
        self.w.loadFailed.emit(message)
        QtWidgets.QMessageBox.critical(self.w, title, text)

    def _current(self, result: LoadResult) -> bool:
        """False for an analysis run with thresholds that have changed since."""
        known = self.w._analysis_settings
        return result.settings is None or known is None or result.settings == known

    def _on_read(self, result: LoadResult) -> None:
        """Files read: show the tracks now; the analysis follows in :meth:`_on_loaded`."""
        if self._current(result):
            self.w._install_scene(result.ts, result.files, added=result.added)
            self._read_shown = True

    def _on_loaded(self, result: LoadResult) -> None:
        if not self._current(result):
            return
        self.w._analysis_settings = result.settings
        if result.ts is not self.w.ts:  # (a read that was not shown yet)
            self.w._install_scene(result.ts, result.files, added=result.added)
        self.w.set_analysis(result.analysis, keep_selection=result.ts is self.w.ts)
        if result.analysis_error:
            self.w.statusBar().showMessage(result.analysis_error, 15000)
            self.w.warnings.set_analysis_warnings([DataWarning("analysis", result.analysis_error)])
            self.w.dock_warnings.raise_()
        else:
            self.w.statusBar().showMessage(f"Ready ({result.seconds:.2f} s)", 5000)
        self.w._finish_scene()
