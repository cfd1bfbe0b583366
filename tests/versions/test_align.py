from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from portal.document import Document, parse
from portal.versions.align import Alignment, align
from tests.conftest import ROOT

DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"
FRONT = (
    "---\nslug: x\nversi: {versi}\nlabel: A\ntanggal: 2026-01-01\njenis: Peraturan Daerah Provinsi\n"
    "daerah: Provinsi Banten\ntentang: X\npembentuk: GUBERNUR BANTEN\n---\n\n"
)


@cache
def version(name: str) -> Document:
    return parse((DRAFTS / f"{name}.md").read_text(encoding="utf-8"))


def golden(old: str, new: str) -> dict[str | None, str | None]:
    """The hand-checked 'Plain Pasal mapping' block of drafts/…/CHANGES.md."""
    changes = (DRAFTS / "CHANGES.md").read_text(encoding="utf-8")
    block = re.search(rf"### Plain Pasal mapping {old} → {new}\n\n```text\n(.*?)```", changes, re.S)
    assert block is not None
    mapping: dict[str | None, str | None] = {}
    for line in block.group(1).strip().splitlines():
        left, _, right = (part.strip() for part in line.partition("->"))
        if left == "inserted":
            mapping.setdefault(None, None)
            mapping[f"+{right}"] = right
        else:
            mapping[left] = None if right == "deleted" else right
    return mapping


def pasal_pairs(alignment: Alignment) -> set[tuple[str | None, str | None]]:
    return {
        (m.old, m.new)
        for m in alignment.mappings
        if (m.old or m.new or "").startswith("pasal-") and "/" not in (m.old or m.new or "")
    }


@pytest.mark.parametrize(("old", "new"), [("v1", "v2"), ("v2", "v3")])
def test_pasal_mapping_matches_the_golden_file(old: str, new: str) -> None:
    expected = golden(old, new)
    found = pasal_pairs(align(version(old), version(new)))
    for left, right in expected.items():
        if left is None:
            continue
        if left.startswith("+"):
            assert (None, right) in found, f"{right} should be inserted"
        else:
            assert (left, right) in found, f"{left} → {right}"
    assert len(found) == len([k for k in expected if k is not None])


def kinds(alignment: Alignment) -> dict[tuple[str | None, str | None], str]:
    return {(m.old, m.new): m.kind for m in alignment.mappings}


def test_v1_to_v2_structural_changes() -> None:
    found = kinds(align(version("v1"), version("v2")))
    assert found[("pasal-15", "pasal-9")] == "moved"  # BAB IV → BAB III
    assert found[("pasal-13/ayat-1", "pasal-14/ayat-1")] == "split"
    assert found[("pasal-13/ayat-1", "pasal-14/ayat-2")] == "split"
    assert found[("pasal-13/ayat-2", "pasal-14/ayat-3")] == "renumbered"
    assert found[("pasal-30", None)] == "deleted"
    assert found[(None, "pasal-16")] == "inserted"
    assert found[(None, "pasal-17/ayat-5")] == "inserted"
    assert found[(None, "menimbang/huruf-c")] == "inserted"
    assert found[("menimbang/huruf-c", "menimbang/huruf-d")] == "renumbered"
    assert found[("pasal-20/ayat-2", "pasal-21/ayat-2")] == "edited"  # rewritten in place
    assert found[("pasal-9", "pasal-10")] == "renumbered"
    assert found[("pasal-1", "pasal-1")] == "edited"  # a definition was added


def test_v2_to_v3_structural_changes() -> None:
    found = kinds(align(version("v2"), version("v3")))
    assert found[("pasal-45", "pasal-43")] == "moved"
    assert found[("pasal-34", None)] == "deleted"
    assert found[(None, "pasal-20/huruf-f")] == "inserted"
    assert found[(None, "bab-v")] == "inserted"
    assert found[("bab-v", "bab-vi")] == "renumbered"


@pytest.mark.parametrize(("old", "new"), [("v1", "v2"), ("v2", "v3"), ("v1", "v3"), ("v3", "v1")])
def test_every_node_of_both_versions_is_covered_once(old: str, new: str) -> None:
    a, b = version(old), version(new)
    alignment = align(a, b)
    olds = Counter(m.old for m in alignment.mappings if m.old is not None)
    news = Counter(m.new for m in alignment.mappings if m.new is not None)
    assert set(olds) == set(a.paths())
    assert set(news) == set(b.paths())
    for path, count in news.items():
        if count > 1:  # two old provisions in one new one only as a merge
            assert {m.kind for m in alignment.backward()[path]} == {"merged"}, path
    for path, count in olds.items():
        if count > 1:
            assert {m.kind for m in alignment.forward()[path]} == {"split"}, path


def test_alignment_is_deterministic() -> None:
    first = align(version("v1"), version("v2")).to_json()
    assert align(version("v1"), version("v2")).to_json() == first


def test_identical_versions_are_all_same() -> None:
    alignment = align(version("v2"), version("v2"))
    assert {m.kind for m in alignment.mappings} == {"same"}


def small(versi: str, body: str) -> Document:
    return parse(FRONT.format(versi=versi) + body)


