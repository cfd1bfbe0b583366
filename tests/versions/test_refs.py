from __future__ import annotations

from itertools import pairwise

from portal.document import parse
from portal.versions.align import align
from portal.versions.refs import check_references, dangling, find_references
from tests.conftest import ROOT

DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"
FRONT = (
    "---\nslug: x\nversi: {versi}\nlabel: A\ntanggal: 2026-01-01\njenis: Peraturan Daerah Provinsi\n"
    "daerah: Provinsi Banten\ntentang: X\npembentuk: GUBERNUR BANTEN\n---\n\n"
)
BODY = """## Menimbang

a. bahwa satu;

b. bahwa dua;

c. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan;

## Mengingat

1. Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;

##### Pasal 1

(1) Pekerja meliputi:

a. nelayan kecil;

b. pengemudi; dan

c. petani.

(2) Pekerja sebagaimana dimaksud pada ayat (1) huruf a sampai dengan huruf c didata oleh Dinas.

##### Pasal 2

(1) Bantuan diberikan kepada Pekerja sebagaimana dimaksud dalam Pasal 1 ayat (1) huruf b.

(2) Ketentuan sebagaimana dimaksud pada ayat (1) berlaku sesuai dengan Pasal 15 Undang-Undang Nomor 24 Tahun 2011.

(3) Pelaksanaan sebagaimana dimaksud dalam Pasal 1 sampai dengan Pasal 3 diatur dengan Peraturan Gubernur.
"""


def doc(versi: str, body: str = BODY):  # type: ignore[no-untyped-def]
    return parse(FRONT.format(versi=versi) + body)


def test_references_resolve_to_paths() -> None:
    found = [(r.source, r.text, r.target, r.relative, r.preposition) for r in find_references(doc("a"))]
    assert found == [
        ("menimbang/huruf-c", "huruf a", "menimbang/huruf-a", True, "dalam"),
        ("menimbang/huruf-c", "huruf b", "menimbang/huruf-b", True, None),
        ("pasal-1/ayat-2", "ayat (1) huruf a", "pasal-1/ayat-1/huruf-a", True, "pada"),
        ("pasal-1/ayat-2", "huruf c", "pasal-1/ayat-1/huruf-c", True, None),
        ("pasal-2/ayat-1", "Pasal 1 ayat (1) huruf b", "pasal-1/ayat-1/huruf-b", False, "dalam"),
        ("pasal-2/ayat-2", "ayat (1)", "pasal-2/ayat-1", True, "pada"),
        ("pasal-2/ayat-3", "Pasal 1", "pasal-1", False, "dalam"),
        ("pasal-2/ayat-3", "Pasal 3", "pasal-3", False, None),
    ]


def test_dangling_reference_is_found() -> None:
    assert [(p.path, p.text, p.problem) for p in dangling(doc("a"))] == [
        ("pasal-2/ayat-3", "Pasal 3", "dangling")
    ]


def test_a_reference_left_behind_by_renumbering_is_stale() -> None:
    old = doc("a")
    inserted = "##### Pasal 1\n\nPasal sisipan tentang pendataan Pekerja oleh Pemerintah Desa di Daerah.\n\n"
    renumbered = BODY.replace("##### Pasal 2", "##### Pasal 3").replace(
        "##### Pasal 1", inserted + "##### Pasal 2"
    )
    new = doc("b", renumbered)  # "Pasal 1 ayat (1) huruf b" was not updated
    problems = {(p.path, p.text): p for p in check_references(old, new, align(old, new))}
    stale = problems[("pasal-3/ayat-1", "Pasal 1 ayat (1) huruf b")]
    assert (stale.problem, stale.suggestion) == ("stale", "Pasal 2 ayat (1) huruf b")
    assert ("pasal-3/ayat-2", "ayat (1)") not in problems  # relative references follow their Pasal


def test_sample_drafts_have_clean_references() -> None:
    versions = [parse((DRAFTS / f"{v}.md").read_text(encoding="utf-8")) for v in ("v1", "v2", "v3")]
    for document in versions:
        assert dangling(document) == []
    for old, new in pairwise(versions):
        assert check_references(old, new, align(old, new)) == []


def test_a_list_or_range_of_citations_of_another_law_is_not_a_reference() -> None:
    body = BODY.replace(
        "berlaku sesuai dengan Pasal 15 Undang-Undang Nomor 24 Tahun 2011.",
        "berlaku sesuai dengan Pasal 12 dan Pasal 15 Undang-Undang Nomor 24 Tahun 2011, Pasal 3 ayat (1) "
        "huruf b dan huruf c UU Nomor 40 Tahun 2004, Pasal 7 sampai dengan Pasal 9 PP Nomor 86 Tahun 2013, "
        "serta Pasal 4 Permenaker Nomor 5 Tahun 2021.",
    )
    texts = [r.text for r in find_references(doc("a", body)) if r.source == "pasal-2/ayat-2"]
    assert texts == ["ayat (1)"]  # only the draft's own ayat (1)
    assert [p.text for p in dangling(doc("a", body))] == ["Pasal 3"]  # the one in ayat (3), as before
