"""One background load at a time, the newest request winning.

A request made while a worker runs is queued and the worker cancelled; the queued job
starts once the worker has finished (a running QThread must never be destroyed). Results
of a cancelled or superseded worker are dropped here, so the window only sees results
the user still wants.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtCore

from .loader import LoadResult, LoadWorker

#: A job: keyword arguments of :class:`LoadWorker` besides the parent, options and
#: settings (``files``, ``base``, ``base_files``, ``analyse_only``).
Job = dict[str, Any]


class LoadJobs(QtCore.QObject):
    """Runs jobs through ``make_worker(job)``, which builds the :class:`LoadWorker` with
    the options and settings in force when the job actually starts."""

    started = QtCore.Signal(str)  # what the job does, for the status bar
    progress = QtCore.Signal(float, str)
    read = QtCore.Signal(object)  # LoadResult: tracks read, analysis to follow
    loaded = QtCore.Signal(object)  # LoadResult with the analysis
    failed = QtCore.Signal(object)  # ReadError or another exception
    cancelled = QtCore.Signal()  # by the user, not to make way for a newer job
    finished = QtCore.Signal()  # the worker is gone (a queued job may start next)

    def __init__(self, parent: QtCore.QObject, make_worker: Callable[[Job], LoadWorker]) -> None:
        super().__init__(parent)
        self._make_worker = make_worker
        self._worker: LoadWorker | None = None
        self._next: Job | None = None

    def busy(self) -> bool:
        return self._worker is not None

    def start(self, **job: Any) -> None:
        if self._worker is not None:
            self._next = job
            self._worker.cancel()
            return
        w = self._make_worker(job)
        w.progress.connect(self.progress)
        w.read.connect(self._on_read)
        w.loaded.connect(self._on_loaded)
        w.failed.connect(self.failed)
        w.cancelled.connect(self._on_cancelled)
        w.finished.connect(self._on_worker_finished)
        self._worker = w
        what = "Analysing" if job["analyse_only"] else f"Reading {len(job['files'])} file(s)"
        self.started.emit(what + "…")
        w.start()

    def cancel(self) -> None:
        """Cancel the running job and forget a queued one."""
        self._next = None
        if self._worker is not None:
            self._worker.cancel()

    def shutdown(self) -> None:
        """Cancel and wait for the worker (a file being parsed is finished first: cancel is
        checked between files and throughout the analysis)."""
        self._next = None
        if self._worker is not None:
            self._worker.cancel()
            self._worker.wait()

    def _wanted(self) -> bool:
        if self._worker is not None and self._worker.is_cancelled:
            return False  # Cancel pressed after the worker got this far: honour it
        return self._next is None  # else a newer request replaces this one

    def _on_read(self, result: LoadResult) -> None:
        if self._wanted():
            self.read.emit(result)

    def _on_loaded(self, result: LoadResult) -> None:
        if self._wanted():
            self.loaded.emit(result)

    def _on_cancelled(self) -> None:
        if self._next is None:  # else cancelled to make way for a newer request
            self.cancelled.emit()

    def _on_worker_finished(self) -> None:
        w = self._worker
        self._worker = None
        if w is not None:
            w.deleteLater()
        self.finished.emit()
        if self._next is not None:
            job, self._next = self._next, None
            self.start(**job)
