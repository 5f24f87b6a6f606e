"""Which CSV column means what, and in which unit: decided from the header alone.

Track CSVs come from many tools (the ``traffic`` library, OpenSky state vectors, readsb,
Tacview, spreadsheets) that agree on no schema. Names are matched case-insensitively
after dropping spaces, underscores, hyphens and dots, and a trailing unit
(``altitude_ft``, ``Speed (km/h)``, ``alt [m]``) is split off and honoured. Where the
name states no unit, the caller's option wins, else a per-convention default is taken
and reported, because a silent feet/metre mix-up moves an aircraft by a factor of 3.3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model.units import FT, KMH, KT, MPH

#: Unit words as they appear in column names → canonical unit token.
UNIT_WORDS = {
    "ft": "ft",
    "feet": "ft",
    "foot": "ft",
    "m": "m",
    "meter": "m",
    "meters": "m",
    "metre": "m",
    "metres": "m",
    "km": "km",
    "kt": "kt",
    "kts": "kt",
    "knot": "kt",
    "knots": "kt",
    "kn": "kt",
    "mps": "mps",
    "m/s": "mps",
    "ms": "ms",  # m/s for a speed, milliseconds for a time
    "kmh": "kmh",
    "km/h": "kmh",
    "kph": "kmh",
    "mph": "mph",
    "fps": "fps",
    "ft/s": "fps",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "seconds": "s",
    "msec": "msec",
    "millis": "msec",
    "milliseconds": "msec",
    "us": "us",
    "ns": "ns",
    "deg": "deg",
    "degs": "deg",
    "degree": "deg",
    "degrees": "deg",
    "°": "deg",
    "rad": "rad",
    "radians": "rad",
}

#: Metres per unit.
ALTITUDE_UNITS = {"ft": FT, "m": 1.0, "km": 1000.0}
#: Metres per second per unit.
SPEED_UNITS = {
    "kt": KT,
    "mps": 1.0,
    "ms": 1.0,
    "kmh": KMH,
    "mph": MPH,
    "fps": FT,
}
#: Seconds per unit of a numeric time column.
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "msec": 1e-3, "us": 1e-6, "ns": 1e-9}
ANGLE_UNITS = {"deg", "rad"}

UNIT_NAMES = {
    "ft": "feet",
    "m": "metres",
    "km": "kilometres",
    "kt": "knots",
    "mps": "m/s",
    "ms": "m/s",
    "kmh": "km/h",
    "mph": "mph",
    "fps": "ft/s",
}

# Candidate normalised names per role, most specific first.
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "time": (
        "unixtime",
        "timestamp",
        "time",
        "datetime",
        "utc",
        "timeutc",
        "utctime",
        "datetimeutc",
        "epoch",
        "epochtime",
        "isotime",
        "t",
    ),
    "id": ("flightid", "id", "trackid", "icao24", "icao", "hex", "callsign"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "long", "longitude", "lng"),
    "alt": (
        "baroaltitude",
        "altbaro",
        "barometricaltitude",
        "altitudebaro",
        "pressurealtitude",
        "altitude",
        "alt",
        "geoaltitude",
        "altgeom",
        "geometricaltitude",
        "altitudegeo",
        "gpsaltitude",
        "height",
    ),
    "speed": ("groundspeed", "gs", "velocity", "speed"),
    "heading": ("heading", "hdg", "truetrack", "track", "course", "yaw"),
    "roll": ("roll", "bank"),
    "pitch": ("pitch",),
    "name": ("name", "pilot"),
    "callsign": ("callsign",),
    "type": ("type", "aircrafttype", "actype", "typecode", "model"),
    "coalition": ("coalition", "side", "affiliation"),
    # Not "category": ADS-B emitter categories (A1…A7) are no object class.
    "cls": ("class", "cls", "objectclass"),
    "color": ("color", "colour"),
    "icao24": ("icao24", "icao", "hex"),
}

#: Roles a reader cannot do without.
REQUIRED = ("time", "lat", "lon")
#: Roles read as text (never as numbers: icao24 "010123" must keep its zero).
TEXT_ROLES = ("id", "name", "callsign", "type", "coalition", "cls", "color", "icao24")
ROLE_LABELS = {"time": "time", "lat": "latitude", "lon": "longitude"}

_BRACKET_UNIT = re.compile(r"^(.*?)[\s_]*[\(\[]([^\)\]]*)[\)\]]\s*$")
_SEPARATORS = re.compile(r"[\s_\-\.]+")


@dataclass(frozen=True)
class Column:
    """One header cell: position, the name as written, normalised base and stated unit."""

    index: int
    name: str
    base: str
    unit: str | None


@dataclass
class Layout:
    """The header's meaning: which column plays which role."""

    names: list[str]
    roles: dict[str, Column] = field(default_factory=dict)
    #: Tacview's per-aircraft CSV: one object per file, metric units by definition.
    tacview: bool = False

    def missing(self) -> list[str]:
        return [r for r in REQUIRED if r not in self.roles]

    def used_indices(self) -> list[int]:
        return sorted({c.index for c in self.roles.values()})


