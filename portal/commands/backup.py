"""`portal backup` and `portal restore`: one archive with the database, the attachments
its rows reference and a manifest; restored only once every checksum and count agrees.

The archive is a tar file (gzip-compressed when its name ends in ``.gz`` or ``.tgz``):

- ``database.sqlite3`` (SQLite, through its online backup API: one consistent snapshot
  while the portal keeps writing) or ``database.pgdump`` (``pg_dump --format=custom``
  of an exported snapshot, so that the facts below come from the very same snapshot);
- ``lampiran/<key>``: exactly the attachment files the snapshot's comments reference,
  read after the snapshot (a file is written before its row, and a redaction removes
  the file before the row changes: a file a snapshot row names is still there, unless
  redacted meanwhile — then the snapshot is taken again);
- ``manifest.json``: format, when, the kind of database, the migration head, the rows of
  every table, the tracking counters, the number ledger's marks, and the size and
  SHA-256 of every other member.

The secret key is never put in the archive (whoever holds it can sign sessions and
lookup links): the manifest keeps a fingerprint, and ``restore`` warns when the key in
use differs. See ``docs/deployment.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO
from urllib.parse import unquote, urlsplit

from portal.commands.arguments import N_
from portal.config import ROOT, Settings
from portal.consultation.numbers import NumberLedger
from portal.i18n import Translator

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
ATTACHMENTS = "lampiran"
KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
TABLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
MIGRATIONS_TABLE = "tortoise_migrations"
SNAPSHOT_TRIES = 3  # a redaction between the snapshot and the copy of its file: try again
CHUNK = 1024 * 1024

MESSAGES = {
    "backup_done": N_(
        "Backup written: %(path)s (%(tables)s tables, %(rows)s rows, %(files)s attachments, %(size)s bytes, %(seconds)s s)"
    ),
    "backup_failed": N_("Backup failed:"),
    "restore_refused": N_("Restore refused:"),
    "restore_done": N_(
        "Restored from %(path)s (backup of %(created)s): %(tables)s tables, %(rows)s rows, %(files)s attachments."
    ),
    "counter_raised": N_("numbers %(prefix)s: next after %(value)s (backup: %(backup)s, ledger: %(ledger)s)"),
    "reindexed": N_("Search index rebuilt: %(count)s documents."),
    "unreferenced": N_("%(count)s files in %(folder)s are referenced by no comment; left in place."),
    "key_differs": N_(
        "Warning: the secret key differs from the backup's: sessions end, /lacak links already sent stop working and rate limits start from zero."
    ),
}


def say(key: str, lang: str, **params: object) -> str:
    return Translator(lang).gettext(MESSAGES[key], **params)


class BackupError(Exception):
    """A backup or restore that must not go on; every reason, in English."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


# -- where the database is ----------------------------------------------------------------


def normalise_url(url: str) -> str:
    from portal.db import normalise_url as normalise  # the ORM only when a command runs

    return normalise(url)


def database_kind(url: str) -> str:
    url = normalise_url(url)
    if url.startswith("sqlite://"):
        return "sqlite"
    if url.startswith("postgres://"):
        return "postgres"
    raise BackupError([f"unsupported database URL (only sqlite:// and postgres://): {url.split(':', 1)[0]}"])


def sqlite_path(url: str) -> Path:
    path = normalise_url(url).removeprefix("sqlite://").split("?", 1)[0]
    if not path or path == ":memory:":
        raise BackupError(["an in-memory SQLite database cannot be backed up"])
    return Path(path)


def pg_env(url: str) -> dict[str, str]:
    """libpq's variables for ``url``: the password never appears in a command line."""
    parts = urlsplit(normalise_url(url))
    env = {**os.environ, "PGDATABASE": unquote(parts.path.lstrip("/")), "PGCONNECT_TIMEOUT": "10"}
    for name, value in (
        ("PGHOST", parts.hostname),
        ("PGPORT", str(parts.port) if parts.port else None),
        ("PGUSER", unquote(parts.username) if parts.username else None),
        ("PGPASSWORD", unquote(parts.password) if parts.password else None),
    ):
        if value:
            env[name] = value
    return env


