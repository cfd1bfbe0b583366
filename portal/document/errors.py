"""Parse problems: a line, a code and parameters, worded in Indonesian or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.i18n import N_, Translator

# Each code maps to an English message id (the catalog gives the Indonesian).
MESSAGES: dict[str, str] = {
    "frontmatter_missing": N_("the file does not start with a YAML front matter between two '---' lines"),
    "frontmatter_yaml": N_("the front matter is not valid YAML: %(detail)s"),
    "frontmatter_not_mapping": N_("the front matter must be a mapping of keys to values"),
    "frontmatter_unknown_key": N_("unknown front-matter key '%(key)s'"),
    "frontmatter_missing_key": N_("required front-matter key '%(key)s' is missing"),
    "frontmatter_bad_value": N_("invalid value for '%(key)s': %(detail)s"),
    "heading_unknown": N_(
        "unknown heading '%(text)s' (known: Menimbang, Mengingat, BAB, Bagian, Paragraf, Pasal, Penjelasan Umum, Lampiran)"
    ),
    "heading_malformed": N_("heading '%(text)s' is malformed; a correct example: %(example)s"),
    "section_order": N_("%(what)s appears after %(after)s"),
    "pasal_order": N_("Pasal %(number)s appears after Pasal %(previous)s"),
    "duplicate_path": N_("duplicate %(label)s: already at line %(first)s (path '%(path)s')"),
    "bagian_outside_bab": N_("Bagian %(number)s is not inside a BAB"),
    "paragraf_outside_bagian": N_("Paragraf %(number)s is not inside a Bagian"),
    "pasal_outside_bab": N_("Pasal %(number)s stands outside any BAB although this document uses BAB"),
    "marker_outside": N_("unit marker '%(marker)s' is outside any Pasal, Menimbang or Mengingat"),
    "text_outside": N_(
        "text is outside any Pasal, Menimbang, Mengingat, Penjelasan Umum or Lampiran: '%(text)s'"
    ),
    "content_unexpected": N_(
        "%(what)s is not allowed here; tables and the like belong in the Penjelasan Umum or a Lampiran"
    ),
    "container_unknown": N_("unknown container '::: %(name)s'; the only one known is '::: penjelasan'"),
    "container_unclosed": N_("the '::: penjelasan' container is not closed with a ':::' line"),
    "container_misplaced": N_("a '::: penjelasan' container must directly follow a Pasal"),
    "after_penjelasan": N_(
        "'%(text)s' comes after the penjelasan container of Pasal %(number)s; the penjelasan must be the last part of a Pasal, after all its units"
    ),
    "container_duplicate": N_(
        "Pasal %(number)s already has a penjelasan container at line %(first)s; merge the two"
    ),
    "container_nested": N_("'::: penjelasan' containers cannot be nested"),
    "empty_document": N_("the document contains no Pasal"),
}


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused."""

    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def message(self, lang: str = "id") -> str:
        params = dict(self.params)
        # Parameters may come in both languages: 'what' and 'what_en', 'detail' and 'detail_en'.
        if lang == "en":
            for key in [k for k in params if k.endswith("_en")]:
                params[key.removesuffix("_en")] = params[key]
        return Translator(lang).gettext(MESSAGES[self.code], **params)

    def render(self, lang: str = "id") -> str:
        """'baris 41: Pasal 7 muncul setelah Pasal 8' (or 'line 41: …' in English)."""
        return Translator(lang).gettext("line %(line)s: %(text)s", line=self.line, text=self.message(lang))

    def to_json(self, lang: str = "id") -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "message": self.message(lang)}


class DraftError(ValueError):
    """A draft file that breaks the format; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__(self.problems)

    def __str__(self) -> str:  # worded when shown (in Indonesian), not when raised
        return "\n".join(p.render() for p in self.problems)

    def render(self, lang: str = "id") -> list[str]:
        return [p.render(lang) for p in self.problems]
