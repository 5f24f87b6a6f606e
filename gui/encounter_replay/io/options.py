"""Options the user can pass to readers (units a file does not state itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model.units import FT, KT

__all__ = ["FT", "KT", "ReadOptions"]


@dataclass(frozen=True)
class ReadOptions:
    """``None`` means: take the unit from the column name, else the format's default."""

    altitude_unit: Literal["ft", "m"] | None = None
    speed_unit: Literal["kt", "mps"] | None = None
