"""Text forms of a comparison for the terminal (``portal diff --format text``)."""

from __future__ import annotations

from portal.versions.compare import Comparison, kind_label
from portal.versions.diff import Piece

WORDS = {
    "summary": ("Ringkasan", "Summary"),
    "references": ("Rujukan bermasalah", "Reference problems"),
    "stale": ("usang", "stale"),
    "dangling": ("tidak menunjuk ke mana pun", "points at nothing"),
    "suggest": ("seharusnya", "should be"),
    "none": ("tidak ada perubahan", "no changes"),
}


def word(key: str, lang: str) -> str:
    indonesian, english = WORDS[key]
    return english if lang == "en" else indonesian


def inline_pieces(pieces: list[Piece]) -> str:
    """git's word-diff style: [-deleted-]{+inserted+}."""
    out = []
    for piece in pieces:
        if piece.op == "equal":
            out.append(piece.text)
        elif piece.op == "delete":
            out.append(f"[-{piece.text.rstrip()}-]" + piece.text[len(piece.text.rstrip()) :])
        else:
            out.append(f"{{+{piece.text.rstrip()}+}}" + piece.text[len(piece.text.rstrip()) :])
    return "".join(out)


def as_text(comparison: Comparison, lang: str = "id") -> str:
    old, new = comparison.old.meta, comparison.new.meta
    lines = [f"{old.slug}: {old.versi} ({old.label}) → {new.versi} ({new.label})", ""]
    counts = comparison.summary()["counts"]
    lines.append(
        word("summary", lang)
        + ": "
        + ", ".join(f"{n} {kind_label(k, lang)}" for k, n in counts.items() if n and k != "same")
    )
    shown = 0
    for change in comparison.changes:
        if change.kind == "same":
            continue
        m = change.mapping
        if change.pieces is None and change.kind in ("renumbered", "edited"):
            # Renumbering alone is in the summary, and a container "edited" only through
            # its units shows in their lines: a line each would drown the real changes.
            continue
        shown += 1
        left = change.old.label if change.old else "—"
        right = change.new.label if change.new else "—"
        where = m.new or m.old
        lines.append("")
        lines.append(f"{where}: {left} → {right}  [{kind_label(change.kind, lang)}, {m.score:.2f}]")
        if change.pieces is not None:
            lines.append("  " + inline_pieces(change.pieces))
        elif change.kind == "inserted" and change.new is not None and change.new.text:
            lines.append("  {+" + change.new.text + "+}")
        elif change.kind == "deleted" and change.old is not None and change.old.text:
            lines.append("  [-" + change.old.text + "-]")
    if not shown:
        lines += ["", word("none", lang)]
    if comparison.references:
        lines += ["", word("references", lang) + ":"]
        for problem in comparison.references:
            line = f"  {problem.path}: '{problem.text}' {word(problem.problem, lang)}"
            if problem.suggestion:
                line += f"; {word('suggest', lang)} '{problem.suggestion}'"
            lines.append(line)
    return "\n".join(lines) + "\n"
