"""Entry script of the frozen app: the same `encounter-replay` command as the wheel installs.

PyInstaller needs a script, not an entry point; this one only adapts the frozen process
to what `encounter_replay.cli:main` expects.
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def _ensure_std_streams() -> None:
    # A windowed Windows build has no console: sys.stdout/stderr are None, and a
    # subcommand that writes to them (``analyze --csv``) would raise instead of exiting.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    # A worker process started by multiprocessing re-runs this executable; let it
    # become the worker instead of a second copy of the app.
    multiprocessing.freeze_support()
    _ensure_std_streams()
    from encounter_replay.cli import main

    sys.exit(main())
