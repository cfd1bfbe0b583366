"""Checks of rincian: markers, depth, order and punctuation (B3)."""

from __future__ import annotations

import re

from portal.document import Document, Node
from portal.document.numbering import number_key
from portal.lint.findings import Hit, hit
from portal.lint.structure import check_sequence, letter_key, show_letter, show_number

# -- B3 --------------------------------------------------------------------------

_STYLES = ("a.", "n.", "a)", "n)")
_CONJUNCTION = re.compile(r";\s+(?:dan/atau|dan|atau)$")


def marker_style(marker: str | None) -> str:
    if not marker:
        return ""
    if marker.startswith("("):
        return "(n)"
    return ("n" if marker[0].isdigit() else "a") + marker[-1]


def is_definitions(pasal: Node) -> bool:
    """A Ketentuan Umum Pasal: numbered definitions directly under the Pasal."""
    return "yang dimaksud" in pasal.text.lower() and any(c.kind == "angka" for c in pasal.children)


def _units(node: Node) -> list[Node]:
    return [child for child in node.children if child.kind in ("huruf", "angka")]


def _sub_units(item: Node) -> list[Node]:
    """Units under a rincian item; an '(n)' marker there is a fifth level, not an ayat."""
    return [child for child in item.children if child.kind in ("huruf", "angka", "ayat")]


def _ending(text: str) -> str:
    text = text.rstrip()
    if _CONJUNCTION.search(text):
        return "; +"
    return text[-1:] if text else ""


_ENDINGS = {
    ";": ("titik koma", "';'"),
    ":": ("titik dua", "':'"),
    ".": ("titik", "'.'"),
    "; +": (
        "titik koma diikuti 'dan', 'atau', atau 'dan/atau'",
        "';' followed by 'dan', 'atau' or 'dan/atau'",
    ),
}


def _check_list(items: list[Node], depth: int, terminal: str, hits: list[Hit]) -> None:
    """Check one list of rincian at ``depth`` (1 = outermost); ``terminal`` is how its
    last item ends: '.' when it closes the sentence, ';' inside a longer list."""
    if not items:
        return
    if depth > len(_STYLES):
        first = items[0]
        hits.append(
            hit(first, "rincian lebih dari empat tingkat", "rincian nested more than four levels deep")
        )
        return
    want = _STYLES[depth - 1]
    for item in items:
        if marker_style(item.marker) != want:
            hits.append(
                hit(
                    item,
                    f"rincian tingkat {depth} seharusnya bertanda '{want}', bukan '{item.marker}'",
                    f"rincian at level {depth} should be marked '{want}', not '{item.marker}'",
                )
            )
            break
    letters = all(marker_style(item.marker)[0] == "a" for item in items)
    hits += check_sequence(
        items,
        letter_key if letters else number_key,
        show_letter if letters else show_number,
        "rincian",
        "rincian",
    )
    for position, item in enumerate(items):
        last = position == len(items) - 1
        children = _sub_units(item)
        if children:
            expected = {":"}
            _check_list(children, depth + 1, ";" if (not last or terminal == ";") else ".", hits)
        elif last:
            expected = {terminal, "; +"} if terminal == ";" else {terminal}
        elif position == len(items) - 2:
            expected = {"; +"}
        else:
            expected = {";"}
        found = _ending(item.text)
        if found not in expected:
            want_id = " atau ".join(_ENDINGS[e][0] for e in sorted(expected))
            want_en = " or ".join(_ENDINGS[e][1] for e in sorted(expected))
            hits.append(
                hit(
                    item,
                    f"rincian {item.label} seharusnya diakhiri {want_id}",
                    f"rincian {item.label} should end with {want_en}",
                )
            )


def check_rincian(document: Document) -> list[Hit]:
    hits: list[Hit] = []
    for pasal in document.pasal():
        if is_definitions(pasal):
            for definition in pasal.children:
                if definition.kind == "angka":
                    _check_list(_units(definition), 1, ".", hits)
            continue
        _check_list(_units(pasal), 1, ".", hits)
        for ayat in pasal.children:
            if ayat.kind == "ayat":
                _check_list(_units(ayat), 1, ".", hits)
    return hits
