"""Registering, activating and signing in, in a real browser, on a phone-sized screen."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.conftest import LIVE_DATA_DIRS


def mail_to(server: str, address: str) -> str:
    """The newest message to ``address`` in the live server's outbox (its SQLite file)."""
    database = Path(LIVE_DATA_DIRS[server]) / "portal.sqlite3"
    deadline = time.monotonic() + 10
    while True:
        with sqlite3.connect(database) as connection:
            row = connection.execute(
                'SELECT body FROM mail_message WHERE "to" = ? ORDER BY id DESC LIMIT 1', (address,)
            ).fetchone()
        if row or time.monotonic() > deadline:
            assert row, f"no mail to {address}"
            return str(row[0])
        time.sleep(0.2)


def test_register_activate_and_sign_in(browser: Any, server: str, artifacts: Path) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(server + "/daftar")
    page.fill("#name", "Rahmat Hidayat")
    page.fill("#email", "rahmat@contoh.id")
    page.fill("#password", "123")
    page.fill("#password2", "123")
    page.click("main button[type=submit]")
    page.wait_for_selector(".field-error", timeout=15_000)
    assert "Kata sandi harus terdiri atas paling sedikit 10 karakter." in page.content()
    assert page.input_value("#name") == "Rahmat Hidayat"  # nothing typed is lost
    page.screenshot(path=str(artifacts / "register-refused-360.png"), full_page=True)
    page.fill("#password", "Buruh-Serang-2026")
    page.fill("#password2", "Buruh-Serang-2026")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Periksa surel Anda", timeout=15_000)  # an argon2 hash: not instant
    link = re.search(r"https?://[^/\s]+(/verifikasi/[\w-]+)", mail_to(server, "rahmat@contoh.id"))
    assert link
    page.goto(server + link.group(1))
    assert "Akun Anda aktif" in page.content()
    page.goto(server + "/akun")
    assert page.url.endswith("/masuk?next=/akun")
    page.fill("#email", "rahmat@contoh.id")
    page.fill("#password", "Buruh-Serang-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(server + "/akun")  # not a glob: "/masuk?next=/akun" ends with /akun too
    assert "Rahmat Hidayat" in page.content()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=str(artifacts / "account-360.png"), full_page=True)
    page.click("form[action='/keluar'] button")
    page.wait_for_url(server + "/")
    page.close()
