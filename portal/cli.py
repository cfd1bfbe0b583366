"""The `portal` command line: serve, import, check, parse."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    from portal.config import Settings

from portal.document import Document, DraftError, parse

# The ORM and the web stack are imported only by the commands that use them, so
# that `portal check` and `portal parse` start quickly.

T = TypeVar("T")

MESSAGES = {
    "exported": ("ditulis: {path}", "written: {path}"),
    "binary_needs_output": (
        "DOCX perlu berkas tujuan: tambahkan -o BERKAS.docx",
        "DOCX needs a file: add -o FILE.docx",
    ),
    "reindexed": (
        "Indeks pencarian dibangun ulang: {count} dokumen.",
        "Search index rebuilt: {count} documents.",
    ),
    "indexed": ("Perubahan yang diterapkan ke indeks: {count}.", "Changes applied to the index: {count}."),
    "index_busy": (
        "Indeks sedang ditulis oleh proses lain; tidak ada yang diterapkan.",
        "Another process is writing the index; nothing was applied.",
    ),
    "ok": ("OK", "OK"),
    "unreadable": ("berkas tidak dapat dibaca: {detail}", "cannot read the file: {detail}"),
    "created": ("diimpor: {slug} {versi} ({label})", "imported: {slug} {versi} ({label})"),
    "unchanged": ("tidak berubah: {slug} {versi}", "unchanged: {slug} {versi}"),
    "refused": ("ditolak: {path}", "refused: {path}"),
    "serving": ("Raperda Portal berjalan di {url}", "Raperda Portal is running at {url}"),
    "seeded": (
        "Basis data kosong: draf contoh diimpor dari {path}",
        "Empty database: sample drafts imported from {path}",
    ),
    "no_files": ("tidak ada berkas draf di {path}", "no draft files under {path}"),
    "password_mismatch": ("kedua kata sandi tidak sama", "the two passwords are not the same"),
    "user_created": ("akun dibuat: {email} ({role})", "account created: {email} ({role})"),
    "user_unknown": ("tidak ada akun {email}", "no account {email}"),
    "user_disabled": ("akun dinonaktifkan: {email}", "account disabled: {email}"),
    "mail_sent": ("{count} pesan terkirim", "{count} messages sent"),
    "lint_summary": (
        "{errors} kesalahan, {warnings} peringatan, {refused} berkas tidak dapat diurai ({files} berkas diperiksa)",
        "{errors} errors, {warnings} warnings, {refused} files that do not parse ({files} files checked)",
    ),
}


def say(key: str, lang: str, **params: object) -> str:
    indonesian, english = MESSAGES[key]
    return (english if lang == "en" else indonesian).format(**params)


def run_with_orm(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Migrate, then run ``work`` with the ORM initialised, then close it."""

    import asyncio

    from tortoise.context import TortoiseContext

    from portal.db import migrate_database, tortoise_config

    async def main() -> T:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        await migrate_database(settings.database_url)
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(settings.database_url))
            return await work()

    return asyncio.run(main())


def _read(path: Path, lang: str, out: TextIO) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.write(f"{path}: {say('unreadable', lang, detail=exc)}\n")
        return None


# -- check / parse -----------------------------------------------------------------


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    lang = args.lang
    many = len(args.files) > 1
    failed = False
    for name in args.files:
        path = Path(name)
        text = _read(path, lang, out)
        if text is None:
            failed = True
            continue
        try:
            parse(text)
        except DraftError as error:
            failed = True
            if many:
                out.write(f"{path}:\n")
            out.writelines(line + "\n" for line in error.render(lang))
            continue
        out.write(f"{path}: OK\n" if many else "OK\n")
    return 1 if failed else 0


def _parse_file(name: str, lang: str) -> Document | None:
    """A draft file parsed, or None with the reason (every problem and its line) on stderr."""
    text = _read(Path(name), lang, sys.stderr)
    if text is None:
        return None
    try:
        return parse(text)
    except DraftError as error:
        sys.stderr.writelines(line + "\n" for line in error.render(lang))
        return None


