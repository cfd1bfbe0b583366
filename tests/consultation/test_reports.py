"""Exports, DIM, accountability and the consultation report, through the real app."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import httpx
from docx import Document as DocxDocument
from openpyxl import load_workbook

from portal.consultation import dim, reports
from portal.consultation.models import Comment
from portal.document import parse
from portal.i18n import Translator
from portal.versions.models import Version
from tests.accounts.helpers import csrf_of, make_user, sign_in
from tests.consultation.test_comments import LETTER, THREAD, V2, comment, sample, setup_v2


async def seed(client: httpx.AsyncClient) -> None:
    await setup_v2()
    assert (
        await comment(client, email="a@contoh.id", name="Siti", body="=SUM(A1:A9) bukan rumus")
    ).status_code == 303
    assert (
        await comment(
            client, email="b@contoh.id", position="menolak", category="pengusaha", region="Kota Cilegon"
        )
    ).status_code == 303
    for email in ("c@contoh.id", "d@contoh.id"):
        assert (
            await comment(client, email=email, body=LETTER, position="menolak", category="serikat-pekerja")
        ).status_code == 303
    whole = f"{V2}/komentar"
    assert (
        await comment(
            client, url=whole, email="e@contoh.id", body="Rancangan ini perlu naskah akademik yang terbuka."
        )
    ).status_code == 303


async def answer_first(client: httpx.AsyncClient) -> Comment:
    await make_user("penyusun@banten.go.id", role="penyusun")
    await sign_in(client, "penyusun@banten.go.id")
    first = await Comment.get(email="a@contoh.id")
    form = await client.get(f"/kelola/komentar/{first.number}")
    response = await client.post(
        f"/kelola/komentar/{first.number}",
        data={"csrf_token": csrf_of(form.text), "disposition": "diterima", "reason": "Rumusan disesuaikan."},
    )
    assert response.status_code == 303
    return first


async def test_csv_and_json_exports_stream_every_comment_without_personal_data(
    client: httpx.AsyncClient,
) -> None:
    await seed(client)
    response = await client.get(f"{V2}/komentar/ekspor.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert "surel" not in rows[0]
    assert all("contoh.id" not in json.dumps(r) for r in rows)
    assert rows[0]["komentar"].startswith("'=SUM")  # not a formula in a spreadsheet
    assert {r["kampanye"] for r in rows} == {"", "2"}
    data = (await client.get(f"{V2}/komentar/ekspor.json")).json()
    assert [c["nomor"] for c in data["comments"]] == [r["nomor"] for r in rows]
    # Staff with the right to personal data see names and addresses.
    await answer_first(client)
    rows = list(
        csv.DictReader(
            io.StringIO((await client.get(f"{V2}/komentar/ekspor.csv")).content.decode("utf-8-sig"))
        )
    )
    assert rows[0]["surel"] == "a@contoh.id"
    assert rows[0]["tanggapan"] == "diterima"


async def test_the_export_is_read_in_batches(client: httpx.AsyncClient, monkeypatch: object) -> None:
    await seed(client)
    monkeypatch.setattr(reports, "BATCH", 2)  # type: ignore[attr-defined]
    rows = list(
        csv.DictReader(
            io.StringIO((await client.get(f"{V2}/komentar/ekspor.csv")).content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 5
    assert len({r["nomor"] for r in rows}) == 5


async def test_dim_has_one_numbered_row_per_unit_with_proposals_by_category(
    client: httpx.AsyncClient,
) -> None:
    await seed(client)
    await answer_first(client)
    document = parse(sample("v2"))
    units = dim.dim_units(document)
    xlsx = await client.get(f"{V2}/dim.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[4]]
    assert header == list(dim.DIM_HEADERS)
    numbers = [row[0].value for row in sheet.iter_rows(min_row=5)]
    assert numbers == [str(n) for n in range(1, len(units) + 2)]
    target = 2 + [u.path for u in units].index("pasal-6/ayat-1")
    row = [c.value for c in sheet[4 + target]]
    assert "Serikat pekerja/serikat buruh (2):" in row[2]
    assert "kampanye, 2 penanda tangan" in row[2]
    assert "Pengusaha (1):" in row[2]
    assert "diterima — Rumusan disesuaikan." in row[3]
    assert "belum dijawab" in row[4]
    first = [c.value for c in sheet[5]]
    assert first[1].startswith("Judul")
    assert "naskah akademik" in first[2]
    docx = await client.get(f"{V2}/dim.docx")
    assert docx.status_code == 200
    table = DocxDocument(io.BytesIO(docx.content)).tables[0]
    assert len(table.rows) == len(units) + 2
    assert table.rows[0].cells[0].text == "No. DIM"


async def test_accountability_figures_and_charts(client: httpx.AsyncClient) -> None:
    await seed(client)
    await answer_first(client)
    client.cookies.clear()
    data = (await client.get(f"{V2}/akuntabilitas.json")).json()
    assert data["total"] == 5
    assert data["answered"] == 1
    assert data["answered_share"] == 0.2
    assert data["median_days_to_answer"] is not None
    assert {i["key"]: i["n"] for i in data["by_category"]}["serikat-pekerja"] == 2
    assert data["most_commented"][0] == {"path": "pasal-6/ayat-1", "label": "Pasal 6 ayat (1)", "n": 4}
    page = await client.get(f"{V2}/akuntabilitas")
    assert page.status_code == 200
    assert page.text.count("<svg") == 5  # the fifth: verified or declared
    assert "Serikat pekerja" in page.text
    assert (data["verified"], data["declared"]) == (0, 5)
    assert {i["key"]: (i["verified"], i["declared"]) for i in data["by_category"]}["serikat-pekerja"] == (
        0,
        2,
    )


async def test_the_report_page_and_docx(client: httpx.AsyncClient) -> None:
    await seed(client)
    await answer_first(client)
    client.cookies.clear()
    page = await client.get(f"{V2}/laporan")
    assert page.status_code == 200
    assert "Matriks tanggapan" in page.text
    assert "Rumusan disesuaikan." in page.text
    assert "a@contoh.id" not in page.text
    assert page.text.count("kampanye, 2 penanda tangan") == 1  # a campaign is one row
    docx = await client.get(f"{V2}/laporan.docx")
    assert docx.status_code == 200
    document = DocxDocument(io.BytesIO(docx.content))
    assert document.paragraphs[0].text == "LAPORAN HASIL KONSULTASI PUBLIK"
    assert document.tables[-1].rows[0].cells[5].text == "Rumusan hasil"
    assert THREAD


async def test_the_report_docx_names_dates_and_provisions_in_indonesian(client: httpx.AsyncClient) -> None:
    await seed(client)
    await answer_first(client)
    version = await Version.get(versi="v2")
    first = await Comment.get(email="a@contoh.id")
    document = DocxDocument(io.BytesIO((await client.get(f"{V2}/laporan.docx")).content))
    texts = "\n".join(p.text for p in document.paragraphs)
    opened, closed = version.konsultasi_buka, version.konsultasi_tutup
    assert opened is not None
    assert closed is not None
    indonesian = Translator("id")
    assert f"Masa konsultasi: {indonesian.date(opened)} s.d. {indonesian.date(closed)}" in texts
    assert opened.isoformat() not in texts
    months = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
              "Oktober", "November", "Desember")  # fmt: skip
    assert months[opened.month - 1] in indonesian.date(opened)
    assert indonesian.date(dt.date(2026, 12, 7)) == "7 Desember 2026"
    table = document.tables[-1]
    assert table.rows[0].cells[0].text == "Ketentuan"
    firsts = {row.cells[0].text for row in table.rows[1:]}
    assert "Pasal 6 ayat (1)" in firsts
    assert "Rancangan secara keseluruhan" in firsts
    assert not any("/" in t or t.startswith("pasal-") for t in firsts)
    assert first.path == "pasal-6/ayat-1"
    # The JSON twin keeps machine paths.
    data = (await client.get(f"{V2}/laporan.json")).json()
    assert "pasal-6/ayat-1" in {row["Path"] for row in data["matrix"]}
