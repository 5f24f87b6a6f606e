"""`encounter-replay`: open the window, or run a subcommand headless.

    encounter-replay [FILE...]              the replay window
    encounter-replay info FILE... [--json]  what a recording holds
    encounter-replay analyze FILE...        separation minima and intervals for all pairs
    encounter-replay snapshot|video|report  briefing material, no display needed
    encounter-replay screen SOURCE… --out encounters.parquet   screen an archive

One module per subcommand (:mod:`.info`, :mod:`.analyze`, :mod:`.snapshot`, :mod:`.video`,
:mod:`.report`), shared options in :mod:`.options`, the dispatcher in :mod:`.main`.
"""

from .main import EXIT_INPUT, EXIT_USAGE, SUBCOMMANDS, main
from .options import UsageError

__all__ = ["EXIT_INPUT", "EXIT_USAGE", "SUBCOMMANDS", "UsageError", "main"]
