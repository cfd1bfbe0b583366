"""The `portal` command line: its parser, and the commands that use the database (serve,
import, user, mail, reindex, index). The commands on draft files with no database
(check, parse, export, diff, lint) are in ``portal.commands.files``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    from portal.config import Settings

from portal.commands.arguments import N_, language_of, parser_class
from portal.commands.files import cmd_check, cmd_diff, cmd_export, cmd_lint, cmd_parse, read_file
from portal.commands.jobs import cmd_jobs
from portal.commands.messages import say
from portal.commands.serve import cmd_serve
from portal.document import DraftError, parse

# The ORM and the web stack are imported only by the commands that use them, so
# that `portal check` and `portal parse` start quickly.

T = TypeVar("T")


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
                from portal.i18n import Translator
                from portal.web.forms import MESSAGES

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
    from portal.mail.outbox import deliver_all

    settings = load_settings()
    sent = run_with_orm(settings, lambda: deliver_all(settings))  # the server's claims and lock apply
    out.write(say("mail_sent", args.lang, count=sent) + "\n")
    return 0


# -- import / serve ----------------------------------------------------------------


async def import_files(files: Sequence[Path], lang: str, out: TextIO) -> bool:
    """Import each file in its own transaction; report each; True when all went in."""
    from portal.versions import services

    ok = True
    documents = []
    for path in files:
        text = read_file(path, lang, out)
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


def cmd_reindex(args: argparse.Namespace, out: TextIO) -> int:
    from portal.config import load_settings
    from portal.search.index import SearchIndex
    from portal.search.indexer import reindex

    settings = load_settings()
    count = run_with_orm(
        settings, lambda: reindex(SearchIndex(settings.data_dir, settings.search_postings_mb * 1024 * 1024))
    )
    out.write(say("reindexed", args.lang, count=count) + "\n")
    return 0


def cmd_index(args: argparse.Namespace, out: TextIO) -> int:
    """Apply the search outbox: once, or for as long as the process runs."""
    import asyncio

    from portal.config import load_settings
    from portal.search.index import SearchIndex
    from portal.search.indexer import apply_outbox

    settings = load_settings()
    index = SearchIndex(settings.data_dir, settings.search_postings_mb * 1024 * 1024)

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


def build_parser(lang: str = "id") -> argparse.ArgumentParser:
    """The parser, its help and its errors in ``lang`` (``id`` or ``en``); the texts are
    English message ids (``N_``), translated when the help or an error is shown."""
    parser = parser_class(lang)(
        prog="portal", description=N_("Raperda Portal: draft regional regulations in the open.")
    )
    languages = ["id", "en"]
    lang_help = N_("language of messages and help (default: id)")
    # The top-level --lang sets the default; a command's own --lang (SUPPRESS: absent
    # unless given) overrides it, so `portal --lang en check` and `portal check --lang en` agree.
    parser.add_argument("--lang", choices=languages, default="id", help=lang_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--lang", choices=languages, default=argparse.SUPPRESS, help=lang_help)
        return command

    serve = add("serve", N_("migrate the database, import drafts/ when it is empty, and serve the portal"))
    serve.add_argument("--host", default="127.0.0.1", help=N_("address to listen on (default: 127.0.0.1)"))
    serve.add_argument("--port", type=int, default=8000, help=N_("port to listen on (default: 8000)"))
    serve.add_argument("--workers", type=int, default=1, help=N_("worker processes (default: 1)"))
    serve.add_argument(
        "--loop",
        choices=["auto", "asyncio", "uvloop"],
        default="auto",
        help=N_("event loop (default: auto, uvloop)"),
    )
    serve.add_argument(
        "--http",
        choices=["auto", "h11", "httptools"],
        default="auto",
        help=N_("HTTP parser (default: auto, httptools)"),
    )
    serve.set_defaults(handler=cmd_serve)

    importer = add("import", N_("import draft files or folders of them (idempotent)"))
    importer.add_argument("paths", nargs="+", metavar="PATH", help=N_("a Markdown file or a folder"))
    importer.set_defaults(handler=cmd_import)

    check = add("check", N_("check draft files against the format: OK, or every problem with its line"))
    check.add_argument("files", nargs="+", metavar="FILE", help=N_("a draft file (Raperda Markdown)"))
    check.set_defaults(handler=cmd_check)

    parse_cmd = add("parse", N_("print the parsed tree of a draft file as JSON"))
    parse_cmd.add_argument("file", metavar="FILE", help=N_("a draft file (Raperda Markdown)"))
    parse_cmd.add_argument(
        "--paths", action="store_true", help=N_("print every path in document order instead")
    )
    parse_cmd.set_defaults(handler=cmd_parse)
    export = add(
        "export",
        N_(
            "write a draft file as DOCX (official layout), PDF, canonical Markdown or Akoma Ntoso XML (no database)"
        ),
    )
    export.add_argument("file", metavar="FILE", help=N_("a draft file (Raperda Markdown)"))
    export.add_argument(
        "--format",
        choices=["docx", "pdf", "md", "akn"],
        required=True,
        help=N_("docx (official layout), pdf (as printed), md or akn (Akoma Ntoso 3.0)"),
    )
    export.add_argument(
        "--paper", choices=["f4", "a4"], default="f4", help=N_("paper of the DOCX or PDF (default: f4)")
    )
    export.add_argument(
        "--font", default="Bookman Old Style", help=N_("font of the DOCX (default: Bookman Old Style)")
    )
    export.add_argument(
        "-o", "--output", metavar="OUT", help=N_("write to this file instead of standard output")
    )
    export.set_defaults(handler=cmd_export)
    diff = add(
        "diff", N_("compare two draft files: alignment, word diffs and reference problems (no database)")
    )
    diff.add_argument("old", metavar="OLD", help=N_("the older draft file"))
    diff.add_argument("new", metavar="NEW", help=N_("the newer draft file"))
    diff.add_argument(
        "--format", choices=["text", "json", "html"], default="text", help=N_("output format (default: text)")
    )
    diff.add_argument(
        "--exit-code",
        action="store_true",
        help=N_("exit 1 when the versions differ (like git diff --exit-code)"),
    )
    diff.set_defaults(handler=cmd_diff)

    lint_cmd = add("lint", N_("check drafts against the drafting technique (rule codes, errors, warnings)"))
    lint_cmd.add_argument("files", nargs="+", metavar="FILE", help=N_("a draft file (Raperda Markdown)"))
    lint_cmd.add_argument(
        "--format", choices=["text", "json"], default="text", help=N_("output format (default: text)")
    )
    lint_cmd.set_defaults(handler=cmd_lint)

    from portal.accounts.labels import ROLES

    user = add("user", N_("administer accounts: create, list, disable"))
    user_sub = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = user_sub.add_parser(
        "create",
        help=N_("create an active account with a role"),
        description=N_("create an active account with a role"),
    )
    create.add_argument("email", metavar="EMAIL", help=N_("the account's email address"))
    create.add_argument("--role", choices=ROLES, required=True, help=N_("the account's role"))
    create.add_argument("--name", help=N_("the person's name (default: the part of the address before @)"))
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help=N_("read the password from standard input instead of a prompt"),
    )
    listing = user_sub.add_parser("list", help=N_("list accounts"), description=N_("list accounts"))
    listing.add_argument("--role", choices=ROLES, help=N_("only this role"))
    disable = user_sub.add_parser(
        "disable",
        help=N_("disable an account and end its sessions"),
        description=N_("disable an account and end its sessions"),
    )
    disable.add_argument("email", metavar="EMAIL", help=N_("the account's email address"))
    for sub_parser in (create, listing, disable):
        sub_parser.add_argument("--lang", choices=languages, default=argparse.SUPPRESS, help=lang_help)
    user.set_defaults(handler=cmd_user)

    reindex = add("reindex", N_("rebuild the search index from the database and swap it in"))
    reindex.set_defaults(handler=cmd_reindex)

    index_cmd = add(
        "index", N_("apply the search outbox to the index (the indexer of portal serve, on its own)")
    )
    index_cmd.add_argument("--once", action="store_true", help=N_("apply what is waiting, then stop"))
    index_cmd.add_argument("--batch", type=int, default=500, help=N_("outbox rows per commit (default: 500)"))
    index_cmd.add_argument(
        "--every", type=float, default=0.5, help=N_("seconds between looks (default: 0.5)")
    )
    index_cmd.add_argument(
        "--slow",
        type=float,
        default=0.0,
        help=N_("pause before each commit, in seconds (for crash drills)"),
    )
    index_cmd.set_defaults(handler=cmd_index)

    jobs = add(
        "jobs",
        N_(
            "run the search indexer and the mail sender of this host (portal serve starts it beside its workers)"
        ),
    )
    jobs.add_argument(
        "--watch-parent",
        action="store_true",
        help=N_("end when the process that started this one ends"),
    )
    jobs.add_argument(
        "--nice",
        type=int,
        default=0,
        help=N_("lower this process's priority by N (portal serve uses 10: pages come first)"),
    )
    jobs.set_defaults(handler=cmd_jobs)

    mail = add("mail", N_("deliver the mail waiting in the outbox"))
    mail_sub = mail.add_subparsers(dest="action", required=True, metavar="ACTION")
    send = mail_sub.add_parser(
        "send", help=N_("send what is due now"), description=N_("send what is due now")
    )
    send.add_argument("--lang", choices=languages, default=argparse.SUPPRESS, help=lang_help)
    mail.set_defaults(handler=cmd_mail)

    from portal.commands.backup import add_commands

    add_commands(add)  # backup, restore
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; its help, errors and messages are in the language of ``--lang``."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(language_of(arguments)).parse_args(arguments)
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    return handler(args, out or sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
