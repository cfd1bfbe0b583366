"""What the redline templates need from a comparison, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from portal.versions.align import KINDS
from portal.versions.compare import Change, Comparison, kind_label, provision_text
from portal.versions.diff import Piece


def pieces_html(pieces: list[Piece]) -> Markup:
    out = []
    for piece in pieces:
        text = escape(piece.text)
        if piece.op == "equal":
            out.append(str(text))
        elif piece.op == "delete":
            out.append(f"<del>{text}</del>")
        else:
            out.append(f"<ins>{text}</ins>")
    return Markup("".join(out))  # noqa: S704 - every piece of text is escaped above


def folded(pieces: list[Piece], context: int = 3) -> list[Markup | int]:
    """A long text's word diff with the unchanged stretches folded: Markup runs of the
    marked text, and between them the number of unchanged lines left out (an int).
    ``context`` unchanged lines stay on each side of a change."""
    out: list[Markup | int] = []
    last = len(pieces) - 1
    for position, piece in enumerate(pieces):
        text = piece.text[:-1] if position == last and piece.text.endswith("\n") else piece.text
        lines = text.split("\n") if piece.op == "equal" else []
        head = context + 1 if position > 0 else 0  # lines kept, with the end of the changed line
        tail = context + 1 if position < last else 0  # and with the start of the next one
        hidden = len(lines) - head - tail
        if hidden <= 1:
            out.append(pieces_html([piece]))
            continue
        if head:
            out.append(pieces_html([Piece("equal", "\n".join(lines[:head]) + "\n")]))
        out.append(hidden)
        if tail:
            out.append(pieces_html([Piece("equal", "\n".join(lines[len(lines) - tail :]))]))
    merged: list[Markup | int] = []
    for item in out:  # one Markup run between folds
        if merged and isinstance(item, Markup) and isinstance(merged[-1], Markup):
            merged[-1] = merged[-1] + item
        else:
            merged.append(item)
    return merged


@dataclass
class Redline:
    comparison: Comparison
    by_new: dict[str, list[Change]]
    deleted_after: dict[str | None, list[Change]]
    summary: dict[str, Any]


def redline_context(comparison: Comparison, lang: str) -> dict[str, Any]:
    """The template context shared by the web page and ``portal diff --format html``."""
    label: Callable[[str], str] = lambda kind: kind_label(kind, lang)  # noqa: E731
    return {
        "rl": Redline(
            comparison, comparison.change_for_new(), comparison.deleted_after(), comparison.summary()
        ),
        "kind_label": label,
        "kinds": KINDS,
        "pieces_html": pieces_html,
        "provision_text": provision_text,
    }
