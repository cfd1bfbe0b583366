"""A faster writer for building a fresh index (``portal reindex``), same index as Whoosh's.

``BulkWriter`` is Whoosh's ``SegmentWriter`` with four shortcuts, each giving the same
terms, postings, block statistics, lengths, stored fields and columns as the general path
(``tests/search/test_bulk.py`` compares both, term by term and posting by posting; the
files differ only in that equal encoded positions are one shared object, which a block's
pickle writes once):

* The two text fields ``teks`` and ``akar`` hold the same text: it is tokenized once
  (:func:`surface_words`, a list instead of Whoosh's chain of generators over one reused
  token) and ``akar`` takes the stems of those words (:func:`~portal.search.analysis.stem`,
  cached). The postings are encoded as Whoosh's ``Positions`` and ``Frequency`` formats
  encode them.
* The postings are kept by term as they come (three lists), so only the terms are sorted;
  each term's blocks are written at once (``blocks.write_term``); a segment is written at
  ``limitmb`` (no merge) instead of Whoosh sorting runs to disk and merging them back.
* A document of plain fields (``_plan``) is added directly: an ID field's value is its
  one term; stored fields and column values go straight to the per-document writer.
* At the commit, the length of a document's field (for each posting's block statistics)
  comes from a table kept while adding, not from reading the segment's length column back
  (which also looked for the column file of every ID field again, for every posting).

Only for an empty index (a new directory): it does not look at other segments.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from pickle import dumps
from typing import Any

from whoosh.analysis import IDTokenizer  # type: ignore[import-untyped]
from whoosh.formats import Existence, Frequency, Positions  # type: ignore[import-untyped]
from whoosh.system import pack_uint  # type: ignore[import-untyped]
from whoosh.util.numeric import byte_to_length, length_to_byte  # type: ignore[import-untyped]
from whoosh.writing import PostingPool, SegmentWriter  # type: ignore[import-untyped]

from portal.search.analysis import STOP_WORDS, TOKEN_PATTERN, stem, stem_analyzer, surface_analyzer
from portal.search.blocks import write_term

#: :data:`~portal.search.analysis.TOKEN_PATTERN` without its group, so ``findall`` gives whole tokens.
_TOKENS = re.compile(TOKEN_PATTERN.pattern.replace("(?P<rupiah>", "(?:", 1), TOKEN_PATTERN.flags)
_RUPIAH_GAP = frozenset(". \t\u00a0")
_BLANKS = frozenset(" \t\u00a0")
#: The postings (Whoosh's estimate of their memory) of one segment: about 2.5 million, some
#: 33,000 documents of the benchmark's comments (75 postings each); about 0.6 GB in memory.
LIMIT_MB = 512
#: What a posting is counted for in the sorting pool's memory limit (Whoosh's estimate, about).
_POSTING_BYTES = 200

#: Fields analysed here, by the analyzer the schema must give them: (analyzer, stemmed).
FAST_FIELDS: dict[str, tuple[Any, bool]] = {
    "teks": (surface_analyzer(), False),
    "akar": (stem_analyzer(), True),
}


def surface_words(text: str) -> tuple[int, list[str]]:
    """What :func:`~portal.search.analysis.surface_analyzer` yields for ``text``: the position
    of the first word, and the words (tokens lowercased, stop words left out) as a list.

    Whoosh's ``StopFilter`` renumbers from the first word kept: stop words before it still
    count, so the ``i``-th word is at position ``first + i``."""
    out: list[str] = []
    first = 0
    for token in _TOKENS.findall(text):
        # "Rp. 50.000" / "Rp 50.000" -> "Rp50.000" (LegalTokenizer): a dot or blank after "Rp"
        # only comes from the rupiah prefix (a dot in a token is otherwise between digits).
        if len(token) > 2 and token[2] in _RUPIAH_GAP and token[:2].lower() == "rp":
            rest = token[3:] if token[2] == "." else token[2:]
            if rest[:1] in _BLANKS:
                rest = rest[1:]
            token = token[:2] + rest
        word = token.lower()
        if word not in STOP_WORDS:
            out.append(word)
        elif not out:
            first += 1
    return first, out


_encoded: dict[tuple[int, ...], bytes] = {}


def _positions_value(deltas: tuple[int, ...]) -> bytes:
    """``Positions.encode`` of positions whose differences are ``deltas`` (kept: most are few)."""
    value = _encoded.get(deltas)
    if value is None:
        if len(_encoded) > 100_000:
            _encoded.clear()
        value = _encoded[deltas] = pack_uint(len(deltas)) + dumps(list(deltas), 2)
    return value


#: term -> the documents, their weights and the (non-empty) values of its postings, in order.
Postings = dict[Any, tuple[list[int], list[float], list[bytes]]]
_FREQUENCIES = [pack_uint(n) for n in range(256)]
#: The values of a word found once at positions 0 .. _MANY_SINGLES - 1 (one object each).
_MANY_SINGLES = 4096
_SINGLES = [_positions_value((pos,)) for pos in range(_MANY_SINGLES)]


def add_positions(
    terms: Postings, docnum: int, first: int, words: list[str], boosts: tuple[float, float]
) -> int:
    """Add a document's postings of a ``Positions`` field to ``terms`` (word -> postings):
    what Whoosh's ``Positions.word_values`` gives, each weight times the format's field
    boost, then the document's (``boosts``), in that order as Whoosh multiplies them. The
    number of terms added."""
    boost, fieldboost = boosts
    once = 1 * 1.0 * boost * fieldboost  # the weight of a word found once
    poses: defaultdict[str, list[int]] = defaultdict(list)
    for pos, word in enumerate(words, first):
        poses[word].append(pos)
    singles = _SINGLES
    for word, where in poses.items():
        if len(where) == 1:
            pos = where[0]
            weight = once
            value = singles[pos] if pos < _MANY_SINGLES else _positions_value((pos,))
        else:
            weight = len(where) * 1.0 * boost * fieldboost
            value = _positions_value(tuple(b - a for a, b in zip([0, *where], where, strict=False)))
        found = terms.get(word)
        if found is None:
            terms[word] = ([docnum], [weight], [value])
        else:
            found[0].append(docnum)
            found[1].append(weight)
            found[2].append(value)
    return len(poses)


def add_frequencies(
    terms: Postings, docnum: int, first: int, words: list[str], boosts: tuple[float, float]
) -> int:
    """Like :func:`add_positions` for a ``Frequency`` field (``Frequency.word_values``)."""
    boost, fieldboost = boosts
    counts = Counter(words)
    for word, n in counts.items():
        weight = n * 1.0 * boost * fieldboost
        value = _FREQUENCIES[n] if n < 256 else pack_uint(n)
        found = terms.get(word)
        if found is None:
            terms[word] = ([docnum], [weight], [value])
        else:
            found[0].append(docnum)
            found[1].append(weight)
            found[2].append(value)
    return len(counts)


def _add_rows(terms: Postings, docnum: int, field: Any, value: Any, fieldboost: float) -> tuple[int, int]:
    """Add a document's postings of any field as Whoosh's ``field.index`` gives them: the
    number of terms and the field's length (0 if not scorable)."""
    rows = list(field.index(value))
    for tbytes, _, weight, vbytes in rows:
        found = terms.get(tbytes)
        if found is None:
            found = terms[tbytes] = ([], [], [])
        found[0].append(docnum)
        found[1].append(weight * fieldboost)
        if vbytes:
            found[2].append(vbytes)
    return len(rows), sum(row[1] for row in rows) if field.scorable else 0


