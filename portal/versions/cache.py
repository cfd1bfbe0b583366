"""The published versions a worker keeps: each one's parsed tree and what is rendered
of it, checked against the database every few seconds (a later publication supersedes
a version, perhaps through another worker)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request

from portal.document import Document, Node
from portal.versions import services
from portal.versions.compare import Comparison, compare
from portal.versions.models import Version
from portal.web.executors import Executors
from portal.web.pages import BodyStore


@dataclass
class CachedVersion:
    """A published version, its tree, and what is rendered of it (immutable, so kept)."""

    version: Version
    document: Document
    index: dict[str, Node]
    order: list[Node]
    others: list[Version]
    checked: float = 0.0  # time.monotonic() of the last check that the versions are as kept
    fragments: dict[str, Markup] = field(default_factory=dict)
    # Rendered pages of this version: the whole version (HTML per language, and JSON)
    # and its provision pages, kept by ETag.
    bodies: BodyStore = field(default_factory=lambda: BodyStore(24))  # 8 pages, plain, br and gzip
    provision_bodies: BodyStore = field(default_factory=lambda: BodyStore(1536))
    _tag: tuple[list[tuple[Any, ...]], str] | None = None

    @property
    def stamp(self) -> list[tuple[Any, ...]]:
        """What may change after publication: the regulation's versions, their status and
        their consultation settings (the text never changes)."""
        return sorted(
            (v.id, v.status, v.konsultasi_buka, v.konsultasi_tutup, v.anonim_boleh, v.moderasi)
            for v in [self.version, *self.others]
        )

    @property
    def tag(self) -> str:
        """A short digest of the stamp, for ETags (a new version changes the pages);
        digested again only when the stamp changed."""
        stamp = self.stamp
        if self._tag is None or self._tag[0] != stamp:
            self._tag = (stamp, hashlib.sha256(repr(stamp).encode()).hexdigest()[:8])
        return self._tag[1]

    @property
    def latest(self) -> Version | None:
        """The newest version of the regulation, when it is not this one."""
        later = [v for v in self.others if (v.sequence, v.id) > (self.version.sequence, self.version.id)]
        return max(later, key=lambda v: (v.sequence, v.id)) if later else None

    @property
    def previous(self) -> Version | None:
        """The version just before this one (in the order of publication), to compare with."""
        earlier = [v for v in self.others if (v.sequence, v.id) < (self.version.sequence, self.version.id)]
        return max(earlier, key=lambda v: (v.sequence, v.id)) if earlier else None

    @property
    def closed_by(self) -> Version | None:
        """The later version whose publication closed this one's consultation window."""
        versi = self.version.versi
        return next((v for v in self.others if versi in (v.earlier_windows or {}).get("closed", [])), None)

    @property
    def others_in_order(self) -> list[Version]:
        return sorted(self.others, key=lambda v: (v.sequence, v.id))


class VersionCache:
    """Published versions by (slug, versi), least recently used dropped first.

    A version's text never changes, but a later publication (perhaps by another
    worker) supersedes it: every ``revalidate`` seconds one query checks the
    regulation's versions, and a changed list reloads the entry.
    """

    def __init__(self, size: int = 32, revalidate: float = 5.0) -> None:
        self.size = size
        self.revalidate = revalidate
        self._items: OrderedDict[tuple[str, str], CachedVersion] = OrderedDict()

    async def get(self, slug: str, versi: str) -> CachedVersion | None:
        key = (slug, versi)
        item = self._items.get(key)
        if item is not None:
            now = time.monotonic()
            if now - item.checked > self.revalidate:
                if await services.version_stamps(item.version.regulation.id) != item.stamp:
                    del self._items[key]
                    return await self.get(slug, versi)
                item.checked = now
            self._items.move_to_end(key)
            return item
        version = await services.find_version(slug, versi)
        if version is None:
            return None  # misses are not kept: a later import may publish it
        document = await services.load_document(version)
        others = await services.other_versions(version)
        order = list(document.walk())
        item = CachedVersion(version, document, {n.path: n for n in order}, order, others, time.monotonic())
        self._items[key] = item
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return item

    def clear(self) -> None:
        self._items.clear()


async def cached_version(request: Request) -> CachedVersion:
    """The version a page's ``slug`` and ``versi`` name, from the worker's cache; 404
    when there is none."""
    versi = request.path_params["versi"]
    cached: CachedVersion | None = await request.app.state.versions.get(request.path_params["slug"], versi)
    if cached is None:
        raise HTTPException(status_code=404)
    return cached


class ComparisonCache:
    """Comparisons of published versions (immutable), least recently used dropped first.
    A comparison is computed in the ``draft`` pool (aligning two 500-Pasal versions takes
    tens of milliseconds: never on the event loop), once however many ask at a time."""

    def __init__(self, executors: Executors, size: int = 16) -> None:
        self.executors = executors
        self.size = size
        self._items: OrderedDict[tuple[int, int], Comparison] = OrderedDict()
        self._bodies: dict[tuple[int, int], BodyStore] = {}
        self._computing: dict[tuple[int, int], asyncio.Future[Comparison]] = {}

    async def get(self, old: CachedVersion, new: CachedVersion) -> Comparison:
        key = (old.version.id, new.version.id)
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        pending = self._computing.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self.executors.run("draft", compare, old.document, new.document))
            self._computing[key] = pending
            try:
                found = await asyncio.shield(pending)
            finally:
                self._computing.pop(key, None)
            self._items[key] = found
            if len(self._items) > self.size:
                dropped, _ = self._items.popitem(last=False)
                self._bodies.pop(dropped, None)
            return found
        return await asyncio.shield(pending)

    def bodies(self, old: CachedVersion, new: CachedVersion) -> BodyStore:
        """Rendered pages of one comparison (views, languages, JSON), kept by ETag."""
        return self._bodies.setdefault((old.version.id, new.version.id), BodyStore(8))