def pg_dsn(url: str) -> str:
    return "postgresql://" + normalise_url(url).removeprefix("postgres://").split("?", 1)[0]


def known_migrations() -> list[str]:
    folder = ROOT / "portal" / "migrations"
    return sorted(p.stem for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py"))


def key_fingerprint(secret: str) -> str:
    return hashlib.sha256(f"raperda-portal/backup-fingerprint:{secret}".encode()).hexdigest()[:16]


# -- facts read from a snapshot -----------------------------------------------------------


@dataclass
class Facts:
    """What a snapshot holds: rows per table, attachments named by comments, counters."""

    counts: dict[str, int] = field(default_factory=dict)
    attachments: dict[str, int] = field(default_factory=dict)  # key → size recorded in the row
    counters: dict[str, int] = field(default_factory=dict)
    head: str = ""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_facts(connection: sqlite3.Connection) -> Facts:
    facts = Facts()
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table in tables:
        facts.counts[table] = int(connection.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0])  # noqa: S608 - a table name from the catalog
    if "comment" in tables:
        for key, size in connection.execute(
            "SELECT attachment_key, attachment_size FROM comment WHERE attachment_key != ''"
        ):
            facts.attachments[str(key)] = int(size)
    if "comment_counter" in tables:
        facts.counters = {
            str(n): int(v) for n, v in connection.execute("SELECT name, value FROM comment_counter")
        }
    if MIGRATIONS_TABLE in tables:
        row = connection.execute(f"SELECT max(name) FROM {MIGRATIONS_TABLE} WHERE app = 'models'").fetchone()  # noqa: S608 - a constant
        facts.head = str(row[0] or "")
    return facts


async def pg_facts(connection: Any) -> Facts:
    """The same facts through an asyncpg connection (inside the dump's snapshot)."""
    facts = Facts()
    tables = [
        r["tablename"]
        for r in await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    ]
    for table in tables:
        facts.counts[table] = int(await connection.fetchval(f"SELECT count(*) FROM {_quote(table)}"))  # noqa: S608 - a table name from the catalog
    if "comment" in tables:
        for r in await connection.fetch(
            "SELECT attachment_key, attachment_size FROM comment WHERE attachment_key != ''"
        ):
            facts.attachments[r["attachment_key"]] = int(r["attachment_size"])
    if "comment_counter" in tables:
        facts.counters = {
            r["name"]: int(r["value"])
            for r in await connection.fetch("SELECT name, value FROM comment_counter")
        }
    if MIGRATIONS_TABLE in tables:
        head = await connection.fetchval(f"SELECT max(name) FROM {MIGRATIONS_TABLE} WHERE app = 'models'")  # noqa: S608 - a constant
        facts.head = str(head or "")
    return facts


# -- taking the snapshot ------------------------------------------------------------------


