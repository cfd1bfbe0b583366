from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal.cli import build_parser, main
from portal.config import ROOT

CONTOH = ROOT / "tests" / "data" / "contoh.md"
DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    text = CONTOH.read_text(encoding="utf-8").replace("##### Pasal 1\n", "##### Pasal 3\n")
    path = tmp_path / "rusak.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_ok() -> None:
    assert run("check", str(CONTOH)) == (0, "OK\n")


def test_check_reports_every_problem_with_its_line(broken: Path) -> None:
    code, out = run("check", str(broken))
    assert code == 1
    assert out == "baris 41: Pasal 2 muncul setelah Pasal 3\n"
    code, out = run("check", "--lang", "en", str(broken))
    assert out == "line 41: Pasal 2 appears after Pasal 3\n"


def test_check_several_files_names_each(broken: Path) -> None:
    code, out = run("check", str(CONTOH), str(broken))
    assert code == 1
    assert out.splitlines() == [f"{CONTOH}: OK", f"{broken}:", "baris 41: Pasal 2 muncul setelah Pasal 3"]


def test_check_unreadable_file(tmp_path: Path) -> None:
    code, out = run("check", str(tmp_path / "tidak-ada.md"))
    assert code == 1
    assert "berkas tidak dapat dibaca" in out


def test_parse_paths_lists_the_spec_example_exactly() -> None:
    code, out = run("parse", "--paths", str(CONTOH))
    assert code == 0
    assert out.split() == [
        "menimbang", "menimbang/huruf-a", "menimbang/huruf-b", "mengingat", "mengingat/angka-1",
        "mengingat/angka-2", "bab-i", "pasal-1", "pasal-1/angka-1", "pasal-1/angka-2",
        "pasal-1/angka-2/huruf-a", "pasal-1/angka-2/huruf-b", "bab-ii", "pasal-2", "pasal-2/ayat-1",
        "pasal-2/ayat-2", "penjelasan/pasal-2", "penjelasan/pasal-2/ayat-1", "penjelasan/pasal-2/ayat-2",
        "penjelasan-umum",
    ]  # fmt: skip


def test_parse_prints_the_tree_as_json() -> None:
    code, out = run("parse", str(CONTOH))
    assert code == 0
    data = json.loads(out)
    assert data["meta"]["versi"] == "v1"
    pasal = data["children"][2]["children"][0]
    assert {"kind", "path", "number", "heading", "text", "line", "children"} <= set(pasal)
    assert (pasal["kind"], pasal["path"], pasal["line"]) == ("pasal", "pasal-1", 27)


def test_parse_refuses_a_broken_file(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("parse", str(broken))
    assert code == 1
    assert out == ""
    assert "baris 41" in capsys.readouterr().err


def test_import_is_idempotent_and_refuses_changed_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    code, out = run("import", str(DRAFTS))
    assert code == 0
    assert out.splitlines() == [
        "diimpor: jamsos-ketenagakerjaan v1 (Draf Awal)",
        "diimpor: jamsos-ketenagakerjaan v2 (Draf Uji Publik I)",
        "diimpor: jamsos-ketenagakerjaan v3 (Draf Uji Publik II)",
    ]
    assert (tmp_path / "data" / "portal.sqlite3").exists()
    code, out = run("import", "--lang", "en", str(DRAFTS / "v2.md"))
    assert (code, out) == (0, "unchanged: jamsos-ketenagakerjaan v2\n")
    changed = tmp_path / "v2-ubah.md"
    changed.write_text(
        (DRAFTS / "v2.md").read_text(encoding="utf-8").replace("Draf Uji Publik I\n", "Draf Lain\n")
    )
    code, out = run("import", str(changed))
    assert code == 1
    assert "sudah terbit dengan teks yang berbeda" in out


def test_import_refuses_an_invalid_file_with_its_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: Path
) -> None:
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    code, out = run("import", str(broken))
    assert code == 1
    assert out.splitlines() == [f"ditolak: {broken}", "  baris 41: Pasal 2 muncul setelah Pasal 3"]


def test_python_dash_m_portal_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "portal", "check", str(CONTOH)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout) == (0, "OK\n")


def test_every_command_and_option_is_documented() -> None:
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, command in commands.items():
        assert f"portal {name}" in docs, name
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in docs, f"{name} {option}"


def test_every_setting_is_documented() -> None:
    from portal.config import SETTINGS

    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in SETTINGS:
        assert name in docs, name


def test_diff_text_json_and_html() -> None:
    old, new = str(DRAFTS / "v1.md"), str(DRAFTS / "v2.md")
    code, out = run("diff", old, new)
    assert code == 0
    assert out.startswith("jamsos-ketenagakerjaan: v1 (Draf Awal) → v2 (Draf Uji Publik I)\n")
    assert "pasal-9: Pasal 15 → Pasal 9  [dipindahkan, 0.94]" in out
    assert "[-Pasal 12 ayat (1) huruf a-] {+Pasal 13 ayat (1) huruf a+}" in out
    code, out = run("diff", "--format", "json", old, new)
    data = json.loads(out)
    assert {"old": "pasal-30", "new": None, "kind": "deleted", "score": 0.0} in data["alignment"]
    code, out = run("diff", "--format", "html", "--lang", "en", old, new)
    assert out.startswith("<!doctype html>")
    assert "<ins>" in out
    assert "Summary of changes" in out


def test_diff_exit_code_and_bad_input(tmp_path: Path) -> None:
    same = str(DRAFTS / "v1.md")
    assert run("diff", "--exit-code", same, same)[0] == 0
    assert run("diff", "--exit-code", same, str(DRAFTS / "v2.md"))[0] == 1
    bad = tmp_path / "x.md"
    bad.write_text("bukan draf\n", encoding="utf-8")
    assert run("diff", same, str(bad))[0] == 2


def test_user_create_list_disable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("Kunci-Serang-2026!\n"))
    code, out = run("user", "create", "Admin@Banten.go.id", "--role", "admin", "--password-stdin")
    assert (code, out) == (0, "akun dibuat: admin@banten.go.id (admin)\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))
    code, out = run("user", "create", "lain@banten.go.id", "--role", "publik", "--password-stdin")
    assert code == 1
    assert "Kata sandi harus terdiri atas paling sedikit 10 karakter." in out
    code, out = run("user", "list")
    assert out == "admin@banten.go.id\tadmin\taktif\tadmin\n"
    assert run("user", "disable", "admin@banten.go.id") == (0, "akun dinonaktifkan: admin@banten.go.id\n")
    assert run("user", "list", "--role", "admin")[1] == "admin@banten.go.id\tadmin\tnonaktif\tadmin\n"
    assert run("user", "disable", "tidak-ada@banten.go.id")[0] == 1


def test_mail_send_delivers_the_outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    assert run("mail", "send") == (0, "0 pesan terkirim\n")
