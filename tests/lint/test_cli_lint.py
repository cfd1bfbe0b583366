"""`portal lint`: exit codes, text and JSON output."""

from __future__ import annotations

import io
import json
from pathlib import Path

from portal.cli import main
from tests.lint.drafts import source


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_draft_exits_zero(tmp_path: Path) -> None:
    path = write(tmp_path, "bersih.md", source())
    assert run("lint", str(path)) == (
        0,
        "1 berkas diperiksa: 0 kesalahan, 0 peringatan\n",
    )


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    text = source().replace("paling lama 30", "selambat-lambatnya 30")
    path = write(tmp_path, "l1.md", text)
    code, out = run("lint", "--lang", "en", str(path))
    line = text.splitlines().index(next(x for x in text.splitlines() if "selambat" in x)) + 1
    assert code == 0
    assert out.splitlines() == [
        f"{path}:{line}: L1 warning: avoid 'selambat-lambatnya': use 'paling lama' (pasal-2/ayat-2)",
        "1 file checked: 0 errors, 1 warning",
    ]


def test_errors_exit_one(tmp_path: Path) -> None:
    path = write(tmp_path, "k3.md", source(penutup="## BAB III — LAIN\n\n##### Pasal 5\n\nSelesai.\n"))
    code, out = run("lint", str(path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:")
    assert ": K3 kesalahan: BAB terakhir harus KETENTUAN PENUTUP" in lines[0]
    assert lines[0].endswith("(bab-iii)")
    assert lines[-1] == "1 berkas diperiksa: 2 kesalahan, 0 peringatan"


def test_switched_off_rule_is_silent(tmp_path: Path) -> None:
    text = source(penutup="## BAB III — LAIN\n\n##### Pasal 5\n\nSelesai.\n", extra="lint: {matikan: [K3]}\n")
    assert run("lint", str(write(tmp_path, "off.md", text)))[0] == 0


def test_unparsable_file_prints_problems_and_fails(tmp_path: Path) -> None:
    good = write(tmp_path, "baik.md", source())
    bad = write(tmp_path, "rusak.md", source().replace("##### Pasal 3\n", "##### Pasal 1\n"))
    code, out = run("lint", str(good), str(bad))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{bad}:"
    assert lines[1].startswith("baris ")
    assert "Pasal 1" in lines[1]
    assert lines[-1] == "2 berkas diperiksa: 0 kesalahan, 0 peringatan, 1 berkas tidak dapat diurai"


def test_unreadable_file_fails(tmp_path: Path) -> None:
    code, out = run("lint", str(tmp_path / "tidak-ada.md"))
    assert code == 1
    assert "berkas tidak dapat dibaca" in out


def test_json_output(tmp_path: Path) -> None:
    good = write(tmp_path, "baik.md", source().replace("paling lama 30", "selambat-lambatnya 30"))
    bad = write(tmp_path, "rusak.md", "bukan draf\n")
    code, out = run("lint", "--format", "json", "--lang", "en", str(good), str(bad))
    assert code == 1
    data = json.loads(out)
    assert [entry["file"] for entry in data] == [str(good), str(bad)]
    assert data[0]["ok"] is True
    assert data[0]["problems"] == []
    [finding] = data[0]["findings"]
    assert finding["code"] == "L1"
    assert finding["severity"] == "warning"
    assert finding["path"] == "pasal-2/ayat-2"
    assert finding["url"] == "docs/lint-rules.md#l1"
    assert set(finding) == {"code", "severity", "path", "line", "message", "url"}
    assert data[1]["ok"] is False
    assert data[1]["findings"] == []
    assert data[1]["problems"][0]["code"] == "frontmatter_missing"


def test_json_single_clean_file_is_still_a_list(tmp_path: Path) -> None:
    code, out = run("lint", "--format", "json", str(write(tmp_path, "a.md", source())))
    assert code == 0
    assert json.loads(out) == [{"file": str(tmp_path / "a.md"), "ok": True, "problems": [], "findings": []}]
