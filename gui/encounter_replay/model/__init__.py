"""GUI-free data model: tracks as a structure of arrays, interpolation, replay state."""

from .interpolate import Positions, last_index_at_or_before, positions_at, trail_indices
from .trackset import (
    DEFAULT_GAP_S,
    META_COLUMNS,
    SAMPLE_FIELDS,
    DataWarning,
    ObjectClass,
    TrackSet,
    concat,
    empty_events,
)

__all__ = [
    "DEFAULT_GAP_S",
    "META_COLUMNS",
    "SAMPLE_FIELDS",
    "DataWarning",
    "ObjectClass",
    "Positions",
    "TrackSet",
    "concat",
    "empty_events",
    "last_index_at_or_before",
    "positions_at",
    "trail_indices",
]
