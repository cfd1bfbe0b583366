from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from portal.document import Document, parse, write
from tests.document.strategies import documents

ROOT = Path(__file__).resolve().parents[2]
DRAFTS = sorted(p for p in (ROOT / "drafts").rglob("*.md") if p.read_text(encoding="utf-8").startswith("---"))
SAMPLES = [*DRAFTS, ROOT / "tests" / "data" / "contoh.md"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_survive_write_and_parse(document: Document) -> None:
    text = write(document)
    assert parse(text) == document
    assert write(parse(text)) == text


def test_the_sample_drafts_are_there() -> None:
    assert [p.name for p in DRAFTS] == ["v1.md", "v2.md", "v3.md"]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_files_round_trip_through_canonical_form(path: Path) -> None:
    original = parse(path.read_text(encoding="utf-8"))
    canonical = write(original)
    assert parse(canonical) == original
    assert write(parse(canonical)) == canonical


def test_spec_example_is_already_canonical() -> None:
    text = (ROOT / "tests" / "data" / "contoh.md").read_text(encoding="utf-8")
    assert write(parse(text)) == text


def test_non_canonical_input_is_normalised() -> None:
    text = (
        "---\nslug: x\nversi: v1\nlabel: A\ntanggal: 2026-01-01\njenis: Peraturan Daerah Provinsi\n"
        "daerah: Provinsi Banten\ntentang: X\npembentuk: GUBERNUR BANTEN\n---\n"
        "# Bab I - UMUM\n# Pasal 1\n(1) Satu\n  lanjut.\n(2) Dua.\n::: penjelasan\nAyat (1)\nCukup jelas.\n:::\n"
    )
    assert write(parse(text)).split("---\n", 2)[2] == (
        "\n## BAB I — UMUM\n\n##### Pasal 1\n\n(1) Satu lanjut.\n\n(2) Dua.\n\n"
        "::: penjelasan\nAyat (1)\nCukup jelas.\n:::\n"
    )
