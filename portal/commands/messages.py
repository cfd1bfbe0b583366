"""What the command line says: English message ids by key, translated through
``portal/locale`` like the web pages' (the help and the lint summary too)."""

from __future__ import annotations

from portal.i18n import N_, Translator

MESSAGES = {
    "exported": N_("written: %(path)s"),
    "binary_needs_output": N_("DOCX needs a file: add -o FILE.docx"),
    "reindexed": N_("Search index rebuilt: %(count)s documents."),
    "indexed": N_("Changes applied to the index: %(count)s."),
    "index_busy": N_("Another process is writing the index; nothing was applied."),
    "ok": N_("OK"),
    "unreadable": N_("cannot read the file: %(detail)s"),
    "created": N_("imported: %(slug)s %(versi)s (%(label)s)"),
    "unchanged": N_("unchanged: %(slug)s %(versi)s"),
    "refused": N_("refused: %(path)s"),
    "serving": N_("Raperda Portal is running at %(url)s"),
    "seeded": N_("Empty database: sample drafts imported from %(path)s"),
    "no_files": N_("no draft files under %(path)s"),
    "password_mismatch": N_("the two passwords are not the same"),
    "user_created": N_("account created: %(email)s (%(role)s)"),
    "user_unknown": N_("no account %(email)s"),
    "user_disabled": N_("account disabled: %(email)s"),
    "mail_sent": N_("%(count)s messages sent"),
}


def say(key: str, lang: str, **params: object) -> str:
    return Translator(lang).gettext(MESSAGES[key], **params)
