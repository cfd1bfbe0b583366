"""Indonesian number words ("terbilang") and reading numbers as drafters write them."""

from __future__ import annotations

import re

from portal.document.numbering import MAX_DIGITS

_UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")]


def _below_thousand(value: int) -> str:
    """Words for 1..999."""
    hundreds, rest = divmod(value, 100)
    words: list[str] = []
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words.append(f"{_UNITS[hundreds]} ratus")
    if rest:
        if rest < 10:
            words.append(_UNITS[rest])
        elif rest == 10:
            words.append("sepuluh")
        elif rest == 11:
            words.append("sebelas")
        elif rest < 20:
            words.append(f"{_UNITS[rest - 10]} belas")
        else:
            tens, unit = divmod(rest, 10)
            words.append(f"{_UNITS[tens]} puluh")
            if unit:
                words.append(_UNITS[unit])
    return " ".join(words)


def terbilang(value: int) -> str:
    """The Indonesian words for a whole number: 30 → 'tiga puluh', 1000 → 'seribu'."""
    if value < 0:
        raise ValueError("only numbers from zero up")
    if value == 0:
        return "nol"
    words: list[str] = []
    for amount, name in _SCALES:
        count, value = divmod(value, amount)
        if count:
            words.append(f"{terbilang(count)} {name}")
    thousands, value = divmod(value, 1000)
    if thousands == 1:
        words.append("seribu")
    elif thousands:
        words.append(f"{_below_thousand(thousands)} ribu")
    if value:
        words.append(_below_thousand(value))
    return " ".join(words)


def decimal_words(integer: int, fraction: str) -> set[str]:
    """Accepted readings of '2,5' or '0,75': 'dua koma lima', 'nol koma tujuh lima'
    or 'nol koma tujuh puluh lima'."""
    head = terbilang(integer)
    digits = " ".join(_UNITS[int(d)] for d in fraction)
    readings = {f"{head} koma {digits}"}
    if fraction and not fraction.startswith("0") and len(fraction) <= MAX_DIGITS:
        readings.add(f"{head} koma {terbilang(int(fraction))}")
    return readings


_NUMBER_RE = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")


def read_number(text: str) -> tuple[int, str] | None:
    """'50.000.000,00' → (50000000, '00'); '2,5' → (2, '5'); None when not a number."""
    match = _NUMBER_RE.match(text)
    if not match:
        return None
    digits = match.group(1).replace(".", "").lstrip("0") or "0"
    if len(digits) > MAX_DIGITS:
        return None  # no drafter writes it in words: nothing to compare
    return int(digits), match.group(2) or ""


def normalise_words(text: str) -> str:
    """Lower case, single spaces, no hyphens: for comparing number words."""
    return " ".join(text.lower().replace("-", " ").split())
