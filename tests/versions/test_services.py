from __future__ import annotations

import pytest
from tortoise.context import TortoiseContext

from portal.document import parse, write
from portal.versions import services
from portal.versions.models import ImmutableVersionError, Provision, Regulation, Version
from tests.conftest import ROOT

CONTOH = (ROOT / "tests" / "data" / "contoh.md").read_text(encoding="utf-8")


async def test_import_stores_canonical_text_with_checksum(db: TortoiseContext) -> None:
    result = await services.import_text(CONTOH)
    assert result.status == "created"
    version = await Version.get(id=result.version.id)
    assert version.source == write(parse(CONTOH))
    assert version.checksum == services.checksum(version.source)
    assert len(version.checksum) == 64
    assert version.published_at is not None
    assert version.pasal_count == 2
    assert await Provision.filter(version_id=version.id).count() == len(parse(CONTOH).paths())


async def test_reimporting_identical_version_does_nothing(db: TortoiseContext) -> None:
    await services.import_text(CONTOH)
    again = await services.import_text(CONTOH.replace("\n\n", "\n\n\n"))  # same canonical text
    assert again.status == "unchanged"
    assert await Version.all().count() == 1
    assert await Regulation.all().count() == 1


async def test_different_text_under_published_versi_is_refused(db: TortoiseContext) -> None:
    await services.import_text(CONTOH)
    changed = CONTOH.replace("paling lama 30 (tiga puluh) hari", "paling lama 14 (empat belas) hari")
    with pytest.raises(services.VersionConflict) as info:
        await services.import_text(changed)
    assert "sudah terbit dengan teks yang berbeda" in info.value.message("id")
    assert "already published with a different text" in info.value.message("en")
    assert await Version.all().count() == 1


async def test_published_version_is_immutable(db: TortoiseContext) -> None:
    result = await services.import_text(CONTOH)
    version = await Version.get(id=result.version.id)
    version.label = "Diubah"
    with pytest.raises(ImmutableVersionError):
        await version.save()
    provision = await Provision.filter(version_id=version.id).first()
    assert provision is not None
    provision.text = "Diubah"
    with pytest.raises(ImmutableVersionError):
        await provision.save()


async def test_stored_rows_rebuild_the_parsed_tree(db: TortoiseContext) -> None:
    await services.import_text(CONTOH)
    version = await services.find_version("contoh", "v1")
    assert version is not None
    document = await services.load_document(version)
    assert document == parse(CONTOH)
    # Stored line numbers point into the stored canonical text.
    lines = version.source.splitlines()
    for node in document.walk():
        if node.kind == "pasal":
            assert lines[node.line - 1] == f"##### Pasal {node.number}"


async def test_second_version_updates_regulation_title(db: TortoiseContext) -> None:
    await services.import_text(CONTOH)
    newer = CONTOH.replace("versi: v1", "versi: v2").replace("tanggal: 2026-01-15", "tanggal: 2026-02-01")
    newer = newer.replace("tentang: Contoh Pengaturan", "tentang: Contoh Pengaturan Baru")
    await services.import_text(newer)
    regulation = await Regulation.get(slug="contoh")
    assert regulation.tentang == "Contoh Pengaturan Baru"
    pairs = await services.list_regulations()
    assert [v.versi for v in pairs[0][1]] == ["v1", "v2"]
