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
HASHES = 32  # signature size: one minimum per bin of the hash space
BANDS = 8  # LSH bands of HASHES // BANDS bins: texts ~0.7 similar share a band with high chance
MIN_WORDS = 12  # shorter texts ("Setuju.") are not compared: too many innocent matches
SAME_CAMPAIGN = 0.7  # estimated Jaccard similarity of shingles for one campaign
EMPTY = 1 << 59  # the value of a bin no shingle fell into (every rest is smaller)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shingles(text: str) -> set[int]:
    """64-bit hashes of the text's overlapping runs of SHINGLE words (empty when short)."""
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
    """A one-permutation MinHash: each shingle's hash falls into one of HASHES bins by
    its low bits and the bin keeps the smallest rest. One hash per shingle (32 times
    cheaper than 32 hash functions) with the same estimate of Jaccard similarity."""
    found = shingles(text)
    if not found:
        return []
    bins = [EMPTY] * HASHES
    for h in found:
        k, rest = h % HASHES, h // HASHES
        if rest < bins[k]:
            bins[k] = rest
    return bins


def bands(sig: Sequence[int]) -> list[str]:
    """Band keys of a signature: two signatures sharing one are candidates (a band made
    only of empty bins says nothing and is left out)."""
    if not sig:
        return []
    rows = HASHES // BANDS
    out = []
    for k in range(BANDS):
        part = tuple(sig[k * rows : (k + 1) * rows])
        if all(v == EMPTY for v in part):
            continue
        out.append(f"{k}:" + hashlib.blake2b(repr(part).encode(), digest_size=8).hexdigest())
    return out


def estimated_similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """The share of bins where the two minima agree, among bins that are not empty in both."""
    if not a or not b or len(a) != len(b):
        return 0.0
    used = [(x, y) for x, y in zip(a, b, strict=True) if not (x == EMPTY and y == EMPTY)]
    return sum(1 for x, y in used if x == y) / len(used) if used else 0.0


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
