"""`portal backup` / `portal restore`: round trips, tampered archives refused, a backup
taken while comments are written, and tracking numbers never given twice across a
restore. Runs on SQLite, and on PostgreSQL when PORTAL_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import json
import secrets
import shutil
import sqlite3
import tarfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from portal.cli import main
from portal.commands import backup as bk
from portal.config import Settings
from portal.consultation.attachments import Attachment, attachments_dir
from portal.consultation.models import Comment, CommentCounter
from portal.consultation.numbers import NumberLedger
from portal.consultation.services import Submission, submit
from portal.consultation.writer import CommentWriter
from portal.db import tortoise_config
from portal.search.index import SearchIndex
from portal.search.indexer import reindex
from portal.versions.models import Regulation, Version
from tests.consultation.test_comments import docx_bytes, setup_v2


@asynccontextmanager
async def orm(url: str) -> AsyncIterator[None]:
    from tortoise.context import TortoiseContext

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        yield


async def add_comments(settings: Settings, count: int, start: int, attach_every: int = 3) -> list[str]:
    """``count`` comments through the real writer (and its ledger); every ``attach_every``-th
    with an attachment written first, as the form does. Their numbers."""
    version = await Version.get(versi="v2")
    regulation = await Regulation.get(id=version.regulation_id)  # type: ignore[attr-defined]
    writer = CommentWriter(ledger=NumberLedger(settings.ledger_dir))
    numbers = []
    for k in range(start, start + count):
        attachment = None
        if attach_every and k % attach_every == 0:
            path = attachments_dir(settings) / secrets.token_hex(16)
            body = docx_bytes() + f"lampiran {k}".encode()
            path.write_bytes(body)
            attachment = Attachment(f"usul-{k}.docx", path, "application/docx", len(body))
        submission = Submission(
            body=f"Komentar nomor {k}: iuran nelayan perlu dibantu APBD, kata warga {k}.",
            position="usul-perubahan", category="pekerja-informal", region="Kota Serang",
            email=f"warga{k}@contoh.id", submission_key=secrets.token_hex(16),
        )  # fmt: skip
        receipt = await submit(
            version, regulation, None, None, submission, None, f"10.0.{k // 250}.{k % 250}", settings,
            attachment, writer,
        )  # fmt: skip
        numbers.append(receipt.comment.number)
    return numbers


def search_state(settings: Settings) -> tuple[set[str], set[str]]:
    """Every document id in the index, and the ids a word query finds."""
    from whoosh.qparser import QueryParser  # type: ignore[import-untyped]

    index = SearchIndex(settings.data_dir)
    try:
        with index.searcher() as searcher:
            everything = {fields["id"] for fields in searcher.all_stored_fields()}
            query = QueryParser("teks", searcher.schema).parse("nelayan")
            found = {hit["id"] for hit in searcher.search(query, limit=None)}
        return everything, found
    finally:
        index.close()


def attachment_digests(settings: Settings) -> dict[str, str]:
    folder = settings.data_dir / "lampiran"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


async def seeded(settings: Settings, count: int = 9) -> list[str]:
    async with orm(settings.database_url):
        await setup_v2()
        numbers = await add_comments(settings, count, 0)
        await reindex(SearchIndex(settings.data_dir))
    return numbers


async def wipe_database(url: str) -> None:
    """Every table of the test database gone (SQLite: the file itself)."""
    if bk.database_kind(url) == "sqlite":
        path = bk.sqlite_path(url)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    connection = await asyncpg.connect(bk.pg_dsn(url))
    try:
        tables = [
            r["tablename"]
            for r in await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        if tables:
            await connection.execute(f"DROP TABLE {', '.join(bk._quote(t) for t in tables)} CASCADE")
    finally:
        await connection.close()


def rewrite(archive: Path, target: Path, change: str) -> None:
    """A copy of ``archive`` with one thing wrong."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        members = [(info, source.extractfile(info).read()) for info in source]  # type: ignore[union-attr]
        attachments = [info.name for info, _ in members if info.name.startswith("lampiran/")]
        for info, data in members:
            if change == "byte" and info.name == attachments[0]:
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            if change == "missing" and info.name == attachments[-1]:
                continue
            if change == "count" and info.name == "manifest.json":
                manifest = json.loads(data)
                manifest["counts"]["comment"] += 1
                data = json.dumps(manifest).encode()
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


# -- the round trip ------------------------------------------------------------------------


