"""Every page type of the portal, in one list: the HTML and accessibility checks
(test_pages_checked.py) visit each of these at 360 and 1280 px. A new page type joins
the checks by being added here.

A path may name `{draft}`, `{comment}` or `{user}`: the checks fill them from what the
states before it made (a draft, a sent comment, the signed-in administrator). A state
with `action` loads its path, then does that action (see ACTIONS in the test) and is
checked on the page the action ends on.
"""

from __future__ import annotations

from dataclasses import dataclass

REGULATION = "/r/jamsos-ketenagakerjaan"
VERSION = REGULATION + "/v2"
THREAD = VERSION + "/pasal-6/ayat-1/komentar"


@dataclass(frozen=True)
class PageState:
    name: str
    path: str
    staff: bool = False  # visited signed in as an administrator
    action: str | None = None
    status: int = 200  # what the server answers (a refused form is 400)


PAGES: tuple[PageState, ...] = (
    # Public pages, visited signed out.
    PageState("home", "/"),
    PageState("regulation", REGULATION),
    PageState("version", VERSION),
    PageState("provision", VERSION + "/pasal-5"),
    PageState("history", VERSION + "/pasal-5/riwayat"),
    PageState("compare", REGULATION + "/banding/v1..v2"),
    PageState("compare-side-by-side", REGULATION + "/banding/v2..v3?tampilan=berdampingan"),
    PageState("matrix", REGULATION + "/banding/v1..v2/matriks"),
    PageState("search-results", "/cari?q=pekerja"),
    PageState("version-thread", VERSION + "/komentar"),
    PageState("comment-thread", THREAD),
    PageState("comment-form-errors", THREAD, action="refused-comment", status=400),
    PageState("receipt", THREAD, action="sent-comment"),
    PageState("lookup", "/lacak"),
    PageState("accountability", VERSION + "/akuntabilitas"),
    PageState("login", "/masuk"),
    PageState("register", "/daftar"),
    PageState("forgot-password", "/lupa-sandi"),
    PageState("not-found", "/r/tidak-ada", status=404),
    # Staff pages, visited as an administrator (who may see them all).
    PageState("account", "/akun", staff=True),
    PageState("drafts", "/kelola", staff=True),
    PageState("draft", "/kelola/draf/{draft}", staff=True),
    PageState("outline", "/kelola/draf/{draft}/kerangka", staff=True),
    PageState("outline-move", "/kelola/draf/{draft}/kerangka?pindah=pasal-8", staff=True),
    PageState("outline-confirm", "/kelola/draf/{draft}/kerangka?pindah=pasal-8", staff=True, action="move"),
    PageState("part-editor", "/kelola/draf/{draft}/sunting?bagian=pasal-5", staff=True),
    PageState("answer-queue", "/kelola/komentar", staff=True),
    PageState("answer", "/kelola/komentar/{comment}", staff=True),
    PageState("moderation", "/moderasi", staff=True),
    PageState("report", VERSION + "/laporan", staff=True),
    PageState("admin-users", "/admin/pengguna", staff=True),
    PageState("admin-user", "/admin/pengguna/{user}", staff=True),
    PageState("audit", "/admin/audit", staff=True),
)

WIDTHS = (360, 1280)
