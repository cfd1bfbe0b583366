"""Rules of the public consultation: who may comment where and when, receipts,
limits, campaigns, moderation, answers, threads and counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from portal.accounts.labels import CATEGORIES
from portal.accounts.models import User
from portal.accounts.services import normalise_email
from portal.config import Settings
from portal.consultation import text as texts
from portal.consultation.attachments import Attachment
from portal.consultation.errors import Refused
from portal.consultation.models import (
    POSITIONS,
    REGIONS,
    Comment,
)
from portal.consultation.writer import CommentWriter, Pending, Refusal
from portal.document import Node
from portal.document.citations import path_citation
from portal.i18n import N_, WIB
from portal.mail.outbox import enqueue
from portal.versions.models import Regulation, Version
from portal.web.unicode import clean_label

BODY_MAX = 5000
REPLACEMENT_MAX = 5000
PAGE_SIZE = 20
RATE_WINDOW = dt.timedelta(minutes=10)
RATE_PER_ADDRESS = 30  # comments from one network address in the window
RATE_PER_PERSON = 10  # comments from one account or email address in the window
CAP_PER_PROVISION = 5  # comments (not replies) by one person on one provision
STAFF = ("admin", "penyusun", "moderator")

# Error keys → messages (English ids; the Indonesian catalog translates them).
MESSAGES: dict[str, str] = {
    "body_required": N_("Write your comment."),
    "body_long": N_("The comment is too long (5,000 characters at most)."),
    "replacement_long": N_("The proposed wording is too long (5,000 characters at most)."),
    # Shown with the limit and the text's length (``thread.html``); the text is kept whole.
    "body_too_long": N_(
        "The comment is too long: %(limit)s characters at most, and it has %(length)s. Shorten it; your text is kept below."
    ),
    "replacement_too_long": N_(
        "The proposed wording is too long: %(limit)s characters at most, and it has %(length)s. Shorten it; your text is kept below."
    ),
    "position_invalid": N_("Choose your position."),
    "category_invalid": N_("Choose a stakeholder category."),
    "region_invalid": N_("Choose a regency or city."),
    "email_required": N_("An email address is needed for the receipt and the answer."),
    "window_closed": N_("The consultation on this version is closed."),
    "window_not_open": N_("The consultation on this version is not open yet."),
    "no_window": N_("This version is not open for public comments."),
    "login_required": N_("Sign in to comment on this version."),
    "rate_limited": N_("Too many comments in a short time: wait a few minutes and send again."),
    "cap_reached": N_("You have already sent 5 comments on this provision."),
    "attachment_type": N_("The attachment must be a PDF, DOCX or ODT file."),
    "attachment_large": N_("The attachment is larger than 10 MB."),
    "attachment_busy": N_(
        "Many files are being checked at the moment: send the form again in a few seconds."
    ),
    "attachment_archive": N_(
        "The attachment is a damaged or unusual DOCX/ODT file (too many parts, too large once unpacked, "
        "or compressed in a way Word and LibreOffice do not use): save it again as DOCX, ODT or PDF."
    ),
    "spam": N_("This submission could not be accepted."),
    "parent_invalid": N_("The comment you reply to is not on this provision."),
    "disposition_invalid": N_("Choose a disposition."),
    "reason_required": N_("Give the reasons for the answer."),
    "redacted_final": N_(
        "This comment's content was deleted at its owner's request: it cannot be shown again."
    ),
    "lookup_throttled": N_("Too many requests for this comment or from your network: try again later."),
    "hide_reason_required": N_("Give the public reason for hiding the comment."),
}

POSITION_NAMES = {
    "mendukung": N_("supports"),
    "menolak": N_("opposes"),
    "usul-perubahan": N_("proposes a change"),
    "pertanyaan": N_("asks a question"),
}
DISPOSITION_NAMES = {
    "diterima": N_("accepted"),
    "diterima-sebagian": N_("partly accepted"),
    "ditolak": N_("not accepted"),
    "sudah-diakomodasi": N_("already provided for"),
    "di-luar-materi": N_("outside the scope of the regulation"),
}
STATUS_NAMES = {
    "menunggu": N_("awaiting moderation"),
    "terbit": N_("published"),
    "disembunyikan": N_("hidden"),
}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return dt.datetime.now(WIB).date()


def window_state(version: Version, on: dt.date | None = None) -> str:
    """'buka', 'akan', 'tutup', or 'tidak-ada' (no window set)."""
    if not (version.konsultasi_buka and version.konsultasi_tutup):
        return "tidak-ada"
    on = on or today()
    if on < version.konsultasi_buka:
        return "akan"
    if on > version.konsultasi_tutup:
        return "tutup"
    return "buka"


def hash_value(value: str, settings: Settings) -> str:
    return hashlib.sha256(f"{settings.secret_key}:{value}".encode()).hexdigest()


@dataclass
class Submission:
    """What a person typed (kept whole, to give back on refusal)."""

    body: str = ""
    position: str = ""
    replacement: str = ""
    category: str = ""
    organisation: str = ""
    region: str = ""
    name: str = ""
    email: str = ""
    show_name: bool = False
    submission_key: str = ""
    parent: str = ""  # the number of the comment replied to
    honeypot: str = ""

    def values(self) -> dict[str, str]:
        return {
            "body": self.body, "position": self.position, "replacement": self.replacement,
            "category": self.category, "organisation": self.organisation, "region": self.region,
            "name": self.name, "email": self.email, "show_name": "1" if self.show_name else "",
            "submission_key": self.submission_key, "parent": self.parent,
        }  # fmt: skip


@lru_cache(maxsize=4096)
def _email(value: str) -> str | None:
    """normalise_email, remembered: the validation library is slow and a form asks twice."""
    return normalise_email(value)


def is_verified(user: User | None) -> bool:
    """A stakeholder an administrator verified (``accounts/verification.py``)."""
    return bool(user and user.role == "pemangku" and user.organisation and user.category in CATEGORIES)


def char_count(value: str) -> int:
    """Characters as the writer sees them: a line break counts once, though a browser
    sends it as CR LF (the form's counter, ``static/comment.js``, counts the same)."""
    return len(value.replace("\r\n", "\n"))


def validate(submission: Submission, user: User | None, is_reply: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not submission.body.strip():
        errors["body"] = ["body_required"]
    elif char_count(submission.body) > BODY_MAX:
        errors["body"] = ["body_too_long"]
    if char_count(submission.replacement) > REPLACEMENT_MAX:
        errors["replacement"] = ["replacement_too_long"]
    if not is_reply and submission.position not in POSITIONS:
        errors["position"] = ["position_invalid"]
    if submission.category not in CATEGORIES:
        errors["category"] = ["category_invalid"]
    if submission.region and submission.region not in REGIONS:
        errors["region"] = ["region_invalid"]
    if user is None and _email(submission.email) is None:
        errors["email"] = ["email_required"]
    return errors


@dataclass
class Receipt:
    comment: Comment
    token: str | None  # None when the submission was a repeat of one already stored
    created: bool


async def submit(
    version: Version,
    regulation: Regulation,
    node: Node | None,
    lineage: str | None,
    submission: Submission,
    user: User | None,
    ip: str,
    settings: Settings,
    attachment: Attachment | None = None,
    writer: CommentWriter | None = None,
) -> Receipt:
    """Store a comment (or reply) and queue its receipt; refuses with every problem.
    The comment is stored with the others that arrive at the same moment (``writer``:
    group commit) and this returns once it is committed."""
    if submission.honeypot:
        raise Refused({"form": ["spam"]})
    path = node.path if node else ""
    state = window_state(version)
    if state != "buka":
        if submission.submission_key:  # a form sent twice, the second time after the close
            existing = await Comment.get_or_none(submission_key=submission.submission_key[:64])
            if existing is not None:
                return Receipt(existing, None, False)
        key = {"akan": "window_not_open", "tutup": "window_closed"}.get(state, "no_window")
        raise Refused({"form": [key]})
    if user is None and not version.anonim_boleh:
        raise Refused({"form": ["login_required"]})
    parent: Comment | None = None
    if submission.parent:
        parent = await Comment.get_or_none(number=submission.parent, version_id=version.id, path=path)
        if parent is None or parent.parent_id is not None:  # type: ignore[attr-defined]
            raise Refused({"form": ["parent_invalid"]})
    errors = validate(submission, user, parent is not None)
    if errors:
        raise Refused(errors)
    email = user.email if user else (_email(submission.email) or "")
    name = clean_label(user.name if user else submission.name)[:200]
    # A verified stakeholder speaks for the organisation and category an administrator
    # verified; anyone else's category and organisation are what they declared.
    verified = is_verified(user)
    category = user.category if verified and user and user.category else submission.category
    organisation = clean_label(
        user.organisation if verified and user and user.organisation else submission.organisation
    )
    moderated = version.moderasi == "pra" and not (user and user.role in STAFF)
    token = secrets.token_urlsafe(24)
    key = submission.submission_key[:64] or secrets.token_hex(16)
    created_at = now()
    prefix = f"{texts.tracking_prefix(regulation.tentang, regulation.slug)}-{created_at.astimezone(WIB).year}"
    receipt_hash = hashlib.sha256(token.encode()).hexdigest()
    fields: dict[str, Any] = {
        "version_id": version.id,
        "path": path,
        "lineage": lineage,
        "wording": wording(node),
        "parent_id": parent.id if parent else None,
        "body": submission.body.strip(),
        "position": None if parent else submission.position,
        "replacement": "" if parent else submission.replacement.strip(),
        "category": category,
        "organisation": organisation[:200],
        "verified": verified,
        "region": submission.region,
        "author_id": user.id if user else None,
        "name": name,
        "email": email,
        "show_name": submission.show_name,
        "status": "menunggu" if moderated else "terbit",
        "signature": [] if parent else texts.signature(submission.body),
        "attachment_name": attachment.filename[:200] if attachment else "",
        "attachment_key": attachment.path.name if attachment else "",
        "attachment_type": attachment.content_type if attachment else "",
        "attachment_size": attachment.size if attachment else 0,
        "submission_key": key,
        "receipt_hash": receipt_hash,
        "ip_hash": hash_value(ip, settings),
        "created_at": created_at,
    }

    def mail(number: str) -> tuple[str, str, str]:
        body = _receipt_mail(number, path, fields["status"], regulation, version, token, settings)
        return email, f"Tanda terima komentar {number}", body

    pending = Pending(
        fields=fields,
        prefix=prefix,
        person=("author", user.id) if user else ("email", email),
        is_reply=parent is not None,
        receipt_hash=receipt_hash,
        mail=mail,
        limits=(RATE_PER_ADDRESS, RATE_PER_PERSON, CAP_PER_PROVISION),
        since=created_at - RATE_WINDOW,
    )
    try:
        comment, created = await (writer or CommentWriter()).write(pending)
    except Refusal as refusal:
        raise Refused({"form": [refusal.key]}) from refusal
    return Receipt(comment, token if created else None, created)


def wording(node: Node | None) -> str:
    """The words of a provision with its units, as a commenter read them."""
    if node is None:
        return ""
    parts = [node.heading or "", node.text]
    parts += [wording(child) for child in node.children if child.kind in ("ayat", "huruf", "angka")]
    return " ".join(p for p in parts if p)


def receipt_url(number: str, token: str, settings: Settings) -> str:
    return f"{settings.base_url.rstrip('/')}/tanda-terima/{number}?k={token}"


def _receipt_mail(
    number: str,
    path: str,
    status: str,
    regulation: Regulation,
    version: Version,
    token: str,
    settings: Settings,
) -> str:
    where = path_citation(path) or "rancangan secara keseluruhan"
    lines = [
        f"Terima kasih. Komentar Anda pada {regulation.tentang} ({version.label}), {where}, telah kami terima.",
        "",
        f"Nomor komentar: {number}",
        f"Tanda terima: {receipt_url(number, token, settings)}",
        "",
        "Setiap komentar akan dijawab secara terbuka oleh penyusun. Anda akan menerima surel saat jawabannya terbit.",
        f"Anda juga dapat melacak komentar ini di {settings.base_url.rstrip('/')}/lacak dengan nomor komentar dan alamat surel ini.",
    ]
    if status == "menunggu":
        lines += ["", "Konsultasi ini memakai pramoderasi: komentar Anda tampil setelah diperiksa moderator."]
    return "\n".join(lines)


LOOKUP_LINK_DAYS = 7


def lookup_token(comment: Comment, settings: Settings, *, expires: int | None = None) -> str:
    """A receipt link sent by ``/lacak``: signed for this comment and its address, valid
    for ``LOOKUP_LINK_DAYS`` (the receipt token of the first mail stays valid too)."""
    if expires is None:
        expires = int((now() + dt.timedelta(days=LOOKUP_LINK_DAYS)).timestamp())
    message = f"lacak:{comment.number}:{comment.email}:{expires}".encode()
    digest = hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]
    return f"l{expires}.{digest}"


def _lookup_token_valid(comment: Comment, token: str, settings: Settings) -> bool:
    stamp, _, _digest = token[1:].partition(".")
    if (
        not token.startswith("l")
        or not (stamp.isascii() and stamp.isdigit())
        or len(stamp) > 12
        or not comment.email
    ):
        return False
    if int(stamp) < now().timestamp():
        return False
    return secrets.compare_digest(lookup_token(comment, settings, expires=int(stamp)), token)


async def receipt_comment(number: str, token: str, settings: Settings) -> Comment | None:
    comment = await Comment.get_or_none(number=number).select_related("version__regulation")
    if comment is None or not token:
        return None
    if token.startswith("l") and "." in token:  # a link from /lacak; a receipt token has no "."
        return comment if _lookup_token_valid(comment, token, settings) else None
    if not comment.receipt_hash:
        return None
    if not secrets.compare_digest(comment.receipt_hash, hashlib.sha256(token.encode()).hexdigest()):
        return None
    return comment


async def send_lookup_link(number: str, email: str, settings: Settings) -> bool:
    """``/lacak``: when the number and the address belong together, mail the receipt link to
    that address. Whether they did is never told to the one who asked (only the owner of
    the address learns it), so the form cannot reveal who wrote an anonymous comment."""
    address = normalise_email(email)
    if not address:
        return False
    comment = await Comment.get_or_none(number=number.strip().upper()[:40], email=address).select_related(
        "version__regulation"
    )
    if comment is None or comment.redacted_at is not None:
        return False
    link = receipt_url(comment.number, lookup_token(comment, settings), settings)
    regulation = comment.version.regulation
    where = path_citation(comment.path) or "rancangan secara keseluruhan"
    body = "\n".join(
        [
            f"Seseorang (semoga Anda) meminta tautan komentar {comment.number} pada {regulation.tentang}, {where}.",
            "",
            f"Tautan tanda terima (berlaku {LOOKUP_LINK_DAYS} hari): {link}",
            "",
            "Jika Anda tidak memintanya, abaikan surel ini: tanpa tautan ini tidak ada yang dapat membuka komentar Anda.",
        ]
    )
    await enqueue(comment.email, f"Tautan komentar {comment.number}", body, kind="account")
    return True
