"""Drafting-technique linter: pure checks of a parsed draft against Lampiran II UU 12/2011.

Nothing here does I/O. ``lint(document)`` returns findings sorted by line; each
rule's text feeds the generated ``docs/lint-rules.md`` (see ``portal.lint.docs``).
"""

from __future__ import annotations

from portal.lint.findings import Finding, Hit, Rule, Severity
from portal.lint.rules import RULES, RULES_BY_CODE, lint

__all__ = ["RULES", "RULES_BY_CODE", "Finding", "Hit", "Rule", "Severity", "lint"]
