"""/cari: the search page and its JSON twin.

The search runs in the "search" pool of ``web.executors`` (never in asyncio's default
executor, which the document downloads' libraries use), with the time budget of
``PORTAL_SEARCH_TIMEOUT``. A query the service refuses (``budget.py``) or stops when
its budget is spent answers 422 with the reason, the query kept in the search box.

Within the pool, broad queries (``broad``: anything beyond a few plain words and
filters) run on at most half the pool's threads at a time (``Lanes``), so plain word
searches always find a free thread however many broad ones arrive; a broad query that
gets no turn within the time budget is answered 503 with ``Retry-After``.

An index that is missing or damaged (``index.IndexUnavailable``, also raised when a read
fails on a damaged file: ``guarded``) answers 503 with ``Retry-After`` and says that
search is being rebuilt, never an empty result; the indexer rebuilds it meanwhile.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.consultation.models import Comment
from portal.consultation.services import today as consultation_today
from portal.i18n import Translator
from portal.search.documents import PUBLIC
from portal.search.index import FACETS, READ_ERRORS, IndexUnavailable, SearchIndex
from portal.search.indexer import load_state
from portal.search.readable import FACET_NAMES, facet_label, kind_label
from portal.search.services import Hit, Outcome, SearchRequest, search
from portal.versions.models import Provision, Version
from portal.versions.services import version_refs
from portal.web.executors import Busy
from portal.web.pages import Page, request_lang, respond
from portal.web.templating import version_url

# Past the budget, the search stops itself at its next check (well under a second). Were
# it ever stuck inside a library call, the answer still leaves after this much more: the
# pool counts the thread as busy until it is really free.
BACKSTOP_SECONDS = 1.0
PLAIN_WORDS = 4  # a query of at most this many plain words (and filters) is not broad
PLAIN_CHARS = 80
BROAD_SIGNS = frozenset("~\"'()[]{}^*<>")  # fuzzy terms, phrases, groups, ranges, boosts …
OPERATORS = frozenset({"OR", "NOT", "AND", "ANDNOT"})
WAITING_BROAD = 32  # broad queries waiting for their turn, at most (then 503)
TURN_SHARE = 0.5  # of the budget a broad query may wait for its turn (then 503)
MIN_SECONDS = 0.05
MAX_VERSIONS = 100_000  # versions read for the default scope (names and dates only)
TRACKING_NUMBER = re.compile(r"[A-Z]{2,5}-\d{4}-\d{6,}")  # the numbers ``consultation/writer.py`` gives


def broad(q: str) -> bool:
    """Whether a query may cost more than a few term look-ups: more than
    ``PLAIN_WORDS`` words, an operator, a phrase, a fuzzy term, a group … (a plain
    reading of the text, before parsing: cheap, on the event loop)."""
    text = q.strip()
    if len(text) > PLAIN_CHARS or not BROAD_SIGNS.isdisjoint(text):
        return True
    words = text.split()
    return len(words) > PLAIN_WORDS or not OPERATORS.isdisjoint(words)


@dataclass
class Lanes:
    """Turns for broad queries: ``slots`` at once (half the search threads, at least
    one); the others wait for theirs (at most the time budget)."""

    slots: int
    turns: asyncio.Semaphore = field(init=False)
    waiting: int = 0

    def __post_init__(self) -> None:
        self.turns = asyncio.Semaphore(self.slots)


def lanes(request: Request) -> Lanes:
    found: Lanes | None = getattr(request.app.state, "search_lanes", None)
    if found is None:
        threads: int = request.app.state.executors.threads("search")
        found = Lanes(max(1, threads // 2))
        request.app.state.search_lanes = found
    return found


def search_index(request: Request) -> SearchIndex:
    index: SearchIndex = request.app.state.search
    return index


@dataclass(frozen=True)
class DefaultScope:
    """What a search covers unless every version is asked for (``semua=1``): the
    provisions of each regulation's versions open for comment (its latest version when
    none is open), and every public comment and answer of the regulation, on any of its
    versions. Read in two light queries (ids, names and dates; never a version's text)."""

    latest: dict[str, tuple[int, str]]  # slug → (id, versi) of each regulation's newest version
    documents: list[str]  # "<slug>/<versi>" whose provisions (and comments) are searched
    versions: list[str]  # every versi, oldest first (the presence line of ``semua=1``)


async def search_scope(on: dt.date | None = None) -> DefaultScope:
    """The default scope (``DefaultScope``) as of ``on`` (today in WIB, as the comment form)."""
    on = on or consultation_today()
    refs = await version_refs(limit=MAX_VERSIONS)  # newest first (the versions' own order)
    latest: dict[str, tuple[int, str]] = {}
    for ref in refs:
        latest.setdefault(ref.slug, (ref.id, ref.versi))
    open_rows = await Version.filter(konsultasi_buka__lte=on, konsultasi_tutup__gte=on).values_list(
        "id", "versi", "regulation__slug"
    )
    opened: dict[str, list[str]] = {}
    for _, versi, slug in sorted(open_rows):
        opened.setdefault(str(slug), []).append(str(versi))
    documents = [
        f"{slug}/{versi}"
        for slug, (_, latest_versi) in latest.items()
        for versi in opened.get(slug, [latest_versi])
    ]
    return DefaultScope(latest, documents, [ref.versi for ref in reversed(refs)])


def _request(request: Request) -> SearchRequest:
    params = request.query_params
    try:
        page = max(1, min(int(params.get("halaman", "1")), 1000))
    except ValueError:
        page = 1
    chosen = {name: params[name] for name in FACETS if params.get(name)}
    return SearchRequest(
        q=params.get("q", ""), page=page, all_versions=params.get("semua") == "1", chosen=chosen
    )  # not cut: a query over the limit is refused by name, and stays in the box


def refusal(t: Translator, outcome: Outcome) -> str | None:
    """What the page says about a query refused or stopped, in the reader's language."""
    params = outcome.error_params
    match outcome.error:
        case "too_broad":
            seconds = t.number(float(str(params.get("seconds", 0))))
            return t.gettext(
                "Search too broad: it would take more than %(seconds)s seconds and was stopped. "
                "Use fewer or more specific words, and fewer OR and similar-word (word~) terms.",
                seconds=seconds,
            )
        case "too_long":
            return t.gettext(
                "Search too broad: a query can have at most %(limit)s characters (this one has %(count)s).",
                limit=params["limit"],
                count=params["count"],
            )
        case "too_many_terms":
            return t.gettext(
                "Search too broad: a query can have at most %(limit)s words (this one has %(count)s).",
                limit=params["limit"],
                count=params["count"],
            )
        case "fuzzy_distance":
            return t.gettext(
                "Search too broad: a similar word (word~N) allows at most %(limit)s changes.",
                limit=params["limit"],
            )
        case "fuzzy_short":
            return t.gettext(
                "Search too broad: a similar word (word~) needs at least %(limit)s letters.",
                limit=params["limit"],
            )
        case "range":
            return t.gettext("Search too broad: ranges ([a TO z], {a TO z}) cannot be searched.")
        case "phrase_slop":
            return t.gettext('This query cannot be run: a "phrase" is searched exactly, without ~N.')
        case "boost":
            return t.gettext("This query cannot be run: a boost (word^N) can be at most %(limit)s.", **params)
        case "unsupported":
            return t.gettext("This query cannot be run: it uses a kind of query the portal does not search.")
        case "index_rebuilding":
            return t.gettext(
                "Search is being rebuilt: its index was damaged and is being made again from the "
                "database. Please try again in a minute; no comment or document is lost."
            )
        case "index_busy":
            return t.gettext("Search is being updated at this moment. Please try again in a few seconds.")
    return None


def guarded(index: SearchIndex, wanted: SearchRequest, latest: list[str], **options: Any) -> Outcome:
    """``services.search``, where an exception checks the index's files: damaged, it is
    marked and ``IndexUnavailable`` (503); intact, a read error (``READ_ERRORS``, or the
    bare ``Exception`` Whoosh raises for a bad block) is tried once more (a swap), and
    failing again it is damage too; any other exception is a bug (500)."""
    for attempt in (1, 2):
        try:
            return search(index, wanted, latest, **options)
        except IndexUnavailable:
            raise
        except Exception as exc:
            index.read_failed(exc)  # raises IndexUnavailable when the files are damaged
            if not (isinstance(exc, READ_ERRORS) or type(exc) is Exception):
                raise
            if attempt == 2:
                index.mark_damaged(f"reading failed twice: {type(exc).__name__}: {exc}")
                raise IndexUnavailable("rebuilding", str(exc)) from exc
    raise AssertionError("unreachable")


async def run_search(
    request: Request, wanted: SearchRequest, latest: list[str], comments_of: tuple[str, ...] = ()
) -> Outcome:
    """The search in its own pool, with the time budget of the settings; a broad query
    first waits for its turn (``Lanes``). ``latest`` and ``comments_of``: the default
    scope (``services.search``)."""
    timeout: float = request.app.state.settings.search_timeout
    if not broad(wanted.q):
        return await _in_pool(request, wanted, latest, comments_of, timeout, nice=False)
    lane = lanes(request)
    if lane.waiting >= WAITING_BROAD:
        raise Busy("search")
    lane.waiting += 1
    began = time.monotonic()
    try:
        await asyncio.wait_for(lane.turns.acquire(), timeout * TURN_SHARE)
    except TimeoutError:
        raise Busy("search") from None
    finally:
        lane.waiting -= 1
    try:  # the wait counts against the budget: the answer leaves within it either way
        left = max(MIN_SECONDS, timeout - (time.monotonic() - began))
        outcome = await _in_pool(request, wanted, latest, comments_of, left, nice=True)
    finally:
        lane.turns.release()
    if outcome.error == "too_broad":
        outcome.error_params = {"seconds": timeout}  # the budget, not what was left of it
    return outcome


async def _in_pool(
    request: Request,
    wanted: SearchRequest,
    latest: list[str],
    comments_of: tuple[str, ...],
    seconds: float,
    nice: bool,
) -> Outcome:
    pools = request.app.state.executors
    job = pools.run(
        "search",
        guarded,
        search_index(request),
        wanted,
        latest,
        comments_of=comments_of,
        timeout=seconds,
        nice=nice,
    )
    try:
        outcome: Outcome = await asyncio.wait_for(job, seconds + BACKSTOP_SECONDS)
    except TimeoutError:
        outcome = Outcome(error="too_broad", error_params={"seconds": seconds})
    return outcome


async def search_page(request: Request) -> Response:
    as_json = request.url.path.endswith(".json")
    wanted = _request(request)
    shown = await public_comment_url(wanted.q) if wanted.q else None
    if shown and not as_json and wanted.page == 1 and not wanted.chosen:
        return RedirectResponse(shown, status_code=303)  # a tracking number: that comment
    scope = await search_scope()
    latest = scope.latest
    index = search_index(request)
    if not index.state_loaded:  # what the database says the index is, before its first open
        await load_state(index)
    retry_after = None
    try:
        outcome = await run_search(request, wanted, scope.documents, tuple(latest))
    except IndexUnavailable as down:  # logged where it was found; never an empty answer
        outcome = Outcome(error=f"index_{down.reason}")
        retry_after = down.retry_after
    t = Translator(request_lang(request))
    refused = refusal(t, outcome)
    target = None
    if outcome.citation:
        # A query that is only a citation goes to that provision of the latest version.
        for slug, (version_id, versi) in latest.items():
            if await Provision.exists(version_id=version_id, path=outcome.citation):
                target = f"/r/{slug}/{versi}/{outcome.citation}"
                break
    if target and not as_json and wanted.page == 1 and not wanted.chosen:
        return RedirectResponse(target, status_code=303)
    data = {
        "query": wanted.q,
        "all_versions": wanted.all_versions,
        "total": outcome.total,
        "page": outcome.page,
        "pages": outcome.pages,
        "results": [_hit_json(t, hit) for hit in outcome.hits],
        "facets": {
            name: [
                {
                    "value": f.value,
                    "label": facet_label(t, name, f.value),
                    "count": f.count,
                    "chosen": f.chosen,
                }
                for f in values
            ]
            for name, values in outcome.facets.items()
        },
        "facet_names": {name: t.gettext(FACET_NAMES[name]) for name in outcome.facets},
        "suggestion": outcome.suggestion,
        "citation": target,
        "comment": shown,
        "error": outcome.error,
        "message": refused,
    }
    if wanted.all_versions:
        data["versions"] = [{"versi": versi, "count": count} for versi, count in outcome.presence]

    def url(path: str = "/cari", **changes: str | None) -> str:
        params = {"q": wanted.q, **wanted.chosen, "semua": "1" if wanted.all_versions else None}
        params |= changes
        kept = {k: v for k, v in params.items() if v}
        return f"{path}?{urlencode(kept)}" if kept else path

    extra = {
        "json_url": url("/cari.json", halaman=str(outcome.page) if outcome.page > 1 else None),
        "page_url": lambda n: url(halaman=str(n) if n > 1 else None),
        "facet_url": lambda name, value: url(**{name: "" if wanted.chosen.get(name) == value else value}),
        "scope_url": url(semua=None if wanted.all_versions else "1"),
        "suggestion_url": url(q=outcome.suggestion) if outcome.suggestion else None,
        "found": dict(outcome.presence),
        "facet_names": {name: t.gettext(label) for name, label in FACET_NAMES.items()},
        "facet_label": lambda name, value: facet_label(t, name, value),
        "kind_label": lambda kind: kind_label(t, kind),
        "wanted": wanted,
        "outcome": outcome,
        "error": outcome.error,
        "refused": refused,
        "title_query": wanted.q,
        "versions_of": scope.versions if wanted.all_versions else [],
    }
    status = 503 if retry_after else 422 if refused else 200
    response = respond(request, Page("search/results.html", data, extra, status=status), as_json)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
        response.headers["Cache-Control"] = "no-store"
    return response


def _hit_json(t: Translator, hit: Hit) -> dict[str, Any]:
    """A hit's JSON: its machine keys, and the name of its kind as a reader reads it."""
    out = hit.to_json()
    if "kind" in out:
        out["kind_label"] = kind_label(t, hit.kind)
    return out


async def public_comment_url(q: str) -> str | None:
    """The thread page of the comment whose tracking number is the whole query (any case,
    spaces around), when that comment is public; None otherwise, so a hidden, pending,
    erased or unknown number is searched like any other words and never shown."""
    number = q.strip().upper()
    if not TRACKING_NUMBER.fullmatch(number):
        return None
    found = await Comment.get_or_none(number=number).select_related("version__regulation", "parent")
    if found is None or not _public(found) or (found.parent is not None and not _public(found.parent)):
        return None
    base = version_url(found.version.regulation.slug, found.version.versi)
    thread = f"{base}/{found.path}/komentar" if found.path else f"{base}/komentar"
    return f"{thread}#{found.number}"


def _public(comment: Comment) -> bool:
    return comment.status == PUBLIC and comment.redacted_at is None


routes = [
    Route("/cari", search_page, name="search"),
    Route("/cari.json", search_page, name="search_json"),
]
