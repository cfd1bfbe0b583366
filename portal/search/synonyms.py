"""Query-time synonyms and abbreviations (``synonyms.txt``): ojol = ojek daring,
BPJamsostek = BPJS Ketenagakerjaan, DTKS -> DTSEN (one way). Read once at import."""

from __future__ import annotations

from importlib import resources


def _normalise_form(form: str) -> str:
    return " ".join(form.lower().split())


def parse_synonyms(text: str) -> dict[str, tuple[str, ...]]:
    """Parse the ``synonyms.txt`` format into a map from each form to its expansion (itself first).

    ``a = b = c`` makes the forms equivalent (groups sharing a form are merged); ``a -> b`` is one-way:
    expanding ``a`` (or anything equivalent to it) adds ``b`` and whatever ``b`` expands to, never the
    reverse.  Raises :class:`ValueError` naming the line for malformed input.
    """
    parent: dict[str, str] = {}  # union-find over forms joined by "="
    order: dict[str, int] = {}  # first appearance, so expansions follow the file order
    arrows: list[tuple[str, str]] = []

    def add(form: str) -> None:
        if form not in parent:
            parent[form] = form
            order[form] = len(order)

    def find(form: str) -> str:
        while parent[form] != form:
            parent[form] = parent[parent[form]]
            form = parent[form]
        return form

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb, key=order.__getitem__)] = min(ra, rb, key=order.__getitem__)

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        sides = line.split("->")
        if len(sides) > 2:
            raise ValueError(f"synonyms line {lineno}: more than one '->': {raw!r}")
        groups = [[_normalise_form(f) for f in side.split("=")] for side in sides]
        for group in groups:
            if any(not f for f in group):
                raise ValueError(f"synonyms line {lineno}: empty form: {raw!r}")
        if len(groups) == 1 and len(groups[0]) < 2:
            raise ValueError(f"synonyms line {lineno}: a group needs at least two forms: {raw!r}")
        for group in groups:
            for form in group:
                add(form)
            for form in group[1:]:
                union(group[0], form)
        if len(groups) == 2:
            arrows.append((groups[0][0], groups[1][0]))

    members: dict[str, list[str]] = {}
    for form in sorted(parent, key=order.__getitem__):
        members.setdefault(find(form), []).append(form)
    edges: dict[str, list[str]] = {}
    for source, target in arrows:
        edges.setdefault(find(source), []).append(find(target))

    expansions: dict[str, tuple[str, ...]] = {}
    for root, forms in members.items():
        reached = [root]
        for cls in reached:  # breadth-first over one-way edges; `reached` grows while iterating
            reached.extend(r for r in edges.get(cls, ()) if r not in reached)
        closure = [f for cls in reached for f in members[cls]]
        for form in forms:
            expansions[form] = (form, *(f for f in closure if f != form))
    return expansions


def _load_synonyms() -> dict[str, tuple[str, ...]]:
    source = resources.files("portal.search").joinpath("synonyms.txt").read_text(encoding="utf-8")
    return parse_synonyms(source)


#: Every form in ``synonyms.txt`` mapped to its expansion, the form itself first.
SYNONYMS: dict[str, tuple[str, ...]] = _load_synonyms()


def expand(term: str) -> tuple[str, ...]:
    """Equivalent forms of a query word or phrase, itself first; multi-word forms are space-joined.

    The term is lowercased and its whitespace collapsed; a term in no group yields ``(term,)``.
    """
    key = _normalise_form(term)
    return SYNONYMS.get(key, (key,))
