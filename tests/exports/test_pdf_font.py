"""The printed version is set in the official face: Bookman Old Style, or URW Bookman
(Debian's fonts-urw-base35) where that is what the machine has."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

import pytest

from portal.document import parse
from portal.exports.pdf import official_pdf
from tests.conftest import ROOT


def embedded_fonts(pdf: bytes) -> set[str]:
    """The names of the fonts a PDF embeds, read from its (compressed) object streams."""
    names: set[str] = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            data = stream
        names.update(n.decode() for n in re.findall(rb"/(?:BaseFont|FontName)\s*/([\w+\-]+)", data))
    names.update(n.decode() for n in re.findall(rb"/(?:BaseFont|FontName)\s*/([\w+\-]+)", pdf))
    return {n.split("+", 1)[-1] for n in names}  # "ABCDEF+URW-Bookman-Light" → the face


def installed(family: str) -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    out = subprocess.run([fc_list, ":", "family"], check=True, capture_output=True, text=True).stdout
    return any(family in line.split(",") for line in out.splitlines())


def test_the_pdf_embeds_urw_bookman_and_no_other_face() -> None:
    if installed("Bookman Old Style"):
        pytest.skip("Bookman Old Style is installed: it comes before URW Bookman")
    if not installed("URW Bookman"):
        pytest.skip("URW Bookman is not installed (apt-get install -y fonts-urw-base35)")
    document = parse((ROOT / "tests" / "data" / "contoh.md").read_text(encoding="utf-8"))  # hyphenates
    fonts = embedded_fonts(official_pdf(document))
    assert fonts
    assert all(f.startswith("URW-Bookman") for f in fonts), fonts  # no Liberation Serif, even for "-"
