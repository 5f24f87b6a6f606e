"""What an analysis run is asked: thresholds, visual ranges, which objects are paired."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model.units import FT, KT, NM
from .thresholds import DTHR_M, NMAC_H_M, NMAC_V_M, TTHR_S, ZTHR_M

#: Largest distance setting (m): 20,000 km, about half the Earth's circumference. More is
#: a typing or unit error (and squares of it overflow), not a wider net.
DISTANCE_MAX_M = 20_000_000.0
#: Longest gap (s) still interpolated across: one day.
GAP_MAX_S = 86_400.0
#: DAA well-clear modes: RTCA DO-365 (DAIDALUS's WCV_TAUMOD, TCOA 0), or not assessed.
WELL_CLEAR_MODES = ("do365", "off")
#: Fastest plausible motion per object class, (horizontal, vertical) m/s: a step between
#: samples needing more is an implausible sample (see :mod:`.cleaning`). Aircraft: about
#: Mach 2.4 and 50,000 ft/min; helicopters (aircraft whose type says rotorcraft or
#: helicopter): 250 kt and 10,000 ft/min; weapons and decoys: Mach 7.
SPEED_LIMITS: dict[str, tuple[float, float]] = {
    "aircraft": (800.0, 250.0),
    "helicopter": (130.0, 50.0),
    "weapon": (2_500.0, 2_500.0),
    "decoy": (2_500.0, 2_500.0),
    "ground": (120.0, 60.0),
    "sea": (40.0, 20.0),
}


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
    #: DAA well clear (``"do365"`` or ``"off"``) and its thresholds DTHR, ZTHR (m), TTHR (s).
    well_clear: str = "do365"
    dthr_m: float = DTHR_M
    zthr_m: float = ZTHR_M
    tthr_s: float = TTHR_S
    #: Fixed gap limit (s) for sampled sources instead of the adaptive one.
    max_gap_s: float | None = None
    keep_outliers: bool = False
    include_ground: bool = False
    speed_limits: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: dict(SPEED_LIMITS)
    )
    #: Formation: within these for at least ``formation_share`` of the common time.
    formation_h_m: float = 2 * NM
    formation_v_m: float = 1000 * FT
    formation_dv_mps: float = 50 * KT
    formation_share: float = 0.8
    #: Near mid-air collision: horizontal below ``nmac_h_m`` and vertical below ``nmac_v_m``.
    nmac_h_m: float = NMAC_H_M
    nmac_v_m: float = NMAC_V_M
    #: Pairs with a larger unassessed share of their common time get a warning.
    unassessed_share: float = 0.1

    def __post_init__(self) -> None:
        if self.well_clear not in WELL_CLEAR_MODES:
            raise ValueError(
                f"well_clear must be one of {', '.join(WELL_CLEAR_MODES)}, not {self.well_clear!r}"
            )
        for name in (
            *("visual_range_m", "hsep_m", "vsep_m", "within_m", "gap_s", "earth_k"),
            *("dthr_m", "zthr_m", "tthr_s"),
            *("formation_h_m", "formation_v_m", "formation_dv_mps", "formation_share"),
            *("nmac_h_m", "nmac_v_m", "unassessed_share"),
        ):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, not {value!r}")
        for name in ("visual_range_m", "hsep_m", "vsep_m", "within_m", "dthr_m", "zthr_m"):
            value = getattr(self, name)
            if value > DISTANCE_MAX_M:
                raise ValueError(
                    f"{name} must be at most {DISTANCE_MAX_M / 1000:,.0f} km, not {value:g} m"
                )
        if self.tthr_s > GAP_MAX_S:
            raise ValueError(
                f"tthr_s must be at most {GAP_MAX_S:g} s (one day), not {self.tthr_s:g}"
            )
        if self.gap_s > GAP_MAX_S:
            raise ValueError(f"gap_s must be at most {GAP_MAX_S:g} s (one day), not {self.gap_s:g}")
        if self.max_gap_s is not None and not (
            isinstance(self.max_gap_s, int | float) and 0 < self.max_gap_s <= GAP_MAX_S
        ):
            raise ValueError(
                f"max_gap_s must be a positive number of seconds up to {GAP_MAX_S:g}, "
                f"not {self.max_gap_s!r}"
            )
        object.__setattr__(
            self,
            "speed_limits",
            {str(k).lower(): (float(v[0]), float(v[1])) for k, v in self.speed_limits.items()},
        )
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
                (self.well_clear, self.dthr_m, self.zthr_m, self.tthr_s),
                self.max_gap_s,
                self.keep_outliers,
                self.include_ground,
                tuple(sorted(self.speed_limits.items())),
                self.formation_h_m,
                self.formation_v_m,
                self.formation_dv_mps,
                self.formation_share,
                self.nmac_h_m,
                self.nmac_v_m,
                self.unassessed_share,
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
            "max_gap_s": self.max_gap_s,
            "keep_outliers": self.keep_outliers,
            "include_ground": self.include_ground,
            "speed_limits": {k: list(v) for k, v in sorted(self.speed_limits.items())},
            "formation_h_m": self.formation_h_m,
            "formation_v_m": self.formation_v_m,
            "formation_dv_mps": self.formation_dv_mps,
            "formation_share": self.formation_share,
            "nmac_h_m": self.nmac_h_m,
            "nmac_v_m": self.nmac_v_m,
            "unassessed_share": self.unassessed_share,
            **self.well_clear_dict(),
        }

    def well_clear_dict(self) -> dict:
        """The well-clear part of :meth:`to_dict`."""
        return {
            "well_clear": self.well_clear,
            "dthr_m": self.dthr_m,
            "zthr_m": self.zthr_m,
            "tthr_s": self.tthr_s,
        }