def cmd_parse(args: argparse.Namespace, out: TextIO) -> int:
    document = _parse_file(args.file, args.lang)
    if document is None:
        return 1
    if args.paths:
        out.writelines(p + "\n" for p in document.paths())
    else:
        out.write(json.dumps(document.to_json(), ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """A draft file as another document, with no database: the official DOCX, the PDF,
    its canonical Markdown or its Akoma Ntoso 3.0 XML."""
    from portal.document import write
    from portal.exports.akn import akoma_ntoso

    document = _parse_file(args.file, args.lang)
    if document is None:
        return 1
    if args.format in ("docx", "pdf"):
        from portal.exports.official import official_docx
        from portal.exports.pdf import official_pdf
        from portal.versions.views import IBUKOTA

        city = IBUKOTA.get(document.meta.daerah, "…")
        if args.format == "docx":
            body = official_docx(document, ibukota=city, paper=args.paper, font=args.font)
        else:
            body = official_pdf(document, ibukota=city, paper=args.paper)
        if not args.output:
            sys.stderr.write(say("binary_needs_output", args.lang) + "\n")
            return 2
    else:
        body = write(document).encode("utf-8") if args.format == "md" else akoma_ntoso(document)
    if args.output:
        Path(args.output).write_bytes(body)
        out.write(say("exported", args.lang, path=args.output) + "\n")
    else:
        out.write(body.decode("utf-8"))
    return 0


def cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    from portal.versions.compare import compare

    documents = []
    for name in (args.old, args.new):
        path = Path(name)
        text = _read(path, args.lang, sys.stderr)
        if text is None:
            return 2
        try:
            documents.append(parse(text))
        except DraftError as error:
            sys.stderr.write(f"{path}:\n")
            sys.stderr.writelines(line + "\n" for line in error.render(args.lang))
            return 2
    comparison = compare(documents[0], documents[1])
    if args.format == "json":
        out.write(json.dumps(comparison.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "html":
        from portal.web.standalone import comparison_html

        out.write(comparison_html(comparison, args.lang))
    else:
        from portal.versions.render import as_text

        out.write(as_text(comparison, args.lang))
    changed = any(change.kind != "same" for change in comparison.changes)
    return 1 if changed and args.exit_code else 0


def cmd_lint(args: argparse.Namespace, out: TextIO) -> int:
    """Lint draft files: findings per file, exit 1 on an error or a file that does not parse."""
    from typing import Any

    from portal.lint import lint

    lang = args.lang
    results: list[dict[str, Any]] = []
    errors = warnings = refused = 0
    for name in args.files:
        path = Path(name)
        result: dict[str, Any] = {"file": str(path), "ok": True, "problems": [], "findings": []}
        results.append(result)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            refused += 1
            result["ok"] = False
            message = say("unreadable", lang, detail=exc)
            result["problems"] = [{"line": 1, "code": "unreadable", "message": message}]
            if args.format == "text":
                out.write(f"{path}: {message}\n")
            continue
        try:
            document = parse(text)
        except DraftError as error:
            refused += 1
            result["ok"] = False
            result["problems"] = [p.to_json(lang) for p in error.problems]
            if args.format == "text":
                out.write(f"{path}:\n")
                out.writelines(line + "\n" for line in error.render(lang))
            continue
        findings = lint(document)
        result["findings"] = [f.to_json(lang) for f in findings]
        for finding in findings:
            if finding.severity == "error":
                errors += 1
                result["ok"] = False
            else:
                warnings += 1
            if args.format == "text":
                out.write(
                    f"{path}:{finding.line}: {finding.code} {finding.severity}: "
                    f"{finding.message(lang)} ({finding.path or '-'})\n"
                )
    if args.format == "json":
        out.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    else:
        summary = say(
            "lint_summary", lang, errors=errors, warnings=warnings, refused=refused, files=len(args.files)
        )
        out.write(summary + "\n")
    return 1 if errors or refused else 0


def cmd_user(args: argparse.Namespace, out: TextIO) -> int:
    from portal.config import load_settings

    settings = load_settings()

    async def work() -> int:
        from portal.accounts import services
        from portal.accounts.models import User

        if args.action == "create":
            password = _read_password(args.password_stdin)
            if password is None:
                out.write(say("password_mismatch", args.lang) + "\n")
                return 1
            user, problems = await services.create_user(args.email, password, args.role, args.name)
            if user is None:
                from portal.web.forms import MESSAGES
                from portal.web.i18n import Translator

                t = Translator(args.lang)
                out.writelines(t.gettext(MESSAGES.get(p, p)) + "\n" for p in problems)
                return 1
            out.write(say("user_created", args.lang, email=user.email, role=user.role) + "\n")
            return 0
        if args.action == "disable":
            address = services.normalise_email(args.email)
            target = await User.get_or_none(email=address) if address else None
            if target is None:
                out.write(say("user_unknown", args.lang, email=args.email) + "\n")
                return 1
            await services.set_active(None, target, False)
            out.write(say("user_disabled", args.lang, email=target.email) + "\n")
            return 0
        query = User.all().order_by("email")
        if args.role:
            query = query.filter(role=args.role)
        for user in await query:
            state = "aktif" if user.is_active else "nonaktif"
            out.write(f"{user.email}\t{user.role}\t{state}\t{user.name}\n")
        return 0

    return run_with_orm(settings, work)


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Kata sandi / password: ")
    again = getpass.getpass("Ulangi / again: ")
    return first if first == again else None


def cmd_mail(args: argparse.Namespace, out: TextIO) -> int:
    from portal.config import load_settings
    from portal.mail.outbox import deliver_pending

    settings = load_settings()
    sent = run_with_orm(settings, lambda: deliver_pending(settings, limit=1000))
    out.write(say("mail_sent", args.lang, count=sent) + "\n")
    return 0


# -- import / serve ----------------------------------------------------------------


async def import_files(files: Sequence[Path], lang: str, out: TextIO) -> bool:
    """Import each file in its own transaction; report each; True when all went in."""
    from portal.versions import services

    ok = True
    documents = []
    for path in files:
        text = _read(path, lang, out)
        if text is None:
            ok = False
            continue
        try:
            documents.append((path, parse(text)))
        except DraftError as error:
            ok = False
            out.write(say("refused", lang, path=path) + "\n")
            out.writelines(f"  {line}\n" for line in error.render(lang))
    # Older versions first, so each regulation shows its newest title.
    for path, document in sorted(documents, key=lambda item: (item[1].meta.slug, item[1].meta.tanggal)):
        meta = document.meta
        try:
            result = await services.import_document(document)
        except services.VersionConflict as conflict:
            ok = False
            out.write(say("refused", lang, path=path) + "\n")
            out.write(f"  {conflict.message(lang)}\n")
            continue
        out.write(say(result.status, lang, slug=meta.slug, versi=meta.versi, label=meta.label) + "\n")
    return ok


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from portal.config import load_settings
    from portal.versions import services

    settings = load_settings()
    files = services.draft_files([Path(p) for p in args.paths])
    if not files:
        out.write(say("no_files", args.lang, path=", ".join(args.paths)) + "\n")
        return 1
    return 0 if run_with_orm(settings, lambda: import_files(files, args.lang, out)) else 1


def seed_if_empty(settings: Settings, lang: str, out: TextIO) -> None:
    """Migrate and, on an empty database, import the sample drafts."""
    from portal.versions import services

    async def seed() -> None:
        if await services.is_empty() and settings.drafts_dir.is_dir():
            files = services.draft_files([settings.drafts_dir])
            if files:
                out.write(say("seeded", lang, path=settings.drafts_dir) + "\n")
                await import_files(files, lang, out)

    run_with_orm(settings, seed)


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    import uvicorn

    from portal.app import create_app
    from portal.config import load_settings

    settings = load_settings()
    seed_if_empty(settings, args.lang, out)
    host = args.host
    shown = f"[{host}]" if ":" in host else host
    out.write(say("serving", args.lang, url=f"http://{shown}:{args.port}/") + "\n")
    out.flush()
    uvicorn.run(create_app(settings), host=host, port=args.port, log_level="info", proxy_headers=True)
    return 0


def cmd_reindex(args: argparse.Namespace, out: TextIO) -> int:
    from portal.config import load_settings
    from portal.search.index import SearchIndex
    from portal.search.indexer import reindex

    settings = load_settings()
    count = run_with_orm(settings, lambda: reindex(SearchIndex(settings.data_dir)))
    out.write(say("reindexed", args.lang, count=count) + "\n")
    return 0


def cmd_index(args: argparse.Namespace, out: TextIO) -> int:
    """Apply the search outbox: once, or for as long as the process runs."""
    import asyncio

    from portal.config import load_settings
    from portal.search.index import SearchIndex
    from portal.search.indexer import apply_outbox

    settings = load_settings()
    index = SearchIndex(settings.data_dir)

    async def work() -> int | None:
        done = 0
        with index.writer_lock(wait=not args.once) as mine:
            if not mine:
                return None
            while True:
                applied = await apply_outbox(index, args.batch, args.slow)
                done += applied
                if applied:
                    continue
                if args.once:
                    return done
                await asyncio.sleep(args.every)

    done = run_with_orm(settings, work)
    if done is None:
        out.write(say("index_busy", args.lang) + "\n")
        return 1
    out.write(say("indexed", args.lang, count=done) + "\n")
    return 0


# -- parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portal",
        description="Raperda Portal: draft regional regulations in the open.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument(
            "--lang", choices=["id", "en"], default="id", help="language of messages (default: id)"
        )
        return command

    serve = add("serve", "migrate the database, import drafts/ when it is empty, and serve the portal")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.set_defaults(handler=cmd_serve)

    importer = add("import", "import draft files or folders of them (idempotent)")
    importer.add_argument("paths", nargs="+", metavar="PATH", help="a Markdown file or a folder")
    importer.set_defaults(handler=cmd_import)

    check = add("check", "check draft files against the format: OK, or every problem with its line")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(handler=cmd_check)

    parse_cmd = add("parse", "print the parsed tree of a draft file as JSON")
    parse_cmd.add_argument("file", metavar="FILE")
    parse_cmd.add_argument("--paths", action="store_true", help="print every path in document order instead")
    parse_cmd.set_defaults(handler=cmd_parse)
    export = add(
        "export",
        "write a draft file as DOCX (official layout), PDF, canonical Markdown or Akoma Ntoso XML (no database)",
    )
    export.add_argument("file", metavar="FILE")
    export.add_argument(
        "--format",
        choices=["docx", "pdf", "md", "akn"],
        required=True,
        help="docx (official layout), pdf (as printed), md or akn (Akoma Ntoso 3.0)",
    )
    export.add_argument(
        "--paper", choices=["f4", "a4"], default="f4", help="paper of the DOCX or PDF (default: f4)"
    )
    export.add_argument(
        "--font", default="Bookman Old Style", help="font of the DOCX (default: Bookman Old Style)"
    )
    export.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of standard output")
    export.set_defaults(handler=cmd_export)
    diff = add("diff", "compare two draft files: alignment, word diffs and reference problems (no database)")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument(
        "--format", choices=["text", "json", "html"], default="text", help="output format (default: text)"
    )
    diff.add_argument(
        "--exit-code", action="store_true", help="exit 1 when the versions differ (like git diff --exit-code)"
    )
    diff.set_defaults(handler=cmd_diff)

    lint_cmd = add("lint", "check drafts against the drafting technique (rule codes, errors, warnings)")
    lint_cmd.add_argument("files", nargs="+", metavar="FILE")
    lint_cmd.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )
    lint_cmd.set_defaults(handler=cmd_lint)

    from portal.accounts.labels import ROLES

    user = add("user", "administer accounts: create, list, disable")
    user_sub = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = user_sub.add_parser("create", help="create an active account with a role")
    create.add_argument("email", metavar="EMAIL")
    create.add_argument("--role", choices=ROLES, required=True, help="the account's role")
    create.add_argument("--name", help="the person's name (default: the part of the address before @)")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of a prompt",
    )
    listing = user_sub.add_parser("list", help="list accounts")
    listing.add_argument("--role", choices=ROLES, help="only this role")
    disable = user_sub.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("email", metavar="EMAIL")
    for sub_parser in (create, listing, disable):
        sub_parser.add_argument("--lang", choices=["id", "en"], default="id", help="language of messages")
    user.set_defaults(handler=cmd_user)

    reindex = add("reindex", "rebuild the search index from the database and swap it in")
    reindex.set_defaults(handler=cmd_reindex)

    index_cmd = add("index", "apply the search outbox to the index (the indexer of portal serve, on its own)")
    index_cmd.add_argument("--once", action="store_true", help="apply what is waiting, then stop")
    index_cmd.add_argument("--batch", type=int, default=500, help="outbox rows per commit (default: 500)")
    index_cmd.add_argument("--every", type=float, default=0.5, help="seconds between looks (default: 0.5)")
    index_cmd.add_argument(
        "--slow", type=float, default=0.0, help="pause before each commit, in seconds (for crash drills)"
    )
    index_cmd.set_defaults(handler=cmd_index)

    mail = add("mail", "deliver the mail waiting in the outbox")
    mail_sub = mail.add_subparsers(dest="action", required=True, metavar="ACTION")
    send = mail_sub.add_parser("send", help="send what is due now")
    send.add_argument("--lang", choices=["id", "en"], default="id", help="language of messages")
    mail.set_defaults(handler=cmd_mail)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    return handler(args, out or sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
