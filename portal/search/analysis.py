"""Indonesian text analysis for the Whoosh search index.

Two analyzers share one tokenizer:

* :func:`surface_analyzer` -- tokenizer, lowercase, a small Indonesian stop list.  Positions are kept
  (renumbered over removed stop words, identically at index and query time) so phrase queries work.
* :func:`stem_analyzer` -- the same, followed by the Sastrawi stemmer for plain words.

The tokenizer keeps legal-drafting units whole: provision numbers ("5a", "12A"), ayat markers
("(1a)" yields "1a", with offsets pointing at "1a" in the original), amounts and numbers
("Rp50.000.000,00", "1.000", "2,5"), and compounds joined by "/" or "-" ("dan/atau", "PU/PPU",
"Kabupaten/Kota", "perundang-undangan").  A percent sign is not part of a token: "65%" yields "65",
so a query for "65" or "65%" finds both spellings.  A rupiah prefix is glued to its amount even when
written with a dot or a space: "Rp50.000", "Rp. 50.000" and "Rp 50.000" all yield "rp50.000".

The module also recognises bare provision citations in a query (:data:`CITATION`,
:func:`parse_citation`); synonym expansion is in ``synonyms.py``.

Nothing here does I/O at import time; the Sastrawi dictionary is loaded lazily on the first stem.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary  # type: ignore[import-untyped]
from Sastrawi.Stemmer.Stemmer import Stemmer  # type: ignore[import-untyped]
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-untyped]
from whoosh.analysis import (  # type: ignore[import-untyped]
    Analyzer,
    Filter,
    LowercaseFilter,
    StopFilter,
    Token,
    Tokenizer,
)

__all__ = [
    "CITATION",
    "STOP_WORDS",
    "TOKEN_PATTERN",
    "LegalTokenizer",
    "SastrawiStemFilter",
    "parse_citation",
    "stem",
    "stem_analyzer",
    "surface_analyzer",
    "words",
]

# ---------------------------------------------------------------------------------------------------------
# Tokenizer

#: One token per match.  ``[^\W_]`` is "a Unicode letter or digit" (``\w`` without the underscore).
TOKEN_PATTERN = re.compile(
    r"""
    (?P<rupiah>\bRp\.?[ \t\u00a0]?(?=\d))?   # optional rupiah prefix glued to the amount: "Rp", "Rp.", "Rp "
    [^\W_]+                                  # letters and/or digits: "pasal", "5a", "12A", "Rp50", "1a"
    (?:
        (?:
            [-/]                             # compounds: "dan/atau", "PU/PPU", "perundang-undangan"
          | (?<=\d)[.,](?=\d)                # thousands and decimals: "1.000", "2,5", "50.000.000,00"
          | (?<=[^\W\d_])['’](?=[^\W\d_])    # apostrophe inside a word: "Jum'at"
        )
        [^\W_]+
    )*
    """,
    re.VERBOSE | re.IGNORECASE,
)


class LegalTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh tokenizer for Indonesian legal text (see :data:`TOKEN_PATTERN`).

    Follows the protocol of ``whoosh.analysis.RegexTokenizer``: one reused :class:`Token` object,
    ``pos`` counted from ``start_pos``, ``startchar``/``endchar`` offsets into the original text shifted
    by ``start_char``, and ``tokenize=False`` yielding the whole value as one token.  Ayat markers need no
    special case: parentheses are not token characters, so "(1a)" yields "1a" at the offsets of "1a".
    The only token whose text differs from its source span is a rupiah amount written with a dot or space
    after "Rp" ("Rp. 50.000" -> "Rp50.000"); its offsets still cover the whole span as written.
    """

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Any]:
        if not isinstance(value, str):
            raise TypeError(f"{value!r} is not a str")
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for pos, match in enumerate(TOKEN_PATTERN.finditer(value), start_pos):
            text = match.group(0)
            if match.group("rupiah") is not None:
                text = text[:2] + value[match.end("rupiah") : match.end()]
            t.text = text
            t.boost = 1.0
            if keeporiginal:
                t.original = text
            t.stopped = False
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


# ---------------------------------------------------------------------------------------------------------
# Stop words

#: Function words that carry nothing for retrieval.  Deliberately small: normative and logical words
#: (tidak, wajib, dapat, harus, dilarang, paling, kecuali, dan, atau, dan/atau, belum, sedikit, lama,
#: banyak, setiap, jika, apabila, hal ...) and citation glue (pada, dalam, sebagaimana, dimaksud, tentang,
#: atas) are kept because they change the meaning of a provision or anchor phrase searches.
STOP_WORDS: frozenset[str] = frozenset(
    {
        "adalah",
        "agar",
        "akan",
        "bagi",
        "bahwa",
        "dari",
        "dengan",
        "di",
        "ialah",
        "ini",
        "itu",
        "juga",
        "kah",
        "ke",
        "kepada",
        "lah",
        "maka",
        "merupakan",
        "nya",
        "oleh",
        "para",
        "pun",
        "sebagai",
        "secara",
        "serta",
        "sudah",
        "supaya",
        "telah",
        "terhadap",
        "tersebut",
        "yaitu",
        "yakni",
        "yang",
    }
)


