"""Text that came from a file, made safe to show anywhere.

A recording is untrusted: a callsign or a CSV header can carry terminal escape sequences
(clear screen, recolour, retitle the terminal window), NULs that cut C strings short in Qt,
or a megabyte of text that wrecks a table. Every value read from a file passes through
:func:`printable` once, where it enters the program (reader errors, track metadata), so the
terminal, the window, dialogs, reports and captions all inherit the same safety.
"""

from __future__ import annotations

#: Longest text kept whole; longer values end in an ellipsis.
MAX_CHARS = 200
_ELLIPSIS = "…"


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: object, max_chars: int = MAX_CHARS) -> str:
    """``text`` with every non-printable character shown escaped (``\\x1b``), cut to
    ``max_chars`` characters with an ellipsis.

    Control characters (C0, DEL, C1 — which includes the 8-bit CSI ``\\x9b``), line and
    paragraph separators, bidirectional overrides and other format characters are what
    ``str.isprintable`` rejects; ordinary spaces and letters of any script pass unchanged.
    The replacement character U+FFFD (from undecodable bytes) is kept: it is printable.
    """
    s = text if isinstance(text, str) else str(text)
    if s.isprintable() and len(s) <= max_chars:
        return s
    out: list[str] = []
    size = 0
    for ch in s:
        piece = ch if ch.isprintable() else _escape(ch)
        if size + len(piece) > max_chars:
            out.append(_ELLIPSIS)
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)
