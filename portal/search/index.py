"""The search index on disk: its schema, where it lives, one writer, fresh searchers.

The index lives in ``<data_dir>/search/``: a directory per build (``index-…``) and a
file ``CURRENT`` naming the one in use. ``portal reindex`` builds a new directory and
replaces ``CURRENT`` in one rename, so readers never see half an index. Whoosh's own
lock keeps a second writer out of an index; the indexer also holds ``writer.lock``
(an advisory lock the system drops when the process dies, even by ``kill -9``) so that
of several web workers only one applies the outbox.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from whoosh import index as whoosh_index  # type: ignore[import-untyped]
from whoosh.fields import ID, STORED, TEXT, Schema  # type: ignore[import-untyped]
from whoosh.searching import Searcher  # type: ignore[import-untyped]

from portal.search.analysis import stem_analyzer, surface_analyzer
from portal.search.postings import PostingCache
from portal.search.scoring import Segment, segment_id

FACETS = ("versi", "bab", "jenis", "kategori", "posisi")


def schema() -> Schema:
    """One index for provisions, comments and answers (``tipe`` tells them apart)."""
    return Schema(
        id=ID(unique=True, stored=True),  # "p:<version id>:<path>", "c:<comment id>", "j:<answer id>"
        tipe=ID(stored=True),  # ketentuan, komentar, jawaban
        dokumen=ID(stored=True),  # "<slug>/<versi>": the version it belongs to
        regulasi=ID(stored=True),
        versi=ID(stored=True, sortable=True),
        path=ID(stored=True),
        judul=STORED(),  # how a reader names it: "Pasal 12 ayat (3)", "Komentar JSK-2026-000123"
        jenis=ID(stored=True, sortable=True),  # the kind of provision, or komentar / jawaban
        bab=ID(stored=True, sortable=True),  # "BAB III" (comments: that of their provision)
        pasal=ID(),  # the Pasal number ("12", "5a"), for pasal:12
        nomor=ID(stored=True),  # a comment's tracking number
        kategori=ID(stored=True, sortable=True),
        posisi=ID(stored=True, sortable=True),
        wilayah=ID(stored=True),
        status=ID(stored=True),  # dijawab / belum-dijawab; an answer's disposition
        tanggal=STORED(),  # when it was written (kept with the hit; never searched, so not indexed)
        teks=TEXT(analyzer=surface_analyzer(), stored=True),  # the words as written
        akar=TEXT(analyzer=stem_analyzer(), phrase=False),  # their stems (Sastrawi)
    )


class SearchIndex:
    """The index of one portal: open for reading in this process, reopened when changed."""

    def __init__(self, data_dir: Path, postings_bytes: int | None = None) -> None:
        self.root = data_dir / "search"
        self._lock = threading.Lock()
        self._name: str | None = None
        self._index: Any = None
        self._searcher: Searcher | None = None
        # What is worth keeping while the index does not change (the set of documents in
        # the latest versions, for one): emptied whenever the searcher is reopened.
        self.kept: dict[object, Any] = {}
        # Per segment (segments never change; a commit adds one, a merge replaces some):
        # field lengths and facet value ordinals, kept across generations (``scoring.Segment``).
        self.segments: dict[str, Segment] = {}
        # Decoded postings by (segment, field, text), bounded (``postings.py``): dropped
        # with their segment, like ``segments``.
        self.postings = PostingCache(postings_bytes)

    # -- where ----------------------------------------------------------------------
    def current_dir(self) -> Path | None:
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return self.root / name if name else None

    def ensure(self) -> Path:
        """The index in use, created empty if there is none yet."""
        found = self.current_dir()
        if found is not None and whoosh_index.exists_in(str(found)):
            return found
        return self.publish(self.create_dir())

    def create_dir(self) -> Path:
        """A new, empty index directory (not yet in use)."""
        self.root.mkdir(parents=True, exist_ok=True)
        folder = self.root / f"index-{os.getpid()}-{os.urandom(4).hex()}"
        folder.mkdir()
        whoosh_index.create_in(str(folder), schema())
        return folder

    def publish(self, folder: Path) -> Path:
        """Make ``folder`` the index in use, in one rename."""
        staging = self.root / f"CURRENT.{os.getpid()}"
        staging.write_text(folder.name, encoding="utf-8")
        os.replace(staging, self.root / "CURRENT")
        return folder

    # -- reading ----------------------------------------------------------------------
    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher on the latest committed state (one at a time in this process)."""
        with self._lock:
            folder = self.ensure()
            if self._name != folder.name or self._searcher is None:
                if self._searcher is not None:
                    self._searcher.close()
                self._index = whoosh_index.open_dir(str(folder))
                self._searcher = self._index.searcher()
                self._name = folder.name
                self.kept.clear()
                self.segments.clear()
                self.postings.clear()
            elif not self._searcher.up_to_date():
                # Opened afresh, not refresh()ed: whoosh's refresh reuses the reader of a
                # segment even when documents of it were deleted since (a hidden comment
                # would stay findable), and cannot refresh an empty index.
                self._searcher.close()
                self._searcher = self._index.searcher()
                self.kept.clear()
                live = {segment_id(sub.reader()) for sub, _ in self._searcher.leaf_searchers()}
                for gone in set(self.segments) - live:
                    del self.segments[gone]
                self.postings.retain(live)
            yield self._searcher

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
                self._name = None
                self.kept.clear()
                self.segments.clear()
                self.postings.clear()

    # -- writing ------------------------------------------------------------------------
    @contextmanager
    def writer_lock(self, wait: bool = False) -> Iterator[bool]:
        """Whether this process is the one writer; held for the ``with`` block."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle: IO[str] = open(self.root / "writer.lock", "a", encoding="utf-8")  # noqa: SIM115
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def open_for_writing(self, folder: Path | None = None) -> Any:
        return whoosh_index.open_dir(str(folder or self.ensure()))
