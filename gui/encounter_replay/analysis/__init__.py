"""Separation analysis: exact CPA and intervals for all pairs. numpy only, no Qt."""

from .engine import analyze
from .geometry import Geometry, pair_geometry
from .result import PAIR_COLUMNS, AnalysisCancelled, AnalysisResult
from .series import separation_series
from .settings import AnalysisSettings
from .well_clear_series import well_clear_series

__all__ = [
    "PAIR_COLUMNS",
    "AnalysisCancelled",
    "AnalysisResult",
    "AnalysisSettings",
    "Geometry",
    "analyze",
    "pair_geometry",
    "separation_series",
    "well_clear_series",
]
