"""The command line's parser in the user's language.

``--lang`` chooses the language of everything the command prints, its help included:
``language_of`` reads it from the arguments before they are parsed (``portal check
--help --lang en``), and ``parser_class`` gives an ``argparse.ArgumentParser`` whose
own words (the usage header, the section titles, ``-h`` and the common errors) go
through the portal's catalogs (``portal.i18n``), like the help texts the commands
pass to it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from portal.i18n import Translator

LANGUAGES = ("id", "en")  # as portal.i18n, which loads babel: imported only when needed


def N_(message: str) -> str:
    """Mark a message for extraction, as ``portal.i18n.N_`` (without loading babel)."""
    return message


def language_of(argv: Sequence[str]) -> str:
    """The last ``--lang`` before ``--`` (as argparse reads it), else Indonesian."""
    lang = "id"
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
        elif arg.startswith("--lang="):
            lang = arg.removeprefix("--lang=")
    return lang if lang in LANGUAGES else "id"


# argparse's errors (Python 3.11 wording) and their message ids; other errors stay English.
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)"),
        N_("invalid choice: %(value)s (choose from %(choices)s)"),
    ),
    (
        re.compile(r"the following arguments are required: (?P<names>.*)"),
        N_("the following arguments are required: %(names)s"),
    ),
    (re.compile(r"unrecognized arguments: (?P<names>.*)"), N_("unrecognized arguments: %(names)s")),
    (re.compile(r"expected one argument"), N_("expected one argument")),
    (re.compile(r"invalid (?P<type>\w+) value: (?P<value>.*)"), N_("invalid %(type)s value: %(value)s")),
]
_ARGUMENT = re.compile(r"argument (?P<name>.+?): (?P<message>.*)", re.DOTALL)


def translate_error(message: str, t: Translator) -> str:
    """An argparse error message in the translator's language, where it is a known one."""
    argument = _ARGUMENT.fullmatch(message)
    if argument:
        inner = translate_error(argument["message"], t)
        return t.gettext("argument %(name)s: %(detail)s", name=argument["name"], detail=inner)
    for pattern, message_id in _ERRORS:
        found = pattern.fullmatch(message)
        if found:
            return t.gettext(message_id, **found.groupdict())
    return message


class TranslatedFormatter(argparse.HelpFormatter):
    """The help layout of argparse; the usage header in the parser's language."""

    def __init__(self, prog: str, parser: TranslatedParser) -> None:
        super().__init__(prog)
        self.parser = parser

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        if prefix is None:  # the usage of this parser is shown: translate it, now
            prefix = self.parser.translate().gettext("usage: ")
        super().add_usage(usage, actions, groups, prefix)


class TranslatedParser(argparse.ArgumentParser):
    """An ArgumentParser speaking ``lang``; its subparsers do too (argparse makes them
    of the parent's class). Descriptions and help texts are given as English message
    ids (marked ``N_``) and translated only when help, usage or an error is shown, so
    that a command that just runs never loads the catalogs."""

    lang = "id"

    def __init__(self, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        super().__init__(add_help=False, **kwargs)
        self._translated = False
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=N_("show this help message and exit"),
            )

    def translate(self) -> Translator:
        """This parser's texts in its language (once); the translator."""
        t = translator(self.lang)
        if not self._translated:
            self._translated = True
            if self.description:
                self.description = t.gettext(self.description)
            self._positionals.title = t.gettext("positional arguments")
            self._optionals.title = t.gettext("options")
            for action in self._actions:
                if action.help and action.help != argparse.SUPPRESS:
                    action.help = t.gettext(action.help)
                if isinstance(action, argparse._SubParsersAction):
                    for choice in action._choices_actions:
                        choice.help = t.gettext(choice.help) if choice.help else choice.help
        return t

    def _get_formatter(self) -> argparse.HelpFormatter:
        return TranslatedFormatter(self.prog, self)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        t = self.translate()
        text = t.gettext("%(prog)s: error: %(detail)s", prog=self.prog, detail=translate_error(message, t))
        self.exit(2, text + "\n")


@cache
def translator(lang: str) -> Translator:
    """The portal's translator for ``lang``, loaded (catalog compiled) on first use."""
    from portal.i18n import Translator

    return Translator(lang)


@cache
def parser_class(lang: str) -> type[TranslatedParser]:
    """The parser class for one language (``id`` or ``en``)."""

    class Parser(TranslatedParser):
        pass

    Parser.lang = lang if lang in LANGUAGES else "id"
    return Parser
