"""The reading experience in a real browser, at phone and desktop widths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

VERSION = "/r/jamsos-ketenagakerjaan/v2"


@pytest.mark.parametrize("width", [360, 1280])
def test_version_page_fits_the_screen(browser: Any, server: str, artifacts: Path, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server + VERSION)
    assert page.locator("h1.doc-title").inner_text().startswith("RANCANGAN")
    assert page.locator("html").get_attribute("lang") == "id"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}px"
    assert page.locator("#pasal-1").is_visible()
    page.screenshot(path=str(artifacts / f"version-{width}.png"))
    page.close()


def test_following_a_permalink(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + VERSION)
    link = page.locator('[id="pasal-5/ayat-2"] .permalink').first
    link.click()
    page.wait_for_url("**/pasal-5/ayat-2")
    assert page.locator("h1.provision-title").inner_text() == "Pasal 5 ayat (2)"
    assert page.locator('.target[id="pasal-5/ayat-2"]').count() == 1
    page.close()


def test_toggling_a_penjelasan(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(server + VERSION + "#pasal-5")
    details = page.locator("#pasal-5 details.penjelasan")
    body = details.locator(".penjelasan-body")
    assert details.get_attribute("open") is None
    assert not body.is_visible()
    details.locator("summary").click()
    assert details.get_attribute("open") is not None
    assert body.is_visible()
    page.close()


def test_switching_language(browser: Any, server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + VERSION)
    assert "Penjelasan Pasal 5" in page.locator("#pasal-5 summary").inner_text()
    page.locator("nav.lang a[hreflang=en]").click()
    page.wait_for_load_state()
    assert page.url.endswith(VERSION)
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Elucidation of Pasal 5" in page.locator("#pasal-5 summary").inner_text()
    page.locator("nav.lang a[hreflang=id]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "id"
    context.close()


def test_usable_without_javascript(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.locator(f'a[href="{VERSION}"]').first.click()
    page.wait_for_url("**" + VERSION)
    page.locator("#pasal-3 summary").click()
    assert page.locator("#pasal-3 .penjelasan-body").is_visible()
    context.close()


def test_print_layout_shows_penjelasan_and_hides_navigation(
    browser: Any, server: str, artifacts: Path
) -> None:
    page = browser.new_page()
    page.goto(server + VERSION)
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert page.locator("#pasal-5 .penjelasan-body").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (artifacts / "version-print.pdf").write_bytes(pdf)
    page.close()
