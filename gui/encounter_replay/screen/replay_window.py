"""``encounter-replay ARCHIVE… --encounter encounters.parquet:ROW``: open the replay window
on one encounter's neighbourhood. The loading is Qt-free (:mod:`.neighbourhood`); only
this glue imports the window, and only when called."""

from __future__ import annotations

import os
import sys

from ..io import ReadOptions
from ..model import TrackSet
from .extra import MissingExtra
from .neighbourhood import EncounterError, encounter_row, load_neighbourhood

EXIT_INPUT = 1


def show_encounter(window, ts: TrackSet, cpa_time: float | None = None) -> None:
    """Put the neighbourhood in ``window`` and analyse it there (in the background), with
    the clock at the pair's closest approach."""
    window.set_scene(ts, None, [])
    if cpa_time is not None and hasattr(window, "controller"):
        window.controller.seek(float(cpa_time))
    window.rerun_analysis()


def run_encounter(archive: list[str], spec: str, options: ReadOptions | None = None) -> int:
    try:
        ts = load_neighbourhood(archive, spec, options)
        row, _ = encounter_row(spec)
    except (EncounterError, MissingExtra) as exc:
        print(f"encounter-replay: {exc}", file=sys.stderr)
        return EXIT_INPUT
    from ..view.app import EXIT_AFTER_SHOWN, _exit_when_shown, setup_application
    from ..view.main_window import MainWindow

    app = setup_application()
    window = MainWindow(options or ReadOptions())
    window.show()
    if os.environ.get(EXIT_AFTER_SHOWN):
        _exit_when_shown(app, window, expect_scene=True)
    show_encounter(window, ts, row["cpa_time"])
    return app.exec()
