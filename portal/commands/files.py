"""Commands on draft files that need no database: check, parse, export, diff, lint."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from portal.commands.arguments import translator
from portal.commands.messages import say
from portal.document import Document, DraftError, parse

if TYPE_CHECKING:
    from portal.i18n import Translator


def read_file(path: Path, lang: str, out: TextIO) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.write(f"{path}: {say('unreadable', lang, detail=exc)}\n")
        return None


def is_not_a_draft(error: DraftError) -> bool:
    """The file has no front matter block at its start: not a draft at all (a README,
    change notes), rather than a draft with problems; its other "problems" are noise."""
    return any(problem.code == "frontmatter_missing" for problem in error.problems)


def not_a_draft(lang: str) -> str:
    return translator(lang).gettext(
        "not a draft file: no front matter (a YAML block between two '---' lines) at its start"
    )


def refusal(path: Path, error: DraftError, lang: str, *, named: bool = True) -> list[str]:
    """Why a file does not parse: ``FILE: not a draft file …`` for a file without front
    matter, else every problem with its line, after a ``FILE:`` line when ``named``."""
    if is_not_a_draft(error):
        return [f"{path}: {not_a_draft(lang)}"]
    return [f"{path}:", *error.render(lang)] if named else error.render(lang)


# -- check / parse -----------------------------------------------------------------


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    lang = args.lang
    many = len(args.files) > 1
    failed = False
    for name in args.files:
        path = Path(name)
        text = read_file(path, lang, out)
        if text is None:
            failed = True
            continue
        try:
            parse(text)
        except DraftError as error:
            failed = True
            out.writelines(line + "\n" for line in refusal(path, error, lang, named=many))
            continue
        out.write(f"{path}: OK\n" if many else "OK\n")
    return 1 if failed else 0


def _parse_file(name: str, lang: str) -> Document | None:
    """A draft file parsed, or None with the reason (every problem and its line) on stderr."""
    path = Path(name)
    text = read_file(path, lang, sys.stderr)
    if text is None:
        return None
    try:
        return parse(text)
    except DraftError as error:
        sys.stderr.writelines(line + "\n" for line in refusal(path, error, lang, named=False))
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
        from portal.document.places import ibukota_of
        from portal.exports.official import official_docx
        from portal.exports.pdf import official_pdf

        city = ibukota_of(document.meta.daerah)
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
        text = read_file(path, args.lang, sys.stderr)
        if text is None:
            return 2
        try:
            documents.append(parse(text))
        except DraftError as error:
            sys.stderr.writelines(line + "\n" for line in refusal(path, error, args.lang))
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
    t = translator(lang)
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
            if is_not_a_draft(error):
                problem = {"line": 1, "code": "frontmatter_missing", "message": not_a_draft(lang)}
                result["problems"] = [problem]
            else:
                result["problems"] = [p.to_json(lang) for p in error.problems]
            if args.format == "text":
                out.writelines(line + "\n" for line in refusal(path, error, lang))
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
                    f"{path}:{finding.line}: {finding.code} {severity_label(finding.severity, t)}: "
                    f"{finding.message(lang)} ({finding.path or '-'})\n"
                )
    if args.format == "json":
        out.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(
            lint_summary(t, files=len(args.files), errors=errors, warnings=warnings, refused=refused) + "\n"
        )
    return 1 if errors or refused else 0


def severity_label(severity: str, t: Translator) -> str:
    """'kesalahan' or 'peringatan': the words (and message ids) of the draft pages."""
    return t.gettext("error") if severity == "error" else t.gettext("warning")


def lint_summary(t: Translator, *, files: int, errors: int, warnings: int, refused: int) -> str:
    """'1 berkas diperiksa: 2 kesalahan, 3 peringatan' / '1 file checked: 2 errors, 3 warnings',
    and the files that do not parse when there are any."""
    counts = [
        t.ngettext("%(num)d error", "%(num)d errors", errors),
        t.ngettext("%(num)d warning", "%(num)d warnings", warnings),
    ]
    if refused:
        counts.append(t.ngettext("%(num)d file does not parse", "%(num)d files do not parse", refused))
    checked = t.ngettext("%(num)d file checked", "%(num)d files checked", files)
    return f"{checked}: {', '.join(counts)}"
