"""Pure helpers of the consultation: tracking-number prefixes, near-duplicate
signatures (MinHash over word shingles) and file-type sniffing. No I/O."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from typing import BinaryIO

# Words left out of a tracking prefix: "Penyelenggaraan Jaminan Sosial Ketenagakerjaan" → JSK.
_PREFIX_SKIP = {
    "penyelenggaraan", "perubahan", "atas", "tentang", "dan", "di", "ke", "dari", "bagi", "yang",
    "dalam", "pada", "untuk", "serta", "atau", "kedua", "ketiga", "pertama",
}  # fmt: skip


def tracking_prefix(tentang: str, slug: str = "") -> str:
    """2–5 capital letters naming a regulation in its comments' tracking numbers."""
    words = [w for w in re.findall(r"[A-Za-z]+", tentang) if w.lower() not in _PREFIX_SKIP]
    letters = "".join(w[0] for w in words).upper()[:5]
    if len(letters) < 2:
        letters = "".join(part[:1] for part in slug.split("-")).upper()[:5]
    return letters if len(letters) >= 2 else "KOM"


def tracking_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"


# -- near duplicates ------------------------------------------------------------------------

SHINGLE = 4  # words per shingle
HASHES = 32  # MinHash size
BANDS = 8  # LSH bands of HASHES // BANDS rows: texts ~0.7 similar share a band with high chance
MIN_WORDS = 12  # shorter texts ("Setuju.") are not compared: too many innocent matches
SAME_CAMPAIGN = 0.7  # estimated Jaccard similarity of shingles for one campaign
_PRIME = (1 << 61) - 1
_COEFFICIENTS = [
    (int.from_bytes(hashlib.sha256(f"a{k}".encode()).digest()[:8], "big") % _PRIME or 1,
     int.from_bytes(hashlib.sha256(f"b{k}".encode()).digest()[:8], "big") % _PRIME)
    for k in range(HASHES)
]  # fmt: skip


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shingles(text: str) -> set[int]:
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return set()
    return {
        int.from_bytes(
            hashlib.blake2b(" ".join(tokens[i : i + SHINGLE]).encode(), digest_size=8).digest(), "big"
        )
        for i in range(len(tokens) - SHINGLE + 1)
    }


def signature(text: str) -> list[int]:
    """The MinHash of a text's shingles (empty for a short text)."""
    found = shingles(text)
    if not found:
        return []
    return [min((a * h + b) % _PRIME for h in found) for a, b in _COEFFICIENTS]


def bands(sig: Sequence[int]) -> list[str]:
    """Band keys of a signature: two signatures sharing one are candidates."""
    if not sig:
        return []
    rows = HASHES // BANDS
    return [
        f"{k}:"
        + hashlib.blake2b(repr(tuple(sig[k * rows : (k + 1) * rows])).encode(), digest_size=8).hexdigest()
        for k in range(BANDS)
    ]


def estimated_similarity(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


# -- attachments ----------------------------------------------------------------------------

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}


def sniff(data: bytes | BinaryIO) -> str | None:
    """The type of a position paper by its content: PDF, DOCX or ODT (None otherwise).
    ``data`` is the whole file, as bytes or as a seekable binary file."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    stream.seek(0)
    head = stream.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None
