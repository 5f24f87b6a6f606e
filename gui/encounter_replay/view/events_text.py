"""Words for an event's objects (the events dock, tooltips). No Qt."""

from __future__ import annotations


def event_who(names: list[str], track: int, other: int, kind: str) -> str:
    """ "AIM-9X ← F-16C · VIPER 1" for a launch (weapon and shooter), the object alone
    otherwise; '' when the event names no object."""

    def name(k: int) -> str:
        return names[k] if 0 <= k < len(names) else ""

    a, b = name(track), name(other)
    if a and b:
        arrow = "←" if kind.lower() in ("launch", "guns", "decoy") else "·"
        return f"{a} {arrow} {b}"
    return a or b
