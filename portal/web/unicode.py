"""Names and organisations as people will read them: no invisible characters.

A name full of zero-width joiners or a right-to-left override can look like another
name ("BPJS Ketenagakerjaan" with a U+200B inside looks the same and is not the same).
``clean_label`` removes every format character (Unicode category Cf: zero-width
spaces and joiners, bidirectional marks, embeddings, overrides and isolates, the soft
hyphen, the BOM …) and every control character, normalises to NFC and folds runs of
whitespace into one space.
"""

from __future__ import annotations

import unicodedata


def clean_label(value: str) -> str:
    kept = "".join(
        (" " if ch.isspace() else "") if unicodedata.category(ch)[0] == "C" else ch
        for ch in unicodedata.normalize("NFC", value)
    )
    return " ".join(kept.split())


def is_clean(value: str) -> bool:
    return clean_label(value) == value
