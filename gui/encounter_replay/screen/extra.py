"""The optional ``screen`` extra (DuckDB, Dask): imported on first use, with a clear
message naming the extra when it is not installed."""

from __future__ import annotations

from types import ModuleType

INSTALL_HINT = "pip install 'encounter-replay[screen]'"


class MissingExtra(Exception):
    """A package of the ``screen`` extra is not installed (printed as one line)."""


def duckdb() -> ModuleType:
    try:
        import duckdb as module
    except ImportError:
        raise MissingExtra(
            f"screening archives needs DuckDB, part of the optional 'screen' extra: {INSTALL_HINT}"
        ) from None
    return module


def distributed() -> ModuleType:
    try:
        import distributed as module
    except ImportError:
        raise MissingExtra(
            "the Dask engine (--workers, --scheduler) needs dask[distributed], part of the "
            f"optional 'screen' extra: {INSTALL_HINT}"
        ) from None
    return module
