"""Comment counts per provision, and filling them into a rendered version."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from portal.consultation import threads
from portal.web.templating import version_url

if TYPE_CHECKING:
    from portal.versions.views import CachedVersion

MARKER = re.compile(r"<!--c:([^>]*?)-->")


@dataclass
class Counts:
    by_lineage: dict[str, int]
    whole: int
    tag: str
    checked: float


class CommentCounts:
    """Published comment counts per version, rechecked every ``revalidate`` seconds
    (one GROUP BY query) and dropped at once when this worker stores a comment."""

    def __init__(self, revalidate: float = 2.0) -> None:
        self.revalidate = revalidate
        self._items: dict[int, Counts] = {}

    async def get(self, cached: CachedVersion) -> Counts:
        item = self._items.get(cached.version.id)
        now = time.monotonic()
        if item is None or now - item.checked > self.revalidate:
            by_lineage, whole = await threads.counts(cached.version, [cached.version, *cached.others])
            # The same counts give the same tag in every worker (Python's hash() would not).
            digest = hashlib.blake2b(repr(sorted(by_lineage.items())).encode(), digest_size=4).hexdigest()
            tag = f"{sum(by_lineage.values()) + whole:x}-{digest}"
            item = Counts(by_lineage, whole, tag, now)
            self._items[cached.version.id] = item
        return item

    def forget(self, version_id: int | None = None) -> None:
        if version_id is None:
            self._items.clear()
        else:
            self._items.pop(version_id, None)


def with_counts(fragment: str, cached: CachedVersion, counts: Counts, lang: str, open_: bool) -> Markup:
    """Fill the comment markers of a rendered version with each provision's count."""
    parts = MARKER.split(fragment)
    base = version_url(cached.version.regulation.slug, cached.version.versi)
    out: list[str] = []
    word = "komentar" if lang == "id" else "comments"
    invite = "Beri komentar" if lang == "id" else "Comment"
    for k, part in enumerate(parts):
        if k % 2 == 0:
            out.append(part)
            continue
        node = cached.index.get(part)
        n = counts.by_lineage.get(node.lineage, 0) if node is not None and node.lineage else 0
        if n or open_:
            label = f"{n} {word}" if n else invite
            out.append(f'<a class="cmt{" has" if n else ""}" href="{base}/{part}/komentar">{label}</a>')
    return Markup("".join(out))  # noqa: S704 - paths come from the parsed version, counts are ints
