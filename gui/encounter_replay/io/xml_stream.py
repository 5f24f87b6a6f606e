"""Event-driven, defused XML parsing for the GPX and KML readers.

The bytes go through ``defusedxml``'s parser, which refuses entity declarations and
external references (so a billion-laughs payload is an error, never an expansion), in
chunks, to a handler that keeps only what it needs: no element tree is built, so memory
follows the number of track points rather than the size of the markup. Handlers see
local names only (``{http://www.topografix.com/GPX/1/1}trkpt`` → ``trkpt``): GPX 1.0 and
1.1, KML 2.2 and 2.3 and files with odd namespaces all read alike. Every event carries
the parser's current line, which is what a warning or an error names.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from xml.parsers.expat import ErrorString

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .errors import ReadError


def local(name: str) -> str:
    """``{namespace}name`` → ``name``."""
    return name.rpartition("}")[2]


class XmlHandler:
    """Receives element events by local name; subclasses keep what they need.

    ``stack`` holds the local names of the open elements (the current one last) and
    ``line`` the line the parser is on, both kept up to date by :func:`parse_xml`.
    """

    #: Local name the document element must have (e.g. "gpx"), checked before anything else.
    root = ""
    #: What the format is called in messages.
    what = "XML"

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.line = 0

    def parent(self, up: int = 1) -> str:
        """Local name of the ``up``-th enclosing element of the current one ("" if none)."""
        k = len(self.stack) - 1 - up
        return self.stack[k] if k >= 0 else ""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """An element opens; ``attrs`` keyed by local name."""

    def end(self, name: str, text: str) -> None:
        """An element closes; ``text`` is the character data since the last tag."""


class _Target:
    """The ElementTree parser target that forwards to an :class:`XmlHandler`."""

    def __init__(self, handler: XmlHandler, path: Path) -> None:
        self.handler = handler
        self.path = path
        self.expat = None  # set once the parser exists
        self._text: list[str] = []
        self._names: dict[str, str] = {}

    def _local(self, tag: str) -> str:
        name = self._names.get(tag)
        if name is None:
            name = self._names[tag] = local(tag)
        return name

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        h = self.handler
        h.line = self.expat.CurrentLineNumber
        name = self._local(tag)
        if not h.stack and h.root and name != h.root:
            raise ReadError(
                self.path,
                f"the document element is <{name}>, not <{h.root}>: not a {h.what} file",
                line=h.line,
            )
        h.stack.append(name)
        self._text.clear()
        attrs = {self._local(k): v for k, v in attrib.items()} if attrib else {}
        h.start(name, attrs)

    def data(self, text: str) -> None:
        self._text.append(text)

    def end(self, tag: str) -> None:
        h = self.handler
        h.line = self.expat.CurrentLineNumber
        text = "".join(self._text)
        self._text.clear()
        h.end(self._local(tag), text)
        h.stack.pop()

    def close(self) -> None:
        return None


def parse_xml(path: Path, chunks: Iterable[bytes], handler: XmlHandler) -> None:
    """Feed ``chunks`` through the defused parser into ``handler``; ReadError on bad XML."""
    target = _Target(handler, path)
    parser = DefusedXMLParser(target=target)
    target.expat = parser.parser
    size, seen = 0, False
    try:
        for chunk in chunks:
            size += len(chunk)
            seen = seen or bool(chunk.strip())
            parser.feed(chunk)
        if not seen:
            raise ReadError(path, "file holds only white space" if size else "file is empty")
        parser.close()
    except EntitiesForbidden as exc:
        raise ReadError(
            path,
            f"the XML declares an entity ({exc.name!r}); entity declarations are refused "
            "(they can expand without bound)",
            line=target.expat.CurrentLineNumber,
        ) from None
    except ExternalReferenceForbidden as exc:
        raise ReadError(
            path,
            f"the XML refers to an external entity ({exc.sysid or exc.pubid!r}); "
            "external references are refused",
            line=target.expat.CurrentLineNumber,
        ) from None
    except DTDForbidden:  # not forbidden today; kept so a stricter parser stays one error
        raise ReadError(
            path, "the XML has a DOCTYPE, which is refused", line=target.expat.CurrentLineNumber
        ) from None
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        why = ErrorString(exc.code) if isinstance(exc.code, int) else str(exc)
        if why == "no element found":
            why = "no element found (empty or cut-off file)"
        raise ReadError(path, f"malformed {handler.what}: {why}", line=line) from None
