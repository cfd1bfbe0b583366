"""How readers cite a node: 'Pasal 5 ayat (2) huruf b', built from the tree."""

from __future__ import annotations

from portal.document.nodes import Document, Node, node_label

_UNIT = ("ayat", "huruf", "angka")


def ancestors(document: Document, path: str) -> list[Node]:
    """The chain of nodes from the top of the document down to ``path`` (inclusive)."""
    chain: list[Node] = []

    def search(nodes: list[Node]) -> bool:
        for node in nodes:
            chain.append(node)
            if node.path == path or search(node.children):
                return True
            chain.pop()
        return False

    search(document.children)
    return chain


def citation(chain: list[Node]) -> str:
    """The conventional citation of the last node of ``chain``."""
    if not chain:
        return ""
    target = chain[-1]
    if target.kind in ("bab", "bagian", "paragraf", "penjelasan_umum", "lampiran"):
        return (
            " ".join(node.label for node in chain if node.kind in ("bab", "bagian", "paragraf", "lampiran"))
            or target.label
        )
    parts: list[str] = []
    for node in chain:
        if node.kind in ("pasal", "menimbang", "mengingat"):
            parts = [node.label]
        elif node.kind == "penjelasan" and node.marker is None:
            parts = ["Penjelasan", *parts]
        elif node.kind in _UNIT:
            parts.append(node.label)
        elif node.kind == "penjelasan" and node.marker:
            kind = node.segment.split("-", 1)[0]
            parts.append(Node(kind=kind, path="", number=node.number).label)  # type: ignore[arg-type]
    return " ".join(parts)


def pasal_range(node: Node) -> str:
    """'Pasal 4–9' for the Pasal inside a BAB, Bagian or Paragraf ('' when none)."""
    numbers = [n.number for n in node.walk() if n.kind == "pasal" and n.number]
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"Pasal {numbers[0]}"
    return f"Pasal {numbers[0]}–{numbers[-1]}"


def path_citation(path: str) -> str:
    """A path read as a citation: 'pasal-6/ayat-1' → 'Pasal 6 ayat (1)',
    'menimbang/huruf-c' → 'Menimbang huruf c' (no document needed)."""
    if not path:
        return ""
    if path.startswith("penjelasan/"):
        return node_label("penjelasan", None, path)
    words = []
    for segment in path.split("/"):
        unit, _, value = segment.partition("-")
        words.append(node_label(unit, value.upper() if unit in ("bab", "pasal") else value or None, segment))
    return " ".join(words)