def split_name(name: str) -> Column:
    """Normalised base and unit of a header cell (index filled in by the caller)."""
    text = name.strip().lower().lstrip("\ufeff")
    unit = None
    m = _BRACKET_UNIT.match(text)
    if m and m.group(1).strip():
        text, unit = m.group(1), (m.group(2).split() or [""])[0]  # "(ft MSL)" → ft
    tokens = [tok for tok in _SEPARATORS.split(text) if tok]
    if unit is None and len(tokens) > 1 and tokens[-1] in UNIT_WORDS:
        unit = tokens.pop()
    canonical = UNIT_WORDS.get(unit) if unit is not None else None
    return Column(index=-1, name=name.strip(), base="".join(tokens), unit=canonical)


def detect(names: list[str]) -> Layout:
    """Assign roles to header cells by name; the leftmost cell wins among equal names."""
    cols = []
    for i, name in enumerate(names):
        c = split_name(name)
        cols.append(Column(index=i, name=c.name, base=c.base, unit=c.unit))
    layout = Layout(names=list(names))
    taken: set[int] = set()
    # Meta roles may share a column with the id (callsign as id is still the callsign).
    shareable = {"callsign", "icao24"}
    for role, candidates in ROLE_NAMES.items():
        for cand in candidates:
            hit = next(
                (c for c in cols if c.base == cand and (role in shareable or c.index not in taken)),
                None,
            )
            if hit is not None:
                layout.roles[role] = hit
                if role not in shareable:
                    taken.add(hit.index)
                break
    icao, ident = layout.roles.get("icao24"), layout.roles.get("id")
    if icao is not None and ident is not None and icao.index == ident.index:
        del layout.roles["icao24"]  # icao24 is metadata only when it is not already the id
    time_col = layout.roles.get("time")
    layout.tacview = "id" not in layout.roles and (
        (time_col is not None and time_col.base in ("unixtime", "isotime"))
        or any(r in layout.roles for r in ("roll", "pitch"))
        or layout.roles.get("heading", Column(-1, "", "", None)).base == "yaw"
    )
    return layout


def describe_found(layout: Layout) -> str:
    """Plain account of what the header offers, for the 'missing column' error."""
    found = [
        f"{ROLE_LABELS.get(r, r)} {c.name!r}" for r, c in layout.roles.items() if r in REQUIRED
    ]
    shown = ", ".join(n if n else "(blank)" for n in layout.names[:20])
    more = f", … ({len(layout.names)} columns)" if len(layout.names) > 20 else ""
    return (f"found {', '.join(found)}; " if found else "") + f"columns are: {shown}{more}"


@dataclass(frozen=True)
class UnitChoice:
    """Factor to SI and, when the unit was guessed, the sentence saying so."""

    factor: float
    unit: str
    guessed_note: str | None = None


def altitude_unit(layout: Layout, option: str | None) -> UnitChoice | None:
    """Unit of the altitude column: name suffix, else option, else a stated convention."""
    col = layout.roles.get("alt")
    if col is None:
        return None
    if col.unit in ALTITUDE_UNITS:
        return UnitChoice(ALTITUDE_UNITS[col.unit], col.unit)
    if option in ALTITUDE_UNITS:
        return UnitChoice(ALTITUDE_UNITS[option], option)
    if layout.tacview:
        return UnitChoice(1.0, "m")  # Tacview's CSV is metric by definition
    speed = layout.roles.get("speed")
    if col.base in ("baroaltitude", "geoaltitude"):
        unit, why = "m", "OpenSky state-vector convention"
    elif col.base in ("altbaro", "altgeom"):
        unit, why = "ft", "readsb/ADS-B convention"
    elif (
        col.base in ("altitude", "alt")
        and speed is not None
        and speed.unit is None
        and speed.base in ("groundspeed", "gs")
    ):
        unit, why = "ft", "ADS-B export convention of the traffic library, as with groundspeed"
    else:
        unit, why = "m", "default"
    note = (
        f"altitude column {col.name!r} states no unit: assumed {UNIT_NAMES[unit]} ({why}); "
        "set the altitude unit option if that is wrong"
    )
    return UnitChoice(ALTITUDE_UNITS[unit], unit, note)