# ---------------------------------------------------------------------------------------------------------
# Stemming

#: Only plain lowercase ASCII words, optionally hyphenated, go through Sastrawi.  Its normaliser deletes
#: every character outside ``[a-z0-9 -]`` ("kafé" would become "kaf", "dan/atau" would become two words),
#: and numbers, citations, amounts and slash compounds must stay exact anyway.
_STEMMABLE = re.compile(r"[a-z]+(?:-[a-z]+)*")


@functools.cache
def _sastrawi() -> Any:
    """The Sastrawi stemmer, built once on first use (loading its dictionary takes a few tens of ms).

    Built from the plain ``Stemmer`` rather than ``StemmerFactory.create_stemmer()``, whose
    ``CachedStemmer`` keeps every word it has ever seen in an unbounded dict; :func:`stem` has its own
    bounded cache.
    """
    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Sastrawi stem of a lowercased token, or the token itself when it must not be stemmed.

    Hyphenated words are stemmed whole, so reduplication collapses ("undang-undang" -> "undang",
    "perundang-undangan" -> "undang"); tokens with digits, "/", apostrophes or non-ASCII letters are
    returned unchanged, as is any word for which Sastrawi returns nothing usable.
    """
    if not _STEMMABLE.fullmatch(word):
        return word
    result: str = _sastrawi().stem(word)
    if not result or " " in result:
        return word
    return result


class SastrawiStemFilter(Filter):  # type: ignore[misc]
    """Replaces the text of each unstopped token by :func:`stem` of it.

    Holds no state, so a schema using it pickles cleanly (Whoosh pickles the schema into the index).
    """

    is_morph = True

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


# ---------------------------------------------------------------------------------------------------------
# Analyzers

_SURFACE: Analyzer = LegalTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1)
_STEM: Analyzer = (
    LegalTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | SastrawiStemFilter()
)


def surface_analyzer() -> Analyzer:
    """Tokenize, lowercase and drop :data:`STOP_WORDS`; single characters ("b", "2") are kept."""
    return _SURFACE


def stem_analyzer() -> Analyzer:
    """:func:`surface_analyzer` followed by :class:`SastrawiStemFilter`."""
    return _STEM


def words(text: str) -> list[str]:
    """The surface tokens of ``text`` as plain strings."""
    return [t.text for t in _SURFACE(text)]


# ---------------------------------------------------------------------------------------------------------
# Citations

_NUM = r"\d+[a-z]?"

#: A query that is nothing but a provision citation: "Pasal 12 ayat (3) huruf b angka 2", "psl 12 (3)",
#: "ps. 12 ayat 3", "pasal 12 (3) b", "pasal 5A".  An ayat needs the word "ayat" or parentheses; a huruf
#: needs the word "huruf" unless it follows an ayat; "angka" always needs its word.
CITATION = re.compile(
    rf"""
    \s*
    (?:pasal|psl|ps)\.?\s*(?P<pasal>{_NUM})\b
    (?P<ayat_part>
        \s*
        (?:
            ayat\s*\(\s*(?P<ayat_paren>{_NUM})\s*\)
          | ayat\s*(?P<ayat_word>{_NUM})\b
          | \(\s*(?P<ayat_bare>{_NUM})\s*\)
        )
    )?
    (?:
        \s*
        (?(ayat_part)(?:huruf\s*)?|huruf\s*)
        (?:\(\s*(?P<huruf_paren>[a-z])\s*\)|(?P<huruf>[a-z])\b)
    )?
    (?:\s*angka\s*(?:\(\s*(?P<angka_paren>{_NUM})\s*\)|(?P<angka>{_NUM})\b))?
    \s*\.?\s*
    """,
    re.VERBOSE | re.IGNORECASE,
)


def parse_citation(query: str) -> str | None:
    """The portal path of a query that is only a provision citation, else ``None``.

    "Pasal 12 ayat (3) huruf b angka 2" -> "pasal-12/ayat-3/huruf-b/angka-2"; "pasal 5A" -> "pasal-5a".
    Roman-numbered articles of amending regulations ("Pasal I") are not recognised.
    """
    match = CITATION.fullmatch(query)
    if match is None:
        return None
    groups = match.groupdict()
    segments = [f"pasal-{groups['pasal'].lower()}"]
    ayat = groups["ayat_paren"] or groups["ayat_word"] or groups["ayat_bare"]
    if ayat:
        segments.append(f"ayat-{ayat.lower()}")
    huruf = groups["huruf_paren"] or groups["huruf"]
    if huruf:
        segments.append(f"huruf-{huruf.lower()}")
    angka = groups["angka_paren"] or groups["angka"]
    if angka:
        segments.append(f"angka-{angka.lower()}")
    return "/".join(segments)
