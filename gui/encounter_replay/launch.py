"""Decisions taken before any command runs: version, memory budget, display, typos.

Kept apart from the argument parsing so the entry point only calls in: each check answers
in one line, because the alternative is worse — Qt aborting with exit 134 and advice to
reinstall when there is simply no display, or a mistyped subcommand opened as a file.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Iterable

from .io import limits

#: The commands that need no display, for the no-display message.
HEADLESS = ("info", "analyze", "snapshot", "video", "report")
#: Qt platform plugins that draw without a display server.
_NO_SERVER_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")
NO_DISPLAY = f"no display: set DISPLAY, or use {'/'.join(HEADLESS)}, which need none"


def version() -> str:
    """The installed package's version (the source tree's when not installed)."""
    try:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as dist_version

        return dist_version("encounter-replay")
    except PackageNotFoundError:
        from . import __version__

        return __version__


def add_version_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--version", action="version", version=f"encounter-replay {version()}")


def add_budget_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-memory",
        type=_size,
        default=None,
        metavar="SIZE",
        help=f"memory budget, e.g. 4G or 800M (default {limits.size_text(limits.DEFAULT_BUDGET)}): "
        "bigger inputs and analyses are refused with a line saying what to narrow",
    )


def _size(text: str) -> int:
    try:
        return limits.parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def apply_budget(args: argparse.Namespace) -> None:
    """Put the ``--max-memory`` given (or the default) in force for this process."""
    value = getattr(args, "max_memory", None)
    limits.set_budget(value if value is not None else limits.DEFAULT_BUDGET)


def display_problem(env: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why the window cannot open here (one line), or None when it can.

    Only X11/Wayland systems need a display server; macOS and Windows always have one. A
    ``QT_QPA_PLATFORM`` chosen by the user (offscreen, vnc…) is trusted.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if chosen.startswith(_NO_SERVER_PLATFORMS):
        return None
    if chosen == "wayland":
        return None if env.get("WAYLAND_DISPLAY") else NO_DISPLAY
    x_display = env.get("DISPLAY", "")
    if chosen == "xcb" or not env.get("WAYLAND_DISPLAY"):
        if not x_display:
            return NO_DISPLAY
        return _local_x_problem(x_display)
    return None


def _local_x_problem(display: str) -> str | None:
    """A local ``:N`` display with neither an X socket file nor an abstract one (Linux
    containers sharing the host's network reach X that way) cannot answer."""
    host, _, number = display.rpartition(":")
    number = number.split(".", 1)[0]
    if host or not number.isdigit():
        return None  # remote (SSH forwarding) or unusual: let Qt try
    socket = f"/tmp/.X11-unix/X{number}"
    if os.path.exists(socket):
        return None
    try:
        with open("/proc/net/unix", encoding="ascii", errors="replace") as fh:
            if any(line.rstrip().endswith("@" + socket) for line in fh):
                return None
    except OSError:
        return None  # cannot tell: let Qt try
    return f"no display: nothing answers at DISPLAY={display}; {NO_DISPLAY.split(': ', 1)[1]}"


def unknown_command(word: str, commands: Iterable[str]) -> str | None:
    """The message for a first word that is neither a command nor a file, else None.

    Words that look like paths (a dot, a slash) or exist on disk are recordings to open.
    """
    if word.startswith("-") or word == "-" or os.path.lexists(word):
        return None
    if any(c in word for c in "./\\"):
        return None
    names = list(commands)
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        return f"unknown command {word!r} (did you mean {close[0]}?)"
    return (
        f"unknown command {word!r} and no such file (commands: {', '.join(names)}; "
        "or give recordings to open)"
    )
