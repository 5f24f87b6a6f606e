"""Where the window keeps what outlives it: geometry, dock layout, units, recent files."""

from __future__ import annotations

import os

from PySide6 import QtCore, QtWidgets

ORGANIZATION = "EncounterReplay"
APPLICATION = "EncounterReplay"
SETTINGS_ENV = "ENCOUNTER_REPLAY_SETTINGS"


def default_qsettings() -> QtCore.QSettings:
    """Where window geometry, recent files and units persist: the user's settings, or the
    INI file named by ENCOUNTER_REPLAY_SETTINGS (tests and kiosk setups point it elsewhere
    so nothing leaks between runs)."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QtCore.QSettings(path, QtCore.QSettings.Format.IniFormat)
    return QtCore.QSettings(ORGANIZATION, APPLICATION)


def restore_layout(window: QtWidgets.QMainWindow, settings: QtCore.QSettings) -> bool:
    """Geometry and dock layout from the last run. False when there was no layout to
    restore: the caller then sizes the docks itself once the window is shown."""
    geom = settings.value("window/geometry")
    state = settings.value("window/state")
    if geom is not None:
        window.restoreGeometry(geom)
    return state is not None and window.restoreState(state)


def save_layout(window: QtWidgets.QMainWindow, settings: QtCore.QSettings, units: str) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("view/units", units)
    settings.sync()


def saved_units(settings: QtCore.QSettings) -> str | None:
    """The distance units of the last run ("nm" or "km"), None when unknown."""
    units = settings.value("view/units", "nm")
    return units if units in ("nm", "km") else None
