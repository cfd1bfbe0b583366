"""Alignment quality measured on seeded random mutations of the sample drafts, and the
ground truth of the mutation generator (benchmarks/mutate.py) checked on small cases."""

from __future__ import annotations

import random
from functools import cache

import pytest

from benchmarks.mutate import Mutation, is_pasal, is_unit, mutate
from portal.config import ROOT
from portal.document import Document, parse, write
from portal.versions.align import align

DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"
FRONT = (
    "---\nslug: x\nversi: a\nlabel: A\ntanggal: 2026-01-01\njenis: Peraturan Daerah Provinsi\n"
    "daerah: Provinsi Banten\ntentang: X\npembentuk: GUBERNUR BANTEN\n---\n\n"
)
SENTENCES = [
    "Pemerintah Daerah menyelenggarakan perlindungan jaminan sosial bagi nelayan kecil dan pembudi daya ikan kecil di seluruh wilayah Daerah.",
    "Gubernur menetapkan kuota penerima bantuan iuran setiap tahun anggaran dengan memperhatikan kemampuan keuangan Daerah dan hasil pendataan.",
    "Dinas melaksanakan pendataan pekerja rentan bersama Pemerintah Kabupaten/Kota dan Pemerintah Desa paling sedikit 1 (satu) kali dalam setahun.",
    "Perusahaan Aplikasi wajib menyampaikan data mitra pengemudi kepada Dinas secara elektronik melalui Sistem Informasi setiap 3 (tiga) bulan.",
    "Setiap Pemberi Kerja wajib mendaftarkan seluruh Pekerjanya kepada BPJS Ketenagakerjaan paling lama 30 (tiga puluh) hari sejak Pekerja mulai bekerja.",
    "Tim Koordinasi menyampaikan laporan pelaksanaan program kepada Gubernur dan DPRD paling sedikit 1 (satu) kali dalam 6 (enam) bulan.",
    "Masyarakat dapat menyampaikan pengaduan mengenai pelaksanaan program melalui layanan pengaduan yang disediakan oleh Dinas secara langsung maupun elektronik.",
    "Pendanaan penyelenggaraan program bersumber dari anggaran pendapatan dan belanja Daerah dan sumber lain yang sah sesuai dengan ketentuan peraturan perundang-undangan.",
]


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible test data, not secrets


@cache
def sample(name: str) -> Document:
    return parse((DRAFTS / f"{name}.md").read_text(encoding="utf-8"))


def small() -> Document:
    """Two BAB, four Pasal of two ayat each (every ayat a distinct, long sentence)."""
    body = ""
    for number in range(1, 5):
        if number in (1, 3):
            body += f"## BAB {'I' if number == 1 else 'II'} — BAB {number}\n\n"
        first, second = SENTENCES[2 * number - 2], SENTENCES[2 * number - 1]
        body += f"##### Pasal {number}\n\n(1) {first}\n\n(2) {second}\n\n"
    return parse(FRONT + body)


