"""Handlers for what the consultation gives back: comment exports (streamed), the
DIM, the accountability page and the report of the public consultation."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from portal.accounts.labels import CATEGORY_NAMES
from portal.accounts.policy import can
from portal.accounts.web import identify
from portal.consultation import dim, reports, services, threads
from portal.consultation.models import Comment
from portal.consultation.models import Response as Answer
from portal.document.citations import path_citation
from portal.exports.tables import add_heading, add_table, new_document, table_docx, table_xlsx, to_bytes
from portal.i18n import Translator
from portal.versions.cache import CachedVersion, cached_version
from portal.versions.models import Provision, Version
from portal.web.pages import Page, request_lang, respond
from portal.web.templating import regulation_url, version_url

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIGURES_TTL = 30.0  # seconds the accountability figures of a version are kept


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "x-content-type-options": "nosniff",
            "cache-control": "no-store",
        },
    )


def _name(cached: CachedVersion, what: str, ext: str) -> str:
    return f"{what}-{cached.version.regulation.slug}-{cached.version.versi}.{ext}"


async def comments_export(request: Request) -> Response:
    cached = await cached_version(request)
    actor, _, _ = await identify(request)
    personal = can(actor, "comment.personal")
    staff = personal or can(actor, "comment.moderate")
    base = request.app.state.settings.base_url.rstrip("/")
    as_csv = request.url.path.endswith(".csv")
    stream = (reports.export_csv if as_csv else reports.export_json)(
        cached.version, base, staff=staff, personal=personal
    )
    return StreamingResponse(
        stream,
        media_type="text/csv; charset=utf-8" if as_csv else "application/json",
        headers={
            "content-disposition": f"attachment; filename={_name(cached, 'komentar', 'csv' if as_csv else 'json')}",
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
        },
    )


def _dim_heading(cached: CachedVersion) -> tuple[str, str]:
    meta = cached.document.meta
    return "DAFTAR INVENTARISASI MASALAH", f"{meta.title}\n{cached.version.label} ({cached.version.versi})"


async def dim_download(request: Request) -> Response:
    cached = await cached_version(request)
    rows = [row.cells() for row in await dim.dim(cached.version, cached.document)]
    heading, sub = _dim_heading(cached)
    pools = request.app.state.executors
    if request.url.path.endswith(".xlsx"):
        widths = (8, 50, 60, 50, 24, 14)
        body = await pools.run("export", table_xlsx, "DIM", heading, sub, dim.DIM_HEADERS, widths, rows)
        return _download(body, XLSX, _name(cached, "dim", "xlsx"))
    widths_cm = (1.6, 8.0, 7.8, 6.0, 2.9, 2.7)  # "Keterangan" on one line
    body = await pools.run("export", table_docx, heading, sub, dim.DIM_HEADERS, widths_cm, rows)
    return _download(body, DOCX, _name(cached, "dim", "docx"))


async def _figures(request: Request, cached: CachedVersion) -> dict[str, Any]:
    kept: dict[int, tuple[float, dict[str, Any]]] = request.app.state.figures
    found = kept.get(cached.version.id)
    if found is None or time.monotonic() - found[0] > FIGURES_TTL:
        found = (time.monotonic(), await reports.accountability(cached.version, cached.document))
        kept[cached.version.id] = found
    return found[1]


def _labelled(figures: dict[str, Any], t: Translator) -> dict[str, list[tuple[str, int]]]:
    def category(key: str) -> str:
        name = CATEGORY_NAMES.get(key, CATEGORY_NAMES["lainnya"])
        return t.gettext(name)

    def position(key: str) -> str:
        name = services.POSITION_NAMES[key]
        return t.gettext(name)

    return {
        "by_category": [(category(i["key"]), i["n"]) for i in figures["by_category"]],
        "by_standing": [
            (t.gettext("Verified stakeholders"), figures["verified"]),
            (t.gettext("Category and organisation declared by the writer"), figures["declared"]),
        ],
        "by_region": [(i["key"], i["n"]) for i in figures["by_region"]],
        "by_position": [(position(i["key"]), i["n"]) for i in figures["by_position"]],
        "most_commented": [(i["label"], i["n"]) for i in figures["most_commented"]],
    }


async def accountability(request: Request) -> Response:
    cached = await cached_version(request)
    as_json = request.url.path.endswith(".json")
    figures = await _figures(request, cached)
    t = Translator(request_lang(request))
    base = version_url(cached.version.regulation.slug, cached.version.versi)
    extra = {
        **figures,
        "version": cached.version,
        "document": cached.document,
        "charts": _labelled(figures, t),
        "base": base,
        "regulation_url": regulation_url(cached.version.regulation.slug),
    }
    return respond(request, Page("consultation/accountability.html", figures, extra), as_json)


def _provision(path: str | None, versi: str | None = None) -> str:
    """A path as a reader cites it: 'Pasal 5 ayat (2)', with the version when given."""
    if not path:
        return "Rancangan secara keseluruhan"
    cited = path_citation(path)
    return f"{cited} ({versi})" if versi else cited


async def _matrix(version: Version, *, cited: bool = False) -> list[tuple[str, str, str, str, str, str]]:
    """The response matrix: Path | Kategori | Masukan | Tanggapan | Alasan | Rumusan hasil;
    a campaign is one row with its size. ``cited``: provisions named as citations
    ("Pasal 5 ayat (2)") rather than paths, for the printed report."""
    comments = (
        await Comment.filter(version_id=version.id, parent_id=None, status="terbit")
        .order_by("path", "id")
        .select_related("group")
    )
    answers: dict[int, Answer] = {}
    for answer in await Answer.filter(comment__version_id=version.id, comment__parent_id=None).order_by("id"):
        answers[answer.comment_id] = answer  # type: ignore[attr-defined]
    wanted = {(a.new_versi, a.new_path) for a in answers.values() if a.new_versi and a.new_path}
    texts: dict[tuple[str, str], str] = {}
    for versi in {v for v, _ in wanted}:
        paths = [p for v, p in wanted if v == versi]
        rows = await Provision.filter(
            version__regulation_id=version.regulation_id,  # type: ignore[attr-defined]
            version__versi=versi,
            path__in=paths,
        ).values_list("path", "text")
        texts.update({(versi, path): text for path, text in rows})
    out: list[tuple[str, str, str, str, str, str]] = []
    seen_groups: set[int] = set()
    for comment in comments:
        group_id: int | None = comment.group_id  # type: ignore[attr-defined]
        if group_id is not None:
            if group_id in seen_groups:
                continue
            seen_groups.add(group_id)
        given = answers.get(comment.id)
        intake = comment.replacement or comment.body
        if comment.group is not None:
            intake = f"[kampanye, {comment.group.size} penanda tangan] {intake}"
        result = ""
        if given is not None and given.new_versi and given.new_path:
            where = (
                _provision(given.new_path, given.new_versi)
                if cited
                else f"{given.new_versi}/{given.new_path}"
            )
            result = f"{where}: {texts.get((given.new_versi, given.new_path), '')}".strip()
        out.append(
            (
                _provision(comment.path) if cited else comment.path or "rancangan",
                threads.standing(comment.verified, comment.category, "id"),
                f"{comment.number}: {intake}",
                dim.DISPOSITION_ID[given.disposition] if given else "belum dijawab",
                given.reason if given else "",
                result,
            )
        )
    return out


MATRIX_HEADERS = ("Path", "Kategori", "Masukan", "Tanggapan", "Alasan", "Rumusan hasil")
DOCX_MATRIX_HEADERS = ("Ketentuan", *MATRIX_HEADERS[1:])


async def report(request: Request) -> Response:
    cached = await cached_version(request)
    version = cached.version
    figures = await _figures(request, cached)
    as_docx = request.url.path.endswith(".docx")
    matrix = await _matrix(version, cited=as_docx)
    meta = cached.document.meta
    period = (
        f"{version.konsultasi_buka.isoformat()} s.d. {version.konsultasi_tutup.isoformat()}"
        if version.konsultasi_buka and version.konsultasi_tutup
        else "-"
    )
    if as_docx:
        t = Translator("id")
        if version.konsultasi_buka and version.konsultasi_tutup:  # "7 Desember 2026", not ISO
            period = f"{t.date(version.konsultasi_buka)} s.d. {t.date(version.konsultasi_tutup)}"
        labelled = _labelled(figures, t)
        document = new_document()
        add_heading(
            document,
            "LAPORAN HASIL KONSULTASI PUBLIK",
            f"{meta.title}\n{version.label} ({version.versi})\nMasa konsultasi: {period}\n"
            f"Saluran: Raperda Portal (daring)\nJumlah masukan: {figures['total']}; dijawab: {figures['answered']}",
        )
        for title, key in (
            ("Peserta menurut kategori pemangku kepentingan", "by_category"),
            ("Peserta menurut status verifikasi", "by_standing"),
            ("Peserta menurut kabupaten/kota", "by_region"),
            ("Sikap terhadap rancangan", "by_position"),
            ("Ketentuan yang paling banyak dikomentari", "most_commented"),
        ):
            add_heading(document, title)
            add_table(document, ("Uraian", "Jumlah"), (20.0, 4.0), [(k, str(n)) for k, n in labelled[key]])
        add_heading(document, "Matriks tanggapan")
        pools = request.app.state.executors  # a row per comment, then the file: in the export pool
        await pools.run(
            "export", add_table, document, DOCX_MATRIX_HEADERS, (3.2, 3.0, 8.0, 2.8, 6.0, 6.0), matrix
        )
        body = await pools.run("export", to_bytes, document)
        return _download(body, DOCX, _name(cached, "laporan-konsultasi", "docx"))
    t = Translator(request_lang(request))
    base = version_url(version.regulation.slug, version.versi)
    extra = {
        **figures,
        "version": version,
        "document": cached.document,
        "charts": _labelled(figures, t),
        "matrix": matrix,
        "matrix_headers": MATRIX_HEADERS,
        "period": period,
        "base": base,
        "regulation_url": regulation_url(version.regulation.slug),
    }
    data = {
        **figures,
        "period": period,
        "matrix": [dict(zip(MATRIX_HEADERS, row, strict=True)) for row in matrix],
    }
    return respond(request, Page("consultation/report.html", data, extra), request.url.path.endswith(".json"))


routes = [
    Route("/r/{slug}/{versi}/komentar/ekspor.csv", comments_export, name="comments_csv"),
    Route("/r/{slug}/{versi}/komentar/ekspor.json", comments_export, name="comments_export_json"),
    Route("/r/{slug}/{versi}/dim.docx", dim_download, name="dim_docx"),
    Route("/r/{slug}/{versi}/dim.xlsx", dim_download, name="dim_xlsx"),
    Route("/r/{slug}/{versi}/akuntabilitas", accountability, name="accountability"),
    Route("/r/{slug}/{versi}/akuntabilitas.json", accountability, name="accountability_json"),
    Route("/r/{slug}/{versi}/laporan", report, name="report"),
    Route("/r/{slug}/{versi}/laporan.docx", report, name="report_docx"),
    Route("/r/{slug}/{versi}/laporan.json", report, name="report_json"),
]