def test_merge_of_two_ayat() -> None:
    old = small(
        "a",
        "##### Pasal 1\n\n(1) Setiap Pemberi Kerja wajib mendaftarkan seluruh Pekerjanya kepada BPJS Ketenagakerjaan.\n\n"
        "(2) Pendaftaran dilakukan paling lama 30 (tiga puluh) hari sejak Pekerja mulai bekerja.\n\n"
        "(3) Gubernur melakukan pembinaan terhadap Pemberi Kerja di Daerah.\n",
    )
    new = small(
        "b",
        "##### Pasal 1\n\n(1) Setiap Pemberi Kerja wajib mendaftarkan seluruh Pekerjanya kepada BPJS Ketenagakerjaan "
        "paling lama 30 (tiga puluh) hari sejak Pekerja mulai bekerja.\n\n"
        "(2) Gubernur melakukan pembinaan terhadap Pemberi Kerja di Daerah.\n",
    )
    found = kinds(align(old, new))
    assert found[("pasal-1/ayat-1", "pasal-1/ayat-1")] == "merged"
    assert found[("pasal-1/ayat-2", "pasal-1/ayat-1")] == "merged"
    assert found[("pasal-1/ayat-3", "pasal-1/ayat-2")] == "renumbered"


def test_pasal_inserted_in_the_middle_renumbers_the_rest() -> None:
    texts = [
        "Pemerintah Daerah menyelenggarakan perlindungan jaminan sosial bagi nelayan kecil di Daerah.",
        "Gubernur menetapkan kuota penerima bantuan iuran setiap tahun anggaran.",
        "Dinas melaksanakan pendataan pekerja rentan bersama Pemerintah Kabupaten/Kota.",
    ]
    old = small("a", "".join(f"##### Pasal {i + 1}\n\n{t}\n\n" for i, t in enumerate(texts)))
    inserted = [
        texts[0],
        "Perusahaan Aplikasi wajib menyampaikan data mitra pengemudi kepada Dinas.",
        *texts[1:],
    ]
    new = small("b", "".join(f"##### Pasal {i + 1}\n\n{t}\n\n" for i, t in enumerate(inserted)))
    found = kinds(align(old, new))
    assert found == {
        ("pasal-1", "pasal-1"): "same",
        (None, "pasal-2"): "inserted",
        ("pasal-2", "pasal-3"): "renumbered",
        ("pasal-3", "pasal-4"): "renumbered",
    }


def test_pasal_differing_only_in_cited_numbers_anchor_the_alignment() -> None:
    """Between a moved and an inserted Pasal, Pasal whose only change is a renumbered
    reference pair in place (edited, not moved), and so do their ayat."""
    body = [
        "(1) Pengawasan atas pelaksanaan kewajiban sebagaimana dimaksud dalam Pasal {a} dilakukan oleh Dinas.\n\n"
        "(2) Pengawasan atas pelaksanaan kewajiban sebagaimana dimaksud dalam Pasal {b} dilakukan oleh Dinas.",
        "Dinas melakukan pendataan Pekerja Bukan Penerima Upah di setiap Kabupaten/Kota.",
        "Gubernur menetapkan besaran bantuan iuran bagi nelayan kecil.",
    ]
    old = small("a", "".join(f"##### Pasal {i + 1}\n\n{t.format(a=5, b=6)}\n\n" for i, t in enumerate(body)))
    new_body = [
        "Perusahaan Aplikasi menyampaikan data mitra pengemudi kepada Dinas setiap triwulan.",
        *body,
    ]
    new = small(
        "b", "".join(f"##### Pasal {i + 1}\n\n{t.format(a=6, b=7)}\n\n" for i, t in enumerate(new_body))
    )
    found = kinds(align(old, new))
    assert found[("pasal-1", "pasal-2")] == "edited"
    # Ayat (1) now cites what ayat (2) used to: they still pair in place, not across.
    assert found[("pasal-1/ayat-1", "pasal-2/ayat-1")] == "edited"
    assert found[("pasal-1/ayat-2", "pasal-2/ayat-2")] == "edited"
    assert ("pasal-1/ayat-2", "pasal-2/ayat-1") not in found
    assert found[("pasal-2", "pasal-3")] == "renumbered"
    assert found[(None, "pasal-1")] == "inserted"


def test_a_unit_rewritten_in_place_stays_paired_but_two_side_by_side_are_aligned_one_by_one() -> None:
    ayat = [
        "Setiap Pemberi Kerja wajib mendaftarkan seluruh Pekerjanya kepada BPJS Ketenagakerjaan.",
        "Pendaftaran dilakukan paling lama 30 (tiga puluh) hari sejak Pekerja mulai bekerja.",
        "Gubernur melakukan pembinaan terhadap Pemberi Kerja di Daerah.",
    ]

    def pasal(units: list[str]) -> str:
        return "##### Pasal 1\n\n" + "".join(f"({k + 1}) {u}\n\n" for k, u in enumerate(units))

    edited = [
        ayat[0],
        ayat[1].replace("30 (tiga puluh)", "14 (empat belas)").replace("mulai", "pertama kali"),
        ayat[2],
    ]
    found = kinds(align(small("a", pasal(ayat)), small("b", pasal(edited))))
    assert found[("pasal-1", "pasal-1")] == "edited"
    assert found[("pasal-1/ayat-2", "pasal-1/ayat-2")] == "edited"
    assert found[("pasal-1/ayat-1", "pasal-1/ayat-1")] == "same"
    # The second ayat deleted and a new one written at the end: not three edits in place.
    replaced = [
        ayat[0],
        ayat[2],
        "Bupati/Wali Kota menyampaikan laporan pelaksanaan pendaftaran kepada Gubernur.",
    ]
    found = kinds(align(small("a", pasal(ayat)), small("b", pasal(replaced))))
    assert found[("pasal-1/ayat-2", None)] == "deleted"
    assert found[("pasal-1/ayat-3", "pasal-1/ayat-2")] == "renumbered"
    assert found[(None, "pasal-1/ayat-3")] == "inserted"