def scores(old: Document, mutation: Mutation) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(right, predicted, true) pair counts for the Pasal and for the units."""
    found = {(m.old, m.new) for m in align(old, mutation.document).mappings if m.old and m.new}
    pasal = {(o, n) for o, n in found if is_pasal(o) and is_pasal(n)}
    units = {(o, n) for o, n in found if is_unit(o) and is_unit(n)}
    return (
        (len(pasal & mutation.pasal_pairs), len(pasal), len(mutation.pasal_pairs)),
        (len(units & mutation.unit_pairs), len(units), len(mutation.unit_pairs)),
    )


def test_alignment_quality_on_seeded_mutations_of_the_sample_drafts() -> None:
    totals = [[0, 0, 0], [0, 0, 0]]
    for seed in range(30):
        rng = seeded(seed)
        old = sample(("v1", "v2", "v3")[seed % 3])
        mutation = mutate(old, rng, rng.randint(1, 4), update_refs=seed % 5 != 0)
        for total, counts in zip(totals, scores(old, mutation), strict=True):
            for k in range(3):
                total[k] += counts[k]
    (pasal_right, pasal_found, pasal_true), (unit_right, unit_found, unit_true) = totals
    assert pasal_true > 1000
    assert unit_true > 8000
    assert pasal_right / pasal_found >= 0.99
    assert pasal_right / pasal_true >= 0.99
    assert unit_right / unit_found >= 0.97
    assert unit_right / unit_true >= 0.97


def test_mutations_are_deterministic_valid_drafts_and_leave_the_input_alone() -> None:
    old = sample("v2")
    before = write(old)
    first = mutate(old, seeded(5), 4)
    second = mutate(old, seeded(5), 4)
    assert write(old) == before
    assert first.text == second.text
    assert first.pairs == second.pairs
    assert parse(first.text) == first.document
    numbers = [p.number for p in first.document.pasal()]
    assert numbers == [str(k) for k in range(1, len(numbers) + 1)]


def test_inserting_a_pasal_shifts_every_later_pasal_by_one() -> None:
    old = small()
    mutation = mutate(old, seeded(3), 1, kinds=("insert_pasal",), edit_share=0.0)
    (operation,) = mutation.operations
    inserted = int(next(p for p in operation.new if is_pasal(p)).removeprefix("pasal-"))
    assert 2 <= inserted <= 5  # never before Pasal 1
    expected = {(f"pasal-{k}", f"pasal-{k if k < inserted else k + 1}") for k in range(1, 5)}
    assert mutation.pasal_pairs == expected
    assert mutation.unit_pairs == {(f"{o}/ayat-{a}", f"{n}/ayat-{a}") for o, n in expected for a in (1, 2)}
    new = mutation.document.index()
    old_index = old.index()
    for o, n in mutation.pairs:
        assert old_index[o].text == new[n].text  # no word edits asked for
    assert len(mutation.document.pasal()) == 5


def test_deleting_a_pasal_shifts_every_later_pasal_back() -> None:
    old = small()
    mutation = mutate(old, seeded(1), 1, kinds=("delete_pasal",), edit_share=0.0)
    (operation,) = mutation.operations
    deleted = int(operation.detail.split(" ")[0].removeprefix("pasal-"))
    assert deleted != 1
    assert mutation.pasal_pairs == {
        (f"pasal-{k}", f"pasal-{k if k < deleted else k - 1}") for k in range(1, 5) if k != deleted
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_split_ayat_maps_to_both_parts_and_later_ayat_shift(seed: int) -> None:
    old = small()
    mutation = mutate(old, seeded(seed), 1, kinds=("split_ayat",), edit_share=0.0)
    (operation,) = mutation.operations
    source = operation.detail.split(" → ")[0]
    pasal, _, ayat = source.partition("/ayat-")
    targets = sorted(n for o, n in mutation.unit_pairs if o == source)
    number = int(ayat)
    assert targets == [f"{pasal}/ayat-{number}", f"{pasal}/ayat-{number + 1}"]
    if number == 1:
        assert (f"{pasal}/ayat-2", f"{pasal}/ayat-3") in mutation.unit_pairs
    new = mutation.document.index()
    assert new[targets[0]].text.split()[:3] == old.index()[source].text.split()[:3]
    assert new[targets[1]].text.rstrip(".").split()[-2:] == old.index()[source].text.rstrip(".").split()[-2:]
    assert len(mutation.unit_pairs) == 9


def test_merged_ayat_both_map_to_the_new_one() -> None:
    old = small()
    mutation = mutate(old, seeded(0), 1, kinds=("merge_ayat",), edit_share=0.0)
    (operation,) = mutation.operations
    pasal = operation.detail.split("/")[0]
    assert {(f"{pasal}/ayat-1", f"{pasal}/ayat-1"), (f"{pasal}/ayat-2", f"{pasal}/ayat-1")} <= (
        mutation.unit_pairs
    )
    assert len(mutation.unit_pairs) == 8
    merged = mutation.document.index()[f"{pasal}/ayat-1"].text
    assert old.index()[f"{pasal}/ayat-2"].text in merged


def test_references_follow_the_renumbering() -> None:
    body = (
        f"## BAB I — UMUM\n\n##### Pasal 1\n\n{SENTENCES[0]}\n\n"
        f"##### Pasal 2\n\n(1) {SENTENCES[1]}\n\n(2) Bantuan diberikan setiap tahun.\n\n"
        "##### Pasal 3\n\n(1) Bantuan sebagaimana dimaksud dalam Pasal 2 ayat (2) diberikan setiap tahun.\n\n"
        "(2) Ketentuan ayat (1) mengikuti Pasal 2 Undang-Undang Nomor 24 Tahun 2011.\n"
    )
    old = parse(FRONT + body)
    mutation = mutate(old, seeded(0), 1, kinds=("split_ayat",), edit_share=0.0)
    assert mutation.operations[0].detail.startswith("pasal-2/ayat-1 ")  # the only long ayat
    new = mutation.document.index()
    assert new["pasal-3/ayat-1"].text == (
        "Bantuan sebagaimana dimaksud dalam Pasal 2 ayat (3) diberikan setiap tahun."
    )
    assert new["pasal-3/ayat-2"].text == old.index()["pasal-3/ayat-2"].text  # another law's Pasal 2
    assert mutation.refs_updated == {"pasal-3/ayat-1"}
