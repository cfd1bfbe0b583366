"""The command line in the user's language (`--lang`, Indonesian by default): lint's
severities and summary, the help and argparse's own words, and files that are not drafts."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal.cli import build_parser, main
from portal.config import ROOT
from tests.lint.drafts import source
from tests.lint.test_cli_lint import run, write

CONTOH = ROOT / "tests" / "data" / "contoh.md"
NOT_A_DRAFT = {
    "id": "bukan berkas draf: tidak ada front matter (blok YAML di antara dua baris '---') di awal berkas",
    "en": "not a draft file: no front matter (a YAML block between two '---' lines) at its start",
}


# -- lint: severities and summary --------------------------------------------------------


@pytest.fixture
def flawed(tmp_path: Path) -> Path:
    """Two K3 errors (the last BAB is not KETENTUAN PENUTUP) and one L1 warning."""
    text = source(penutup="## BAB III — LAIN\n\n##### Pasal 5\n\nSelesai.\n")
    return write(tmp_path, "cacat.md", text.replace("paling lama 30", "selambat-lambatnya 30"))


def test_lint_names_severities_in_indonesian_as_the_draft_pages_do(flawed: Path) -> None:
    code, out = run("lint", str(flawed))
    assert code == 1
    *findings, summary = out.splitlines()
    assert [line.split(": ")[1] for line in findings] == ["L1 peringatan", "K3 kesalahan", "K3 kesalahan"]
    assert summary == "1 berkas diperiksa: 2 kesalahan, 1 peringatan"
    assert "error" not in out
    assert "warning" not in out


def test_lint_in_english_counts_with_plurals(flawed: Path, tmp_path: Path) -> None:
    code, out = run("lint", "--lang", "en", str(flawed))
    assert code == 1
    *findings, summary = out.splitlines()
    assert [line.split(": ")[1] for line in findings] == ["L1 warning", "K3 error", "K3 error"]
    assert summary == "1 file checked: 2 errors, 1 warning"
    unparsable = write(tmp_path, "rusak.md", source().replace("##### Pasal 3\n", "##### Pasal 1\n"))
    clean = write(tmp_path, "bersih.md", source())
    code, out = run("lint", "--lang", "en", str(clean), str(flawed))
    assert out.splitlines()[-1] == "2 files checked: 2 errors, 1 warning"
    code, out = run("lint", "--lang", "en", str(clean), str(unparsable), str(flawed))
    assert out.splitlines()[-1] == "3 files checked: 2 errors, 1 warning, 1 file does not parse"
    code, out = run("lint", str(clean), str(unparsable), str(flawed))
    assert (
        out.splitlines()[-1] == "3 berkas diperiksa: 2 kesalahan, 1 peringatan, 1 berkas tidak dapat diurai"
    )


def test_lint_json_keeps_the_severity_codes(flawed: Path) -> None:
    code, out = run("lint", "--format", "json", str(flawed))
    assert code == 1
    assert [f["severity"] for f in json.loads(out)[0]["findings"]] == ["warning", "error", "error"]


# -- help and argparse's words -----------------------------------------------------------


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv), io.StringIO())
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_help_is_indonesian_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(capsys, "--help")
    assert text.startswith("penggunaan: portal [-h] [--lang {id,en}] COMMAND ...\n")
    assert "Raperda Portal: menyusun rancangan peraturan daerah secara terbuka." in text
    assert "\nargumen posisi:\n" in text
    assert "\nopsi:\n" in text
    assert "tampilkan bantuan ini lalu keluar" in text
    assert "periksa berkas draf terhadap format" in text  # the commands' summaries
    assert "usage" not in text
    assert "options" not in text


def test_help_is_english_with_lang_en_wherever_it_stands(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--lang", "en", "--help"], ["--help", "--lang=en"]):
        text = help_of(capsys, *argv)
        assert text.startswith("usage: portal "), argv
        assert "\npositional arguments:\n" in text
        assert "\noptions:\n" in text
        assert "show this help message and exit" in text
        assert "check draft files against the format" in text
    text = help_of(capsys, "lint", "--help", "--lang", "en")
    assert text.startswith("usage: portal lint ")
    assert "check drafts against the drafting technique" in text
    assert "output format (default: text)" in text


def test_every_subcommand_help_is_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(commands.choices) == 14
    for name in commands.choices:
        text = help_of(capsys, name, "--help")
        assert text.startswith(f"penggunaan: portal {name} "), name
        assert "tampilkan bantuan ini lalu keluar" in text, name
        assert "bahasa pesan dan bantuan (bawaan: id)" in text, name
    text = help_of(capsys, "user", "create", "--help")
    assert text.startswith("penggunaan: portal user create ")
    assert "buat akun aktif dengan suatu peran" in text


def texts(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Every description and help text of a parser and its subparsers, by place, as
    the help shows them (they are translated when it is first shown)."""
    parser.format_help()
    found = {f"{parser.prog}: description": parser.description or ""}
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            found[f"{parser.prog} {'/'.join(action.option_strings) or action.dest}"] = action.help
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                found[f"{parser.prog} {choice.dest}: summary"] = choice.help or ""
            for sub in action.choices.values():
                found.update(texts(sub))
    return found


