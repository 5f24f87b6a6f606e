"""Shared test setup: headless Qt and the location of the shared real recordings."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Windows built by tests must not read or write the user's saved layout and units.
_SETTINGS_DIR = tempfile.mkdtemp(prefix="encounter-replay-tests-")
atexit.register(shutil.rmtree, _SETTINGS_DIR, ignore_errors=True)  # leave nothing behind
os.environ["ENCOUNTER_REPLAY_SETTINGS"] = os.path.join(_SETTINGS_DIR, "settings.ini")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE_DIR = ROOT / "sample_tracks"


@pytest.fixture
def shared_data() -> Path:
    """The real recordings in ../shared/data; skip when this checkout has none beside it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
