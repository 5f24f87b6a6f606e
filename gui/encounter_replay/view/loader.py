"""Reading and analysing off the GUI thread, with progress and cancel.

A 1,200-flight file takes seconds to read and analyse; doing it in a worker keeps the
window painting, the clock running and the Cancel button live. The worker only produces
new objects (TrackSet, AnalysisResult) and hands them over by signal: the window swaps its
scene in one step on the GUI thread, so a failed or cancelled load leaves the previous
scene exactly as it was.
"""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any

from PySide6 import QtCore

from ..io import ReadError, ReadOptions, read_files
from ..model import TrackSet


class Cancelled(Exception):
    """The user pressed Cancel."""


@dataclass
class LoadResult:
    ts: TrackSet
    analysis: Any  # AnalysisResult | None
    files: list[str]
    added: bool  # files were added to the previous scene (track indices kept)
    seconds: float
    settings: Any = None
    analysis_error: str | None = None


def run_analysis(ts: TrackSet, settings: Any, progress) -> Any:
    """``analyze`` with a progress callback; raises :class:`Cancelled` when it says stop.

    The analysis package (scipy, pyproj) is imported here, in the worker, so that its
    import time is not spent before the window can show the tracks.
    """
    from ..analysis import AnalysisCancelled, analyze

    try:
        return analyze(ts, settings, progress=progress)
    except AnalysisCancelled:
        raise Cancelled() from None


def default_settings() -> Any:
    from ..analysis import AnalysisSettings

    return AnalysisSettings()


class LoadWorker(QtCore.QThread):
    """One job: read ``files`` (optionally onto ``base``) then analyse; or only analyse."""

    progress = QtCore.Signal(float, str)
    read = QtCore.Signal(object)  # LoadResult without analysis: the tracks can be shown
    loaded = QtCore.Signal(object)  # LoadResult
    failed = QtCore.Signal(object)  # ReadError or another Exception
    cancelled = QtCore.Signal()

    def __init__(
        self,
        parent: QtCore.QObject,
        files: list[str],
        options: ReadOptions,
        settings: Any,  # AnalysisSettings; None: the defaults
        base: TrackSet | None = None,
        base_files: list[str] | None = None,
        analyse_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.files = list(files)
        self.options = options
        self.settings = settings
        self.base = base
        self.base_files = list(base_files or [])
        self.analyse_only = analyse_only
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    @property
    def is_cancelled(self) -> bool:
        return self._cancel

    def _check(self) -> bool:
        if self._cancel:
            raise Cancelled()
        return True

    def run(self) -> None:  # worker thread
        t_start = time.perf_counter()
        try:
            if self.analyse_only:
                ts = self.base
                files = self.base_files
                read_share = 0.0
            else:
                read_share = 0.5

                def on_read(done: int, total: int, path: str) -> None:
                    self._check()
                    self.progress.emit(read_share * done / max(total, 1), f"Reading {path}")

                ts = read_files(self.files, self.options, progress=on_read, base=self.base)
                self._check()
                files = self.base_files + self.files
                self.read.emit(
                    LoadResult(
                        ts=ts,
                        analysis=None,
                        files=files,
                        added=self.base is not None,
                        seconds=time.perf_counter() - t_start,
                    )
                )
            self.progress.emit(read_share, "Analysing separation")

            def on_progress(fraction: float) -> bool:
                self.progress.emit(read_share + (1 - read_share) * fraction, "Analysing separation")
                return not self._cancel

            analysis = None
            analysis_error = None
            if self.settings is None:
                self.settings = default_settings()
            if len(ts):
                try:
                    analysis = run_analysis(ts, self.settings, on_progress)
                except Cancelled:
                    raise
                except Exception as exc:  # a bug in the analysis must not cost the scene
                    traceback.print_exc(file=sys.stderr)
                    analysis_error = f"analysis failed: {type(exc).__name__}: {exc}"
            self._check()
            self.loaded.emit(
                LoadResult(
                    ts=ts,
                    analysis=analysis,
                    files=files,
                    added=self.base is not None and not self.analyse_only,
                    seconds=time.perf_counter() - t_start,
                    settings=self.settings,
                    analysis_error=analysis_error,
                )
            )
        except Cancelled:
            self.cancelled.emit()
        except ReadError as exc:
            self.failed.emit(exc)
        except Exception as exc:  # a bug, not bad input: report it, keep the window alive
            traceback.print_exc(file=sys.stderr)
            self.failed.emit(exc)