def snapshot_sqlite(url: str, target: Path) -> Facts:
    """The database copied page by page in one read transaction (the online backup API:
    writers go on meanwhile, WAL mode), then the facts read from the copy."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise BackupError([f"no database at {source_path}"])
    target.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # pages=-1: all at once, one consistent snapshot
            return sqlite_facts(copy)
        finally:
            copy.close()
    finally:
        source.close()


async def snapshot_postgres(url: str, target: Path) -> Facts:
    """``pg_dump`` of a snapshot exported by a repeatable-read transaction that reads the
    facts too: the dump and the manifest describe the same moment."""
    import asyncpg  # type: ignore[import-untyped]

    await asyncio.to_thread(target.unlink, missing_ok=True)
    connection = await asyncpg.connect(pg_dsn(url), timeout=10)
    try:
        transaction = connection.transaction(isolation="repeatable_read", readonly=True)
        await transaction.start()
        try:
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            facts = await pg_facts(connection)
            process = await asyncio.create_subprocess_exec(
                "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                f"--file={target}", env=pg_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
            _, errors = await process.communicate()
            if process.returncode != 0:
                raise BackupError([f"pg_dump failed: {errors.decode(errors='replace').strip()}"])
        finally:
            await transaction.rollback()
    finally:
        await connection.close()
    return facts


# -- writing the archive ------------------------------------------------------------------


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
        hashing = _Hashing(handle)
        archive.addfile(info, hashing)
    return {"size": size, "sha256": hashing.digest.hexdigest()}


def _mode(path: Path, writing: bool) -> str:
    gz = path.name.endswith((".gz", ".tgz"))
    return ("w:gz" if gz else "w") if writing else "r:*"


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    seconds: float


def create_backup(settings: Settings, out_path: Path) -> BackupResult:
    """Write the archive to ``out_path`` (atomically: a partial file is never left under
    that name). Raises ``BackupError`` with every problem."""
    import time

    started = time.monotonic()
    kind = database_kind(settings.database_url)
    out_path = out_path.expanduser().resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    folder = settings.data_dir / ATTACHMENTS
    with tempfile.TemporaryDirectory(prefix="portal-backup-", dir=out_path.parent) as work:
        database = Path(work) / (SQLITE_MEMBER if kind == "sqlite" else PG_MEMBER)
        missing: list[str] = []
        for _ in range(SNAPSHOT_TRIES):
            if kind == "sqlite":
                facts = snapshot_sqlite(settings.database_url, database)
            else:
                facts = asyncio.run(snapshot_postgres(settings.database_url, database))
            missing = [
                f"attachment {key} of a comment is missing from {folder}"
                for key in sorted(facts.attachments)
                if not KEY.fullmatch(key) or not (folder / key).is_file()
            ]
            if not missing:
                break
        if missing:
            raise BackupError(missing)
        partial = out_path.with_name(out_path.name + ".partial")
        members: dict[str, Any] = {}
        try:
            with tarfile.open(partial, _mode(out_path, writing=True)) as archive:  # type: ignore[call-overload]
                members[database.name] = _add(archive, database.name, database)
                wrong: list[str] = []
                for key, size in sorted(facts.attachments.items()):
                    entry = _add(archive, f"{ATTACHMENTS}/{key}", folder / key)
                    if size and entry["size"] != size:
                        wrong.append(f"attachment {key} has {entry['size']} bytes, its comment says {size}")
                    members[f"{ATTACHMENTS}/{key}"] = entry
                if wrong:
                    raise BackupError(wrong)
                manifest = {
                    "format": FORMAT,
                    "application": "raperda-portal",
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "database": {"kind": kind, "member": database.name},
                    "migration_head": facts.head,
                    "counts": facts.counts,
                    "counters": facts.counters,
                    "number_marks": NumberLedger(settings.ledger_dir).marks(),
                    "attachments": {
                        "count": len(facts.attachments),
                        "bytes": sum(
                            m["size"] for n, m in members.items() if n.startswith(ATTACHMENTS + "/")
                        ),
                    },
                    "secret_key_fingerprint": key_fingerprint(settings.secret_key),
                    "members": members,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mode = 0o600
                info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
                import io

                archive.addfile(info, io.BytesIO(body))
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, out_path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(out_path, manifest, time.monotonic() - started)


# -- reading and checking an archive ------------------------------------------------------


def _member_allowed(name: str) -> bool:
    if name in (MANIFEST, SQLITE_MEMBER, PG_MEMBER):
        return True
    folder, _, key = name.partition("/")
    return folder == ATTACHMENTS and bool(KEY.fullmatch(key))


def unpack(archive_path: Path, staging: Path) -> dict[str, Any]:
    """Extract into ``staging`` and check it against its manifest: every member listed
    and present, no other, sizes and SHA-256 equal. Returns the manifest."""
    problems: list[str] = []
    found: dict[str, dict[str, Any]] = {}
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            for info in archive:
                if not info.isfile() or not _member_allowed(info.name) or info.name in found:
                    problems.append(f"unexpected member in the archive: {info.name!r}")
                    continue
                source = archive.extractfile(info)
                if source is None:
                    problems.append(f"unreadable member: {info.name}")
                    continue
                if info.name == MANIFEST:
                    try:
                        manifest = json.loads(source.read(16 * 1024 * 1024))
                    except ValueError as error:
                        problems.append(f"the manifest is not valid JSON: {error}")
                    found[info.name] = {}
                    continue
                target = staging / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[info.name] = {"size": size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError([f"cannot read the archive {archive_path}: {error}"]) from error
    if manifest is None or not isinstance(manifest, dict):
        raise BackupError([*problems, "the archive has no manifest.json"])
    if manifest.get("format") != FORMAT or manifest.get("application") != "raperda-portal":
        raise BackupError([*problems, f"not a Raperda Portal backup of format {FORMAT}"])
    listed: dict[str, Any] = manifest.get("members") or {}
    for name, expected in sorted(listed.items()):
        got = found.get(name)
        if got is None:
            problems.append(f"member {name} is listed in the manifest but missing from the archive")
        elif got != {"size": expected.get("size"), "sha256": expected.get("sha256")}:
            problems.append(f"member {name} does not match its checksum in the manifest")
    for name in sorted(set(found) - set(listed) - {MANIFEST}):
        problems.append(f"member {name} is not listed in the manifest")
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not all(
        TABLE.fullmatch(str(t)) and isinstance(n, int) for t, n in counts.items()
    ):
        problems.append("the manifest's row counts are not a table → number mapping")
    database = (manifest.get("database") or {}).get("member")
    if database not in listed:
        problems.append("the manifest names no database member")
    attachments = sum(1 for n in listed if n.startswith(ATTACHMENTS + "/"))
    if attachments != (manifest.get("attachments") or {}).get("count"):
        problems.append(
            f"the manifest counts {manifest.get('attachments')} attachments, it lists {attachments}"
        )
    if problems:
        raise BackupError(problems)
    return manifest


def compare_counts(expected: dict[str, int], got: dict[str, int]) -> list[str]:
    problems = [
        f"table {table}: {got.get(table, 'no')} rows after loading, the manifest says {count}"
        for table, count in sorted(expected.items())
        if got.get(table) != count
    ]
    problems += [
        f"table {t} is in the database but not in the manifest" for t in sorted(set(got) - set(expected))
    ]
    return problems


# -- restoring ------------------------------------------------------------------------------


@contextmanager
def portal_stopped(settings: Settings) -> Iterator[None]:
    """Refuse while a portal (or ``portal index``) runs on this data folder: its indexer
    holds ``search/writer.lock``. The lock is held while the database and files change."""
    from portal.search.index import SearchIndex

    with SearchIndex(settings.data_dir).writer_lock(wait=False) as mine:
        if not mine:
            raise BackupError(
                [
                    f"a portal is running on {settings.data_dir} (search/writer.lock is held): "
                    "stop every `portal serve` and `portal index` first"
                ]
            )
        yield


def _restore_sqlite(settings: Settings, staged: Path, manifest: dict[str, Any]) -> None:
    live = sqlite_path(settings.database_url)
    check = sqlite3.connect(staged)
    try:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
        problems = [] if verdict == "ok" else [f"the database in the archive is damaged: {verdict}"]
        problems += compare_counts(manifest["counts"], sqlite_facts(check).counts)
    finally:
        check.close()
    if problems:
        raise BackupError(problems)
    live.parent.mkdir(parents=True, exist_ok=True)
    incoming = live.with_name(live.name + ".restoring")
    shutil.copyfile(staged, incoming)
    with incoming.open("rb") as handle:
        os.fsync(handle.fileno())
    for suffix in (
        "-wal",
        "-shm",
        "-journal",
    ):  # of the database being replaced: never apply them to the new one
        live.with_name(live.name + suffix).unlink(missing_ok=True)
    os.replace(incoming, live)


async def _pg_tables(url: str) -> tuple[str, list[str]]:
    import asyncpg

    connection = await asyncpg.connect(pg_dsn(url), timeout=10)
    try:
        schema = str(await connection.fetchval("SELECT current_schema()"))
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return schema, [r["tablename"] for r in rows]
    finally:
        await connection.close()


def _restore_postgres(settings: Settings, staged: Path, manifest: dict[str, Any], work: Path) -> None:
    """One transaction: drop the portal's tables, load the dump, check every count (a
    mismatch raises inside the transaction, so nothing changes)."""
    url = settings.database_url
    env = pg_env(url)
    schema, tables = asyncio.run(_pg_tables(url))
    script = work / "restore.sql"
    listing = subprocess.run(  # noqa: S603 - fixed program, our own arguments
        ["pg_restore", "--no-owner", "--no-privileges", f"--file={script}.body", str(staged)],  # noqa: S607
        env=env, capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    if listing.returncode != 0:
        raise BackupError([f"pg_restore cannot read the dump: {listing.stderr.strip()}"])
    checks = "\n".join(
        f"  SELECT count(*) INTO n FROM {_quote(schema)}.{_quote(table)};\n"  # noqa: S608 - names checked by unpack
        f"  IF n <> {int(count)} THEN RAISE EXCEPTION 'table {table}: % rows after loading, the manifest says {int(count)}', n; END IF;"
        for table, count in sorted(manifest["counts"].items())
    )
    with script.open("w", encoding="utf-8") as out:
        if tables:
            out.write(
                f"DROP TABLE IF EXISTS {', '.join(_quote(schema) + '.' + _quote(t) for t in tables)} CASCADE;\n"
            )
        with Path(f"{script}.body").open(encoding="utf-8") as body:
            shutil.copyfileobj(body, out)
        out.write(f"\nDO $portal_check$\nDECLARE n bigint;\nBEGIN\n{checks}\nEND\n$portal_check$;\n")
    result = subprocess.run(  # noqa: S603 - fixed program, our own arguments
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", str(script)],  # noqa: S607
        env=env, capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupError([f"the database was not changed: {result.stderr.strip()}"])


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counters: dict[str, tuple[int, int, int]]  # prefix → (next after, backup's, ledger's)
    indexed: int
    unreferenced: int
    key_differs: bool


async def raise_counters(
    settings: Settings,
    manifest_counters: dict[str, int],
    manifest_marks: dict[str, int],
    gap: int,
    note: dict[str, Any],
) -> dict[str, tuple[int, int, int]]:
    """Every counter to at least the ledger's mark (numbers acknowledged after the backup
    are there), plus ``gap``; the ledger records the new marks; the audit log the restore."""
    from tortoise.transactions import in_transaction

    from portal.accounts.services import audit
    from portal.consultation.models import Comment, CommentCounter

    ledger = NumberLedger(settings.ledger_dir)
    marks = ledger.marks()
    raised: dict[str, tuple[int, int, int]] = {}
    async with in_transaction():
        stored = {c.name: c.value for c in await CommentCounter.all()}
        for prefix in sorted(set(stored) | set(marks) | set(manifest_counters) | set(manifest_marks)):
            highest = await Comment.filter(number__startswith=f"{prefix}-").order_by("-number").first()
            in_rows = int(highest.number.rsplit("-", 1)[1]) if highest else 0
            base = max(stored.get(prefix, 0), marks.get(prefix, 0), manifest_marks.get(prefix, 0), in_rows)
            value = base + gap
            await CommentCounter.update_or_create(name=prefix, defaults={"value": value})
            raised[prefix] = (value, manifest_counters.get(prefix, 0), marks.get(prefix, 0))
        await asyncio.to_thread(ledger.record, {p: v for p, (v, _, _) in raised.items() if v})
        await audit(
            None, "restore", note.get("archive"), {**note, "counters": {p: v[0] for p, v in raised.items()}}
        )
    return raised


def restore_backup(settings: Settings, archive_path: Path, number_gap: int | None = None) -> RestoreResult:
    """Check the archive, then replace the database and the attachments, migrate, raise
    the tracking counters and rebuild the search index. Raises ``BackupError``."""
    from portal.cli import run_with_orm
    from portal.search.index import SearchIndex
    from portal.search.indexer import reindex

    kind = database_kind(settings.database_url)
    if number_gap is not None and number_gap < 0:
        raise BackupError(["--number-gap cannot be negative"])
    if not archive_path.is_file():
        raise BackupError([f"no archive at {archive_path}"])
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.data_dir) as work_dir:
        work = Path(work_dir)
        staging = work / "archive"
        staging.mkdir()
        manifest = unpack(archive_path, staging)
        problems: list[str] = []
        if manifest["database"]["kind"] != kind:
            problems.append(
                f"the backup holds a {manifest['database']['kind']} database; this portal uses {kind}"
            )
        head = str(manifest.get("migration_head") or "")
        if head and head not in known_migrations():
            problems.append(
                f"the backup was made by a newer portal (migration {head}): upgrade the portal first"
            )
        counters: dict[str, int] = {str(k): int(v) for k, v in (manifest.get("counters") or {}).items()}
        backup_marks: dict[str, int] = {
            str(k): int(v) for k, v in (manifest.get("number_marks") or {}).items()
        }
        if any(counters.values()) and not NumberLedger(settings.ledger_dir).marks() and number_gap is None:
            problems.append(
                f"no number ledger in {settings.ledger_dir}: the tracking numbers acknowledged after this "
                "backup cannot be known. Put the ledger folder back (PORTAL_NUMBER_LEDGER), or pass "
                "--number-gap N to skip N numbers per prefix (more than could have been given since the backup)"
            )
        if problems:
            raise BackupError(problems)
        with portal_stopped(settings):
            if kind == "sqlite":
                _restore_sqlite(settings, staging / SQLITE_MEMBER, manifest)
            else:
                _restore_postgres(settings, staging / PG_MEMBER, manifest, work)
            folder = settings.data_dir / ATTACHMENTS
            folder.mkdir(parents=True, exist_ok=True)
            restored: set[str] = set()
            for name in manifest["members"]:
                if name.startswith(ATTACHMENTS + "/"):
                    key = name.split("/", 1)[1]
                    shutil.move(staging / name, folder / key)
                    restored.add(key)
            unreferenced = sum(1 for p in folder.iterdir() if p.is_file() and p.name not in restored)
    note = {
        "archive": archive_path.name,
        "backup_created_at": manifest["created_at"],
        "restored_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "number_gap": number_gap or 0,
    }
    raised = run_with_orm(
        settings, lambda: raise_counters(settings, counters, backup_marks, number_gap or 0, note)
    )  # run_with_orm applies the migrations a backup from an older portal lacks
    index = SearchIndex(settings.data_dir, settings.search_postings_mb * 1024 * 1024)
    try:
        indexed = run_with_orm(settings, lambda: reindex(index))
    finally:
        index.close()
    differs = manifest.get("secret_key_fingerprint") != key_fingerprint(settings.secret_key)
    return RestoreResult(manifest, raised, indexed, unreferenced, differs)


def raise_numbers_only(settings: Settings, number_gap: int) -> dict[str, tuple[int, int, int]]:
    """After a database restored by other means (pg_restore, point-in-time recovery):
    raise every counter to the ledger's marks, restoring nothing else."""
    from portal.cli import run_with_orm

    note = {
        "archive": None,
        "backup_created_at": None,
        "restored_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "number_gap": number_gap,
    }
    return run_with_orm(settings, lambda: raise_counters(settings, {}, {}, number_gap, note))


