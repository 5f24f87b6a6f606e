"""Display units for the window and reports: NM/ft/kt or km/m/km·h⁻¹, and their formatting.

Everything inside the program is SI (metres, m/s, POSIX seconds); conversion happens only
at the moment a number is shown, through these helpers, so a unit switch can never leak
into the analysis or into machine output.
"""

from __future__ import annotations

import math
from typing import Literal

from .timefmt import clock_utc, iso_utc

NM = 1852.0  # metres per nautical mile
FT = 0.3048  # metres per foot
KT = NM / 3600.0  # metres per second per knot
KMH = 1000.0 / 3600.0  # metres per second per km/h
MPH = 1609.344 / 3600.0  # metres per second per statute mile per hour
#: Metres per display distance unit (map axes, figures).
UNIT_M: dict[str, float] = {"nm": NM, "km": 1000.0}

Units = Literal["nm", "km"]
UNITS: tuple[str, ...] = ("nm", "km")

_DIST = {"nm": (NM, "NM"), "km": (1000.0, "km")}
_ALT = {"nm": (FT, "ft"), "km": (1.0, "m")}
_SPEED = {"nm": (KT, "kt"), "km": (KMH, "km/h")}

DASH = "—"


def check_units(units: str) -> str:
    """The units name itself, or ValueError naming the valid choices."""
    if units not in _DIST:
        raise ValueError(f"unknown units {units!r}: use 'nm' (NM/ft/kt) or 'km' (km/m/km/h)")
    return units


def distance_value(m: float, units: str) -> float:
    """Metres to NM or km."""
    return m / _DIST[units][0]


def distance_to_m(value: float, units: str) -> float:
    """NM or km back to metres (settings dialog input)."""
    return value * _DIST[units][0]


def distance_label(units: str) -> str:
    return _DIST[units][1]


def altitude_value(m: float, units: str) -> float:
    """Metres to feet (``nm`` units) or metres (``km`` units)."""
    return m / _ALT[units][0]


def altitude_to_m(value: float, units: str) -> float:
    return value * _ALT[units][0]


def altitude_label(units: str) -> str:
    return _ALT[units][1]


def speed_value(mps: float, units: str) -> float:
    """m/s to knots or km/h."""
    return mps / _SPEED[units][0]


def speed_label(units: str) -> str:
    return _SPEED[units][1]


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def fmt_distance(m: float | None, units: str, digits: int = 2) -> str:
    """``"4.27 NM"``; a dash for unknown values so a table never shows ``nan``."""
    if not _finite(m):
        return DASH
    return f"{distance_value(m, units):.{digits}f} {distance_label(units)}"


def fmt_altitude(m: float | None, units: str) -> str:
    """``"12,300 ft"`` / ``"3,749 m"`` (whole units: recorders are not better than that)."""
    if not _finite(m):
        return DASH
    return f"{altitude_value(m, units):,.0f} {altitude_label(units)}"


def fmt_separation(m: float | None, units: str, digits: int = 2) -> str:
    """A separation: ``"4.27 NM"``, but below 0.1 NM (185 m) in feet or metres, where
    decimals of a mile hide what matters (a 42 m pass would read "0.0 NM"). The map's
    readout and the briefing's tables both say it this way, so one figure reads alike."""
    if _finite(m) and m < 0.1 * NM:
        return fmt_altitude(m, units)
    return fmt_distance(m, units, digits)


def fmt_flight_level(m: float | None) -> str:
    """``"FL235"``: hundreds of feet, the way controllers and pilots say it."""
    if not _finite(m):
        return DASH
    return f"FL{round(m / FT / 100):03d}"


def fmt_speed(mps: float | None, units: str) -> str:
    if not _finite(mps):
        return DASH
    return f"{speed_value(mps, units):,.0f} {speed_label(units)}"


def fmt_time_utc(t: float | None, decimals: int = 1) -> str:
    """``"12:34:56.7Z"`` for clocks and tables."""
    if not _finite(t):
        return "--:--:--Z"
    return clock_utc(t, decimals)


def fmt_iso(t: float | None) -> str:
    """ISO-8601 UTC (``2015-10-03T12:34:56.7Z`` style) or a dash when unknown."""
    s = iso_utc(t) if _finite(t) else None
    return s if s is not None else DASH


def fmt_duration(seconds: float | None) -> str:
    """``"2:05"`` (m:ss) or ``"1:02:05"``: how long something lasted."""
    if not _finite(seconds):
        return DASH
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def fmt_elapsed(seconds: float | None) -> str:
    """``"T+03:12"`` (or ``"T+1:03:12"``) from the start of the recording, truncated to whole
    seconds so the counter ticks together with the clock."""
    if not _finite(seconds):
        return "T+--:--"
    sign = "-" if seconds < 0 else "+"
    s = math.floor(abs(seconds) + 1e-6)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    body = f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
    return f"T{sign}{body}"


def fmt_speed_factor(speed: float) -> str:
    """Playback speed as ``"×0.25"``, ``"×1"``, ``"×64"``."""
    return f"×{speed:g}"
