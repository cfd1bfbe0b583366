"""Places of regional government (pure): the capital where a regional head signs, for
the Penutup of a regulation ("…" where the portal does not know it)."""

from __future__ import annotations

IBUKOTA = {
    "Provinsi Banten": "Serang",
    "Kota Serang": "Serang",
    "Kota Cilegon": "Cilegon",
    "Kota Tangerang": "Tangerang",
    "Kota Tangerang Selatan": "Tangerang Selatan",
    "Kabupaten Serang": "Ciruas",
    "Kabupaten Tangerang": "Tigaraksa",
    "Kabupaten Lebak": "Rangkasbitung",
    "Kabupaten Pandeglang": "Pandeglang",
}


def ibukota_of(daerah: str) -> str:
    """The capital of ``daerah`` (e.g. "Provinsi Banten" → "Serang"), or "…"."""
    return IBUKOTA.get(daerah, "…")
