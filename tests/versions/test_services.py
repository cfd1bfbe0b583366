from __future__ import annotations

import pytest
from tortoise.context import TortoiseContext

from portal.document import parse, write
from portal.versions import services
from portal.versions.models import AlignmentRow, ImmutableVersionError, Provision, Regulation, Version
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


async def test_publishing_aligns_with_the_previous_version_and_carries_lineage(db: TortoiseContext) -> None:
    drafts = ROOT / "drafts" / "jamsos-ketenagakerjaan"
    for name in ("v1", "v2", "v3"):
        await services.import_text((drafts / f"{name}.md").read_text(encoding="utf-8"))
    versions = {v.versi: v for v in await Version.all()}
    assert [versions[v].status for v in ("v1", "v2", "v3")] == ["superseded", "superseded", "published"]
    assert versions["v1"].previous_id is None  # type: ignore[attr-defined]
    assert versions["v2"].previous_id == versions["v1"].id  # type: ignore[attr-defined]

    async def lineage(versi: str, path: str) -> str | None:
        row = await Provision.get(version_id=versions[versi].id, path=path)
        return row.lineage

    # v1 Pasal 15 moved to v2 Pasal 9; v1 Pasal 9 became v2 Pasal 10.
    assert await lineage("v1", "pasal-15") == await lineage("v2", "pasal-9")
    assert await lineage("v1", "pasal-9") == await lineage("v2", "pasal-10")
    assert await lineage("v1", "pasal-13/ayat-1") in {
        await lineage("v2", "pasal-14/ayat-1"),
        await lineage("v2", "pasal-14/ayat-2"),
    }
    inserted = await lineage("v2", "pasal-16")
    assert inserted is not None
    assert not await Provision.filter(version_id=versions["v1"].id, lineage=inserted).exists()
    lineages = await Provision.filter(version_id=versions["v2"].id).values_list("lineage", flat=True)
    assert len(set(lineages)) == len(lineages)  # one lineage per provision
    rows = await AlignmentRow.filter(to_version_id=versions["v2"].id).order_by("position")
    assert any((r.old_path, r.new_path, r.kind) == ("pasal-15", "pasal-9", "moved") for r in rows)
    assert await AlignmentRow.filter(to_version_id=versions["v1"].id).count() == 0


async def test_versions_follow_the_order_of_publication_not_their_date(db: TortoiseContext) -> None:
    # The spec (§1): tanggal never orders versions; each new one comes after the latest.
    drafts = ROOT / "drafts" / "jamsos-ketenagakerjaan"
    await services.import_text((drafts / "v2.md").read_text(encoding="utf-8"))
    await services.import_text((drafts / "v1.md").read_text(encoding="utf-8"))
    rows = await Version.all().order_by("sequence").values_list("versi", "sequence", "status")
    assert rows == [("v2", 1, "superseded"), ("v1", 2, "published")]
    v1 = await Version.get(versi="v1").select_related("previous")
    assert v1.previous is not None
    assert v1.previous.versi == "v2"
    _, versions = await services.regulation_with_versions("jamsos-ketenagakerjaan") or (None, [])
    assert [v.versi for v in versions] == ["v2", "v1"]


async def test_the_migration_orders_existing_versions_by_publication(db: TortoiseContext) -> None:
    import datetime as dt
    import importlib

    from tortoise import connections
    from tortoise.migrations.operations import RunSQL

    drafts = ROOT / "drafts" / "jamsos-ketenagakerjaan"
    for name in ("v1", "v2", "v3"):
        await services.import_text((drafts / f"{name}.md").read_text(encoding="utf-8"))
    # Rows from before the sequence: published v2, v3, v1 (same instant for v3 and v1: by id).
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    times = {"v1": base + dt.timedelta(days=2), "v2": base, "v3": base + dt.timedelta(days=2)}
    for k, (versi, at) in enumerate(times.items()):
        await Version.filter(versi=versi).update(published_at=at, sequence=-1 - k)
    migration = importlib.import_module("portal.migrations.0017_version_sequence").Migration
    (update,) = [op for op in migration.operations if isinstance(op, RunSQL)]
    await connections.get("default").execute_script(update.sql)
    rows = await Version.all().order_by("sequence").values_list("versi", "sequence")
    assert rows == [("v2", 1), ("v1", 2), ("v3", 3)]