def test_no_help_text_is_left_in_english() -> None:
    indonesian, english = texts(build_parser("id")), texts(build_parser("en"))
    assert indonesian.keys() == english.keys()
    assert len(english) > 60
    same = [place for place in english if indonesian[place] == english[place]]
    assert same == []


def test_a_command_that_just_runs_compiles_no_catalog() -> None:
    """The help is translated only when shown, so `portal check` starts quickly."""
    code = (
        "from portal.cli import main; from portal.i18n import translations; "
        f"main(['check', {str(CONTOH)!r}]); print(translations.cache_info().currsize); "
        "main(['lint', '--format', 'json', '--lang', 'en', 'README.md']); print(translations.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    lines = result.stdout.splitlines()
    assert (lines[0], lines[1], lines[-1]) == ("OK", "0", "1")  # lint's summary needs the catalog


def test_argparse_errors_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check"], io.StringIO())
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "penggunaan: portal check [-h] [--lang {id,en}] FILE [FILE ...]",
        "portal check: kesalahan: argumen berikut wajib diisi: FILE",
    ]
    with pytest.raises(SystemExit):
        main(["lint", "--lang", "en", "--format", "xml", "x.md"], io.StringIO())
    err = capsys.readouterr().err
    assert err.startswith("usage: portal lint ")
    assert err.endswith(
        "portal lint: error: argument --format: invalid choice: 'xml' (choose from 'text', 'json')\n"
    )
    with pytest.raises(SystemExit):
        main(["lint", "--format", "xml", "x.md"], io.StringIO())
    err = capsys.readouterr().err
    assert err.endswith(
        "portal lint: kesalahan: argumen --format: pilihan tidak sah: 'xml' (pilih dari 'text', 'json')\n"
    )


def test_lang_before_the_command_sets_the_messages(tmp_path: Path) -> None:
    broken = write(
        tmp_path, "rusak.md", CONTOH.read_text(encoding="utf-8").replace("##### Pasal 1\n", "##### Pasal 3\n")
    )
    assert run("--lang", "en", "check", str(broken)) == (1, "line 41: Pasal 2 appears after Pasal 3\n")
    assert run("check", str(broken)) == (1, "baris 41: Pasal 2 muncul setelah Pasal 3\n")
    assert run("--lang", "en", "check", "--lang", "id", str(broken))[1].startswith("baris 41")


# -- files that are not drafts -----------------------------------------------------------


@pytest.fixture
def readme(tmp_path: Path) -> Path:
    return write(
        tmp_path, "README.md", "# Catatan\n\nBukan draf, hanya catatan.\n\n## Bagian\n\n- satu\n- dua\n"
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_check_says_a_file_is_not_a_draft(readme: Path, lang: str) -> None:
    assert run("check", "--lang", lang, str(readme)) == (1, f"{readme}: {NOT_A_DRAFT[lang]}\n")
    code, out = run("check", "--lang", lang, str(readme), str(CONTOH))
    assert code == 1
    assert out.splitlines() == [f"{readme}: {NOT_A_DRAFT[lang]}", f"{CONTOH}: OK"]


def test_an_unclosed_front_matter_is_not_a_draft_either(tmp_path: Path) -> None:
    path = write(tmp_path, "x.md", "---\nslug: x\n\n# Judul\n")
    assert run("check", str(path)) == (1, f"{path}: {NOT_A_DRAFT['id']}\n")


def test_a_draft_with_a_bad_front_matter_still_lists_its_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "x.md", CONTOH.read_text(encoding="utf-8").replace("versi: v1\n", ""))
    code, out = run("check", str(path))
    assert code == 1
    assert out == "baris 1: kunci front matter wajib 'versi' tidak ada\n"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_lint_says_a_file_is_not_a_draft(readme: Path, lang: str) -> None:
    code, out = run("lint", "--lang", lang, str(readme))
    assert code == 1
    summary = {"id": "1 berkas diperiksa: 0 kesalahan, 0 peringatan, 1 berkas tidak dapat diurai",
               "en": "1 file checked: 0 errors, 0 warnings, 1 file does not parse"}  # fmt: skip
    assert out.splitlines() == [f"{readme}: {NOT_A_DRAFT[lang]}", summary[lang]]
    code, out = run("lint", "--lang", lang, "--format", "json", str(readme))
    assert code == 1
    [entry] = json.loads(out)
    assert entry["problems"] == [{"line": 1, "code": "frontmatter_missing", "message": NOT_A_DRAFT[lang]}]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_parse_export_and_diff_say_a_file_is_not_a_draft(
    readme: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, status in (
        (["parse", str(readme)], 1),
        (["export", str(readme), "--format", "md"], 1),
        (["diff", str(CONTOH), str(readme)], 2),
    ):
        assert run(*argv, "--lang", lang) == (status, ""), argv
        assert capsys.readouterr().err == f"{readme}: {NOT_A_DRAFT[lang]}\n", argv
