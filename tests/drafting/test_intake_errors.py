"""A draft with a bad front matter, however it comes in (upload, the whole-text editor,
one part, ``portal import``), is refused or kept with its problems listed: never a 500."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import httpx
import pytest

from portal.cli import main
from portal.document import parse
from portal.drafting.models import WorkingDraft
from tests.accounts.helpers import csrf_of
from tests.drafting.test_workflow import SLUG, drafter, post, sample, start_v3

BAD_DATE = "nilai &#39;tanggal&#39; tidak sah: tanggal 2026-13-45 tidak ada"


def with_date(text: str, tanggal: str = "2026-13-45") -> str:
    return re.sub(r"(?m)^tanggal: .*$", f"tanggal: {tanggal}", text, count=1)


def date_line(text: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith("tanggal:"))


async def upload(client: httpx.AsyncClient, name: str, data: bytes) -> httpx.Response:
    token = csrf_of((await client.get("/kelola")).text)
    return await client.post(
        "/kelola/draf",
        data={"csrf_token": token, "source": ""},
        files={"berkas": (name, data, "text/markdown")},
    )


async def test_an_upload_with_an_impossible_date_is_kept_with_the_problem_listed(
    client: httpx.AsyncClient,
) -> None:
    await drafter(client)
    text = with_date(sample("v2"))
    response = await upload(client, "v2.md", text.encode())
    # Its slug and versi are readable: it becomes a working draft that cannot be published yet.
    assert response.status_code == 303, response.text
    draft = await WorkingDraft.get(slug=SLUG, versi="v2")
    assert draft.source == text
    page = await client.get(f"/kelola/draf/{draft.id}")
    assert page.status_code == 200
    assert f"baris {date_line(text)}: {BAD_DATE}" in page.text
    review = (await client.get(f"/kelola/draf/{draft.id}.json")).json()
    assert not review["valid"]
    assert [p["line"] for p in review["problems"]] == [date_line(text)]


@pytest.mark.parametrize(
    "front",
    [
        "slug: Bukan Slug\ntanggal: 2026-13-45",
        "slug: jamsos\ntanggal: !!timestamp 2026-13-45\ntahun: !!int dua",
        "slug: " + "a" * 150,
        "slug: [a, b]\nversi: {a: 1}",
    ],
)
async def test_an_upload_without_a_usable_name_returns_the_form_with_its_problems(
    client: httpx.AsyncClient, front: str
) -> None:
    await drafter(client)
    text = re.sub(r"(?m)^slug: .*\n(?:(?:versi|tanggal): .*\n)*", front + "\n", sample("v1"), count=1)
    text = text if "versi:" in text else text.replace("---\n", "---\nversi: v1\n", 1)
    response = await upload(client, "v1.md", text.encode())
    assert response.status_code == 400, response.text[:300]
    assert "Draf kerja memerlukan front matter yang menyebut slug-nya" in response.text
    assert re.search(r"<li>baris \d+: ", response.text)  # each problem with its line
    assert html.escape(text[:200], quote=False) in response.text  # the uploaded text is back in the form
    assert not await WorkingDraft.exists()


async def test_binary_bytes_and_a_date_typed_in_the_whole_text_editor(client: httpx.AsyncClient) -> None:
    draft = await start_v3(client)
    refused = await upload(client, "v1.md", b"\x89PNG\r\n\x1a\n\xff\xd8")
    assert refused.status_code == 400
    assert "berkas Markdown (.md) berkode UTF-8" in refused.text
    text = with_date(sample("v3"), "2027-02-30")
    preview = await post(
        client, f"/kelola/draf/{draft.id}/simpan", {"source": text, "revision": "1", "aksi": "pratinjau"}
    )
    assert preview.status_code == 200
    assert f"baris {date_line(text)}: nilai &#39;tanggal&#39; tidak sah: tanggal 2027-02-30 tidak ada" in (
        preview.text
    )
    assert "tanggal: 2027-02-30\n" in preview.text  # what was typed stays in the editor
    saved = await post(client, f"/kelola/draf/{draft.id}/simpan", {"source": text, "revision": "1"})
    assert saved.status_code == 303
    page = await client.get(f"/kelola/draf/{draft.id}")
    assert "tanggal 2027-02-30 tidak ada" in page.text
    assert (await WorkingDraft.get(id=draft.id)).source == text


async def test_a_part_reports_lines_of_its_fields_and_links_to_the_preview_ids(
    client: httpx.AsyncClient,
) -> None:
    draft = await start_v3(client)
    url = f"/kelola/draf/{draft.id}/sunting"
    pasal = parse(draft.source).index()["pasal-5"]
    assert pasal.line > 100  # far down the file: a file line would be much larger than the field's
    body = "(1) Ayat pertama.\n\n(1) Ayat pertama lagi.\n\n## Judul Lain"
    penjelasan = "Ayat (1)\nCukup jelas.\n\nAyat (1)\nLagi."
    response = await post(
        client, url,
        {"bagian": "pasal-5", "revision": "1", "isi": body, "penjelasan": penjelasan, "aksi": "pratinjau"},
    )  # fmt: skip
    assert response.status_code == 200
    problems = re.findall(r"<li>(baris [^<]*)</li>", response.text)
    assert problems == [
        "baris 3 kolom ini: ayat (1) ganda: sudah ada di baris 1 kolom ini (path &#39;pasal-5/ayat-1&#39;)",
        "baris 5 kolom ini: judul &#39;Judul Lain&#39; tidak dikenal (yang dikenal: Menimbang, Mengingat, "
        "BAB, Bagian, Paragraf, Pasal, Penjelasan Umum, Lampiran)",
        "baris 1 kolom Penjelasan: kontainer &#39;::: penjelasan&#39; harus langsung mengikuti sebuah Pasal",
    ]
    assert "berkas" not in " ".join(problems)

    # A valid text: its preview links to the ids the page gives its units, as the reading page does.
    good = await post(
        client, url,
        {"bagian": "pasal-5", "revision": "1", "isi": "(1) Satu.\n\n(2) Dua.", "penjelasan": "", "aksi": "pratinjau"},
    )  # fmt: skip
    assert good.status_code == 200
    assert 'id="pasal-5/ayat-1"' in good.text
    assert 'href="#pasal-5/ayat-1"' in good.text
    assert 'href="#pasal-5"' in good.text
    assert 'href="#/' not in good.text
    whole = await post(
        client,
        f"/kelola/draf/{draft.id}/simpan",
        {"source": draft.source, "revision": "1", "aksi": "pratinjau"},
    )
    assert 'href="#pasal-5/ayat-1"' in whole.text  # the whole draft's preview too
    assert 'href="#/' not in whole.text


def test_portal_import_lists_the_bad_date_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    text = with_date(sample("v1"))
    bad = tmp_path / "v1.md"
    bad.write_text(text, encoding="utf-8")
    crashed = tmp_path / "v2.md"
    crashed.write_text(with_date(sample("v2"), "!!timestamp 2026-13-45"), encoding="utf-8")
    out = io.StringIO()
    assert main(["import", str(bad), str(crashed)], out) == 1
    line = date_line(text)
    message = (
        "nilai 'tanggal' tidak sah: tanggal 2026-13-45 tidak ada (bulan 01 sampai 12, hari sesuai bulannya)"
    )
    assert out.getvalue().splitlines() == [
        f"ditolak: {bad}",
        f"  baris {line}: {message}",
        f"ditolak: {crashed}",
        f"  baris {line}: {message}",
    ]
