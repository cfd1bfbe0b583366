"""The change summary counts a provision as renumbered only when its own number changed
(#16): a Pasal 5 that became Pasal 6 once, not once more for each ayat it carries."""

from __future__ import annotations

from portal.document import Document
from portal.versions.compare import compare
from tests.versions.test_align import small, version

OLD = """## BAB I — KETENTUAN UMUM

##### Pasal 1

Dalam Peraturan Daerah ini yang dimaksud dengan Daerah adalah Provinsi Banten.

## BAB II — KEPESERTAAN

##### Pasal 2

(1) Setiap Pemberi Kerja wajib mendaftarkan seluruh Pekerjanya kepada BPJS Ketenagakerjaan.

(2) Pendaftaran dilakukan paling lambat 30 hari sejak Pekerja mulai bekerja.

##### Pasal 3

Pemerintah Daerah melakukan pendataan pekerja bukan penerima upah:

a. pedagang pasar;

b. nelayan kecil;

c. petani penggarap.
"""

# A Pasal inserted before Pasal 2: Pasal 2 and 3 become 3 and 4 (their ayat and huruf
# keep their numbers); a huruf inserted at a in Pasal 4: the old a–c become b–d.
NEW = """## BAB I — KETENTUAN UMUM

##### Pasal 1

Dalam Peraturan Daerah ini yang dimaksud dengan Daerah adalah Provinsi Banten.

## BAB II — KEPESERTAAN

##### Pasal 2

Kepesertaan Jaminan Sosial Ketenagakerjaan bersifat wajib bagi setiap Pekerja di Daerah.

##### Pasal 3

(1) Setiap Pemberi Kerja wajib mendaftarkan seluruh Pekerjanya kepada BPJS Ketenagakerjaan.

(2) Pendaftaran dilakukan paling lambat 30 hari sejak Pekerja mulai bekerja.

##### Pasal 4

Pemerintah Daerah melakukan pendataan pekerja bukan penerima upah:

a. pengemudi ojek daring;

b. pedagang pasar;

c. nelayan kecil;

d. petani penggarap.
"""


def renumbered(old: Document, new: Document) -> list[tuple[str | None, str | None]]:
    comparison = compare(old, new)
    return [
        (m.old, m.new) for m in comparison.alignment.mappings if comparison.summary_kind(m) == "renumbered"
    ]


def test_a_hand_built_pair_counts_each_new_number_once() -> None:
    old, new = small("a", OLD), small("b", NEW)
    comparison = compare(old, new)
    kinds = {(m.old, m.new): m.kind for m in comparison.alignment.mappings}
    assert kinds[("pasal-2/ayat-1", "pasal-3/ayat-1")] == "renumbered"  # the alignment's view: another path
    assert kinds[("pasal-3", "pasal-4")] == "edited"  # a huruf more: edited, whatever its number
    assert renumbered(old, new) == [
        ("pasal-2", "pasal-3"),
        ("pasal-3/huruf-a", "pasal-4/huruf-b"),
        ("pasal-3/huruf-b", "pasal-4/huruf-c"),
        ("pasal-3/huruf-c", "pasal-4/huruf-d"),
    ]
    summary = comparison.summary()
    assert summary["counts"]["renumbered"] == 4
    # The ayat that kept their numbers are counted unchanged; every mapping once.
    assert summary["counts"]["same"] == 5  # BAB I, BAB II, Pasal 1, the two ayat
    assert summary["counts"]["inserted"] == 2
    assert sum(summary["counts"].values()) == len(comparison.alignment.mappings)
    by_bab = {row["path"]: row["counts"] for row in summary["per_bab"]}
    assert by_bab["bab-ii"]["renumbered"] == 4
    assert by_bab["bab-ii"]["same"] == 3
    assert by_bab["bab-i"]["renumbered"] == 0


def test_the_sample_drafts_v2_to_v3() -> None:
    old, new = version("v2"), version("v3")
    comparison = compare(old, new)
    summary = comparison.summary()
    counts = summary["counts"]
    moved_with_parent = [m for m in comparison.alignment.mappings if m.kind == "renumbered"]
    assert len(moved_with_parent) == 504  # every unit of a renumbered Pasal has another path
    assert counts["renumbered"] == 61
    assert sum(counts.values()) == len(comparison.alignment.mappings)
    old_index, new_index = comparison.alignment.indexes(old, new)
    counted = renumbered(old, new)
    for old_path, new_path in counted:
        assert old_path is not None
        assert new_path is not None
        assert old_path.rsplit("/", 1)[-1] != new_path.rsplit("/", 1)[-1], (old_path, new_path)
        assert old_index[old_path].label != new_index[new_path].label
    assert not any(old_path.startswith("penjelasan/") for old_path, _ in counted if old_path)
    assert ("pasal-17", "pasal-19") in counted
    assert ("pasal-17/ayat-1", "pasal-19/ayat-1") not in counted
    # per BAB agrees with the whole: only the Mengingat items sit outside every BAB
    per_bab = sum(row["counts"]["renumbered"] for row in summary["per_bab"])
    outside = [p for p, _ in counted if p and p.startswith(("menimbang/", "mengingat/"))]
    assert per_bab + len(outside) == counts["renumbered"]


def test_v1_to_v2_counts_the_same_way() -> None:
    comparison = compare(version("v1"), version("v2"))
    summary = comparison.summary()
    assert summary["counts"]["renumbered"] == len(renumbered(version("v1"), version("v2")))
    assert summary["counts"]["renumbered"] < sum(
        1 for m in comparison.alignment.mappings if m.kind == "renumbered"
    )
