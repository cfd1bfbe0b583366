from __future__ import annotations

from io import BytesIO

import httpx
import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook

from portal.versions import services
from tests.conftest import ROOT

DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"
BASE = "/r/jamsos-ketenagakerjaan"


@pytest.fixture
async def drafts(db: object) -> None:
    for name in ("v1", "v2", "v3"):
        await services.import_text((DRAFTS / f"{name}.md").read_text(encoding="utf-8"))


async def test_comparison_page_marks_changes(client: httpx.AsyncClient, drafts: None) -> None:
    response = await client.get(f"{BASE}/banding/v1..v2")
    assert response.status_code == 200
    html = response.text
    assert "Ringkasan perubahan" in html
    assert '<span class="chg chg-moved">dipindahkan · semula Pasal 15</span>' in html
    assert "<del>Pasal 12 ayat (1) huruf a </del><ins>Pasal 13 ayat (1) huruf a </ins>" in html
    assert 'chg-deleted">dihapus · Pasal 30' in html
    assert (
        response.headers["link"] == f'<{BASE}/banding/v1..v2.json>; rel="alternate"; type="application/json"'
    )


async def test_comparison_json_has_the_cli_shape(client: httpx.AsyncClient, drafts: None) -> None:
    data = (await client.get(f"{BASE}/banding/v1..v2.json")).json()
    assert set(data) == {"old", "new", "summary", "alignment", "references", "diffs"}
    assert {"old": "pasal-15", "new": "pasal-9", "kind": "moved"}.items() <= next(
        m for m in data["alignment"] if m["old"] == "pasal-15"
    ).items()
    assert data["summary"]["counts"]["split"] == 2
    assert data["references"] == []


async def test_side_by_side_and_any_two_versions(client: httpx.AsyncClient, drafts: None) -> None:
    response = await client.get(f"{BASE}/banding/v1..v3?tampilan=berdampingan")
    assert response.status_code == 200
    assert '<table class="side">' in response.text
    backwards = await client.get(f"{BASE}/banding/v3..v1")
    assert backwards.status_code == 200


async def test_version_picker_redirects_to_the_canonical_url(client: httpx.AsyncClient, drafts: None) -> None:
    response = await client.get(f"{BASE}/banding?a=v2&b=v3")
    assert (response.status_code, response.headers["location"]) == (303, f"{BASE}/banding/v2..v3")
    assert (await client.get(f"{BASE}/banding?a=x&b=y")).headers["location"] == f"{BASE}/banding/v2..v3"


@pytest.mark.parametrize(
    "url", [f"{BASE}/banding/v1..v9", f"{BASE}/banding/v1", f"{BASE}/banding/v1..v2/lain"]
)
async def test_unknown_comparisons_are_404(client: httpx.AsyncClient, drafts: None, url: str) -> None:
    assert (await client.get(url)).status_code == 404


async def test_matriks_page_docx_and_xlsx(client: httpx.AsyncClient, drafts: None) -> None:
    page = await client.get(f"{BASE}/banding/v1..v2/matriks")
    assert page.status_code == 200
    assert "Rumusan Semula" in page.text
    rows = (await client.get(f"{BASE}/banding/v1..v2/matriks.json")).json()["rows"]
    notes = {row["baru"]["label"] or row["semula"]["label"]: row["keterangan"] for row in rows}
    assert notes["Pasal 9"] == "Dipindahkan (semula Pasal 15); perubahan rumusan"
    assert notes["Pasal 30"] == "Dihapus"
    assert notes["Menimbang huruf c"] == "Ketentuan baru"

    docx = await client.get(f"{BASE}/banding/v1..v2/matriks.docx")
    assert docx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert 'filename="matriks-jamsos-ketenagakerjaan-v1-v2.docx"' in docx.headers["content-disposition"]
    document = DocxDocument(BytesIO(docx.content))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["No", "Rumusan Semula", "Rumusan Baru", "Keterangan"]
    assert len(table.rows) == len(rows) + 1
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape

    xlsx = await client.get(f"{BASE}/banding/v1..v2/matriks.xlsx")
    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
    assert [sheet.cell(row=4, column=c).value for c in range(1, 5)] == [
        "No",
        "Rumusan Semula",
        "Rumusan Baru",
        "Keterangan",
    ]
    assert sheet.cell(row=4 + len(rows), column=1).value == len(rows)


async def test_history_follows_a_provision_across_renumbering(
    client: httpx.AsyncClient, drafts: None
) -> None:
    data = (await client.get(f"{BASE}/v2/pasal-14/ayat-1/riwayat.json")).json()
    steps = {s["versi"]: s for s in data["history"]}
    assert steps["v1"]["path"] == "pasal-13/ayat-1"
    assert steps["v2"]["path"] == "pasal-14/ayat-1"
    assert steps["v2"]["changed"] is True
    assert steps["v3"]["path"] is not None
    page = await client.get(f"{BASE}/v2/pasal-14/ayat-1/riwayat")
    assert page.status_code == 200
    assert "Riwayat ayat (1)" in page.text
    assert (await client.get(f"{BASE}/v2/pasal-99/riwayat")).status_code == 404


async def test_version_page_links_to_what_changed(client: httpx.AsyncClient, drafts: None) -> None:
    html = (await client.get(f"{BASE}/v2")).text
    assert f'href="{BASE}/banding/v1..v2"' in html
    assert "Apa yang berubah sejak Draf Awal" in html


async def test_superseded_version_points_to_the_newest(client: httpx.AsyncClient, drafts: None) -> None:
    html = (await client.get(f"{BASE}/v1")).text
    assert "Versi ini telah digantikan oleh Draf Uji Publik II." in html
    data = (await client.get(f"{BASE}/v1.json")).json()
    assert data["version"]["status"] == "superseded"
    assert all(len(node["lineage"]) == 32 for node in data["children"])
    assert "digantikan" not in (await client.get(f"{BASE}/v3")).text


async def test_history_of_a_pasal_with_ayat_shows_its_text(client: httpx.AsyncClient, drafts: None) -> None:
    data = (await client.get(f"{BASE}/v2/pasal-5/riwayat.json")).json()
    v2 = {s["versi"]: s for s in data["history"]}["v2"]
    assert v2["text"].startswith("(1) Program Jaminan Sosial Ketenagakerjaan yang diselenggarakan di Daerah")
    assert "\na. JKK;" in v2["text"]
    assert "\n(3) Pemerintah Daerah mendukung" in v2["text"]
    assert "Ayat (1)" not in v2["text"]  # the Penjelasan is not the Pasal's text
    assert all(s["text"] for s in data["history"] if s["path"])  # no empty box in any version
    page = (await client.get(f"{BASE}/v2/pasal-5/riwayat")).text
    assert "Pemerintah Daerah mendukung penyelenggaraan program" in page
