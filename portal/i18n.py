"""Languages: Indonesian by default, English on request.

Templates and code use English message ids; ``portal/locale/<lang>/LC_MESSAGES/
messages.po`` holds the translations (Indonesian is complete, a test checks).
Catalogs are compiled in memory at start-up, so no binary .mo file is committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LANGUAGES = ("id", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANG_COOKIE = "lang"
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


@cache
def translations(lang: str) -> NullTranslations:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


class Translator:
    """The gettext callables and formatters for one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "id"
        self._t = translations(self.lang)

    def gettext(self, message: str, **params: object) -> str:
        text = self._t.gettext(message)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text % {"num": n, **params}

    def date(self, value: dt.date | None, form: str = "long") -> str:
        return format_date(value, format=form, locale=self.lang) if value else ""

    def datetime(self, value: dt.datetime | None, form: str = "long") -> str:
        if value is None:
            return ""
        # Banten keeps Western Indonesian Time (WIB, UTC+7).
        local = value.astimezone(WIB)
        clock = local.strftime("%H.%M" if self.lang == "id" else "%H:%M")
        return f"{format_date(local.date(), format=form, locale=self.lang)} {clock} WIB"

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.lang)

    def percent(self, value: float) -> str:
        """0.873 → '87%' (Indonesian and English both put the sign after the number)."""
        return format_percent(value, locale=self.lang)

    def callables(self) -> dict[str, Callable[..., str]]:
        return {
            "_": self.gettext,
            "gettext": self.gettext,
            "ngettext": self.ngettext,
            "format_date": self.date,
            "format_datetime": self.datetime,
            "format_number": self.number,
            "format_percent": self.percent,
        }


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message
