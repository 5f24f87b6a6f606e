"""Separation analysis: exact CPA and intervals for all pairs. numpy only, no Qt."""

from .engine import analyze
from .geometry import Geometry, pair_geometry
from .pair_facts import RELATIONS, SEVERITY_LEVELS
from .result import PAIR_COLUMNS, PAIR_FILTERS, SORT_KEYS, AnalysisCancelled, AnalysisResult
from .series import separation_series
from .settings import AnalysisSettings

__all__ = [
    "PAIR_COLUMNS",
    "PAIR_FILTERS",
    "RELATIONS",
    "SEVERITY_LEVELS",
    "SORT_KEYS",
    "AnalysisCancelled",
    "AnalysisResult",
    "AnalysisSettings",
    "Geometry",
    "analyze",
    "pair_geometry",
    "separation_series",
]
