"""Open an ACMI recording whatever its wrapping (plain text, zip, gzip) as a stream of lines.

Tacview writes ``.txt.acmi`` as UTF-8 text and ``.zip.acmi`` as a zip holding that text;
a recording can also reach us gzipped. A hostile or broken archive must not exhaust memory
or reach outside the archive, so a zip must hold exactly one plain, unencrypted member with
a harmless name, and every decompressed byte counts against the ACMI text limit and the
bomb ratio of :mod:`.limits` (checked against the zip header first, then again while
reading, since headers can lie). The first line must end within
:data:`~.limits.ACMI_HEADER_BYTES` and no line may outgrow :data:`~.limits.MAX_LINE_BYTES`,
so a stream of NUL bytes is refused after one chunk, not after a gigabyte.

Lines are produced chunk by chunk: memory stays proportional to the chunk, not the file,
and decoding a megabyte at a time is far cheaper than decoding line by line.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import ReadError
from .limits import ACMI_HEADER_BYTES, MAX_LINE_BYTES, text_limit
from .zip_safety import ZIP_ERRORS, Inflation, check_member, limit_text, open_zip

#: Bytes read (and decoded) at a time.
CHUNK_BYTES = 1 << 22

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_GZIP_MAGIC = b"\x1f\x8b"
_7Z_MAGIC = b"7z\xbc\xaf\x27\x1c"


class AcmiText:
    """Decoded lines of one recording plus what went wrong while decoding them.

    Iterate it once (inside :func:`open_acmi`'s ``with`` block). Afterwards
    ``ends_without_newline``, ``stream_truncated`` and ``bad_utf8_*`` say whether the bytes
    were clean: the parser turns them into warnings.
    """

    def __init__(
        self, path: Path, raw: BinaryIO, kind: str, limit: int, compressed: int | None = None
    ) -> None:
        self.path = path
        self.kind = kind  # 'text', 'zip' or 'gzip'
        self._raw = raw
        self._limit = limit
        self._count = Inflation(path, limit, "decompressed recording", compressed)
        self.ends_without_newline = False
        self.stream_truncated = False
        self.bad_utf8_line: int | None = None
        self.bad_utf8_count = 0
        self._lines_before = 0  # physical lines in the blocks decoded so far
        self._first_block = True

    # ---------------------------------------------------------------- reading bytes
    def _read_pieces(self) -> bytes:
        """Up to a chunk from a compressed stream, one decompression step at a time.

        ``read1`` returns each step's output before the next step can fail, so a stream
        cut short (a recorder that crashed) loses nothing that was decodable.
        """
        pieces: list[bytes] = []
        size = 0
        while size < CHUNK_BYTES and not self.stream_truncated:
            try:
                piece = self._raw.read1(CHUNK_BYTES - size)  # type: ignore[attr-defined]
            except EOFError:
                self.stream_truncated = True
                break
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
            if self._count.total + size > self._limit:
                break
        return b"".join(pieces)

    def _read(self) -> bytes:
        try:
            chunk = self._read_pieces() if self.kind == "gzip" else self._raw.read(CHUNK_BYTES)
        except EOFError:
            self.stream_truncated = True
            return b""
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, NotImplementedError) as exc:
            raise ReadError(self.path, f"corrupt {self.kind} data ({exc})") from None
        self._count.add(len(chunk))
        return chunk

    def _decode(self, block: bytes) -> str:
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = block.decode("utf-8", "replace")
            if self.bad_utf8_line is None:
                self.bad_utf8_line = self._lines_before + block.count(b"\n", 0, exc.start) + 1
            self.bad_utf8_count += text.count("\ufffd")
        if self._first_block:
            self._first_block = False
            if text.startswith("\ufeff"):
                text = text[1:]
        self._lines_before += block.count(b"\n") + 1
        return text

    # ---------------------------------------------------------------- lines
    def __iter__(self) -> Iterator[str]:
        """Physical lines split on LF only (CR is left for the parser to strip).

        Splitting on LF alone matters: ``str.splitlines`` would also break on form feeds,
        U+2028 and friends, which may sit inside text properties.
        """
        parts: list[bytes] = []
        pending = 0  # bytes in parts: the current line so far
        first = True
        while True:
            chunk = self._read()
            if not chunk:
                break
            cut = chunk.rfind(b"\n")
            if first:
                self._check_first_line(chunk if cut < 0 else chunk[: chunk.find(b"\n")])
                first = False
            if cut < 0:
                parts.append(chunk)  # a long line: bounded below
                pending += len(chunk)
                if pending > MAX_LINE_BYTES:
                    raise ReadError(
                        self.path,
                        f"a line longer than {limit_text(MAX_LINE_BYTES)}: not an ACMI recording",
                        line=self._lines_before + 1,
                    )
                continue
            pending = len(chunk) - cut - 1
            parts.append(chunk[:cut])
            block = b"".join(parts)
            parts = [chunk[cut + 1 :]]
            yield from self._decode(block).split("\n")
        rest = b"".join(parts)
        if rest:
            self.ends_without_newline = True
            yield from self._decode(rest).split("\n")

    def _check_first_line(self, head: bytes) -> None:
        """Refuse at once when the first line cannot be an ACMI header (no line break in
        the first few kB: binary data, a NUL stream, one endless line)."""
        body = head.lstrip(b"\xef\xbb\xbf\r\n\t ")
        if len(head) > ACMI_HEADER_BYTES and not body.startswith((b"FileType=", b"FileVersion=")):
            raise ReadError(
                self.path,
                f"not a Tacview ACMI file: no line break in the first "
                f"{limit_text(ACMI_HEADER_BYTES)} (expected 'FileType=text/acmi/tacview')",
                line=1,
            )


def _only_member(path: Path, zf: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The recording in an ACMI zip, which (unlike a KMZ) must hold nothing else."""
    members = [info for info in zf.infolist() if not info.is_dir()]
    if len(members) != 1:
        names = ", ".join(repr(m.filename) for m in members[:3])
        more = " …" if len(members) > 3 else ""
        found = f": {names}{more}" if members else ""
        raise ReadError(
            path,
            f"zip holds {len(members)} files{found}; an ACMI zip must hold exactly one recording",
        )
    return members[0]


def _open_zip(path: Path, stack: ExitStack, limit: int) -> BinaryIO:
    zf = stack.enter_context(open_zip(path))
    info = _only_member(path, zf)
    check_member(path, info, limit)
    try:
        return stack.enter_context(zf.open(info))
    except ZIP_ERRORS as exc:
        raise ReadError(path, f"not a readable zip archive ({exc})") from None


@contextmanager
def open_acmi(path: Path, limit: int | None = None) -> Iterator[AcmiText]:
    """Yield the lines of ``path`` as :class:`AcmiText`; ReadError for bad wrapping.

    The container is recognised by its first bytes, not its name: a ``.acmi`` may be zipped
    and a ``.zip.acmi`` may have been unpacked in place.
    """
    path = Path(path)
    limit = text_limit("acmi") if limit is None else limit
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(path, f"cannot open: {exc.strerror or exc}") from None
    if not magic:
        raise ReadError(path, "file is empty")
    if magic.startswith(_7Z_MAGIC):
        raise ReadError(path, "7z-compressed ACMI is not supported; extract it first")
    with ExitStack() as stack:
        try:
            compressed: int | None = size
            if magic.startswith(_ZIP_MAGICS):
                raw, kind = _open_zip(path, stack, limit), "zip"
            elif magic.startswith(_GZIP_MAGIC):
                fh = stack.enter_context(open(path, "rb"))
                raw, kind = stack.enter_context(gzip.GzipFile(fileobj=fh, mode="rb")), "gzip"
            else:
                if size > limit:
                    raise ReadError(
                        path, f"recording is {size} bytes, over the {limit_text(limit)} limit"
                    )
                raw, kind = stack.enter_context(open(path, "rb")), "text"
                compressed = None
        except OSError as exc:
            raise ReadError(path, f"cannot open: {exc.strerror or exc}") from None
        yield AcmiText(path, raw, kind, limit, compressed)
