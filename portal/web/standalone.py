"""Self-contained HTML files (CLI output): the page's stylesheet is inlined."""

from __future__ import annotations

from markupsafe import Markup

from portal.i18n import Translator
from portal.versions.compare import Comparison
from portal.versions.redline import redline_context
from portal.web.templating import STATIC_DIR, Renderer


def comparison_html(comparison: Comparison, lang: str = "id") -> str:
    css = Markup((STATIC_DIR / "portal.css").read_text(encoding="utf-8"))  # noqa: S704 - our own stylesheet
    return Renderer().render(
        "versions/diff_file.html", Translator(lang), css=css, **redline_context(comparison, lang)
    )
