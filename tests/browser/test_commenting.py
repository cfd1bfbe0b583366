"""Commenting on a provision from a phone: refused and kept, then sent, receipt, count."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.conftest import LIVE_DATA_DIRS

THREAD = "/r/jamsos-ketenagakerjaan/v2/pasal-6/ayat-1/komentar"


def open_window(server: str) -> None:
    """Open v2's consultation around today in the live server's database (its pages
    notice within seconds: see VersionCache)."""
    database = Path(LIVE_DATA_DIRS[server]) / "portal.sqlite3"
    today = dt.date.today()
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE version SET konsultasi_buka = ?, konsultasi_tutup = ? WHERE versi = 'v2'",
            ((today - dt.timedelta(days=7)).isoformat(), (today + dt.timedelta(days=30)).isoformat()),
        )


def test_comment_on_an_ayat_at_360px(browser: Any, server: str, artifacts: Path) -> None:
    open_window(server)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    deadline = time.monotonic() + 15
    page.goto(server + THREAD)
    while "Tulis komentar" not in page.content() and time.monotonic() < deadline:
        time.sleep(1)
        page.goto(server + THREAD)
    assert "Tulis komentar" in page.content()
    text = "Mohon nelayan kecil dan pengemudi ojek daring disebut tegas dalam ayat ini."
    page.fill("#body", text)
    page.select_option("#category", "pekerja-informal")
    page.select_option("#region", "Kabupaten Lebak")
    page.fill("#email", "nelayan@contoh.id")
    with page.expect_navigation():
        page.click("section.comment-form button[type=submit]")
    assert "Pilih sikap Anda." in page.content()
    assert page.input_value("#body") == text  # nothing typed is lost
    page.screenshot(path=str(artifacts / "comment-refused-360.png"), full_page=True)
    page.check("input[name=position][value=usul-perubahan]")
    page.fill(
        "#replacement",
        "PPU, termasuk nelayan kecil dan pengemudi ojek daring, diikutsertakan dalam program JKK dan JKM.",
    )
    with page.expect_navigation():
        page.click("section.comment-form button[type=submit]")
    page.wait_for_url("**/tanda-terima/**")
    assert "/tanda-terima/JSK-" in page.url
    assert "Simpan nomor ini" in page.content()
    number = page.url.split("/tanda-terima/")[1].split("?")[0]
    page.screenshot(path=str(artifacts / "comment-receipt-360.png"), full_page=True)
    page.goto(server + THREAD + "#" + number)
    assert "Anggota masyarakat, Kabupaten Lebak" in page.content()
    assert page.locator("p.diff ins").count() > 0  # the proposal as a word diff
    page.screenshot(path=str(artifacts / "comment-thread-360.png"), full_page=True)
    page.close()


def test_the_counter_and_the_file_size_check(browser: Any, server: str, tmp_path: Path) -> None:
    open_window(server)
    page = browser.new_page()
    deadline = time.monotonic() + 15
    page.goto(server + THREAD)
    while "Tulis komentar" not in page.content() and time.monotonic() < deadline:
        time.sleep(1)
        page.goto(server + THREAD)
    assert page.text_content("#body-count") == "0 / 5.000 karakter"
    page.fill("#body", "Baris satu.\nBaris dua.")
    assert page.text_content("#body-count") == "22 / 5.000 karakter"  # a line break counts once
    page.fill("#body", "x" * 5123)  # a long paste is not cut
    assert page.input_value("#body") == "x" * 5123
    assert page.text_content("#body-count") == "5.123 / 5.000 karakter: kelebihan 123"
    assert "over" in (page.get_attribute("#body-count", "class") or "")
    page.fill("#replacement", "Rumusan baru.")
    assert page.text_content("#replacement-count") == "13 / 5.000 karakter"
    page.fill("#body", "Komentar singkat.")
    big = tmp_path / "besar.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 1))
    page.set_input_files("#attachment", str(big))
    assert page.text_content("#attachment-error") == "Lampiran lebih besar dari 10 MB."
    url = page.url
    page.click("section.comment-form button[type=submit]")
    page.wait_for_timeout(300)
    assert page.url == url
    assert page.input_value("#body") == "Komentar singkat."
    small = tmp_path / "kecil.pdf"
    small.write_bytes(b"%PDF-1.7\n")
    page.set_input_files("#attachment", str(small))
    assert page.query_selector("#attachment-error") is None
