"""Rules for editing a working draft part by part and from its outline.

Both start from the revision the drafter's page showed: the part's text or the
outline operation is applied to that revision's text and saved with the same
compare-and-set as a whole-text save, so a concurrent save gives the conflict
page instead of being overwritten.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from portal.accounts.models import User
from portal.document import Document, DraftError, Node, Problem, parse
from portal.drafting import outline, parts
from portal.drafting.blocks import stray_line
from portal.drafting.models import DraftRevision, WorkingDraft
from portal.drafting.services import Refusal, StaleRevision, save_draft
from portal.lint import Finding, lint
from portal.web.executors import Executors

_DIGITS = re.compile(r"\d+")


async def base_source(draft: WorkingDraft, base_revision: int) -> str:
    """The text of the revision an edit started from (the current one when it is current)."""
    if base_revision == draft.revision:
        return draft.source
    revision = await DraftRevision.get_or_none(draft_id=draft.id, revision=base_revision)
    if revision is None:
        raise StaleRevision(draft)
    return revision.source


@dataclass
class PartPreview:
    """The draft as it would be with the part's new text: its problems, each with the
    field and the line in that field where it falls (None, None when elsewhere), the
    part's node, the drafting-technique findings inside the part, and ``errors`` for a
    field that holds a line that would cut the part in two (a heading, a ``:::``)."""

    source: str
    problems: list[tuple[Problem, str | None, int | None]] = field(default_factory=list)
    document: Document | None = None
    node: Node | None = None
    explanation: Node | None = None
    findings: list[Finding] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)


def _inside(path: str, part_path: str) -> bool:
    return any(
        path == prefix or path.startswith(prefix + "/") for prefix in (part_path, f"penjelasan/{part_path}")
    )


def stray_lines(body: str, penjelasan: str) -> dict[str, list[str]]:
    """Fields with a line that is not the part's own text: a structural heading (the
    outline adds and moves those) or a ``:::`` line (the Penjelasan has its field)."""
    return {
        name: ["heading_in_part"]
        for name, text in (("isi", body), ("penjelasan", penjelasan))
        if stray_line(text)
    }


def preview_part(source: str, part: parts.Part, body: str, penjelasan: str) -> PartPreview:
    """Splice the part's text in and parse and lint the result (pure)."""
    spliced = parts.splice(source, part, body, penjelasan)
    preview = PartPreview(spliced, errors=stray_lines(body, penjelasan))
    try:
        document = parse(spliced)
    except DraftError as error:
        where = parts.fields(part, body, penjelasan)
        for problem in error.problems:
            found = where.locate(problem.line)
            problem = _first_in_field(problem, where)
            preview.problems.append((problem, *found) if found else (problem, None, None))
        return preview
    preview.document = document
    index = document.index()
    preview.node = index.get(part.path)
    preview.explanation = index.get(f"penjelasan/{part.path}")
    preview.findings = [f for f in lint(document) if f.path and _inside(f.path, part.path)]
    return preview


_FIELD_WORDS = {
    "isi": ("kolom ini", "of this field"),
    "penjelasan": ("kolom Penjelasan", "of the Penjelasan field"),
}


def _first_in_field(problem: Problem, where: parts.Fields) -> Problem:
    """A problem whose message names another line ('already at line 1325') names it in
    its field when it is one of the form's: 'sudah ada di baris 2 kolom ini'."""
    first = problem.params.get("first")
    found = where.locate(first) if isinstance(first, int) else None
    if found is None:
        return problem
    name, line = found
    words, words_en = _FIELD_WORDS[name]
    return replace(
        problem, params={**problem.params, "first": f"{line} {words}", "first_en": f"{line} {words_en}"}
    )


async def save_part(
    draft: WorkingDraft,
    path: str,
    body: str,
    penjelasan: str,
    base_revision: int,
    actor: User,
    *,
    note: str = "",
    ip: str | None = None,
) -> WorkingDraft:
    """Save one part's new text into the revision it was edited from (StaleRevision when
    someone saved since: the caller shows both texts)."""
    if draft.status != "open":
        raise Refusal({"source": ["not_open"]})
    source = await base_source(draft, base_revision)
    part = parts.find(source, path)
    if part is None:
        raise Refusal({"isi": ["path_unknown"]})
    stray = stray_lines(body, penjelasan)
    if stray:
        raise Refusal(stray)
    spliced = parts.splice(source, part, body, penjelasan)
    if spliced == source and base_revision == draft.revision:
        return draft  # nothing changed: no new revision
    return await save_draft(
        draft, spliced, base_revision, actor, note=note or f"{part.label} disunting", ip=ip
    )


@dataclass
class Plan:
    """An outline operation worked out on a revision: the new text, what changes, and the
    drafting-technique findings it adds (a reference that now points at nothing …)."""

    outcome: outline.Outcome
    base_revision: int
    new_findings: list[Finding]


def _added(before: list[Finding], after: list[Finding]) -> list[Finding]:
    """Findings of ``after`` that ``before`` did not have. Their messages quote references
    that the operation renumbered, so they are matched with the digits left out."""
    seen = Counter(_finding_key(f) for f in before)
    added = []
    for finding in after:
        key = _finding_key(finding)
        if seen[key]:
            seen[key] -= 1
        else:
            added.append(finding)
    return added


def _finding_key(finding: Finding) -> tuple[str, str]:
    return finding.code, _DIGITS.sub("#", finding.message("id"))


async def plan_outline(
    draft: WorkingDraft, base_revision: int, operation: outline.Operation, *, pools: Executors
) -> Plan:
    """Work the operation out (OutlineError when it cannot apply); nothing is saved."""
    if draft.status != "open":
        raise Refusal({"outline": ["not_open"]})
    source = await base_source(draft, base_revision)
    # Parsing and linting a long draft twice takes a while: off the event loop.
    outcome, added = await pools.run("draft", _worked_out, source, operation)
    return Plan(outcome, base_revision, added)


def _worked_out(source: str, operation: outline.Operation) -> tuple[outline.Outcome, list[Finding]]:
    outcome = outline.apply(source, operation)
    return outcome, _added(lint(parse(source)), lint(parse(outcome.source)))


async def apply_outline(
    draft: WorkingDraft,
    base_revision: int,
    operation: outline.Operation,
    actor: User,
    *,
    pools: Executors,
    ip: str | None = None,
) -> WorkingDraft:
    """Save the operation as a new revision, worked out again on the same base revision
    (so what is saved is what the drafter confirmed)."""
    plan = await plan_outline(draft, base_revision, operation, pools=pools)
    return await save_draft(draft, plan.outcome.source, base_revision, actor, note=plan.outcome.note, ip=ip)