def speed_unit(layout: Layout, option: str | None) -> UnitChoice | None:
    """Unit of the speed column: name suffix, else option, else a stated convention."""
    col = layout.roles.get("speed")
    if col is None:
        return None
    if col.unit in SPEED_UNITS:
        return UnitChoice(SPEED_UNITS[col.unit], col.unit)
    if option in SPEED_UNITS:
        return UnitChoice(SPEED_UNITS[option], option)
    if layout.tacview:
        return UnitChoice(1.0, "mps")
    if col.base in ("groundspeed", "gs"):
        unit, why = "kt", "ADS-B convention"
    elif col.base == "velocity":
        unit, why = "mps", "OpenSky state-vector convention"
    else:
        unit, why = "mps", "default"
    note = (
        f"speed column {col.name!r} states no unit: assumed {UNIT_NAMES[unit]} ({why}); "
        "set the speed unit option if that is wrong"
    )
    return UnitChoice(SPEED_UNITS[unit], unit, note)


def angle_factor(col: Column | None) -> float:
    """Degrees per stated unit of an angle column (radians are converted)."""
    if col is not None and col.unit == "rad":
        return 180.0 / 3.141592653589793
    return 1.0


def time_scale(col: Column) -> float | None:
    """Seconds per unit of a numeric time column when its name says so, else None."""
    if col.unit in TIME_UNITS:
        return TIME_UNITS[col.unit]
    return None


_CLASS_WORDS = {
    "aircraft": "aircraft",
    "air": "aircraft",
    "airplane": "aircraft",
    "aeroplane": "aircraft",
    "plane": "aircraft",
    "fixedwing": "aircraft",
    "rotorcraft": "aircraft",
    "helicopter": "aircraft",
    "glider": "aircraft",
    "uav": "aircraft",
    "drone": "aircraft",
    "weapon": "weapon",
    "missile": "weapon",
    "bomb": "weapon",
    "rocket": "weapon",
    "shell": "weapon",
    "projectile": "weapon",
    "torpedo": "weapon",
    "decoy": "decoy",
    "chaff": "decoy",
    "flare": "decoy",
    "ground": "ground",
    "vehicle": "ground",
    "tank": "ground",
    "sam": "ground",
    "sea": "sea",
    "ship": "sea",
    "watercraft": "sea",
    "boat": "sea",
    "vessel": "sea",
    "reference": "reference",
    "bullseye": "reference",
    "waypoint": "reference",
    "navaid": "reference",
    "other": "other",
}


def object_class(value: str) -> str | None:
    """ObjectClass value for a class cell ('' → aircraft); None when not understood."""
    text = value.strip().lower()
    if not text:
        return "aircraft"
    if text in _CLASS_WORDS:
        return _CLASS_WORDS[text]
    for tag in re.split(r"[+\s,/;_\-]+", text):  # Tacview-style tags: "Air+FixedWing"
        if tag in _CLASS_WORDS and tag not in ("air", "other"):
            return _CLASS_WORDS[tag]
    if "air" in re.split(r"[+\s,/;_\-]+", text):
        return "aircraft"
    return None


def coalition(value: str) -> str:
    """Common coalition words in the capitalisation the rest of the program uses."""
    text = value.strip()
    low = text.lower()
    if low in ("blue", "red", "neutral"):
        return low.capitalize()
    if low == "neutrals":
        return "Neutral"
    return text


_TACVIEW_NAME = re.compile(
    r"^(?P<type>[^(\[]*?)\s*(?:\((?P<pilot>[^)]*)\))?\s*(?:\[(?P<color>[^\]]*)\])?\s*$"
)


def tacview_file_meta(stem: str) -> dict[str, str]:
    """Type, pilot and colour from a Tacview CSV file name: ``F-14A (Maverick) [Blue]``."""
    m = _TACVIEW_NAME.match(stem)
    if not m:
        return {"type": "", "name": stem, "color": ""}
    kind = (m.group("type") or "").strip()
    pilot = (m.group("pilot") or "").strip()
    return {"type": kind, "name": pilot or kind or stem, "color": (m.group("color") or "").strip()}
