"""Where the window tasks run: in this process (the embedded engine) or on Dask.

Both call the same :func:`.window_task.run_window` on the same tasks and hand each result
to ``on_done`` in this process as it arrives (which writes the checkpoint), so results
are identical and a run broken off by Ctrl+C keeps every window already finished.
Results arrive in any order; the merge does not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from . import extra
from .window_task import WindowResult, WindowTask, run_window

#: How long to try reaching a scheduler before giving up.
CONNECT_TIMEOUT = "30s"


class EngineError(Exception):
    """The cluster cannot be reached or started (one line, exit 1)."""


OnDone = Callable[[WindowResult], None]
OnError = Callable[[WindowTask, BaseException], None]


def run_embedded(tasks: Iterable[WindowTask], on_done: OnDone, on_error: OnError) -> None:
    """One window at a time: memory holds one window's rows and analysis."""
    for task in tasks:
        try:
            result = run_window(task)
        except (MemoryError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bad window is reported; the others go on
            on_error(task, exc)
            continue
        on_done(result)


def run_dask(
    tasks: list[WindowTask],
    on_done: OnDone,
    on_error: OnError,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
) -> None:
    """The tasks on an existing cluster (``scheduler`` address) or on a local one of
    ``workers`` single-threaded processes. The workers read the work folder by its path:
    on a cluster it must sit on storage they share."""
    distributed = extra.distributed()
    cluster = None
    try:
        if scheduler:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        else:
            cluster = distributed.LocalCluster(
                n_workers=max(int(workers or 1), 1),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = distributed.Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise EngineError(f"cannot reach {where}: {exc}") from None
    pending = {}
    try:
        for task in tasks:
            fut = client.submit(run_window, task, pure=False)
            pending[fut.key] = (fut, task)
        for fut in distributed.as_completed([f for f, _ in pending.values()]):
            _, task = pending.pop(fut.key)
            if fut.status == "error":
                on_error(task, fut.exception())
            else:
                on_done(fut.result())
            # Released once handled: the cluster keeps no result it no longer needs, so the
            # workers' memory does not grow with the number of windows.
            fut.release()
    finally:
        for fut, _ in pending.values():
            fut.cancel()
        client.close()
        if cluster is not None:
            cluster.close()
