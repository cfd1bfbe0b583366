"""What the linter reports: findings, and the rules that produce them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from portal.document import Document, Node

Severity = Literal["error", "warning"]

DOCS_PATH = "docs/lint-rules.md"


@dataclass(frozen=True)
class Finding:
    """One drafting-technique problem at one place of a draft."""

    code: str
    severity: Severity
    path: str  # node path, or "" for the draft as a whole
    line: int
    message_id: str
    message_en: str

    @property
    def url(self) -> str:
        return f"{DOCS_PATH}#{self.code.lower()}"

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id

    def to_json(self, lang: str = "id") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "message": self.message(lang),
            "url": self.url,
        }


@dataclass(frozen=True)
class Hit:
    """What a check reports; the registry turns it into a Finding.

    ``uncertain`` lowers an error rule's finding to a warning where this
    particular check is a heuristic rather than a certainty.
    """

    path: str
    line: int
    message_id: str
    message_en: str
    uncertain: bool = False


def hit(node: Node | None, message_id: str, message_en: str, *, uncertain: bool = False) -> Hit:
    """A hit at ``node`` (or at the whole draft, line 1, when ``node`` is None)."""
    if node is None:
        return Hit("", 1, message_id, message_en, uncertain)
    return Hit(node.path, node.line or 1, message_id, message_en, uncertain)


Check = Callable[[Document], list[Hit]]


@dataclass(frozen=True)
class Rule:
    """A rule of drafting technique, with the text the generated docs show."""

    code: str
    title_id: str
    title_en: str
    severity: Severity
    explanation_id: str
    explanation_en: str
    good: str
    bad: str
    check: Check

    def findings(self, document: Document) -> list[Finding]:
        return [
            Finding(
                code=self.code,
                severity="warning" if h.uncertain else self.severity,
                path=h.path,
                line=h.line,
                message_id=h.message_id,
                message_en=h.message_en,
            )
            for h in self.check(document)
        ]
