"""Every colour the program draws with, named for what it means. No Qt: hex strings only.

One home per colour, so a fact looks the same everywhere: loss of separation is the same
red on the map, the timeline, the plots, the table and in reports. The map, timeline,
plots, tables, icons, captions and reports import from here; the only other place a
colour is written is the Qt stylesheet (``assets/style.qss``).

**Visual contact is amber everywhere** (it used to be amber on the map and green on the
timeline, plots and table). Amber because:

* on the map green is a track colour (ACMI's "Green" coalition and named colour), so a
  green contact line would read as part of a track, while no track is drawn in amber;
* red/green is the pair that red-green colour-blind viewers (about one man in twelve)
  confuse, and the timeline shows the visual-contact row directly above the
  loss-of-separation row; amber and red differ in lightness, which survives that;
* amber → orange → red → magenta reads as one scale of severity, from "they could see
  each other" through a well-clear violation and loss of separation to a near
  mid-air collision, the order an analyst briefs them in.

The cursor (the current time on the timeline and the plots) is therefore no longer
orange but a pale ice blue, and the CPA one pale yellow, so neither is mistaken for a
contact band. See ``docs/architecture.md``.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------- meanings
#: Pair in visual contact: intervals, contact lines, visual-range rings and thresholds.
VISUAL = "#f59e0b"
#: Well-clear violation (DAA, issue 11): between contact and loss of separation.
WELL_CLEAR = "#fb923c"
#: Loss of separation: intervals, the pair line while lost, the minimum threshold.
LOS = "#ff2d55"
#: Near mid-air collision: the most severe mark.
NMAC = "#e040fb"
#: Closest point of approach (marks on the map and timeline); brighter when selected.
CPA = "#fde047"
CPA_SELECTED = "#fef3a0"
#: The current time on the timeline and plots.
CURSOR = "#bfe3ff"
#: Recorded events (takeoffs, hits, messages) and the analyst's notes.
EVENT = "#7fa7d6"
NOTE = "#c792ea"
#: The selected track or pair.
SELECT = "#ffffff"

# ---------------------------------------------------------------------------- coalitions
BLUE = "#3b82f6"
RED = "#ef4444"
NEUTRAL = "#e5e7eb"
#: Colour names recorders write (ACMI ``Color=``), as drawn on the dark map.
NAMED_COLORS: dict[str, str] = {
    "blue": BLUE,
    "red": RED,
    "grey": "#cbd5e1",
    "gray": "#cbd5e1",
    "white": "#f8fafc",
    "green": "#22c55e",
    "orange": "#f97316",
    "yellow": "#facc15",
    "violet": "#a78bfa",
    "purple": "#a78bfa",
    "cyan": "#22d3ee",
    "black": "#94a3b8",  # black on a dark map is invisible; a slate grey stands in
}
#: A track with no colour of its own in a two-line plot (never reached with a scene).
TRACK_FALLBACK = "#dddddd"
#: The two tracks of a pair in the altitude plot: distinct even when both share a
#: coalition colour (a formation is one colour on the map, but two lines must not be).
PAIR_TRACKS = ("#7cc4ff", "#ff9a76")

# ---------------------------------------------------------------------------- map
SEA = "#0b1726"
LAND = "#162335"
COAST = "#4b6584"
LAKE_SHORE = "#3b5472"
BORDER = "#5b6f8a"
GRID = "#22344d"
GRID_TEXT = "#7d8fa8"
AXIS_TEXT = "#94a3b8"
TEXT = "#e5e7eb"
TEXT_DIM = "#aab6c8"
OUTLINE = "#0a1220"
#: Behind map labels: the sea, nearly opaque (alpha 0–255).
LABEL_BG, LABEL_BG_ALPHA = "#080e1a", 200

# ---------------------------------------------------------------------------- plots
SERIES_SLANT = "#e5e7eb"
SERIES_HORIZONTAL = "#5bc0de"
PLOT_BG = "#15191e"
PLOT_AXIS = "#aab4bf"

# ---------------------------------------------------------------------------- timeline
TIMELINE_BG = "#161a1f"
TIMELINE_ROW = "#1e242b"
TIMELINE_GRID = "#2c343d"
TIMELINE_TEXT = "#aab4bf"
TIMELINE_OVERVIEW = "#5a6b78"
LOOP, LOOP_ALPHA = "#5a96ff", 55
LOOP_EDGE = "#78aaff"
#: Outside the zoomed range in the overview strip.
SHADE, SHADE_ALPHA = "#000000", 110

# ---------------------------------------------------------------------------- window
WINDOW = "#1b2027"
WINDOW_TEXT = "#d7dde4"
BASE = "#171c22"
ALTERNATE_BASE = "#1c222a"
BUTTON = "#2a333e"
HIGHLIGHT = "#2f6fb3"
HIGHLIGHTED_TEXT = "#ffffff"
TOOLTIP_BASE = "#262d36"
TOOLTIP_TEXT = "#eef2f6"
PLACEHOLDER = "#6b7682"
LINK = "#78aaff"
DISABLED_TEXT = "#5f6a76"
ICON = "#dfe5eb"
ICON_DISABLED = "#56606b"
#: A hidden track's row in the track list.
HIDDEN_ROW = "#69727c"

# ---------------------------------------------------------------------------- print
#: Caption strip under exported pictures: dark slate, light text (projectors and print).
CAPTION_BG = "#17202b"
CAPTION_RULE = "#3b4a5c"
CAPTION_TEXT = "#f2f5f8"
CAPTION_MUTED = "#a9b6c4"
#: The ILLUSTRATIVE tag, on pictures and reports alike.
TAG = "#f0a202"
TAG_TEXT = "#17202b"
#: Reports (white paper).
REPORT_INK = "#17202b"
REPORT_MUTED = "#5b6b7c"
REPORT_RULE = "#c9d2dc"
REPORT_LOS_ROW = "#fde8e6"
REPORT_BANNER = "#fff7e6"
#: The blank picture a map and its caption are painted on (covered entirely).
PAPER = "#ffffff"

# ---------------------------------------------------------------------------- print theme
#: The map on paper (``--theme print``): white ground, dark ink, and coalition colours that
#: differ in lightness as well as hue, so blue and red stay apart in greyscale print.
PRINT_MAP: dict[str, str] = {
    "SEA": "#ffffff",
    "LAND": "#eef1f4",
    "COAST": "#7b8794",
    "LAKE_SHORE": "#9aa5b1",
    "BORDER": "#9aa5b1",
    "GRID": "#d5dbe1",
    "GRID_TEXT": "#4a5663",
    "AXIS_TEXT": "#303a45",
    "TEXT": "#111827",
    "TEXT_DIM": "#374151",
    "OUTLINE": "#ffffff",
    "LABEL_BG": "#ffffff",
    "CPA": "#a16207",
    "SELECT": "#111827",
    "VISUAL": "#d97706",
    "LOS": "#dc2626",
}
#: Track colours on paper, by the recorder's colour name (dark blue vs mid red).
PRINT_NAMED_COLORS: dict[str, str] = {
    "blue": "#1d4ed8",
    "red": "#e0483e",
    "grey": "#6b7280",
    "gray": "#6b7280",
    "white": "#6b7280",
    "green": "#15803d",
    "orange": "#c2410c",
    "yellow": "#a16207",
    "violet": "#6d28d9",
    "purple": "#6d28d9",
    "cyan": "#0e7490",
    "black": "#111827",
}
PRINT_NEUTRAL = "#4b5563"
#: The two lines of a pair on the briefing's chart, and its separation line.
PRINT_PAIR_TRACKS = ("#1d4ed8", "#e0483e")
PRINT_SEPARATION = "#111827"
# ---------------------------------------------------------------------------- analyst's window
# (issue 12: events on the map, places, the relative view; kept in one block for merges)
#: Weapon launches and gun bursts on the map and in the events list.
EVENT_LAUNCH = "#fca5a5"
#: An aircraft destroyed or removed from the recording.
EVENT_DESTROYED = "#f87171"
#: Airfields and their ICAO codes.
AIRFIELD = "#9fb3c8"
#: Towns and their names.
TOWN = "#c8b99f"
#: Rivers (lake shores use LAKE_SHORE).
RIVER = "#2f5a85"
#: Range rings and bearing lines of the primary-centred view.
RANGE_RING = "#3d5a7a"
#: Arrow at the map's edge pointing to an off-screen selected pair.
EDGE_ARROW = "#ffffff"
