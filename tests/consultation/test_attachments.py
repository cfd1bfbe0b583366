"""Position papers are typed by their content within fixed bounds of memory and time:
a ZIP bomb, an archive of too many parts, an unusual compression or a damaged file is
refused next to the attachment field with everything typed kept, and the server's
memory does not move; ordinary DOCX and ODT files are accepted."""

from __future__ import annotations

import bz2
import io
import re
import resource
import struct
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass

import docx
import httpx
import pytest

from portal.config import Settings
from portal.consultation import text as texts
from portal.consultation.models import Comment
from portal.consultation.text import DOCX, ODT, UnsafeArchive, sniff
from tests.consultation.test_comments import comment, docx_bytes, setup_v2

GIB = 1024 * 1024 * 1024
BODY = "Kertas posisi kami terlampir; mohon iuran nelayan dibantu APBD."
REFUSED = "Lampiran berupa berkas DOCX/ODT yang rusak atau tidak lazim"


# -- building archives by hand, small and quick whatever they unpack to --------------------


@dataclass
class Entry:
    name: str
    method: int
    crc: int
    data: bytes  # compressed
    size: int  # unpacked
    flags: int = 0


def raw_zip(entries: list[Entry]) -> bytes:
    """A ZIP written field by field, so an entry can declare what it really unpacks to
    (1 GB) without the test ever holding that much."""
    out = io.BytesIO()
    directory = io.BytesIO()
    for entry in entries:
        offset = out.tell()
        name = entry.name.encode()
        local = (20, entry.flags, entry.method, 0, 0, entry.crc, len(entry.data), entry.size, len(name), 0)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *local))
        out.write(name + entry.data)
        central = (20, 20, entry.flags, entry.method, 0, 0, entry.crc, len(entry.data), entry.size, len(name))
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", *central, 0, 0, 0, 0, 0, offset))
        directory.write(name)
    start, cd = out.tell(), directory.getvalue()
    out.write(cd)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), start, 0))
    return out.getvalue()


def crc_of_zeros(size: int) -> int:
    crc, chunk = 0, bytes(1024 * 1024)
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    return zlib.crc32(bytes(size % len(chunk)), crc)


def deflate_zeros(megabytes: int) -> bytes:
    """Raw deflate of ``megabytes`` MB of zeros: one flushed block, repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1024 * 1024)
    compressor.compress(chunk)
    compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)  # independent of history
    return block * megabytes + compressor.flush(zlib.Z_FINISH)


def _pack(bits: str) -> bytes:
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def bzip2_zeros(blocks: int) -> tuple[bytes, int]:
    """A bzip2 stream of ``blocks`` identical blocks of zeros and its unpacked size: one
    block compressed once (zeros are slow to compress), its bits repeated, the stream's
    combined CRC recomputed — a real stream of about 1 GB in a few hundred bytes."""
    sample = bz2.compress(bytes(50 * 1024 * 1024), 9)  # more than one 900k block of runs
    bits = "".join(f"{byte:08b}" for byte in sample[4:])
    magic, end = f"{0x314159265359:048b}", f"{0x177245385090:048b}"
    first = bits.index(magic)
    block = bits[first : bits.index(magic, first + 48)]
    crc = int(block[48:80], 2)
    combined = 0
    for _ in range(blocks):
        combined = (((combined << 1) | (combined >> 31)) & 0xFFFFFFFF) ^ crc
    one_block = len(bz2.decompress(sample[:4] + _pack(block + end + f"{crc:032b}")))
    return sample[:4] + _pack(block * blocks + end + f"{combined:032b}"), one_block * blocks


def bomb(kind: str) -> bytes:
    """About 1 GB of zeros in a file of a few hundred bytes (bzip2) or about 1 MB (deflate)."""
    if kind == "bzip2-mimetype":
        data, size = bzip2_zeros(22)
        return raw_zip([Entry("mimetype", zipfile.ZIP_BZIP2, crc_of_zeros(size), data, size)])
    data = deflate_zeros(1024)
    size = GIB
    if kind == "deflate-mimetype":
        return raw_zip([Entry("mimetype", zipfile.ZIP_DEFLATED, crc_of_zeros(size), data, size)])
    types = b"<Types/>"
    return raw_zip(
        [
            Entry("[Content_Types].xml", zipfile.ZIP_STORED, zlib.crc32(types), types, len(types)),
            Entry("word/document.xml", zipfile.ZIP_DEFLATED, crc_of_zeros(size), data, size),
        ]
    )


def real_docx() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_heading("Kertas Posisi", level=1)
    document.add_paragraph("Iuran bagi nelayan sebaiknya dibantu penuh oleh APBD. " * 200)
    document.save(buffer)
    return buffer.getvalue()


def real_odt() -> bytes:
    """An ODT as LibreOffice writes it: ``mimetype`` first and stored, the rest deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "content.xml", "<office:document-content/>" * 100, compress_type=zipfile.ZIP_DEFLATED
        )
    return buffer.getvalue()


