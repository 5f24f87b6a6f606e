"""An encounter of a list in the replay window: what `--encounter LIST:ROW` and the
window's encounter list do once the neighbourhood is loaded (:mod:`.neighbourhood`).

Qt-free: it drives a window it is handed through the window's own methods."""

from __future__ import annotations

from ..model import TrackSet


def show_encounter(
    window, ts: TrackSet, cpa_time: float | None = None, analyse: bool = True
) -> None:
    """Put the neighbourhood in ``window`` with the clock at the pair's closest approach,
    and (``analyse``) analyse it there in the background."""
    window.set_scene(ts, None, [])
    if cpa_time is not None and hasattr(window, "controller"):
        window.controller.seek(float(cpa_time))
    if analyse:
        window.rerun_analysis()
