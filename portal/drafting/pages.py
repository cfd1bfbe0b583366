"""What the drafting pages share: finding the draft a URL names, the page with its
messages, the draft's page with its review (the alignment with the version it
continues, the publication form), and the 409 page of a save that came second."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from portal.consultation.services import today
from portal.document import Document
from portal.document.citations import path_citation
from portal.drafting import services
from portal.drafting.models import WorkingDraft
from portal.drafting.services import StaleRevision
from portal.versions.compare import Change, Comparison
from portal.versions.redline import redline_context
from portal.web.forms import MESSAGES as FORM_MESSAGES
from portal.web.forms import read_form, render
from portal.web.pages import request_lang, split_json
from portal.web.params import row_id

MESSAGES = {**FORM_MESSAGES, **services.MESSAGES}


def full_labels(document: Document) -> dict[str, str]:
    """Path → how a drafter cites it ('Pasal 5 ayat (2) huruf b', 'Menimbang huruf c'),
    for every provision a correction can pair."""
    return {n.path: path_citation(n.path) for n in document.walk() if n.kind in services.CORRECTABLE}


def draft_url(draft: WorkingDraft) -> str:
    return f"/kelola/draf/{draft.id}"


async def find_draft(request: Request) -> tuple[WorkingDraft, bool]:
    raw, as_json = split_json(request.path_params["draft_id"])
    wanted = row_id(raw)
    draft = await services.find_draft(wanted) if wanted else None
    if draft is None:
        raise HTTPException(status_code=404)
    return draft, as_json


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    return render(request, template, status=status, messages=MESSAGES, **context)


async def read_draft_form(request: Request, *, files: int = 0) -> FormData:
    return await read_form(request, files=files, max_part_size=services.MAX_SOURCE * 4)


async def draft_response(
    request: Request,
    draft: WorkingDraft,
    as_json: bool = False,
    *,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, str] | None = None,
    base: int | None = None,
    preview: bool = False,
    status: int = 200,
) -> Response:
    """The draft page; ``base`` is the revision the drafter's form started from, and
    ``preview`` shows an unsaved text (set on ``draft.source``) with its review."""
    lang = request_lang(request)
    review = await services.review(draft)
    if as_json:
        return JSONResponse(_review_json(review, lang), headers={"cache-control": "no-store"})
    revisions = await services.latest_revisions(draft, 20)
    context: dict[str, Any] = {
        "draft": draft,
        "review": review,
        "revisions": revisions,
        "errors": errors or {},
        "values": values or {},
        "source": (values or {}).get("source", draft.source),
        "json_url": draft_url(draft) + ".json",
        "draft_url": draft_url(draft),
        "saved": request.query_params.get("disimpan") == "1" and not errors,
        "window": review.document.meta.konsultasi if review.document else None,
        "base": draft.revision if base is None else base,
        "preview": preview,
        "ctx": {"base": "#", "target": ""},
        **await _publication_context(review, values or {}),
    }
    if review.comparison is not None:
        context.update(redline_context(review.comparison, lang))
        context["changes"] = _changes_to_check(review.comparison)
        context["old_labels"] = full_labels(review.comparison.old)
        context["new_labels"] = full_labels(review.comparison.new)
    return page(request, "drafting/draft.html", status=status, **context)


async def _publication_context(review: services.Review, values: dict[str, str]) -> dict[str, Any]:
    """The publish form's label and date (today by default), a warning when that date is
    earlier than the latest version's, and the earlier windows publishing would close."""
    meta = review.document.meta if review.document else None
    tanggal = form_date(values.get("tanggal", "")) or today()
    previous = review.previous
    windows = await services.windows_still_open(previous) if previous is not None else []
    return {
        "publish_label": values.get("label") or (meta.label if meta else ""),
        "publish_date": values.get("tanggal") or today().isoformat(),
        "date_warning": previous is not None and tanggal < previous.tanggal,
        "open_windows": windows,
    }


def _changes_to_check(comparison: Comparison) -> list[Change]:
    """What a drafter checks: every Pasal that is not the same, and every unit whose
    change is more than following its Pasal's new number."""
    out: list[Change] = []
    for change in comparison.changes:
        node = change.old or change.new
        if change.kind == "same" or node is None or node.kind not in services.CORRECTABLE:
            continue
        if node.kind != "pasal" and change.kind == "renumbered":
            continue
        out.append(change)
    return out


def _review_json(review: services.Review, lang: str) -> dict[str, Any]:
    draft = review.draft
    return {
        "id": draft.id,
        "slug": draft.slug,
        "versi": draft.versi,
        "status": draft.status,
        "revision": draft.revision,
        "valid": review.document is not None,
        "problems": [p.to_json(lang) for p in review.problems],
        "findings": [f.to_json(lang) for f in review.findings],
        "previous": review.previous.versi if review.previous else None,
        "alignment": review.comparison.alignment.to_json() if review.comparison else None,
        "summary": review.comparison.summary() if review.comparison else None,
        "corrections": [
            {
                "id": c.id,
                "old": c.old_path,
                "new": c.new_path,
                "note": c.note,
                "applied": c not in review.unapplied,
            }
            for c in review.corrections
        ],
        "version_url": None,
    }


async def conflict_page(
    request: Request, draft: WorkingDraft, stale: StaleRevision, mine: str, base: int | None
) -> Response:
    """The 409 page: someone saved first; my text, the text I started from, and theirs."""
    started = await services.revision(draft, base) if base is not None else None
    latest = await services.latest_revisions(draft, 1)
    theirs = latest[0] if latest else None
    return page(
        request, "drafting/conflict.html", status=409, draft=stale.draft, mine=mine,
        base=started.source if started else "", theirs=theirs, draft_url=draft_url(draft),
    )  # fmt: skip


def form_date(value: str) -> dt.date | None:
    """A date typed in a form (YYYY-MM-DD), or None."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
