"""Comment counts per provision, and filling them into a rendered version."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from portal.consultation import threads
from portal.i18n import Translator
from portal.web.templating import version_url

if TYPE_CHECKING:
    from portal.versions.cache import CachedVersion

MARKER = re.compile(r"<!--c:([^>]*?)-->")


@dataclass
class Counts:
    by_lineage: dict[str, int]
    whole: int
    tag: str
    checked: float
    version_id: int = 0
    counted: frozenset[int] = frozenset()  # the versions whose comments count here
    every: float = 2.0  # seconds until the next look at the database

    def retag(self) -> None:
        # The same counts give the same tag in every worker (Python's hash() would not).
        digest = hashlib.blake2b(repr(sorted(self.by_lineage.items())).encode(), digest_size=4).hexdigest()
        self.tag = f"{sum(self.by_lineage.values()) + self.whole:x}-{digest}"


log = logging.getLogger("portal.consultation")


class CommentCounts:
    """Published comment counts per version, kept per worker.

    A comment this worker stores is added at once (``add``). The database is looked at
    again ``revalidate`` seconds after the last look (for what other workers and hosts
    stored, and moderation), or later when that look was slow: one GROUP BY over the
    version's comments costs more as they grow, so it may take at most ``share`` of the
    time. Meanwhile the counts in hand are served; one look runs at a time per version
    (many readers of a stale version do not each run the query)."""

    def __init__(self, revalidate: float = 2.0, share: float = 0.05) -> None:
        self.revalidate = revalidate
        self.share = share
        self._items: dict[int, Counts] = {}
        self._loading: dict[int, asyncio.Task[Counts]] = {}
        self._generation = 0  # raised by ``forget``: a look begun before it is not kept

    async def get(self, cached: CachedVersion) -> Counts:
        key = cached.version.id
        item = self._items.get(key)
        if item is not None and time.monotonic() - item.checked <= item.every:
            return item
        task = self._loading.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(cached))
            self._loading[key] = task
            generation = self._generation
            task.add_done_callback(lambda done: self._loaded(key, generation, done))
        if item is not None:
            return item  # the counts in hand, while the look runs
        return await asyncio.shield(task)

    async def _load(self, cached: CachedVersion) -> Counts:
        started = time.monotonic()
        versions = [cached.version, *cached.others]
        by_lineage, whole = await threads.counts(cached.version, versions)
        took = time.monotonic() - started
        item = Counts(
            by_lineage, whole, "", time.monotonic(), cached.version.id,
            frozenset(threads.version_ids_upto(cached.version, versions)),
            max(self.revalidate, took / self.share),
        )  # fmt: skip
        item.retag()
        return item

    def _loaded(self, key: int, generation: int, done: asyncio.Task[Counts]) -> None:
        if self._loading.get(key) is done:
            del self._loading[key]
        if done.cancelled():
            return
        error = done.exception()
        if error is not None:  # a reader waiting for it has it too; the next get tries again
            log.warning("comment counts of version %s not read: %s", key, error)
            return
        if generation == self._generation:  # not read before a ``forget``
            self._items[key] = done.result()

    def add(self, version_id: int, path: str, lineage: str | None) -> None:
        """A published comment (not a reply) this worker has just stored."""
        for item in self._items.values():
            if version_id not in item.counted:
                continue
            if not path:
                if version_id == item.version_id:
                    item.whole += 1
            elif lineage:
                item.by_lineage[lineage] = item.by_lineage.get(lineage, 0) + 1
            item.retag()

    def forget(self, version_id: int | None = None) -> None:
        """Look at the database on the next ``get`` (moderation changed what counts)."""
        self._generation += 1
        if version_id is None:
            self._loading.clear()
            self._items.clear()
        else:
            self._items.pop(version_id, None)
            self._loading.pop(version_id, None)


def with_counts(fragment: str, cached: CachedVersion, counts: Counts, lang: str, open_: bool) -> Markup:
    """Fill the comment markers of a rendered version with each provision's count."""
    parts = MARKER.split(fragment)
    base = version_url(cached.version.regulation.slug, cached.version.versi)
    out: list[str] = []
    t = Translator(lang)
    invite = t.gettext("Comment on this")
    for k, part in enumerate(parts):
        if k % 2 == 0:
            out.append(part)
            continue
        node = cached.index.get(part)
        n = counts.by_lineage.get(node.lineage, 0) if node is not None and node.lineage else 0
        if n or open_:
            label = t.ngettext("%(num)s comment", "%(num)s comments", n) if n else invite
            out.append(f'<a class="cmt{" has" if n else ""}" href="{base}/{part}/komentar">{label}</a>')
    return Markup("".join(out))  # noqa: S704 - paths come from the parsed version, counts are ints
