"""Who may do what: the one place handlers ask.

Permissions are granted to roles; every named route has a rule (a test walks
every route × role, so a new route without a rule fails CI).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from portal.accounts.models import ROLES

Permission = Literal[
    "read",  # public pages: everyone, signed in or not
    "account",  # one's own account: any signed-in person
    "verification.apply",  # ask to be verified as a stakeholder
    "admin.users",  # list users, change roles, disable, decide verification
    "admin.audit",  # read the audit log
    "draft.edit",  # working drafts: create, edit, review and correct the alignment
    "draft.publish",  # turn a working draft into a published version
    "comment.moderate",  # approve, hide and show comments
    "comment.answer",  # answer comments, the drafters' queue
    "comment.redact",  # remove a comment's personal data on request
    "comment.personal",  # see commenters' personal data in exports
]

ANONYMOUS = "anonim"

GRANTS: dict[str, frozenset[Permission]] = {
    ANONYMOUS: frozenset({"read"}),
    "publik": frozenset({"read", "account", "verification.apply"}),
    "pemangku": frozenset({"read", "account"}),
    "moderator": frozenset({"read", "account", "comment.moderate", "comment.personal"}),
    "penyusun": frozenset(
        {"read", "account", "draft.edit", "draft.publish", "comment.answer", "comment.personal"}
    ),
    "admin": frozenset(
        {
            "read",
            "account",
            "admin.users",
            "admin.audit",
            "draft.edit",
            "draft.publish",
            "comment.moderate",
            "comment.answer",
            "comment.redact",
            "comment.personal",
        }
    ),
}
if set(GRANTS) != {*ROLES, ANONYMOUS}:  # a typo in the table must fail at import
    raise RuntimeError("GRANTS must name every role")

# Route name → the permission it needs. "public" routes need nothing at all
# (static files, the language switch, the login and registration forms).
ROUTES: dict[str, Permission | Literal["public"]] = {
    "index": "read",
    "index_json": "read",
    "search": "read",
    "version_akn": "read",
    "version_docx": "read",
    "version_pdf": "read",
    "version_markdown": "read",
    "search_json": "read",
    "index_json_alias": "read",
    "regulation": "read",
    "version": "read",
    "provision": "read",
    "history": "read",
    "history_json": "read",
    "compare_form": "read",
    "compare": "read",
    "compare_sub": "read",
    "static": "public",
    "openapi": "public",
    "healthz": "public",  # probes of a load balancer
    "readyz": "public",  # no personal data: checks and figures only
    "metrics": "public",  # answers only the bearer of PORTAL_METRICS_TOKEN (404 otherwise)
    "switch_language": "public",
    "register": "public",
    "login": "public",
    "logout": "public",
    "forgot_password": "public",
    "reset_password": "public",
    "verify_email": "public",
    "account": "account",
    "account_json": "account",
    "account_tokens": "account",
    "account_password": "account",
    "account_sessions": "account",
    "account_email": "account",
    "account_verification": "verification.apply",
    "admin_users": "admin.users",
    "admin_user": "admin.users",
    "admin_audit": "admin.audit",
    "drafts": "draft.edit",
    "draft_create": "draft.edit",
    "draft": "draft.edit",
    "draft_save": "draft.edit",
    "draft_revisions": "draft.edit",
    "draft_restore": "draft.edit",
    "draft_correct": "draft.edit",
    "draft_publish": "draft.publish",
    "draft_discard": "draft.edit",
    "draft_part": "draft.edit",
    "draft_outline": "draft.edit",
    "version_comments": "read",
    "version_comments_json": "read",
    "provision_comments": "read",
    "provision_comments_json": "read",
    "receipt": "read",
    "lookup": "read",
    "attachment": "read",
    "moderation": "comment.moderate",
    "moderate": "comment.moderate",
    "redact": "comment.redact",
    "answer_queue": "comment.answer",
    "answer": "comment.answer",
    "comments_csv": "read",
    "comments_export_json": "read",
    "dim_docx": "read",
    "dim_xlsx": "read",
    "accountability": "read",
    "accountability_json": "read",
    "report": "read",
    "report_docx": "read",
    "report_json": "read",
}


# What a personal API token may use only when its scope names it: commenters' personal
# data (e-mail addresses in exports) is for a session, or a token of scope "pribadi",
# which only people whose role sees personal data can create.
TOKEN_SCOPE_NEEDED: dict[Permission, str] = {"comment.personal": "pribadi"}


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user's id and role, or anonymous; ``token_scope`` is
    the scope of the API token the request came with (None for a session)."""

    user_id: int | None
    role: str
    token_scope: str | None = None


ANONYMOUS_ACTOR = Actor(None, ANONYMOUS)


def can(actor: Actor, permission: Permission) -> bool:
    if permission not in GRANTS.get(actor.role, frozenset()):
        return False
    needed = TOKEN_SCOPE_NEEDED.get(permission)
    return actor.token_scope is None or needed is None or actor.token_scope == needed
