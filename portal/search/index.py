"""The search index on disk: its schema, where it lives, one writer, fresh searchers.

The index lives in ``<data_dir>/search/``: a directory per build (``index-…``) and a
file ``CURRENT`` naming the one in use. ``portal reindex`` builds a new directory and
replaces ``CURRENT`` in one rename, so readers never see half an index. Whoosh's own
lock keeps a second writer out of an index; the indexer also holds ``writer.lock``
(an advisory lock the system drops when the process dies, even by ``kill -9``) so that
of several web workers only one applies the outbox.

Nothing is memory-mapped (``PlainStorage``): a truncated segment file read through a
map kills the process with SIGBUS; read as a file it raises an exception, which is
caught. What the database says this host committed last (``Expected``: the directory
and its generation, ``search_state``) is checked on every open: an index that is
missing, behind the database or unreadable raises ``IndexUnavailable`` (the search
answers 503) instead of being recreated empty, and the indexer rebuilds it
(``indexer.catch_up``). A fresh install (no index, nothing in the database) still gets
an empty index.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import pickle
import socket
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from whoosh import index as whoosh_index  # type: ignore[import-untyped]
from whoosh.fields import ID, STORED, TEXT, Schema  # type: ignore[import-untyped]
from whoosh.filedb.compound import CompoundStorage  # type: ignore[import-untyped]
from whoosh.filedb.filestore import FileStorage  # type: ignore[import-untyped]
from whoosh.searching import Searcher  # type: ignore[import-untyped]

from portal.search.analysis import stem_analyzer, surface_analyzer
from portal.search.postings import PostingCache
from portal.search.scoring import Segment, segment_id

FACETS = ("versi", "bab", "jenis", "kategori", "posisi")
INDEX_NAME = "MAIN"  # Whoosh's name of the index in its directory (``_MAIN_<generation>.toc``)
#: What reading a damaged index raises (a truncated or overwritten file): anything else
#: escaping a search is a bug, not damage, and stays a 500.
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, whoosh_index.IndexError,
)  # fmt: skip
OPEN_ATTEMPTS = 5  # opening while the indexer commits or reindex swaps: tries before a 503
OPEN_PAUSE = 0.02  # seconds, times the attempt
RETRY_REBUILDING = 15  # Retry-After while the index is rebuilt
RETRY_BUSY = 2  # Retry-After when it could not be opened during a swap

log = logging.getLogger("portal.search")


class NoTableOfContents(OSError):
    """``CURRENT`` names a directory with no table of contents (an ``OSError``: retried
    like a file a writer removed, then checked by ``verify``)."""


class IndexUnavailable(Exception):
    """The index cannot answer: ``rebuilding`` (missing or damaged: the indexer rebuilds
    it from the database) or ``busy`` (it could not be opened during a swap)."""

    def __init__(self, reason: str, problem: str) -> None:
        super().__init__(f"{reason}: {problem}")
        self.reason = reason
        self.problem = problem

    @property
    def retry_after(self) -> int:
        return RETRY_REBUILDING if self.reason == "rebuilding" else RETRY_BUSY


@dataclass(frozen=True)
class Expected:
    """What the database says this host's index is (``search_state``): the directory
    committed last and its generation; ``name`` None for a host new to a portal whose
    other hosts have an index (so it must build one, not start empty)."""

    name: str | None
    generation: int


class PlainStorage(FileStorage):  # type: ignore[misc]
    """Whoosh's ``FileStorage`` that never memory-maps: its segments (compound files,
    the only files Whoosh maps) are read as files, as are its temporary files."""

    supports_mmap = False

    def __init__(self, path: str, readonly: bool = False) -> None:
        super().__init__(path, supports_mmap=False, readonly=readonly)

    def temp_storage(self, name: str | None = None) -> PlainStorage:
        name = name or f"{os.urandom(8).hex()}.tmp"
        return PlainStorage(os.path.join(self.folder, name)).create()  # type: ignore[no-any-return]


def open_index(folder: Path) -> Any:
    """The Whoosh index in ``folder``, read without memory maps."""
    return PlainStorage(str(folder)).open_index(INDEX_NAME)


def host_id(data_dir: Path) -> str:
    """This host's name in ``search_state``: made once per data folder (``host_id``),
    so two data folders are two hosts even on one machine. A copied data folder must
    have its ``host_id`` deleted."""
    path = data_dir / "host_id"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    made = f"{socket.gethostname()[:40]}-{os.urandom(4).hex()}"
    try:
        with open(path, "x", encoding="utf-8") as handle:  # two processes starting: one wins
            handle.write(made + "\n")
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    return made


def generation_of(folder: Path) -> int:
    """The latest TOC generation in ``folder`` (-1: no table of contents)."""
    return int(whoosh_index.TOC._latest_generation(PlainStorage(str(folder)), INDEX_NAME))


def verify(folder: Path) -> str | None:
    """What is wrong with the index in ``folder`` (None: nothing found): its table of
    contents must be readable, and each segment file whole (every part the segment's
    own directory lists lies within the file)."""
    storage = PlainStorage(str(folder))
    try:
        if not folder.is_dir():
            return f"index directory {folder.name} is missing"
        generation = generation_of(folder)
        if generation < 0:
            return f"{folder.name} has no table of contents"
        toc = whoosh_index.TOC.read(storage, INDEX_NAME, generation)
        for segment in toc.segments:
            problem = _segment_problem(folder, storage, segment)
            if problem:
                return problem
    except Exception as exc:  # anything unreadable is damage
        return f"{folder.name} cannot be read: {type(exc).__name__}: {exc}"
    return None


def _segment_problem(folder: Path, storage: PlainStorage, segment: Any) -> str | None:
    if not segment.is_compound():
        return None  # the portal's writers always assemble compound segments
    name = segment.make_filename(segment.COMPOUND_EXT)
    size = (folder / name).stat().st_size  # FileNotFoundError: an OSError, caught above
    handle = storage.open_file(name)
    try:
        compound = CompoundStorage(handle, use_mmap=False)
    except BaseException:
        handle.close()  # its directory could not be read: the file is cut short or overwritten
        raise
    try:
        for part, info in compound._dir.items():
            if info["offset"] + info["length"] > size:
                return f"segment {name} is cut short ({size} bytes; {part} ends past it)"
    finally:
        compound.close()
    return None


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
        self._slots: dict[int, _Slot] = {}  # every thread's, to close them all
        # What is worth keeping while the index does not change (the set of documents in
        # the latest versions, for one), per generation: ``kept_for(searcher)``.
        self._kept: OrderedDict[tuple[str, int], dict[object, Any]] = OrderedDict()
        # Per segment (segments never change; a commit adds one, a merge replaces some):
        # field lengths and facet value ordinals, kept across generations (``scoring.Segment``).
        self.segments: dict[str, Segment] = {}
        # Decoded postings by (segment, field, text), bounded (``postings.py``): dropped
        # with their segment, like ``segments``.
        self.postings = PostingCache(postings_bytes)
        self.data_dir = data_dir
        # What the database says (``indexer.load_state``); None until loaded, and for a
        # fresh install: then a missing index is created empty, as before.
        self.expected: Expected | None = None
        self.state_loaded = False
        self._verified: set[str] = set()  # segment files found whole (they never change)
        self._logged: set[str] = set()

    @property
    def host(self) -> str:
        return host_id(self.data_dir)

    # -- where ----------------------------------------------------------------------
    def current_dir(self) -> Path | None:
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return self.root / name if name else None

    def ensure(self) -> Path:
        """The index in use; created empty only if there is none and the database knows
        of none (a fresh install). Missing, behind the database, or marked damaged:
        ``IndexUnavailable``."""
        found = self.current_dir()
        generation = generation_of(found) if found is not None else -1
        if found is not None and generation >= 0:
            self._check(found, generation)
            return found
        if found is not None:
            damaged = self.damaged()
            if damaged is not None and damaged[0] == found.name:
                raise IndexUnavailable("rebuilding", damaged[1])
            # Never replaced by an empty index: a directory being removed after a swap
            # (retried by the reader), or damage (then ``verify`` says so).
            raise NoTableOfContents(f"{found.name} has no table of contents")
        if self.expected is not None:
            raise self._unavailable("CURRENT is missing")
        return self.publish(self.create_dir())

    def _check(self, folder: Path, generation: int) -> None:
        """The index in ``folder`` at ``generation`` against the database and the damage mark."""
        damaged = self.damaged()
        if damaged is not None and damaged[0] == folder.name:
            raise IndexUnavailable("rebuilding", damaged[1])
        expected = self.expected
        if expected is None:
            return
        if expected.name is None:
            raise self._unavailable("this host has no index yet (other hosts have)")
        if expected.name == folder.name and generation < expected.generation:
            # A name that differs is a swap in progress (reindex publishes, then records).
            raise self._unavailable(
                f"{folder.name} is at generation {generation}, the database says {expected.generation}"
            )

    def _unavailable(self, problem: str) -> IndexUnavailable:
        if problem not in self._logged:  # once per process, not at every search
            self._logged.add(problem)
            log.error("search index unavailable: %s", problem)
        return IndexUnavailable("rebuilding", problem)

    # -- damage -----------------------------------------------------------------------
    def damaged(self) -> tuple[str, str] | None:
        """(index directory, what is wrong) when some process marked the index damaged."""
        try:
            mark = json.loads((self.root / "DAMAGED").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return str(mark.get("index", "")), str(mark.get("problem", ""))

    def mark_damaged(self, problem: str, folder: Path | None = None) -> None:
        """Note (for every process of this host) that the index in use is damaged: searches
        answer 503 until the indexer has rebuilt it."""
        folder = folder or self.current_dir()
        log.error("search index damaged: %s", problem)
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f"DAMAGED.{os.getpid()}.{threading.get_ident()}"
        mark = {"index": folder.name if folder else "", "problem": problem, "at": time.time()}
        staging.write_text(json.dumps(mark), encoding="utf-8")
        os.replace(staging, self.root / "DAMAGED")

    def clear_damaged(self) -> None:
        (self.root / "DAMAGED").unlink(missing_ok=True)

    def problem(self) -> str | None:
        """What stops the index in use from answering (None: nothing): for the indexer,
        before each round."""
        folder = self.current_dir()
        if folder is None:
            return None if self.expected is None else "CURRENT is missing"  # None: a fresh install
        found = verify(folder)
        if found:
            return found
        try:
            self._check(folder, generation_of(folder))
        except IndexUnavailable as down:
            return down.problem
        return None

    def read_failed(self, exc: BaseException) -> None:
        """A search raised ``exc`` (one of ``READ_ERRORS``) while reading: drop this
        thread's searcher; if the index is damaged, mark it and raise ``IndexUnavailable``
        (otherwise it was a swap: the caller may try again)."""
        self._drop_searcher()
        folder = self.current_dir()
        found = verify(folder) if folder is not None else "CURRENT is missing"
        if found:
            self.mark_damaged(found, folder)
            raise IndexUnavailable("rebuilding", found) from exc

    def create_dir(self) -> Path:
        """A new, empty index directory (not yet in use)."""
        self.root.mkdir(parents=True, exist_ok=True)
        folder = self.root / f"index-{os.getpid()}-{os.urandom(4).hex()}"
        folder.mkdir()
        PlainStorage(str(folder)).create_index(schema(), INDEX_NAME)
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
                self._slots[id(slot)] = slot  # not by thread id: a finished thread's id is reused
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
        """``_open`` retried while the indexer commits or a rebuild swaps (a table of
        contents or segment deleted between listing and opening it); at worst
        ``IndexUnavailable``, never another exception."""
        last: BaseException | None = None
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return self._open(slot)
            except IndexUnavailable:
                raise
            except Exception as exc:
                last = exc
                self._drop_searcher()
                time.sleep(OPEN_PAUSE * (attempt + 1))
        folder = self.current_dir()
        found = verify(folder) if folder is not None else "CURRENT is missing"
        if found:
            self.mark_damaged(found, folder)
            raise IndexUnavailable("rebuilding", found) from last
        log.warning("search index could not be opened %d times: %r", OPEN_ATTEMPTS, last)
        raise IndexUnavailable("busy", f"{type(last).__name__}: {last}") from last

    def _drop_searcher(self) -> None:
        slot = self._slot()
        if slot.searcher is not None:
            with contextlib.suppress(Exception):  # a searcher of a damaged index may fail to close
                slot.searcher.close()
        slot.searcher, slot.index, slot.name = None, None, None

    def _whole(self, folder: Path, searcher: Searcher) -> None:
        """Each segment not seen before checked whole (``verify``'s segment check)."""
        storage = PlainStorage(str(folder))
        for sub, _ in searcher.leaf_searchers():
            segment = getattr(sub.reader(), "_segment", None)
            if segment is None:  # the reader of an empty index
                continue
            key = f"{folder.name}/{segment.segment_id()}"
            if key in self._verified:
                continue
            problem = _segment_problem(folder, storage, segment)
            if problem:
                self.mark_damaged(problem, folder)
                raise IndexUnavailable("rebuilding", problem)
            self._verified.add(key)

    def _open(self, slot: _Slot) -> Searcher:
        folder = self.ensure()
        searcher = slot.searcher
        if slot.name != folder.name or searcher is None:
            if searcher is not None:
                searcher.close()
                slot.searcher = None
            slot.index = open_index(folder)
            slot.searcher = searcher = slot.index.searcher()
            self._whole(folder, searcher)
            self._check(folder, _generation(searcher))
            slot.name = folder.name
            if not self._opened(slot, searcher, new_dir=True):
                self.segments.clear()  # another directory (reindex): nothing carries over
                self.postings.clear()
        elif not searcher.up_to_date():
            # Opened afresh, not refresh()ed: whoosh's refresh reuses the reader of a
            # segment even when documents of it were deleted since (a hidden comment
            # would stay findable), and cannot refresh an empty index.
            searcher.close()
            slot.searcher = None
            slot.searcher = searcher = slot.index.searcher()
            self._whole(folder, searcher)
            self._check(folder, _generation(searcher))
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

    def __del__(self) -> None:
        # Segments are read as files (no memory maps): an index dropped without close()
        # closes its searchers' files rather than leave them to the garbage collector.
        with contextlib.suppress(Exception):
            self.close()

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
        """The index for a writer (the indexer's, reindex's ``BulkWriter``), without memory maps."""
        return open_index(folder or self.ensure())


def _generation(searcher: Searcher) -> int:
    """The index generation (TOC number) a searcher reads; -1 for an empty index."""
    generation = searcher.reader().generation()
    return int(generation) if generation is not None else -1
