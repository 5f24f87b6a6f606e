"""Entry point the main window looks for (``install(window)``) to add File ▸ Export."""

from __future__ import annotations

from .dialogs import install_export_actions


def install(window) -> None:
    install_export_actions(window)