async def test_backup_wipe_restore_gives_back_the_same_rows_files_and_search(
    settings: Settings, tmp_path: Path
) -> None:
    settings = dataclasses.replace(settings, number_ledger=tmp_path / "ledger")  # kept apart from the data
    numbers = await seeded(settings)
    files = attachment_digests(settings)
    assert len(files) == 3
    search = search_state(settings)
    assert {f"c:{k}" for k in range(1, 10)} <= search[1]  # every comment speaks of nelayan
    archive = tmp_path / "cadangan" / "portal.tar.gz"
    first = await asyncio.to_thread(bk.create_backup, settings, archive)
    manifest = first.manifest
    assert manifest["counts"]["comment"] == 9
    assert manifest["attachments"]["count"] == 3
    assert set(manifest["members"]) == {manifest["database"]["member"]} | {f"lampiran/{k}" for k in files}
    assert not archive.with_name(archive.name + ".partial").exists()

    await wipe_database(settings.database_url)
    shutil.rmtree(settings.data_dir)
    result = await asyncio.to_thread(bk.restore_backup, settings, archive)

    assert result.indexed == len(search[0])
    assert attachment_digests(settings) == files  # byte-identical
    assert search_state(settings) == search
    again = await asyncio.to_thread(bk.create_backup, settings, tmp_path / "again.tar")
    counts = dict(again.manifest["counts"])
    assert counts.pop("audit_event") == manifest["counts"]["audit_event"] + 1  # the restore itself
    written = {"audit_event", "search_state"}  # by the restore and its reindex
    assert {t: n for t, n in counts.items() if t not in written} == {
        t: n for t, n in manifest["counts"].items() if t not in written
    }
    attachments = {n: m for n, m in again.manifest["members"].items() if n.startswith("lampiran/")}
    assert attachments == {n: m for n, m in manifest["members"].items() if n.startswith("lampiran/")}
    async with orm(settings.database_url):
        stored = await Comment.all().order_by("id").values_list("number", flat=True)
        assert [str(n) for n in stored] == numbers
        from portal.accounts.models import AuditEvent

        event = await AuditEvent.get(action="restore")
        assert event.details["backup_created_at"] == manifest["created_at"]


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("byte", "does not match its checksum"),
        ("missing", "missing from the archive"),
        ("count", "the manifest says 10"),
    ],
)
async def test_a_tampered_archive_is_refused_and_changes_nothing(
    settings: Settings, tmp_path: Path, change: str, reason: str
) -> None:
    await seeded(settings)
    archive = tmp_path / "portal.tar"
    await asyncio.to_thread(bk.create_backup, settings, archive)
    async with orm(settings.database_url):
        later = await add_comments(
            settings, 1, 100, attach_every=0
        )  # after the backup: must survive a refusal
    bad = tmp_path / "bad.tar"
    rewrite(archive, bad, change)
    with pytest.raises(bk.BackupError) as refused:
        await asyncio.to_thread(bk.restore_backup, settings, bad)
    assert any(reason in problem for problem in refused.value.problems), refused.value.problems
    async with orm(settings.database_url):
        assert await Comment.filter(number=later[0]).exists()
        assert await Comment.all().count() == 10


