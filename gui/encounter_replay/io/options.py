"""Options the user can pass to readers (units a file does not state itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FT = 0.3048  # metres per foot
KT = 1852.0 / 3600.0  # metres per second per knot


@dataclass(frozen=True)
class ReadOptions:
    """``None`` means: take the unit from the column name, else the format's default."""

    altitude_unit: Literal["ft", "m"] | None = None
    speed_unit: Literal["kt", "mps"] | None = None
