"""Who is who: an object's name by what it is and who flies it, and a readable type.

Recorders spread identity over different fields. Tacview ACMI puts the aircraft model in
``Name`` (``F-15E``), the person in ``Pilot`` or ``CallSign`` (read into ``callsign``) and a
class path in ``Type`` (``Air+FixedWing``). ADS-B gives a callsign, a 24-bit address
(``icao24``) and sometimes a registration and an ICAO type designator (``A320``). An
analyst wants both halves at once, "F-15E · Пилот #2", "Su-30SM · SOKOL 01",
"AFR1234 · F-HBXA", and a type column in words, not tag paths. The view's one
track-label function calls :func:`display_name`; nothing here knows of Qt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

#: Separator between what an object is and who flies it.
SEP = " · "

#: Tacview class and attribute tags: they say where an object belongs, not what it is.
_GENERIC_TAGS = frozenset(
    {
        "air",
        "ground",
        "sea",
        "weapon",
        "sensor",
        "navaid",
        "misc",
        "static",
        "heavy",
        "medium",
        "light",
        "minor",
        "watercraft",
        "vehicle",
        "projectile",
        "decoy",
    }
)
#: Words for the specific tags (others are split at their capitals: ``AntiAircraft`` →
#: "Anti-aircraft" through this table, ``Carrier`` stays "Carrier").
_TAG_WORDS = {
    "fixedwing": "Fixed-wing aircraft",
    "rotorcraft": "Helicopter",
    "antiaircraft": "Anti-aircraft",
    "armor": "Armour",
    "aircraftcarrier": "Aircraft carrier",
    "bullseye": "Bullseye",
    "waypoint": "Waypoint",
    "missile": "Missile",
    "rocket": "Rocket",
    "bomb": "Bomb",
    "torpedo": "Torpedo",
    "shell": "Shell",
    "bullet": "Bullet",
    "chaff": "Chaff",
    "flare": "Flare",
    "parachutist": "Parachutist",
    "shrapnel": "Shrapnel",
    "explosion": "Explosion",
    "warship": "Warship",
    "tank": "Tank",
    "infantry": "Infantry",
}
#: Words for a class when no specific tag is given.
_CLASS_WORDS = {
    "aircraft": "Aircraft",
    "weapon": "Weapon",
    "decoy": "Decoy",
    "ground": "Ground object",
    "sea": "Ship",
    "reference": "Reference point",
    "other": "",
}


def _text(value: Any) -> str:
    """A metadata cell as clean text ('' for missing, NaN or 'nan')."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    s = str(value).strip()
    return "" if s.lower() in ("nan", "none") else s


def is_tag_path(type_str: str) -> bool:
    """True for a Tacview class path (``Air+FixedWing``, ``Navaid+Static+Bullseye``)."""
    parts = [p.strip().lower() for p in type_str.split("+") if p.strip()]
    return bool(parts) and ("+" in type_str or parts[0] in _GENERIC_TAGS)


def _camel_words(tag: str) -> str:
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tag).split()
    if not words:
        return ""
    return " ".join([words[0].capitalize(), *(w.lower() for w in words[1:])])


def clean_type(type_str: Any, cls: Any = "") -> str:
    """The type in words: the most specific Tacview tag, named (``Air+FixedWing`` →
    "Fixed-wing aircraft", ``Misc+Decoy+Chaff`` → "Chaff"); any other type string (an ICAO
    designator such as ``A320``, a CSV's own words) as given; else the class in words."""
    t = _text(type_str)
    if t and not is_tag_path(t):
        return t
    specific = [p.strip() for p in t.split("+") if p.strip().lower() not in _GENERIC_TAGS]
    specific = [p for p in specific if p]
    if specific:
        tag = specific[-1]
        return _TAG_WORDS.get(tag.lower(), _camel_words(tag))
    return _CLASS_WORDS.get(_text(cls).lower(), "")


def what_and_who(row: Mapping[str, Any]) -> tuple[str, str]:
    """``(what it is, who flies it)`` of one metadata row (either may be '')."""
    type_str = _text(row.get("type"))
    name = _text(row.get("name"))
    callsign = _text(row.get("callsign"))
    registration = _text(row.get("registration"))
    icao24 = _text(row.get("icao24"))
    track_id = _text(row.get("id"))
    if is_tag_path(type_str) or (not type_str and not icao24 and not registration):
        # Tacview style: Name is the model, callsign/pilot the person. An untyped, unnamed
        # object is named by its callsign alone rather than "Aircraft · N123".
        tagged = is_tag_path(type_str)
        what = name or (clean_type(type_str, row.get("cls")) if tagged else "")
        who = callsign
    else:
        # Surveillance style: the callsign names the flight, the airframe its registration
        # (readsb puts it in the name) or address; the type designator has its own column.
        what = callsign or name
        reg = registration or (name if name.lower() != what.lower() else "")
        who = reg or icao24 or (track_id if track_id.lower() != what.lower() else "")
        if who and what and who.lower() == what.lower():
            who = ""
    return what, who


def display_name(row: Mapping[str, Any]) -> str:
    """ "F-15E · Пилот #2", "Su-30SM · SOKOL 01", "AFR1234 · F-HBXA"; one half alone when
    the other is unknown or repeats it; the id when nothing else is known."""
    what, who = what_and_who(row)
    if what and who and what.lower() != who.lower():
        return f"{what}{SEP}{who}"
    return what or who or _text(row.get("id")) or "?"


def display_names(meta: pd.DataFrame) -> list[str]:
    """:func:`display_name` of every track (one pass over the metadata rows, on load).

    Names that several tracks share (two ``M.S530D`` missiles, a flight of untitled
    ``f16``) get the track id in brackets, so no two rows of a table read alike.
    """
    names = pd.Series([display_name(row) for row in meta.to_dict("records")], dtype=object)
    ids = meta["id"].astype(str).to_numpy() if "id" in meta else names.to_numpy()
    shared = names.duplicated(keep=False).to_numpy()
    out = names.to_numpy(dtype=object, copy=True)
    for k in range(len(out)):
        if shared[k] and out[k] != ids[k]:
            out[k] = f"{out[k]} [{ids[k]}]"
    return list(out)


def clean_types(meta: pd.DataFrame) -> list[str]:
    """:func:`clean_type` of every track, for the track list's Type column."""
    types = meta["type"] if "type" in meta else pd.Series([""] * len(meta))
    classes = meta["cls"] if "cls" in meta else pd.Series([""] * len(meta))
    return [clean_type(t, c) for t, c in zip(types, classes, strict=True)]
