"""A drafter edits one Pasal with its preview, then moves a Pasal from the outline,
in a real browser on a phone-sized screen."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import LIVE_DATA_DIRS

EMAIL = "perancang@banten.go.id"
PASSWORD = "Kebun-Mangga-Serang-77"


def make_drafter(server: str) -> None:
    env = {**os.environ, "PORTAL_DATA_DIR": str(LIVE_DATA_DIRS[server])}
    env.pop("PORTAL_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "portal", "user", "create", EMAIL, "--role", "penyusun", "--password-stdin"],
        input=PASSWORD, text=True, env=env, check=True, capture_output=True,
    )  # fmt: skip


def test_edit_a_pasal_and_move_another_at_360px(browser: Any, server: str, artifacts: Path) -> None:
    make_drafter(server)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(server + "/masuk")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(server + "/kelola")
    v3 = page.locator("select[name=dari] option", has_text="(v3)").first.get_attribute("value")
    page.select_option("select[name=dari]", v3)
    page.fill("input[name=versi]", "v9")
    with page.expect_navigation():
        page.click("form[action='/kelola/draf'] button[type=submit]")
    draft = page.url.split("?")[0]
    assert re.search(r"/kelola/draf/\d+$", draft)

    page.click("text=Sunting satu bagian")
    with page.expect_navigation():
        page.click("ul.part-list >> text=Pasal 5")
    assert "Sunting Pasal 5" in page.content()
    page.fill("#teks-isi", page.input_value("#teks-isi") + "\n\n(4) Ayat yang ditambahkan dari peramban.")
    # The script refreshes the preview as one types …
    page.wait_for_selector(".editor-preview [id='pasal-5/ayat-4']", timeout=10_000)
    assert page.url.endswith("?bagian=pasal-5")  # … without leaving the page
    # … and the button does it without the script.
    with page.expect_navigation():
        page.click("button[value=pratinjau]")
    assert "Pratinjau teks Anda (belum disimpan)" in page.content()
    assert page.locator(".editor-preview [id='pasal-5/ayat-4']").count() == 1
    page.screenshot(path=str(artifacts / "draft-part-preview-360.png"), full_page=True)
    with page.expect_navigation():
        page.click("button[value=simpan]")
    assert "Tersimpan." in page.content()
    assert "(4) Ayat yang ditambahkan dari peramban." in page.input_value("#teks-isi")

    page.goto(draft + "/kerangka?pindah=pasal-8")
    page.select_option("select[name=posisi]", "setelah:pasal-10")
    with page.expect_navigation():
        page.click("section[aria-labelledby=pindah] button[type=submit]")
    assert "Pasal 8 dipindahkan dan menjadi Pasal 10" in page.content()
    page.screenshot(path=str(artifacts / "draft-outline-confirm-360.png"), full_page=True)
    with page.expect_navigation():
        page.click("form.confirm-form button[type=submit]")
    assert "Tersimpan." in page.content()
    page.goto(draft)
    assert "Pasal 8 dipindahkan menjadi Pasal 10" in page.content()  # the revision's note
    page.close()
