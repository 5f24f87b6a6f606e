"""The HTML briefing with its map picture: the Qt half of :mod:`.report`.

The picture is always made on a fresh offscreen canvas at the overall closest approach,
so the window and the CLI produce the same briefing for the same recording and settings,
whatever the window happens to be showing.
"""

from __future__ import annotations

from pathlib import Path

from ..model import TrackSet
from ..model.timefmt import clock_utc
from ..model.view_state import ViewState
from .caption import caption_text
from .image import png_bytes
from .report import closest_pair, write_briefing
from .snapshot import snapshot_image

#: Size of the briefing's map picture: sharp when printed ~180 mm wide.
MAP_SIZE = (1400, 800)


def briefing_map(ts: TrackSet, analysis, size: tuple[int, int] = MAP_SIZE) -> tuple[bytes, str]:
    """(PNG bytes, caption) of the map at the closest approach of the closest pair.

    With no pair reported, the map shows the middle of the recording.
    """
    found = closest_pair(analysis)
    pair, t = found if found is not None else (None, (ts.start + ts.end) / 2)
    state = ViewState(time=t, pair=pair)
    image = snapshot_image(ts, analysis, state, *size, caption=False)
    cap = caption_text(ts, t, pair)
    what = "Closest approach" if pair is not None else "Mid-recording"
    text = f"{what}, {clock_utc(t, 1)}" + (f": {cap.separation}" if cap.separation else "")
    return png_bytes(image), text


def write_briefing_with_map(
    path: str | Path, ts: TrackSet, analysis, *, title: str | None = None
) -> Path:
    png, text = briefing_map(ts, analysis)
    return write_briefing(path, ts, analysis, title=title, map_png=png, map_caption=text)