def _ID(*args: Any) -> int:
    """The marker of a plain ID field in ``BulkWriter._plan`` (its value is its one term)."""
    raise NotImplementedError


class BulkWriter(SegmentWriter):  # type: ignore[misc]
    """``ix.writer()`` for a new, empty index; commit once (``merge=False`` is implied)."""

    def __init__(self, ix: Any, limitmb: int = LIMIT_MB, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if self.segments:
            self.cancel()
            raise ValueError("BulkWriter builds a new index only")
        self._limitmb = limitmb
        self._done: list[Any] = []  # the segments finished (``_next_segment``)
        # The postings of the segment being written, by field and term (a str for the fields
        # analysed here, encoded when written; bytes for the others): (document, weight,
        # value) in the order of the documents. The terms are sorted when written.
        self._terms: dict[str, Postings] = {}
        self._size = 0
        self._limit = limitmb * 1024 * 1024
        # field -> document number -> its length as the length column gives it back
        self._lengths: dict[str, dict[int, int]] = {}
        self._fast: dict[str, Callable[[Postings, int, int, list[str], tuple[float, float]], int]] = {}
        for name, (analyzer, stemmed) in FAST_FIELDS.items():
            field = dict(self.schema.items()).get(name)
            if field is None or field.analyzer != analyzer or field.vector or field.separate_spelling():
                continue
            fmt = type(field.format)
            if fmt is Positions and not stemmed:
                self._fast[name] = add_positions
            elif fmt is Frequency and stemmed:
                self._fast[name] = add_frequencies
        self._plan = self._make_plan()
        self._words: tuple[str, int, list[str]] = ("", 0, [])

    def _make_plan(self) -> dict[str, tuple[Any, float, Any, bool]]:
        """The fields :meth:`add_document` takes directly: name -> (field, its format's boost,
        how its postings are added: ``_ID``, a ``FAST_FIELDS`` function, None if not
        indexed, whether it is scorable)."""
        plan: dict[str, tuple[Any, float, Any, bool]] = {}
        for name, field in self.schema.items():
            if field.separate_spelling() or field.vector:
                continue
            fmt = field.format
            if not field.indexed:
                plan[name] = (field, 1.0, None, False)
            elif name in self._fast:
                plan[name] = (field, fmt.field_boost, self._fast[name], field.scorable)
            elif type(fmt) is Existence and type(field.analyzer) is IDTokenizer and not field.scorable:
                # A plain ID field (Whoosh's IDTokenizer, Existence format): the value is the one term.
                plan[name] = (field, fmt.field_boost * 1.0, _ID, False)
        return plan

    def _analysed(self, name: str, text: str) -> tuple[int, list[str]]:
        """The words of ``text`` for field ``name`` (stems for ``akar``); the text of ``teks``
        is the same object as that of ``akar`` in a document, so it is tokenized once."""
        if self._words[0] is not text:
            self._words = (text, *surface_words(text))
        _, first, words = self._words
        return first, [stem(w) for w in words] if FAST_FIELDS[name][1] else words

    def add_document(self, **fields: Any) -> None:
        """``SegmentWriter.add_document`` (Whoosh 2.7) for a document of this schema's plain
        fields (:meth:`_plan`; no boosts, no ``_stored_`` values): no analyzer chain for an
        ID field (its value is its one term), the stored fields and the column values handed
        to the per-document writer's columns directly. Any other document: :meth:`_add_any`."""
        plan = self._plan
        if not fields.keys() <= plan.keys():
            self._add_any(**fields)
            return
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        allterms = self._terms
        count = 0
        perdocwriter.start_doc(docnum)
        stored = perdocwriter._storedfields
        columns = perdocwriter._colwriters
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field, weight, add, scorable = plan[name]
                length = 0
                if add is not None:
                    terms = allterms.get(name)
                    if terms is None:
                        terms = allterms[name] = {}
                    if not isinstance(value, str):
                        added, length = _add_rows(terms, docnum, field, value, 1.0)
                        count += added
                    elif add is _ID:
                        term = value.encode("utf-8")
                        found = terms.get(term)
                        if found is None:
                            terms[term] = ([docnum], [weight], [])
                        else:
                            found[0].append(docnum)
                            found[1].append(weight)
                        count += 1
                    else:
                        first, words = self._analysed(name, value)
                        count += add(terms, docnum, first, words, (weight, 1.0))
                        length = len(words) if scorable else 0
                    if length:
                        self._lengths.setdefault(name, {})[docnum] = byte_to_length(length_to_byte(length))
                        perdocwriter.add_field(name, field, None, length)
                if field.stored:
                    stored[name] = value
                column = field.column_type
                if column:
                    writer = columns.get(name)
                    if writer is None:
                        perdocwriter._create_column(name, column)
                        writer = columns[name]
                    writer.add(docnum, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        self._finish_doc(count)

    def _add_any(self, **fields: Any) -> None:
        """``SegmentWriter.add_document`` (Whoosh 2.7), with the shortcuts above."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        fast = self._fast
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        count = 0
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    terms = self._terms.setdefault(fieldname, {})
                    if fieldname in fast and isinstance(value, str):
                        first, words = self._analysed(fieldname, value)
                        boosts = (field.format.field_boost, fieldboost)
                        count += fast[fieldname](terms, docnum, first, words, boosts)
                        length = len(words) if field.scorable else 0
                    else:
                        added, length = _add_rows(terms, docnum, field, value, fieldboost)
                        count += added
                    if length:
                        self._lengths.setdefault(fieldname, {})[docnum] = byte_to_length(
                            length_to_byte(length)
                        )
                if field.separate_spelling() or field.vector:
                    raise ValueError(f"BulkWriter: field {fieldname!r} has spelling or vectors")
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        self._finish_doc(count)

    def _finish_doc(self, postings: int) -> None:
        """The document is in: count its postings, and start a segment when the pool is full."""
        self.perdocwriter.finish_doc()
        self._size += _POSTING_BYTES * postings
        self._added = True
        self.docnum += 1
        if self._size > self._limit:
            self._next_segment()

    def _next_segment(self) -> None:
        """Finish the segment being written and start another: a full pool becomes a segment
        of its own instead of a sorted run on disk merged back item by item in Python, which
        took half the time of a rebuild."""
        self._done.append(self._finalize_segment())
        codec, storage = self.codec, self.storage
        self.newsegment = codec.new_segment(storage, self.indexname)
        self.pool = PostingPool(self._tempstorage, self.newsegment, limitmb=self._limitmb)
        self._terms, self._size = {}, 0
        self.perdocwriter = codec.per_document_writer(storage, self.newsegment)
        self.fieldwriter = codec.field_writer(storage, self.newsegment)
        self.docnum = self.docbase = 0
        self._lengths = {}

    def _flush_segment(self) -> None:
        """``SegmentWriter._flush_segment`` and ``FieldWriter.add_postings``: the terms in
        order, each term's postings to the postings writer a block at a time, each with its
        document's length from the table kept while adding."""
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        schema = self.schema
        for fieldname in sorted(self._terms):
            terms = self._terms[fieldname]
            if not terms:
                continue
            lengths = self._lengths.get(fieldname, {})
            fieldwriter.start_field(fieldname, schema[fieldname])
            fixedsize = schema[fieldname].format.fixed_value_size()
            # A str sorts as its UTF-8 bytes do (both by code point).
            for term in sorted(terms):
                btext = term.encode("utf-8") if isinstance(term, str) else term
                ids, weights, values = terms[term]
                if values and len(values) != len(ids):
                    raise ValueError(f"BulkWriter: field {fieldname!r} has empty and other values")
                write_term(fieldwriter, btext, ids, weights, values, lengths, fixedsize)
            fieldwriter.finish_field()
        fieldwriter.close()
        self._terms = {}

    def commit(self, mergetype: Any = None, optimize: Any = None, merge: Any = None) -> None:
        """``SegmentWriter.commit`` with no merge: the segments written, in order."""
        self._check_state()
        segments = list(self._done)
        if self.docnum:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()
