"""A drafter's corrections win over the automatic alignment (pure)."""

from __future__ import annotations

from pathlib import Path

from portal.document import Document, parse
from portal.versions.align import align
from portal.versions.services import inherit_lineage

DRAFTS = Path(__file__).resolve().parents[2] / "drafts" / "jamsos-ketenagakerjaan"


def load(name: str) -> Document:
    return parse((DRAFTS / f"{name}.md").read_text(encoding="utf-8"))


def pairs(alignment: object, path: str) -> set[tuple[str | None, str | None, str]]:
    return {
        (m.old, m.new, m.kind)
        for m in alignment.mappings  # type: ignore[attr-defined]
        if m.old == path or m.new == path
    }


def test_a_pasal_correction_overrules_the_automatic_pair_and_realigns_its_units() -> None:
    v1, v2 = load("v1"), load("v2")
    automatic = align(v1, v2)
    assert ("pasal-9", "pasal-10", "renumbered") in pairs(automatic, "pasal-9")
    corrected = align(v1, v2, [("pasal-9", "pasal-11"), (None, "pasal-10")])
    assert {(m.old, m.new) for m in corrected.forward()["pasal-9"]} == {("pasal-9", "pasal-11")}
    assert [m.kind for m in corrected.backward()["pasal-10"]] == ["inserted"]
    # pasal-10 of v1 lost its partner (pasal-11 is taken by the correction): deleted.
    assert [m.kind for m in corrected.forward()["pasal-10"]] == ["deleted"]
    # The units follow their Pasal: ayat of old 9 now sit under new 11.
    units = [m for m in corrected.mappings if m.old and m.old.startswith("pasal-9/") and m.new]
    assert units
    assert all(m.new.startswith("pasal-11/") for m in units if m.new)
    # Two old provisions never share one new one.
    news = [m.new for m in corrected.mappings if m.new and m.kind not in ("split", "merged")]
    assert len(news) == len(set(news))


def test_a_deletion_and_an_insertion_can_be_declared() -> None:
    v1, v2 = load("v1"), load("v2")
    corrected = align(v1, v2, [("pasal-3", None), (None, "pasal-3")])
    assert [(m.new, m.kind) for m in corrected.forward()["pasal-3"]] == [(None, "deleted")]
    assert [(m.old, m.kind) for m in corrected.backward()["pasal-3"]] == [(None, "inserted")]


def test_a_unit_correction_applies_inside_an_unchanged_pasal() -> None:
    v2, v3 = load("v2"), load("v3")
    automatic = align(v2, v3)
    same = next(
        m for m in automatic.mappings
        if m.kind == "same" and m.old and m.old.count("/") == 1 and m.old.endswith("/ayat-1")
        and any(x.old == m.old.replace("ayat-1", "ayat-2") for x in automatic.mappings)
    )  # fmt: skip
    pasal = same.old.split("/")[0]  # type: ignore[union-attr]
    corrected = align(v2, v3, [(f"{pasal}/ayat-1", f"{pasal}/ayat-2")])
    assert (f"{pasal}/ayat-1", f"{pasal}/ayat-2") in {(m.old, m.new) for m in corrected.mappings}
    assert all(m.new != f"{pasal}/ayat-1" or m.old is None for m in corrected.mappings)


def test_lineage_follows_the_correction() -> None:
    v1, v2 = load("v1"), load("v2")
    for number, node in enumerate(v1.walk()):
        node.lineage = f"L{number}"
    lineage_of = {n.path: n.lineage for n in v1.walk()}
    corrected = align(v1, v2, [("pasal-9", "pasal-11"), (None, "pasal-10")])
    inherited = inherit_lineage(v1, corrected)
    assert inherited["pasal-11"] == lineage_of["pasal-9"]
    assert "pasal-10" not in inherited  # a declared insertion starts a new lineage


def test_no_correction_changes_nothing() -> None:
    v1, v2 = load("v1"), load("v2")
    assert align(v1, v2, []).mappings == align(v1, v2).mappings
