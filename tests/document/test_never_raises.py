"""Whatever a drafter uploads or types, parsing and linting it either succeed or refuse
it with ``DraftError`` (every problem with its line): never another exception, which
the web would show as a 500 page."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.document import DraftError, parse, write
from portal.document.frontmatter import LONGEST
from portal.lint import lint
from tests.document.strategies import documents

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [
    *(path.read_text(encoding="utf-8") for path in sorted((ROOT / "drafts").glob("*/v*.md"))),
    (ROOT / "tests" / "data" / "contoh.md").read_text(encoding="utf-8"),
]
# The big samples take a while to lint: most examples cut them to a window of lines.
WINDOW = 120

# Lines a drafter might type anywhere: headings of every kind, well formed or not,
# unit markers, Penjelasan labels, containers, tables, huge numbers.
LINES = [
    "## Pasal 99", "### BAB", "##### Pasal 1A", "## Pasal 0", "## Pasal " + "9" * 5000,
    "# BAB XX — LAIN", "## BAB MMMMCM", "## Bagian Kesatu", "## Bagian Keseratus", "## Paragraf 1",
    "## Menimbang", "## Mengingat", "## Penjelasan Umum", "## Lampiran", "## Lampiran II", "## Judul",
    "(3)", "(3) teks", "(0) teks", "(" + "7" * 5000 + ") teks", "a.", "a. teks", "aa. teks", "z) teks",
    "1.", "1. teks", "1a) teks", "Ayat (1)", "Huruf a", "Angka 2", ":::", "::: penjelasan", "::: lain",
    "::::", "| a | b |", "|---|---|", "---", "", "#", "pidana kurungan paling lama " + "9" * 5000 + " hari",
    "denda paling banyak Rp" + "9" * 5000, "sebesar " + "1" * 5000 + ",5 (satu koma lima)",
    "sebagaimana dimaksud dalam Pasal 99 ayat (9) huruf z", "Pasal " + "8" * 5000,
]  # fmt: skip
# Front-matter lines: bad dates, bad types, YAML that a careless reader would crash on.
FRONT = [
    "tanggal: 2026-13-45", "tanggal: 2026-02-30", "tanggal: 2026-1-5", "tanggal: !!timestamp 2026-13-45",
    "tanggal: 2026-03-02 25:61:00", "tanggal: [2026]", "tanggal:", "tahun: " + "9" * 5000,
    "tahun: 0x" + "f" * 300, "tahun: !!int dua", "tahun: !!float x", "tahun: 1e999", "nomor: !!binary '%%'",
    "konsultasi: {buka: 2026-13-45, tutup: 2026-01-01}", "konsultasi: {buka: 1, tutup: !!timestamp x}",
    "konsultasi: [buka]", "lint: {matikan: [1, 2]}", "lint: matikan", "slug: [a, b]", "slug: Bukan Slug",
    "slug: " + "a" * 300, "versi: 1.5", "versi: {a: 1}", "? [a, b]\n: c", "x: &a [*a]", "a: " + "[" * 2000,
    "label: 'tidak ditutup", "%YAML 1.1", "!!python/object:os.system x", "\t: tab", "...",
]  # fmt: skip
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # no lone surrogates: text a form can send


@st.composite
def drafts(draw: st.DrawFn) -> str:
    """A valid document (a sample draft, possibly cut to a window, or a generated one)."""
    source = draw(st.sampled_from([*SAMPLES, None]))
    if source is None:
        return write(draw(documents()))
    lines = source.split("\n")
    if len(lines) > WINDOW and draw(st.integers(0, 9)):
        end = lines.index("---", 1) + 1
        start = draw(st.integers(end, len(lines) - WINDOW))
        lines = lines[:end] + lines[start : start + WINDOW]
    return "\n".join(lines)


def _front_end(lines: list[str]) -> int:
    return lines.index("---", 1) if lines.count("---") > 1 else 1


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = draw(drafts()).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        operation = draw(st.integers(0, 8))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if operation == 0 and lines:
            del lines[at]
        elif operation == 1 and lines:
            lines.insert(at, lines[at])
        elif operation == 2 and lines:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == 3:
            lines.insert(at, draw(st.sampled_from(LINES)))
        elif operation == 4:  # a front-matter value changed, or a line added to it
            end = _front_end(lines)
            new = draw(st.sampled_from(FRONT))
            key = new.split(":", 1)[0]
            same = [i for i in range(1, end) if lines[i].startswith(key + ":")]
            if same:
                lines[same[0]] = new
            else:
                lines.insert(draw(st.integers(1, end)), new)
        elif operation == 5:
            lines.insert(at, draw(TEXT))
        elif operation == 6 and lines:
            text = lines[at]
            cut = draw(st.integers(0, len(text)))
            lines[at] = text[:cut] + draw(TEXT) + text[cut:]
        elif operation == 7:
            lines = lines[:at]
        else:
            text = "\n".join(lines)
            lines = text[: draw(st.integers(0, len(text)))].split("\n")  # truncated mid-line
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


def parse_and_lint(text: str) -> None:
    try:
        document = parse(text)
    except DraftError as error:
        refusal = error
    else:
        lint(document)
        return
    assert refusal.problems, "a refusal names at least one problem"
    for problem in refusal.problems:
        assert problem.line >= 1
        assert problem.render("id")
        assert problem.render("en")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_parse_and_lint_refuse_only_with_draft_error(text: str) -> None:
    parse_and_lint(text)


@pytest.mark.parametrize("line", [line for line in FRONT if line.startswith(("tanggal", "tahun", "a:"))])
def test_every_bad_front_matter_value_is_a_problem_with_its_line(line: str) -> None:
    source = SAMPLES[-1]
    key = line.split(":", 1)[0]
    lines = [text for text in source.split("\n") if not text.startswith(key + ":")]
    lines.insert(4, line)
    with pytest.raises(DraftError) as refused:
        parse("\n".join(lines))
    assert any(problem.line == 5 for problem in refused.value.problems), refused.value.render()


def test_an_impossible_date_is_named_in_indonesian() -> None:
    source = SAMPLES[-1]
    tanggal = next(line for line in source.split("\n") if line.startswith("tanggal:"))
    with pytest.raises(DraftError) as refused:
        parse(source.replace(tanggal, "tanggal: 2026-13-45"))
    line = source.split("\n").index(tanggal) + 1
    assert refused.value.render() == [
        f"baris {line}: nilai 'tanggal' tidak sah: tanggal 2026-13-45 tidak ada "
        "(bulan 01 sampai 12, hari sesuai bulannya)"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "##### Pasal " + "9" * 5000,
        "(" + "7" * 5000 + ") Setiap Pekerja wajib terdaftar.",
        "Setiap orang dipidana kurungan paling lama " + "9" * 5000 + " hari.",
        "Setiap orang dipidana denda paling banyak Rp" + "9" * 5000 + ".",
        "Iuran sebesar " + "1" * 5000 + ",5 (satu koma lima) persen.",
    ],
)
def test_numbers_longer_than_python_reads_are_no_crash(line: str) -> None:
    source = SAMPLES[-1]
    lines = source.split("\n")
    pasal = next(i for i, text in enumerate(lines) if text.startswith("##") and "Pasal" in text)
    lines.insert(pasal + 2, line)
    parse_and_lint("\n".join(lines))


@pytest.mark.parametrize("key", sorted(LONGEST))
def test_a_value_longer_than_the_portal_keeps_is_a_problem(key: str) -> None:
    source = SAMPLES[-1]
    lines = [text for text in source.split("\n") if not text.startswith(key + ":")]
    lines.insert(4, f"{key}: {'a' * (LONGEST[key] + 1)}")
    with pytest.raises(DraftError) as refused:
        parse("\n".join(lines))
    assert refused.value.render() == [
        f"baris 5: nilai '{key}' tidak sah: paling banyak {LONGEST[key]} karakter"
    ]
