"""The staff's side of the consultation: moderation, redaction on request, answers."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from portal.accounts.models import User
from portal.accounts.services import audit
from portal.config import Settings
from portal.consultation.attachments import attachments_dir
from portal.consultation.errors import Refused
from portal.consultation.models import DISPOSITIONS, Comment, CommentBand, Response
from portal.consultation.services import now
from portal.mail.models import MailMessage
from portal.mail.outbox import enqueue
from portal.search import outbox as search_outbox

REASON_MAX = 5000


async def moderate(comment: Comment, action: str, reason: str, actor: User, ip: str | None = None) -> None:
    if action not in ("setujui", "sembunyikan", "tampilkan"):
        return
    if comment.redacted_at is not None:  # redaction is final: nothing to show or approve again
        raise Refused({"form": ["redacted_final"]})
    if action == "sembunyikan" and not reason.strip():
        raise Refused({"reason": ["hide_reason_required"]})
    async with in_transaction():
        if action == "sembunyikan":
            await Comment.filter(id=comment.id).update(
                status="disembunyikan", hidden_reason=reason.strip()[:2000]
            )
        else:  # approved (pre-moderation) or shown again
            await Comment.filter(id=comment.id).update(status="terbit", hidden_reason="")
        await search_outbox.note("comment", [comment.id])  # it enters or leaves the public index
        await audit(actor, f"comment.{action}", f"comment:{comment.number}", {"reason": reason[:2000]}, ip)


async def redact(
    comment: Comment, reason: str, actor: User, settings: Settings, ip: str | None = None
) -> None:
    """Remove a comment's personal data and content on a data-subject request (UU 27/2022),
    everywhere the portal kept them: the row (text, name, address, organisation, the link
    to the account, the network address, the receipt token), its near-duplicate bands,
    the attachment file, the search index (through the outbox), and the mails about the
    comment (rows and the ``.eml`` files of the file transport; a mail not yet sent is
    never sent). The number, dates and answer stay, so the records still add up. Final:
    a redacted comment cannot be shown or approved again, and redacting twice is a no-op."""
    if comment.redacted_at is not None:
        return
    if comment.attachment_key:
        (attachments_dir(settings) / comment.attachment_key).unlink(missing_ok=True)
    async with in_transaction():
        mails = await _mails_about(comment)
        await Comment.filter(id=comment.id).update(
            body="", replacement="", name="", email="", organisation="", show_name=False, signature=[],
            attachment_name="", attachment_key="", attachment_type="", attachment_size=0, status="disembunyikan",
            hidden_reason="Dihapus atas permintaan pemilik data pribadi.", redacted_at=now(), ip_hash="",
            author_id=None, receipt_hash="",
        )  # fmt: skip
        if mails:
            await MailMessage.filter(id__in=[m.id for m in mails]).update(
                to="",
                body="[dihapus atas permintaan pemilik data pribadi]",
                status="dihapus",
                last_error=None,
            )
        await CommentBand.filter(comment_id=comment.id).delete()
        await search_outbox.note("comment", [comment.id])
        await audit(actor, "comment.redact", f"comment:{comment.number}", {"reason": reason[:2000]}, ip)
    for mail in mails:  # the file transport's copies (PORTAL_SMTP_HOST empty)
        (settings.data_dir / "mail" / f"{mail.id:08d}.eml").unlink(missing_ok=True)


async def _mails_about(comment: Comment) -> list[MailMessage]:
    """The receipt, answer and lookup mails of this comment (each names its number)."""
    if not comment.email:
        return []
    found = await MailMessage.filter(to=comment.email, subject__contains=comment.number)
    # "…JSK-2026-000012" must not match "…JSK-2026-0000123": the number ends the subject.
    return [m for m in found if m.subject.endswith(comment.number)]


@dataclass
class Answer:
    disposition: str = ""
    reason: str = ""
    new_path: str = ""
    new_versi: str = ""


def validate_answer(answer: Answer) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if answer.disposition not in DISPOSITIONS:
        errors["disposition"] = ["disposition_invalid"]
    if not answer.reason.strip():
        errors["reason"] = ["reason_required"]
    elif len(answer.reason) > REASON_MAX:
        errors["reason"] = ["body_long"]
    return errors


async def answer(
    comment: Comment,
    given: Answer,
    actor: User,
    settings: Settings,
    slug: str,
    *,
    whole_group: bool = False,
    ip: str | None = None,
) -> list[Comment]:
    """Answer a comment (or every comment of its campaign group); mails each commenter."""
    errors = validate_answer(given)
    if errors:
        raise Refused(errors)
    targets = [comment]
    if whole_group and comment.group_id is not None:  # type: ignore[attr-defined]
        targets = await Comment.filter(group_id=comment.group_id, parent_id=None).order_by("id")  # type: ignore[attr-defined]
    stamp = now()
    async with in_transaction():
        await Response.bulk_create(
            [
                Response(
                    comment_id=target.id, disposition=given.disposition, reason=given.reason.strip(),
                    new_path=given.new_path.strip()[:255], new_versi=given.new_versi.strip()[:50], responder_id=actor.id,
                )
                for target in targets
            ]
        )  # fmt: skip
        await Comment.filter(id__in=[t.id for t in targets]).update(
            answered_at=stamp, disposition=given.disposition
        )
        await search_outbox.note("comment", [t.id for t in targets])  # the answers are searchable
        for target in targets:
            if target.email:
                await enqueue(
                    target.email,
                    f"Jawaban atas komentar {target.number}",
                    _answer_mail(target, given, settings, slug),
                )
        await audit(
            actor, "comment.answer", f"comment:{comment.number}",
            {"disposition": given.disposition, "count": len(targets)}, ip,
        )  # fmt: skip
    return targets


def _answer_mail(comment: Comment, given: Answer, settings: Settings, slug: str) -> str:
    base = settings.base_url.rstrip("/")
    lines = [
        f"Komentar Anda nomor {comment.number} telah dijawab oleh penyusun.",
        "",
        f"Tanggapan: {_indonesian_disposition(given.disposition)}",
        f"Alasan: {given.reason.strip()}",
    ]
    if given.new_path and given.new_versi:
        lines.append(f"Rumusan baru: {base}/r/{slug}/{given.new_versi}/{given.new_path}")
    lines += ["", f"Lacak komentar Anda: {base}/lacak"]
    return "\n".join(lines)


def _indonesian_disposition(key: str) -> str:
    return {
        "diterima": "diterima",
        "diterima-sebagian": "diterima sebagian",
        "ditolak": "ditolak",
        "sudah-diakomodasi": "sudah diakomodasi",
        "di-luar-materi": "di luar materi muatan",
    }[key]
