"""docs/lint-rules.md is generated from the rules and must stay in step with them."""

from __future__ import annotations

from portal.config import ROOT
from portal.lint import RULES
from portal.lint.docs import render


def test_docs_are_current() -> None:
    committed = (ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/lint-rules.md is stale: run python -m portal.lint.docs > docs/lint-rules.md"
    )


def test_docs_have_an_anchor_and_examples_per_rule() -> None:
    text = render()
    for rule in RULES:
        assert f'<a id="{rule.code.lower()}"></a>' in text
        assert f"## {rule.code} — " in text
        assert rule.explanation_id in text
        assert rule.explanation_en in text
        assert rule.good in text
        assert rule.bad in text
