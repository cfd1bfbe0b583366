"""Numbers as drafters write them: Roman BAB numerals and Bagian ordinal words."""

from __future__ import annotations

import re

_ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]
_ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")

_UNITS = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def to_roman(value: int) -> str:
    if value <= 0:
        raise ValueError("Roman numerals start at 1")
    out = []
    for amount, numeral in _ROMAN:
        while value >= amount:
            out.append(numeral)
            value -= amount
    return "".join(out)


def from_roman(text: str) -> int | None:
    """The value of a Roman numeral in capitals, or None when it is not one."""
    if not text or not _ROMAN_RE.match(text):
        return None
    total = 0
    rest = text
    for amount, numeral in _ROMAN:
        while rest.startswith(numeral):
            total += amount
            rest = rest[len(numeral) :]
    return total


def cardinal_word(value: int) -> str:
    """Indonesian words for 1..99, lower case ('dua puluh satu')."""
    if not 0 < value < 100:
        raise ValueError("only 1..99")
    if value < 10:
        return _UNITS[value]
    if value == 10:
        return "sepuluh"
    if value == 11:
        return "sebelas"
    if value < 20:
        return f"{_UNITS[value - 10]} belas"
    tens, unit = divmod(value, 10)
    words = f"{_UNITS[tens]} puluh"
    return f"{words} {_UNITS[unit]}" if unit else words


def ordinal_word(value: int) -> str:
    """The Bagian ordinal: 1 → 'Kesatu', 2 → 'Kedua', 12 → 'Kedua Belas'."""
    if value == 1:
        return "Kesatu"
    words = cardinal_word(value)
    if value == 10:
        return "Kesepuluh"
    if value == 11:
        return "Kesebelas"
    return ("ke" + words).title()


_ORDINALS = {ordinal_word(n).lower(): n for n in range(1, 100)}


def ordinal_value(word: str) -> int | None:
    """'Kedua Belas' → 12; None when the word is not a Bagian ordinal."""
    return _ORDINALS.get(" ".join(word.split()).lower())


def slug_segment(text: str) -> str:
    """A path segment from a number as written: 'Kedua Belas' → 'kedua-belas'."""
    return "-".join(text.lower().split())


_NUMBER_RE = re.compile(r"^(\d+)([A-Za-z]*)$")
MAX_DIGITS = 18
HUGE = 10**MAX_DIGITS  # the key of every longer number (Python reads at most 4300 digits)


def whole_number(digits: str) -> int:
    """The value of a run of digits; one beyond ``MAX_DIGITS`` digits counts as ``HUGE``."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_DIGITS else HUGE


def number_key(number: str) -> tuple[int, str]:
    """Sort key for '5', '5A', '12a': the integer, then the suffix."""
    match = _NUMBER_RE.match(number)
    if not match:
        return (0, number)
    return (whole_number(match.group(1)), match.group(2).lower())