async def test_the_commands_exit_1_with_the_problems_and_refuse_a_running_portal(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seeded(settings, 3)
    for name, value in (
        ("PORTAL_DATA_DIR", str(settings.data_dir)),
        ("PORTAL_DATABASE_URL", settings.database_url),
        ("PORTAL_SECRET_KEY", "another-key"),
    ):
        monkeypatch.setenv(name, value)
    archive = tmp_path / "portal.tar"
    out = io.StringIO()
    assert await asyncio.to_thread(main, ["backup", "--lang", "en", str(archive)], out) == 0
    assert out.getvalue().startswith(f"Backup written: {archive} (")
    bad = tmp_path / "bad.tar"
    rewrite(archive, bad, "byte")
    out = io.StringIO()
    assert await asyncio.to_thread(main, ["restore", "--lang", "en", str(bad)], out) == 1
    assert out.getvalue().startswith("Restore refused:\n  member lampiran/")
    with SearchIndex(settings.data_dir).writer_lock() as mine:  # as a running portal's indexer
        assert mine
        out = io.StringIO()
        assert await asyncio.to_thread(main, ["restore", "--lang", "en", str(archive)], out) == 1
        assert "a portal is running" in out.getvalue()
    monkeypatch.setenv("PORTAL_SECRET_KEY", "a-third-key")
    out = io.StringIO()
    assert await asyncio.to_thread(main, ["restore", "--lang", "en", str(archive)], out) == 0
    text = out.getvalue()
    assert "Restored from" in text
    assert "Search index rebuilt" in text
    assert "the secret key differs" in text  # backed up with one key, restored with another


async def test_a_backup_while_comments_are_written_has_every_file_its_rows_name(
    settings: Settings, tmp_path: Path
) -> None:
    await seeded(settings, 3)
    async with orm(settings.database_url):
        done = asyncio.Event()

        async def keep_writing() -> int:
            k = 1000
            while not done.is_set():
                await add_comments(settings, 3, k, attach_every=1)
                k += 3
            return k - 1000

        writing = asyncio.create_task(keep_writing())
        archives = []
        for n in range(6):
            archives.append(
                (await asyncio.to_thread(bk.create_backup, settings, tmp_path / f"b{n}.tar")).path
            )
            await asyncio.sleep(0.05)
        done.set()
        written = await writing
    assert written >= 6
    seen = set()
    for archive in archives:
        staging = tmp_path / f"check-{archive.stem}"
        staging.mkdir()
        manifest = bk.unpack(archive, staging)  # every checksum
        seen.add(manifest["counts"]["comment"])
        listed = {n.split("/", 1)[1] for n in manifest["members"] if n.startswith("lampiran/")}
        if manifest["database"]["kind"] == "sqlite":
            database = sqlite3.connect(staging / "database.sqlite3")
            keys = {
                k
                for (k,) in database.execute("SELECT attachment_key FROM comment WHERE attachment_key != ''")
            }
            rows = database.execute("SELECT count(*) FROM comment").fetchone()[0]
            database.close()
            assert rows == manifest["counts"]["comment"]
            assert keys == listed  # no row without its file, no file without its row
        assert manifest["attachments"]["count"] == len(listed)
        assert all((staging / "lampiran" / key).stat().st_size > 0 for key in listed)
    assert len(seen) > 1, seen  # the snapshots were taken while comments went in


# -- tracking numbers ---------------------------------------------------------------------


async def test_a_number_acknowledged_after_the_backup_is_never_given_again(
    settings: Settings, tmp_path: Path
) -> None:
    early = await seeded(settings, 4)
    archive = tmp_path / "older.tar"
    await asyncio.to_thread(bk.create_backup, settings, archive)
    async with orm(settings.database_url):
        acknowledged = early + await add_comments(settings, 5, 200)  # the restore loses these five
    result = await asyncio.to_thread(bk.restore_backup, settings, archive)
    prefix = acknowledged[0].rsplit("-", 1)[0]
    assert result.counters[prefix] == (9, 4, 9)  # next after 9; the backup had 4, the ledger 9
    async with orm(settings.database_url):
        assert await Comment.all().count() == 4
        fresh = await add_comments(settings, 2, 300)  # a new process: a writer of its own
    assert not set(fresh) & set(acknowledged)
    assert fresh == [f"{prefix}-000010", f"{prefix}-000011"]


async def test_without_its_ledger_a_restore_needs_a_gap_and_then_skips_it(
    settings: Settings, tmp_path: Path
) -> None:
    await seeded(settings, 4)
    archive = tmp_path / "older.tar"
    await asyncio.to_thread(bk.create_backup, settings, archive)
    async with orm(settings.database_url):
        lost = await add_comments(settings, 3, 200)
    shutil.rmtree(settings.ledger_dir)  # the disk with the ledger is gone too
    with pytest.raises(bk.BackupError) as refused:
        await asyncio.to_thread(bk.restore_backup, settings, archive)
    assert "no number ledger" in refused.value.problems[0]
    await asyncio.to_thread(bk.restore_backup, settings, archive, 100)
    async with orm(settings.database_url):
        fresh = await add_comments(settings, 1, 300)
    prefix = lost[0].rsplit("-", 1)[0]
    assert fresh == [f"{prefix}-000105"]  # 4 in the backup, 100 skipped
    assert NumberLedger(settings.ledger_dir).marks() == {prefix: 105}


async def test_a_database_rolled_back_by_hand_resumes_above_the_ledger(settings: Settings) -> None:
    """pg_restore by hand, then the portal restarted: its writers start above the ledger."""
    numbers = await seeded(settings, 3)
    prefix = numbers[0].rsplit("-", 1)[0]
    async with orm(settings.database_url):
        await CommentCounter.filter(name=prefix).update(value=1)  # as an older dump would leave it
        await Comment.filter(number__in=numbers[1:]).delete()
        fresh = await add_comments(settings, 1, 400)
    assert fresh == [f"{prefix}-000004"]
    assert NumberLedger(settings.ledger_dir).marks() == {prefix: 4}


def test_the_ledger_ignores_damaged_lines_and_keeps_the_highest(tmp_path: Path) -> None:
    one, two = NumberLedger(tmp_path, host="web1"), NumberLedger(tmp_path, host="web2")
    one.record({"JSK-2026": 10})
    two.record({"JSK-2026": 25, "PDR-2026": 3})
    one.record({"JSK-2026": 12})
    with (tmp_path / "web1.ledger").open("a") as handle:
        handle.write("JSK-2026 99 00000000\nJSK-2026 7")  # a wrong checksum, a torn line
    assert NumberLedger(tmp_path).marks() == {"JSK-2026": 25, "PDR-2026": 3}
    assert one.floor("JSK-2026") == 12  # what this process recorded (read once)
    assert NumberLedger(tmp_path, host="web3").floor("JSK-2026") == 25
