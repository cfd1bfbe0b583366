"""A term's postings written as Whoosh 2.7's ``W3FieldWriter`` writes them, at once.

What ``start_term``, ``add`` for each posting and ``finish_term`` do (``W3PostingsWriter``:
blocks of ``blocklimit`` postings, each a pickled and zlib-compressed tuple of the
delta-encoded documents, the weights and the values, after a pickled tuple of the block's
statistics; the term's ``W3TermInfo`` in the term table), without a call per posting: the
bytes of the term's blocks are made from three lists and written in one go. Used by
``bulk.BulkWriter``; ``tests/search/test_bulk.py`` compares the index with Whoosh's.
"""

from __future__ import annotations

import zlib
from array import array
from operator import sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo  # type: ignore[import-untyped]
from whoosh.system import pack_int, pack_long, pack_ushort  # type: ignore[import-untyped]
from whoosh.util.numeric import length_to_byte  # type: ignore[import-untyped]

_TERMINFO = W3TermInfo._struct.pack


def _mini_weights(weights: array[float], n: int) -> Any:
    """``W3PostingsWriter._mini_weights``: None if all are 1.0, the one weight if all are
    equal, else all of them."""
    if weights.count(1.0) == n:
        return None
    first = weights[0]
    if weights.count(first) == n:
        return first
    return tuple(weights)


def write_term(
    fieldwriter: Any,
    btext: bytes,
    ids: list[int],
    weights: list[float],
    values: list[bytes],
    lengths: dict[int, int],
    fixedsize: int | None,
) -> None:
    """Write the postings of term ``btext`` of the field being written (``start_field``):
    documents ``ids`` in order, their ``weights`` and the values that are not empty, each
    posting's block statistics taking its document's length from ``lengths``;
    ``fixedsize`` is the format's ``fixed_value_size()``."""
    postfile = fieldwriter._postfile
    codec = fieldwriter._codec
    limit = codec._blocklimit
    comp = codec._compression
    start = postfile.tell()
    parts = [WHOOSH3_HEADER_MAGIC]
    total = 0.0
    minlength: int | None = None
    maxlength = 0
    maxweight: float = 0
    count = len(ids)
    for at in range(0, count, limit):
        bids = ids[at : at + limit]
        n = len(bids)
        bweights = array("f", weights[at : at + limit])
        # ``_mini_values``: joined if the format's values have a fixed size, None if none.
        if fixedsize is None or fixedsize < 0:
            bvalues: Any = tuple(values[at : at + limit])
        else:
            bvalues = b"".join(values[at : at + limit]) if fixedsize else None
        deltas = (bids[0], *map(sub, bids[1:], bids))
        data = zlib.compress(dumps((deltas, _mini_weights(bweights, n), bvalues), 2), comp)
        # The block's statistics as ``add_posting`` keeps them (the weights as given).
        bmax = max(weights[at : at + limit])
        blockmax: float = bmax if bmax > 0 else 0
        if lengths:
            found = [m for m in map(lengths.get, bids) if m]
            blockmin = min(found) if found else None
            blockmaxlen = max(found, default=0)
        else:
            blockmin, blockmaxlen = None, 0
        info = dumps((n, bids[-1], blockmax, comp, length_to_byte(blockmin), length_to_byte(blockmaxlen)), 2)
        size = len(info) + len(data)
        parts += (pack_int(-size if at + limit >= count else size), info, data)
        # ``W3TermInfo.add_block``
        total += sum(bweights)
        if minlength is None:
            minlength = blockmin
        elif blockmin is not None:
            minlength = min(minlength, blockmin)
        maxlength = max(maxlength, blockmaxlen)
        maxweight = max(maxweight, blockmax)
    body = b"".join(parts)
    postfile.write(body)
    terminfo = _TERMINFO(
        False,
        total,
        count,
        0 if minlength is None else length_to_byte(minlength),
        length_to_byte(maxlength),
        maxweight,
        ids[0],
        ids[-1],
    )
    fieldwriter._tindex.add(
        pack_ushort(fieldwriter._fieldid) + btext, terminfo + pack_long(start) + pack_int(len(body))
    )
