"""Split an ACMI ``Event=`` value into kind, object ids and text.

The spec's shape is ``Type|id1|id2|…|Text``: the last item is always the (possibly empty)
text, the items between are object ids. ``Timeout`` is the exception: every item is a
``Key:Value`` pair (``SourceId:507|AmmoType:FOX2|…|Outcome:Kill``) and there is no free text.
Writers also put non-id items in the middle (``TestEvent|hahaha:test|…|itsAValue`` in a
real DCS file), so an item only counts as an id when it looks like one; everything else is
kept in the text, so no information is thrown away.
"""

from __future__ import annotations

import re

_HEX_ID = re.compile(r"[0-9A-Fa-f]{1,16}")
#: Key:Value items whose value is an object id.
_ID_KEYS = frozenset({"sourceid", "targetid", "parentid", "objectid"})


class EventError(ValueError):
    """The Event value has no type."""


def is_hex_id(text: str) -> bool:
    """True when ``text`` is an ACMI object id (1 to 16 hexadecimal digits)."""
    return _HEX_ID.fullmatch(text) is not None


def parse_event(value: str) -> tuple[str, list[str], str]:
    """``(kind, ids as written, text)`` for the value of an ``Event=`` property."""
    parts = value.split("|")
    kind = parts[0].strip()
    if not kind:
        raise EventError("event without a type")
    items = parts[1:]
    if not items:
        return kind, [], ""
    if kind.lower() == "timeout":
        middle, last = items, None
    else:
        middle, last = items[:-1], items[-1]
    ids: list[str] = []
    text_parts: list[str] = []
    for item in middle:
        if is_hex_id(item):
            ids.append(item)
            continue
        key, colon, val = item.partition(":")
        if colon and key.strip().lower() in _ID_KEYS and is_hex_id(val.strip()):
            ids.append(val.strip())
        text_parts.append(item)
    if last is not None:
        text_parts.append(last)
    return kind, ids, "|".join(text_parts)
