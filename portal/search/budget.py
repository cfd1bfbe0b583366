"""What one query may cost: the bounds of the query language and a time budget.

Every query is checked after parsing (``services.bounded``), whoever calls the service:
at most ``MAX_CHARS`` characters and ``MAX_TERMS`` terms (what the reader typed, before
synonyms are added), fuzzy terms of edit distance at most ``MAX_FUZZY_DISTANCE`` that
keep their first ``FUZZY_PREFIX`` letters, no ranges, only the fields a reader may
search, exact phrases, boosts of at most ``MAX_BOOST``. A query outside them is
``Refused`` before any work.

An accepted query then runs against a ``Deadline``: the loops that can take long (the
scoring of each part, the decoding of postings, stepping a Whoosh matcher, the snippets,
the "maksud Anda" suggestions) call ``check()``, which raises ``TooBroad`` once the
budget is spent. The search then stops in its own thread, which is free again at once,
and the page answers 422 "pencarian terlalu luas".
"""

from __future__ import annotations

import time

MAX_CHARS = 512
MAX_TERMS = 32
MAX_FUZZY_DISTANCE = 2
FUZZY_PREFIX = 2  # letters a fuzzy term keeps as written (Whoosh's prefixlength)
MAX_BOOST = 100.0
MAX_DEPTH = 8  # nested groups ((…))
DEFAULT_SECONDS = 2.0  # the budget when the caller names none (PORTAL_SEARCH_TIMEOUT)


class Refused(Exception):
    """A query outside the bounds: ``code`` names the bound, ``params`` its figures."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class TooBroad(Exception):
    """The query used up its time budget and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:.2f} s")
        self.seconds = seconds


class Deadline:
    """``check()`` raises ``TooBroad`` once ``seconds`` have passed since it was made
    (``None``: never).

    ``nice``: a broad query's deadline also lets other threads run: at a check at least
    ``NICE_EVERY`` seconds after the last pause, it sleeps ``NICE_PAUSE`` (the lock of
    the interpreter is released, and a quick search waiting for it runs at once instead
    of after the interpreter's switch interval)."""

    __slots__ = ("at", "nice", "paused", "seconds")

    NICE_EVERY = 0.004
    NICE_PAUSE = 0.0005

    def __init__(self, seconds: float | None, nice: bool = False) -> None:
        self.seconds = seconds
        now = time.monotonic()
        self.at = now + seconds if seconds is not None else None
        self.nice = nice
        self.paused = now

    def check(self) -> None:
        now = time.monotonic()
        if self.at is not None and now > self.at:
            raise TooBroad(self.seconds or 0.0)
        if self.nice and now - self.paused >= self.NICE_EVERY:
            time.sleep(self.NICE_PAUSE)
            self.paused = time.monotonic()

    @property
    def left(self) -> float | None:
        return None if self.at is None else max(0.0, self.at - time.monotonic())


UNBOUNDED = Deadline(None)
