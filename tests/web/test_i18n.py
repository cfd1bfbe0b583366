from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from portal.config import ROOT
from portal.i18n import LOCALE_DIR

METHODS = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def used_messages() -> set[str]:
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_indonesian_catalog_translates_every_message() -> None:
    with (LOCALE_DIR / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    used = used_messages()
    assert used, "extraction found nothing: the check itself is broken"
    missing = sorted(used - translated)
    assert not missing, f"untranslated in portal/locale/id: {missing}"
