"""Separation analysis: exact CPA and intervals for all pairs. numpy only, no Qt.

The settings and result types are cheap and imported here; the engine, the geometry and
the series (which pull in scipy and pyproj, ~0.5 s) load on first use (PEP 562), so the
window and ``info`` can name the types without paying for the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .result import PAIR_COLUMNS, AnalysisCancelled, AnalysisResult
from .settings import AnalysisSettings

if TYPE_CHECKING:
    from .engine import analyze
    from .geometry import Geometry, pair_geometry
    from .series import separation_series

#: Name → module of what loads on first use.
_LAZY = {
    "analyze": ".engine",
    "Geometry": ".geometry",
    "pair_geometry": ".geometry",
    "separation_series": ".series",
}

__all__ = [
    "PAIR_COLUMNS",
    "AnalysisCancelled",
    "AnalysisResult",
    "AnalysisSettings",
    "Geometry",
    "analyze",
    "pair_geometry",
    "separation_series",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