def peak_rss() -> int:
    """The process's peak resident memory in bytes (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def refused_next_to_the_field(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text[:300]
    assert re.search(
        rf'<input id="attachment" name="attachment"[^>]*><p class="field-error" id="attachment-error">{REFUSED}',
        response.text,
    ), "the refusal is not next to the attachment field"
    assert BODY in response.text  # the comment as typed
    assert '<option value="Kota Serang" selected>' in response.text
    assert 'value="warga@contoh.id"' in response.text


# -- through the app ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["bzip2-mimetype", "deflate-mimetype", "deflate-docx"])
async def test_a_zip_bomb_is_refused_next_to_the_field_quickly_and_memory_stays_put(
    client: httpx.AsyncClient, settings: Settings, kind: str
) -> None:
    await setup_v2()
    file = bomb(kind)
    assert len(file) < 1_100_000  # the test stays small
    # A first comment warms the app up, so what is measured next is the bomb alone.
    warm = await comment(client, body="Pemanasan.", files={"attachment": ("a.docx", docx_bytes(), "x")})
    assert warm.status_code == 303
    before = peak_rss()
    tracemalloc.start()
    try:
        started = time.monotonic()
        response = await comment(
            client, body=BODY, files={"attachment": ("kertas-posisi.docx", file, "application/octet-stream")}
        )
        took = time.monotonic() - started
        _, traced_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert took < 5, f"{took:.1f} s"
    assert traced_peak < 32 * 1024 * 1024, f"{traced_peak / 1e6:.0f} MB allocated while checking"
    assert peak_rss() - before < 64 * 1024 * 1024, f"peak memory grew by {(peak_rss() - before) / 1e6:.0f} MB"
    refused_next_to_the_field(response)
    assert not await Comment.filter(body=BODY).exists()
    assert len(list((settings.data_dir / "lampiran").iterdir())) == 1  # the refused file is not kept


async def test_an_archive_of_too_many_parts_is_refused(client: httpx.AsyncClient) -> None:
    await setup_v2()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for k in range(texts.ZIP_MAX_ENTRIES + 500):
            archive.writestr(f"p/{k}", b"")
    refused_next_to_the_field(
        await comment(client, body=BODY, files={"attachment": ("banyak.docx", buffer.getvalue(), "x")})
    )
    assert not await Comment.exists()


async def test_damaged_archives_are_refused_not_an_error(client: httpx.AsyncClient) -> None:
    await setup_v2()
    whole = real_odt()
    truncated = whole[: len(whole) // 2]
    # The ODT's mimetype part deflated with its bytes spoilt: unpacking it fails.
    spoilt = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = bytearray(spoilt.compress(ODT.encode() * 4) + spoilt.flush())
    data[3:9] = b"\xff" * 6
    corrupt = raw_zip([Entry("mimetype", zipfile.ZIP_DEFLATED, 0, bytes(data), len(ODT) * 4)])
    for name, file in (("terpotong.odt", truncated), ("rusak.odt", corrupt)):
        refused_next_to_the_field(await comment(client, body=BODY, files={"attachment": (name, file, "x")}))
    assert not await Comment.exists()


async def test_ordinary_docx_and_odt_files_are_accepted(client: httpx.AsyncClient) -> None:
    await setup_v2()
    for name, file, kind in (("kertas.docx", real_docx(), DOCX), ("kertas.odt", real_odt(), ODT)):
        response = await comment(client, body=f"Dengan {name}.", files={"attachment": (name, file, "x")})
        assert response.status_code == 303, response.text[:300]
        stored = await Comment.get(body=f"Dengan {name}.")
        assert stored.attachment_type == kind
        assert (await client.get(f"/lampiran/{stored.number}")).content == file


# -- the bounds, one by one -----------------------------------------------------------------


def _refused(file: bytes, reason: str) -> None:
    with pytest.raises(UnsafeArchive, match=reason):
        sniff(file)


def test_each_bound_of_the_archive_check() -> None:
    assert sniff(real_docx()) == DOCX
    assert sniff(real_odt()) == ODT
    xml = b"<w:document>" + b" " * 2_000_000 + b"</w:document>"
    packed = zlib.compressobj(9, zlib.DEFLATED, -15)
    squeezed = packed.compress(xml) + packed.flush()
    _refused(raw_zip([Entry("word/document.xml", 8, zlib.crc32(xml), squeezed, len(xml))]), "bytes from")
    big = raw_zip([Entry(f"p{k}", 0, 0, bytes(1_000_000), 90 * 1024 * 1024) for k in range(3)])
    _refused(big, "bytes unpacked in all")
    _refused(raw_zip([Entry("x", 0, 0, b"", texts.ZIP_MAX_ENTRY_SIZE + 1)]), "bytes unpacked")
    lzma_part = raw_zip([Entry("mimetype", zipfile.ZIP_LZMA, 0, b"\x00" * 9, 10)])
    _refused(lzma_part, "compression method 14")
    _refused(raw_zip([Entry("mimetype", 0, 0, b"x", 1, flags=1)]), "encrypted")
    # The central directory is bounded before zipfile parses it (it ignores the count).
    many = raw_zip([Entry(f"{k:0200d}", 0, 0, b"", 0) for k in range(1100)])
    _refused(many, "entries in")
    lying = bytearray(many)
    lying[-14:-10] = struct.pack("<2H", 1, 1)  # one entry declared, a directory of 1,100
    _refused(bytes(lying), "entries in")
    _refused(b"PK\x03\x04" + b"\x00" * 30, "no end of central directory")
    # An ordinary ZIP that is neither DOCX nor ODT is simply not a position paper.
    assert sniff(raw_zip([Entry("foto.jpg", 0, zlib.crc32(b"x"), b"x", 1)])) is None
