"""docs/architecture.md stays true: every module of the portal is named in its package's
row of the module table (a new module without a line there fails here)."""

from __future__ import annotations

import re

from portal.config import ROOT

DOC = ROOT / "docs" / "architecture.md"
PORTAL = ROOT / "portal"


def _rows() -> list[tuple[str, str]]:
    """(first cell, whole row) of every row of the module table."""
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `portal"):
            first = line.split("|")[1]
            rows.append((first, line))
    return rows


def test_every_module_is_named_in_its_package_row() -> None:
    rows = _rows()
    missing = []
    for path in sorted(PORTAL.rglob("*.py")):
        relative = path.relative_to(PORTAL)
        if path.name == "__init__.py" or relative.parts[0] == "migrations":
            continue
        if len(relative.parts) == 1:  # a top-level module has a row of its own
            named = any(f"`portal/{path.name}`" in first for first, _ in rows)
        else:
            package = f"`portal/{'/'.join(relative.parts[:-1])}/`"
            named = any(
                package in first and re.search(rf"`(?:[\w/]+/)?{re.escape(path.name)}`", row)
                for first, row in rows
            )
        if not named:
            missing.append(str(relative))
    assert not missing, f"modules without a line in docs/architecture.md: {missing}"
