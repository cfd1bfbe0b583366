"""Pure helpers of the consultation: tracking-number prefixes, near-duplicate
signatures (MinHash over word shingles) and file-type sniffing. No I/O."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
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


# Bounds on a DOCX/ODT (a ZIP archive), checked before anything is unpacked. A real
# position paper has tens of parts (hundreds with many images) that unpack to a few
# times its size; a "ZIP bomb" declares gigabytes in a few kilobytes.
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_DIRECTORY = 256 * 1024  # bytes of central directory parsed at most
ZIP_MAX_ENTRY_SIZE = 100 * 1024 * 1024  # declared uncompressed size of one part
ZIP_MAX_TOTAL_SIZE = 200 * 1024 * 1024  # declared uncompressed size of all parts
ZIP_MAX_RATIO = 100  # uncompressed / compressed, for parts over ZIP_RATIO_FLOOR
ZIP_RATIO_FLOOR = 1024 * 1024
ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what Word and LibreOffice write
ZIP_READ = 256  # bytes read of any part (only ``mimetype`` is read)

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"


class UnsafeArchive(ValueError):
    """A ZIP that is damaged or out of bounds: refused without being unpacked."""


def sniff(data: bytes | BinaryIO) -> str | None:
    """The type of a position paper by its content: PDF, DOCX or ODT (None otherwise).
    ``data`` is the whole file, as bytes or as a seekable binary file.

    A ZIP is checked within fixed bounds of memory and time: its central directory's
    declared size, entry count, sizes, ratios and compression methods are checked
    before any part is opened, and at most ``ZIP_READ`` bytes of one part are
    unpacked. A damaged or out-of-bounds archive raises ``UnsafeArchive``."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    stream.seek(0)
    head = stream.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    _check_directory(stream)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            _check_entries(infos)
            names = {info.filename for info in infos}
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(ZIP_READ).strip() == ODT.encode():
                        return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except UnsafeArchive:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, KeyError, struct.error, zlib.error) as error:  # fmt: skip
        raise UnsafeArchive(f"damaged archive: {error}") from error
    return None


def _check_directory(stream: BinaryIO) -> None:
    """The end record, read as zipfile reads it: no ZIP64, a small central directory."""
    size = stream.seek(0, io.SEEK_END)
    if size < _EOCD.size:
        raise UnsafeArchive("no end of central directory")
    tail_size = min(size, _EOCD.size + 0xFFFF)  # the record and at most a 64 KB comment
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail_size - _EOCD.size
    if tail[at : at + 4] != _EOCD_SIGNATURE:
        at = tail.rfind(_EOCD_SIGNATURE)
        if at < 0 or at + _EOCD.size > tail_size:
            raise UnsafeArchive("no end of central directory")
    _, disk, cd_disk, on_disk, entries, cd_size, cd_offset, _ = _EOCD.unpack(tail[at : at + _EOCD.size])
    if at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR:
        raise UnsafeArchive("ZIP64 archive")
    if 0xFFFF in (disk, cd_disk, on_disk, entries) or 0xFFFFFFFF in (cd_size, cd_offset):
        raise UnsafeArchive("ZIP64 archive")
    if disk or cd_disk or on_disk != entries:
        raise UnsafeArchive("multi-disk archive")
    if entries > ZIP_MAX_ENTRIES or cd_size > ZIP_MAX_DIRECTORY:
        raise UnsafeArchive(f"{entries} entries in {cd_size} bytes of directory")


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > ZIP_MAX_ENTRIES:
        raise UnsafeArchive(f"{len(infos)} entries")
    total = 0
    for info in infos:
        if info.compress_type not in ZIP_METHODS:
            raise UnsafeArchive(f"{info.filename}: compression method {info.compress_type}")
        if info.flag_bits & 0x1:
            raise UnsafeArchive(f"{info.filename}: encrypted")
        if info.file_size > ZIP_MAX_ENTRY_SIZE:
            raise UnsafeArchive(f"{info.filename}: {info.file_size} bytes unpacked")
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeArchive(f"{info.filename}: {info.file_size} bytes from {info.compress_size}")
        total += info.file_size
        if total > ZIP_MAX_TOTAL_SIZE:
            raise UnsafeArchive(f"{total} bytes unpacked in all")
