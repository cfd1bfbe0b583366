"""The number ledger: the highest tracking number handed out under each prefix, kept
outside the database, so that restoring an older database never gives a number that
was already acknowledged to another comment.

The comment writer records the last number of every batch here before the batch's
transaction commits (one append and one fsync per batch), and starts each prefix, once
per process, at no less than the ledger's mark. ``portal restore`` raises every counter
to the ledger's marks. A backup rolls the database back; nothing rolls the ledger back:
it is only ever appended to, and a mark is the maximum of all lines.

The ledger is a folder (``PORTAL_NUMBER_LEDGER``) with one file per host
(``<host>.ledger``), so that several hosts can share it on common storage without
writing to the same file; readers take the maximum over every file. Each line is
``prefix value crc32``; a torn or damaged line is ignored (it can only lower a mark
that an earlier line, or the database, already holds).
"""

from __future__ import annotations

import fcntl
import os
import socket
import threading
import zlib
from pathlib import Path

COMPACT_BYTES = 256 * 1024  # a host's file is rewritten with one line per prefix above this


def _line(prefix: str, value: int) -> str:
    body = f"{prefix} {value}"
    return f"{body} {zlib.crc32(body.encode()):08x}\n"


def _parse(text: str) -> dict[str, int]:
    marks: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        body = f"{parts[0]} {parts[1]}"
        if f"{zlib.crc32(body.encode()):08x}" != parts[2]:
            continue
        marks[parts[0]] = max(marks.get(parts[0], 0), int(parts[1]))
    return marks


class NumberLedger:
    """The ledger folder, and what this process has read from it and written to it."""

    def __init__(self, folder: Path, host: str | None = None) -> None:
        self.folder = folder
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in (host or socket.gethostname()))
        self.path = folder / f"{name or 'host'}.ledger"
        self._floors: dict[str, int] = {}
        self._lock = threading.Lock()

    def marks(self) -> dict[str, int]:
        """The highest number recorded under each prefix, over every host's file."""
        marks: dict[str, int] = {}
        if not self.folder.is_dir():
            return marks
        for path in sorted(self.folder.glob("*.ledger")):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except FileNotFoundError:  # being compacted by its host: the new file has it
                continue
            for prefix, value in _parse(text).items():
                marks[prefix] = max(marks.get(prefix, 0), value)
        return marks

    def floor(self, prefix: str) -> int:
        """The least the next number under ``prefix`` must exceed: the ledger's mark,
        read once per process, and raised by every mark this process records."""
        with self._lock:
            if prefix not in self._floors:
                self._floors[prefix] = self.marks().get(prefix, 0)
            return self._floors[prefix]

    def known_floor(self, prefix: str) -> int | None:
        """``floor`` when this process has read it already (no file to read), else None."""
        with self._lock:
            return self._floors.get(prefix)

    def record(self, marks: dict[str, int]) -> None:
        """Append ``marks`` durably (fsync) before the numbers are acknowledged."""
        if not marks:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        data = "".join(_line(prefix, value) for prefix, value in sorted(marks.items())).encode()
        with open(self.path.with_suffix(".lock"), "a", encoding="utf-8") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)  # the web workers of one host share its file
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, data)
                    os.fsync(fd)
                    size = os.fstat(fd).st_size
                finally:
                    os.close(fd)
                if size > COMPACT_BYTES:
                    self._compact()
            finally:
                fcntl.flock(guard, fcntl.LOCK_UN)
        with self._lock:
            for prefix, value in marks.items():
                self._floors[prefix] = max(self._floors.get(prefix, 0), value)

    def _compact(self) -> None:
        """Rewrite this host's file with one line per prefix (under its lock)."""
        marks = _parse(self.path.read_text(encoding="utf-8", errors="replace"))
        staging = self.path.with_suffix(f".compact-{os.getpid()}")
        with staging.open("w", encoding="utf-8") as handle:
            handle.writelines(_line(prefix, value) for prefix, value in sorted(marks.items()))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staging, self.path)
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
