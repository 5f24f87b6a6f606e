"""The one table of limits that keeps any input, however hostile, within the machine.

Every reader and container takes its bounds from here: how far a decompressed stream may
grow, how soon the first line must be judgeable, how much a compressed byte may inflate to,
and what one sample, track or analysed pair costs against the process's memory budget.
The budget (default 2 GiB, ``--max-memory``) is set once per process by the entry point;
everything else follows from it, so lowering it tightens every limit together.

The per-item costs are measured peaks (``tests/benchmarks/bench_hostile.py``) rounded up,
not guesses: a sample held by a reader and then by the TrackSet, a track's metadata row
and per-track arrays, a reported pair with its intervals through the JSON/table output.
"""

from __future__ import annotations

import re

from .errors import ReadError

GiB = 1024**3
MiB = 1024**2
KiB = 1024

#: Default memory budget of one process (bytes).
DEFAULT_BUDGET = 2 * GiB
#: Below this a budget cannot even hold the program itself.
MIN_BUDGET = 64 * MiB

# ----------------------------------------------------------------------------- streams
#: An ACMI file's first line (FileType=…) must end within this many decompressed bytes.
ACMI_HEADER_BYTES = 4 * KiB
#: A CSV header line must end within this many bytes (200,000 columns do not).
CSV_HEADER_BYTES = 256 * KiB
#: Longest physical line of a line-based format (an ACMI line, a CSV row).
MAX_LINE_BYTES = 16 * MiB
#: A compressed stream may inflate this many times its compressed size…
BOMB_RATIO = 200
#: …once past this many bytes (small files of repeated rows compress very well).
BOMB_FLOOR = 64 * MiB
#: Decompressed bytes accepted per kind of text, whatever the budget.
TEXT_CAP = {"acmi": 1 * GiB, "csv": 2 * GiB, "xml": 512 * MiB, "json": 256 * MiB}
#: Peak memory per byte of text while parsing it: Arrow's columns and their copies for CSV
#: (measured 6.7 on a 2-million-row file), Python objects for JSON (json.loads), Python
#: strings per point for GPX/KML (~0.5 kB for ~120 bytes of XML); ACMI's parser keeps only
#: its flat sample array, and counts samples against the budget itself.
MEMORY_PER_TEXT_BYTE = {"acmi": 1, "csv": 7, "xml": 4, "json": 16}

# ----------------------------------------------------------------------------- objects
#: Bytes per sample: reader buffers plus the TrackSet's columns (8 float64 and indices);
#: measured 250 for a 2-million-row CSV (694 MB peak, 188 MB of it the program itself).
SAMPLE_BYTES = 300
#: Bytes per track: metadata row, Python strings, per-track arrays of every layer.
TRACK_BYTES = 8 * KiB
#: Bytes per candidate (pair, coarse bucket) in the pruning stage.
BOX_PAIR_BYTES = 400
#: Bytes per analysed pair carried to the output (row, intervals, JSON text).
PAIR_BYTES = 8 * KiB

_budget = DEFAULT_BUDGET


class OverBudget(Exception):
    """Work that would not fit the memory budget, refused before it starts.

    ``str(err)`` is one line saying what was too big and what to narrow.
    """


def set_budget(nbytes: int) -> None:
    """Set this process's memory budget (the ``--max-memory`` value)."""
    global _budget
    _budget = max(int(nbytes), MIN_BUDGET)


def budget() -> int:
    """This process's memory budget in bytes."""
    return _budget


def size_text(nbytes: float) -> str:
    """Bytes as people read them: ``2 GiB``, ``640 MiB``, ``12 KiB``."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if nbytes >= size:
            value = nbytes / size
            return (
                f"{value:.0f} {unit}"
                if value >= 10 or value == int(value)
                else f"{value:.1f} {unit}"
            )
    return f"{nbytes:.0f} bytes"


_SIZE = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``2G``, ``1.5GB``, ``512M``, ``800MiB`` → bytes; a bare number is MiB. ValueError else."""
    m = _SIZE.fullmatch(text)
    if not m:
        raise ValueError(f"not a size: {text!r} (e.g. 2G, 512M)")
    unit = m.group(2).lower() or "m"
    value = float(m.group(1)) * {"k": KiB, "m": MiB, "g": GiB, "t": 1024 * GiB}[unit]
    if value < MIN_BUDGET:
        raise ValueError(f"--max-memory {text!r} is below the {size_text(MIN_BUDGET)} minimum")
    return int(value)


def text_limit(kind: str) -> int:
    """Decompressed bytes a reader of ``kind`` ('acmi', 'csv', 'xml', 'json') may take in."""
    return min(TEXT_CAP[kind], budget() // MEMORY_PER_TEXT_BYTE[kind])


def bomb_limit(compressed: int) -> int:
    """Bytes a stream of ``compressed`` bytes may inflate to before it counts as a bomb."""
    return max(BOMB_FLOOR, BOMB_RATIO * max(int(compressed), 1))


def check_analysis_budget(box_pairs: int = 0, pairs: int = 0) -> None:
    """OverBudget when the analysis's candidates would not fit the memory budget.

    ``box_pairs`` are (pair, coarse time bucket) candidates counted by the pruning stage
    before it builds them; ``pairs`` the distinct pairs that will be solved and reported.
    """
    need = box_pairs * BOX_PAIR_BYTES + pairs * PAIR_BYTES
    if need <= budget():
        return
    what = f"{pairs:,} pairs" if pairs else f"{box_pairs:,} candidate pair-intervals"
    raise OverBudget(
        f"the analysis would examine {what} (about {size_text(need)}), over the "
        f"{size_text(budget())} memory budget: narrow it with a smaller --within, "
        "--visual-range or --hsep, fewer classes (--include) or fewer tracks, "
        "or raise --max-memory"
    )


def objects_over_budget(tracks: int, samples: int) -> str | None:
    """Why ``tracks`` objects holding ``samples`` samples do not fit the budget, or None.

    Readers ask as they go (every so many lines or objects), so a file of millions of
    objects is refused while it is being read, not after memory ran out.
    """
    need = tracks * TRACK_BYTES + samples * SAMPLE_BYTES
    if need <= budget():
        return None
    what = f"{tracks:,} objects and {samples:,} samples" if tracks else f"{samples:,} rows"
    return (
        f"{what} need about {size_text(need)}, over the {size_text(budget())} memory "
        "budget: cut the recording, or raise --max-memory"
    )


def check_objects(path: object, tracks: int, samples: int, line: int | None = None) -> None:
    """ReadError naming ``path`` when :func:`objects_over_budget` says no."""
    why = objects_over_budget(tracks, samples)
    if why is not None:
        raise ReadError(str(path), why, line=line)
