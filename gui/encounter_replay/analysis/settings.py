"""What an analysis run is asked: thresholds, visual ranges, which objects are paired."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model.units import FT, NM

#: Largest distance setting (m): 20,000 km, about half the Earth's circumference. More is
#: a typing or unit error (and squares of it overflow), not a wider net.
DISTANCE_MAX_M = 20_000_000.0
#: Longest gap (s) still interpolated across: one day.
GAP_MAX_S = 86_400.0


@dataclass(frozen=True)
class AnalysisSettings:
    """Thresholds of one run, all SI (metres, seconds).

    ``visual_range_by_type`` maps an aircraft type or name (matched case-insensitively
    against the track's ``type`` and ``name``) to its visual range; a pair uses the larger
    range of its two aircraft, because the pair is in contact as soon as either can see the
    other. ``within_m`` decides which pairs are reported at all (CPA slant range within it).
    """

    visual_range_m: float = 10 * NM
    visual_range_by_type: Mapping[str, float] = field(default_factory=dict)
    hsep_m: float = 5 * NM
    vsep_m: float = 1000 * FT
    within_m: float = 25 * NM
    include: frozenset[str] = frozenset({"aircraft"})
    gap_s: float = 30.0
    earth_k: float = 4.0 / 3.0

    def __post_init__(self) -> None:
        for name in ("visual_range_m", "hsep_m", "vsep_m", "within_m", "gap_s", "earth_k"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, not {value!r}")
        for name in ("visual_range_m", "hsep_m", "vsep_m", "within_m"):
            value = getattr(self, name)
            if value > DISTANCE_MAX_M:
                raise ValueError(
                    f"{name} must be at most {DISTANCE_MAX_M / 1000:,.0f} km, not {value:g} m"
                )
        if self.gap_s > GAP_MAX_S:
            raise ValueError(f"gap_s must be at most {GAP_MAX_S:g} s (one day), not {self.gap_s:g}")
        for key, value in self.visual_range_by_type.items():
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"visual range for {key!r} must be a positive number")
            if value > DISTANCE_MAX_M:
                raise ValueError(
                    f"visual range for {key!r} must be at most {DISTANCE_MAX_M / 1000:,.0f} km, "
                    f"not {value:g} m"
                )
        object.__setattr__(
            self,
            "visual_range_by_type",
            {str(k).strip().lower(): float(v) for k, v in self.visual_range_by_type.items()},
        )
        object.__setattr__(self, "include", frozenset(str(c).lower() for c in self.include))

    def __hash__(self) -> int:
        return hash(
            (
                self.visual_range_m,
                tuple(sorted(self.visual_range_by_type.items())),
                self.hsep_m,
                self.vsep_m,
                self.within_m,
                self.include,
                self.gap_s,
                self.earth_k,
            )
        )

    def visual_ranges(self, meta: pd.DataFrame) -> np.ndarray:
        """Visual range (m) of each track: a type/name override, else the default.

        When both the type and the name match an override, the larger wins (the type is
        often generic, the name specific; either says the aircraft can be seen that far).
        """
        out = np.full(len(meta), float(self.visual_range_m))
        if not self.visual_range_by_type or len(meta) == 0:
            return out
        table = self.visual_range_by_type
        found = np.full(len(meta), np.nan)
        for col in ("type", "name"):
            if col not in meta:
                continue
            keys = meta[col].astype(object).fillna("").map(lambda s: str(s).strip().lower())
            vals = keys.map(table).to_numpy(dtype=np.float64, na_value=np.nan)
            found = np.fmax(found, vals)
        return np.where(np.isfinite(found), found, out)

    def max_visual_range(self) -> float:
        return max([self.visual_range_m, *self.visual_range_by_type.values()])

    @property
    def pruning_radius_m(self) -> float:
        """Largest distance at which anything about a pair can still matter."""
        return max(self.within_m, self.max_visual_range(), self.hsep_m)

    def to_dict(self) -> dict:
        """Plain JSON-able form (the ``settings`` block of machine output)."""
        return {
            "visual_range_m": self.visual_range_m,
            "visual_range_by_type": dict(sorted(self.visual_range_by_type.items())),
            "hsep_m": self.hsep_m,
            "vsep_m": self.vsep_m,
            "within_m": self.within_m,
            "include": sorted(self.include),
            "gap_s": self.gap_s,
            "earth_k": self.earth_k,
        }
