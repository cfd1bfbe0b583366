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
