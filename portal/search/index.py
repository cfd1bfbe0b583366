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
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass
class _Slot:
    """One thread's searcher: which index directory and generation it reads."""

    name: str | None = None
    index: Any = None
    searcher: Searcher | None = None
    generation: tuple[str, int] = ("", -1)
    depth: int = 0  # nested ``with index.searcher()`` in this thread: reopen only at 0


class SearchIndex:
    """The index of one portal: open for reading in this process, reopened when changed.

    Each thread has a searcher of its own (Whoosh's searchers and readers keep file
    positions and per-searcher state: one must not be used by two threads at once), so
    searches run in parallel with no lock held while they run. What is worth keeping
    is shared by all of them: ``kept`` per index generation, ``segments`` and
    ``postings`` per segment (segments never change). A lock guards only the short
    bookkeeping (which threads have searchers, which generations are kept)."""

    KEPT_GENERATIONS = 3  # generations whose ``kept`` dictionaries stay (threads lag a commit behind)

    def __init__(self, data_dir: Path, postings_bytes: int | None = None) -> None:
        self.root = data_dir / "search"
        self._lock = threading.Lock()  # the bookkeeping below, never a search
        self._local = threading.local()
        self._slots: dict[int, _Slot] = {}  # by thread id, to close them all
        # What is worth keeping while the index does not change (the set of documents in
        # the latest versions, for one), per generation: ``kept_for(searcher)``.
        self._kept: OrderedDict[tuple[str, int], dict[object, Any]] = OrderedDict()
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
    def _slot(self) -> _Slot:
        slot: _Slot | None = getattr(self._local, "slot", None)
        if slot is None:
            slot = self._local.slot = _Slot()
            with self._lock:
                self._slots[threading.get_ident()] = slot
        return slot

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """This thread's searcher on the latest committed state (other threads search
        at the same time with theirs)."""
        slot = self._slot()
        searcher = self._refresh(slot) if slot.depth == 0 or slot.searcher is None else slot.searcher
        slot.depth += 1
        try:
            yield searcher
        finally:
            slot.depth -= 1

    def _refresh(self, slot: _Slot) -> Searcher:
        folder = self.ensure()
        searcher = slot.searcher
        if slot.name != folder.name or searcher is None:
            if searcher is not None:
                searcher.close()
            slot.index = whoosh_index.open_dir(str(folder))
            slot.searcher = searcher = slot.index.searcher()
            slot.name = folder.name
            if not self._opened(slot, searcher, new_dir=True):
                self.segments.clear()  # another directory (reindex): nothing carries over
                self.postings.clear()
        elif not searcher.up_to_date():
            # Opened afresh, not refresh()ed: whoosh's refresh reuses the reader of a
            # segment even when documents of it were deleted since (a hidden comment
            # would stay findable), and cannot refresh an empty index.
            searcher.close()
            slot.searcher = searcher = slot.index.searcher()
            if not self._opened(slot, searcher, new_dir=False):
                live = {segment_id(sub.reader()) for sub, _ in searcher.leaf_searchers()}
                for gone in set(self.segments) - live:
                    self.segments.pop(gone, None)
                self.postings.retain(live)
        return searcher

    def _opened(self, slot: _Slot, searcher: Searcher, new_dir: bool) -> bool:
        """Note the generation ``slot`` now reads; whether some thread had it already
        (then the shared caches are already pruned for it)."""
        generation = (slot.name or "", _generation(searcher))
        slot.generation = generation
        with self._lock:
            known = generation in self._kept
            if not known:
                if new_dir:
                    self._kept.clear()
                self._kept[generation] = {}
                while len(self._kept) > self.KEPT_GENERATIONS:
                    self._kept.popitem(last=False)
            return known

    def kept_for(self, searcher: Searcher) -> dict[object, Any]:
        """What is kept for the generation ``searcher`` reads (a searcher of this thread)."""
        slot = self._slot()
        with self._lock:
            if slot.searcher is searcher and slot.generation in self._kept:
                return self._kept[slot.generation]
        return {}  # a generation no longer kept: computed for this search only

    @property
    def kept(self) -> dict[object, Any]:
        """What is kept for the newest generation opened (for tests and benchmarks)."""
        with self._lock:
            return next(reversed(self._kept.values())) if self._kept else {}

    def close(self) -> None:
        with self._lock:
            slots = list(self._slots.values())
            self._slots.clear()
            self._kept.clear()
        for slot in slots:
            if slot.searcher is not None:
                slot.searcher.close()
                slot.searcher = None
                slot.name = None
        self._local = threading.local()
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


def _generation(searcher: Searcher) -> int:
    """The index generation (TOC number) a searcher reads; -1 for an empty index."""
    generation = searcher.reader().generation()
    return int(generation) if generation is not None else -1