# -- the commands -----------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace, out: TextIO) -> int:
    from portal.config import load_settings

    settings = load_settings()
    try:
        result = create_backup(settings, Path(args.output))
    except BackupError as error:
        out.write(say("backup_failed", args.lang) + "\n")
        out.writelines(f"  {p}\n" for p in error.problems)
        return 1
    manifest = result.manifest
    out.write(
        say(
            "backup_done", args.lang, path=result.path, tables=len(manifest["counts"]),
            rows=sum(manifest["counts"].values()), files=manifest["attachments"]["count"],
            size=result.path.stat().st_size, seconds=f"{result.seconds:.1f}",
        ) + "\n"
    )  # fmt: skip
    return 0


def cmd_restore(args: argparse.Namespace, out: TextIO) -> int:
    from portal.config import load_settings

    settings = load_settings()
    try:
        if args.numbers_only:
            raised = raise_numbers_only(settings, args.number_gap or 0)
            for prefix, (value, _, ledger) in raised.items():
                out.write(
                    say("counter_raised", args.lang, prefix=prefix, value=value, backup="-", ledger=ledger)
                    + "\n"
                )
            return 0
        if not args.archive:
            raise BackupError(["name the archive to restore (or --numbers-only)"])
        result = restore_backup(settings, Path(args.archive), args.number_gap)
    except BackupError as error:
        out.write(say("restore_refused", args.lang) + "\n")
        out.writelines(f"  {p}\n" for p in error.problems)
        return 1
    manifest = result.manifest
    out.write(
        say(
            "restore_done", args.lang, path=args.archive, created=manifest["created_at"],
            tables=len(manifest["counts"]), rows=sum(manifest["counts"].values()),
            files=manifest["attachments"]["count"],
        ) + "\n"
    )  # fmt: skip
    for prefix, (value, backup, ledger) in result.counters.items():
        out.write(
            say("counter_raised", args.lang, prefix=prefix, value=value, backup=backup, ledger=ledger) + "\n"
        )
    if result.unreferenced:
        out.write(
            say("unreferenced", args.lang, count=result.unreferenced, folder=settings.data_dir / ATTACHMENTS)
            + "\n"
        )
    if result.key_differs:
        out.write(say("key_differs", args.lang) + "\n")
    out.write(say("reindexed", args.lang, count=result.indexed) + "\n")
    return 0


def add_commands(add: Any) -> None:
    """Register ``backup`` and ``restore`` with the parser's ``add(name, help)``; the
    texts are message ids, translated when the help is shown (``commands/arguments.py``)."""
    backup = add(
        "backup", N_("write one archive: the database, its attachments and a manifest with checksums")
    )
    backup.add_argument(
        "output", metavar="OUT", help=N_("the archive to write (.tar, or .tar.gz to compress)")
    )
    backup.set_defaults(handler=cmd_backup)
    restore = add(
        "restore", N_("check an archive, then restore the database and attachments and rebuild the index")
    )
    restore.add_argument("archive", metavar="IN", nargs="?", help=N_("an archive written by portal backup"))
    restore.add_argument(
        "--number-gap", type=int, default=None, metavar="N",
        help=N_("skip N tracking numbers per prefix (needed when the number ledger is lost)"),
    )  # fmt: skip
    restore.add_argument(
        "--numbers-only", action="store_true",
        help=N_("only raise the tracking counters to the ledger (after pg_restore or point-in-time recovery)"),
    )  # fmt: skip
    restore.set_defaults(handler=cmd_restore)
