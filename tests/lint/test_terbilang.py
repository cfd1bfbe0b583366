from __future__ import annotations

import pytest

from portal.lint.terbilang import decimal_words, normalise_words, read_number, terbilang


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (30, "tiga puluh"),
        (45, "empat puluh lima"),
        (100, "seratus"),
        (115, "seratus lima belas"),
        (250, "dua ratus lima puluh"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (2500, "dua ribu lima ratus"),
        (11_000, "sebelas ribu"),
        (100_000, "seratus ribu"),
        (1_000_000, "satu juta"),
        (1_500_000, "satu juta lima ratus ribu"),
        (50_000_000, "lima puluh juta"),
        (2_000_000_000, "dua miliar"),
        (3_000_000_000_000, "tiga triliun"),
    ],
)
def test_terbilang(value: int, words: str) -> None:
    assert terbilang(value) == words


def test_terbilang_refuses_negative_numbers() -> None:
    with pytest.raises(ValueError, match="zero"):
        terbilang(-1)


def test_decimals_and_reading() -> None:
    assert decimal_words(2, "5") == {"dua koma lima"}
    assert decimal_words(0, "75") == {"nol koma tujuh lima", "nol koma tujuh puluh lima"}
    assert read_number("50.000.000,00") == (50_000_000, "00")
    assert read_number("2,5") == (2, "5")
    assert read_number("30") == (30, "")
    assert read_number("1.5") is None
    assert normalise_words("Lima  Puluh-Juta") == "lima puluh juta"
