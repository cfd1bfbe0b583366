"""Numbers from URLs and query strings, bounded before they reach the database.

``int("9" * 30)`` is a valid Python integer and an error in every database column
(SQLite's 64-bit integers, PostgreSQL's 32-bit ``integer``): a request must never turn
it into a 500. ``"²".isdigit()`` is true and ``int("²")`` raises: only ASCII digits count.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1  # the largest value of an IntField on PostgreSQL
MAX_PAGE = 100_000


def number(raw: str | None) -> int | None:
    """A whole number 0 … ``MAX_ID`` (a revision, a count), or None when it cannot be one."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


def row_id(raw: str | None) -> int | None:
    """A row id from a path or a form, or None (answer 404) when it cannot be one."""
    value = number(raw)
    return value if value else None


def page_number(raw: str | None, maximum: int = MAX_PAGE) -> int:
    """``?halaman=``: 1 when missing or malformed, at most ``maximum``."""
    if not raw or not raw.isascii() or not raw.isdigit():
        return 1
    if len(raw) > len(str(maximum)):
        return maximum
    return min(max(1, int(raw)), maximum)
