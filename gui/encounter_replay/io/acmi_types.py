"""Map Tacview ``Type`` tags and colours onto the model's object classes and coalitions.

Only aircraft are paired in separation analysis by default, so the order of the tests
matters: a ``Misc+Decoy+Flare`` must not become an aircraft, a ``Projectile+Shell`` is a
weapon even without the ``Weapon`` class tag, and a parachutist (``Air+Parachutist``) is a
person, not an aircraft to keep separated from.
"""

from __future__ import annotations

from ..model import ObjectClass

_DECOY = frozenset({"decoy", "flare", "chaff"})
_WEAPON = frozenset(
    {"weapon", "missile", "rocket", "bomb", "projectile", "shell", "bullet", "torpedo", "beam"}
)
_REFERENCE = frozenset({"navaid", "bullseye", "waypoint"})
_NOT_AIRCRAFT = frozenset({"parachutist", "shrapnel", "explosion", "smoke", "container"})

#: Tacview colours that name a side; other colours (Grey, Green, …) say nothing about it.
_COLOR_COALITION = {"blue": "Blue", "red": "Red"}


def classify_type(type_tags: str) -> ObjectClass:
    """Object class for a ``+``-separated Type such as ``Air+FixedWing``.

    An empty Type returns :attr:`ObjectClass.OTHER`; the reader decides what an untyped
    object is (it knows whether the writer types objects at all).
    """
    tags = {t.strip().lower() for t in type_tags.split("+")}
    if tags & _DECOY:
        return ObjectClass.DECOY
    if tags & _WEAPON:
        return ObjectClass.WEAPON
    if tags & _NOT_AIRCRAFT:
        return ObjectClass.OTHER
    if "air" in tags:
        return ObjectClass.AIRCRAFT
    if "ground" in tags:
        return ObjectClass.GROUND
    if "sea" in tags:
        return ObjectClass.SEA
    if tags & _REFERENCE:
        return ObjectClass.REFERENCE
    return ObjectClass.OTHER


def coalition_from_color(color: str) -> str:
    """Side implied by a Tacview colour when the file gives no Coalition ("" if none)."""
    return _COLOR_COALITION.get(color.strip().lower(), "")
