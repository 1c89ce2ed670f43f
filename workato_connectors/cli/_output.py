"""Where data goes (stdout, or a file replaced atomically) and how it is encoded.

Catalog writers take connectors page by page, so ``jsonl`` and ``csv`` (and ``json``)
stream without holding the whole catalog.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

import msgspec

from .._models import Connector

__all__ = [
    "CSV_COLUMNS",
    "ConnectorWriter",
    "Sink",
    "connector_writer",
    "csv_row",
    "open_output",
    "streams_to_terminal",
    "write_json",
]

#: ``categories`` are joined with ``;``; ``triggers`` and ``actions`` are counts.
CSV_COLUMNS = (
    "name",
    "title",
    "categories",
    "oauth",
    "deprecated",
    "secondary",
    "triggers",
    "actions",
)

_encode = msgspec.json.Encoder().encode


class Sink(Protocol):
    """A binary stream the data is written to."""

    def write(self, data: bytes, /) -> int:
        """Write bytes."""

    def flush(self) -> None:
        """Push written bytes on to the reader."""


class _TextSink:
    """Adapts a text stream without ``.buffer`` (e.g. a replaced ``sys.stdout``)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: bytes, /) -> int:
        self._stream.write(data.decode("utf-8"))
        return len(data)

    def flush(self) -> None:
        self._stream.flush()


def _stdout() -> Sink:
    sys.stdout.flush()  # keep anything printed as text before our bytes
    buffer = getattr(sys.stdout, "buffer", None)
    return buffer if buffer is not None else _TextSink(sys.stdout)


def streams_to_terminal(path: str | None) -> bool:
    """Return whether data for ``path`` (``None`` or ``-``: stdout) lands on a terminal."""
    if path is not None and path != "-":
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty is not None and isatty())


def _new_file_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[Sink]:
    """Yield stdout (``path`` ``None`` or ``-``) or a temporary file renamed onto ``path``.

    The file replaces ``path`` only when the block succeeds, so a failed run never leaves
    a half-written file behind (nor clobbers the previous one).
    """
    if path is None or path == "-":
        sink = _stdout()
        yield sink
        sink.flush()
        return
    target = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise OSError(f"cannot write {path}: {exc.strerror}") from None
    try:
        os.chmod(temporary, _new_file_mode(target))
        with os.fdopen(fd, "wb") as stream:
            yield stream
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_json(sink: Sink, value: Any, indent: int | None = None) -> None:
    """Write ``value`` (msgspec-encodable) as one JSON document and a newline."""
    data = _encode(value)
    if indent is not None:
        data = msgspec.json.format(data, indent=indent)
    sink.write(data + b"\n")


class ConnectorWriter(Protocol):
    """Encodes connectors as they arrive, then closes the document."""

    def write(self, connectors: Iterable[Connector]) -> None:
        """Encode and write some connectors."""

    def close(self) -> None:
        """Finish the document (e.g. the closing ``]``)."""


class _JsonArray:
    def __init__(self, sink: Sink, indent: int | None) -> None:
        self._sink = sink
        self._indent = indent
        self._empty = True
        sink.write(b"[")

    def _item(self, connector: Connector) -> bytes:
        data = _encode(connector)
        if not self._indent:
            return data
        # JSON strings cannot hold a raw newline, so indenting every line is safe.
        pad = b"\n" + b" " * self._indent
        return pad + msgspec.json.format(data, indent=self._indent).replace(b"\n", pad)

    def write(self, connectors: Iterable[Connector]) -> None:
        chunks = [self._item(c) for c in connectors]
        if chunks:
            self._sink.write((b"" if self._empty else b",") + b",".join(chunks))
            self._empty = False

    def close(self) -> None:
        self._sink.write(b"]\n" if self._empty or not self._indent else b"\n]\n")


class _JsonLines:
    def __init__(self, sink: Sink) -> None:
        self._sink = sink

    def write(self, connectors: Iterable[Connector]) -> None:
        self._sink.write(b"".join(_encode(c) + b"\n" for c in connectors))

    def close(self) -> None:
        pass


def csv_row(connector: Connector) -> tuple[str | int, ...]:
    """Return a connector's CSV row, in the order of ``CSV_COLUMNS``."""
    return (
        connector.name,
        connector.title or "",
        ";".join(connector.categories),
        "true" if connector.oauth else "false",
        "true" if connector.deprecated else "false",
        "true" if connector.secondary else "false",
        len(connector.triggers),
        len(connector.actions),
    )


class _Csv:
    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._text = io.StringIO()
        self._rows = csv.writer(self._text, lineterminator="\n")
        self._emit([CSV_COLUMNS])

    def _emit(self, rows: Iterable[Iterable[str | int]]) -> None:
        self._rows.writerows(rows)
        self._sink.write(self._text.getvalue().encode("utf-8"))
        self._text.seek(0)
        self._text.truncate()

    def write(self, connectors: Iterable[Connector]) -> None:
        self._emit(csv_row(c) for c in connectors)

    def close(self) -> None:
        pass


def connector_writer(fmt: str, sink: Sink, indent: int | None = None) -> ConnectorWriter:
    """Return the writer of ``fmt`` (``json``, ``jsonl`` or ``csv``) onto ``sink``."""
    if fmt == "json":
        return _JsonArray(sink, indent)
    if fmt == "jsonl":
        return _JsonLines(sink)
    if fmt == "csv":
        return _Csv(sink)
    raise ValueError(f"unknown format {fmt!r}; choose json, jsonl or csv")
