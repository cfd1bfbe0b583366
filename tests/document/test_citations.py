"""Citations read from paths."""

from __future__ import annotations

from portal.document.citations import path_citation


def test_path_citation_reads_a_path_without_the_document() -> None:
    assert path_citation("pasal-6/ayat-1") == "Pasal 6 ayat (1)"
    assert path_citation("pasal-5a") == "Pasal 5A"
    assert path_citation("menimbang/huruf-c") == "Menimbang huruf c"
    assert path_citation("mengingat/angka-2") == "Mengingat angka 2"
    assert path_citation("bab-iii") == "BAB III"
    assert path_citation("penjelasan/pasal-5/ayat-2") == "Penjelasan Pasal 5 ayat (2)"
    assert path_citation("pasal-7/ayat-2/huruf-b/angka-1") == "Pasal 7 ayat (2) huruf b angka 1"
    assert path_citation("") == ""
