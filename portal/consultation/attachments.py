"""Position papers attached to comments: streamed to disk while counting, typed by
content, stored outside the web root under a random name."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.config import Settings
from portal.consultation import text as texts
from portal.consultation.errors import Refused

ATTACHMENT_MAX = 10 * 1024 * 1024


@dataclass
class Attachment:
    """An uploaded file already written to a temporary path, with its sniffed type."""

    filename: str
    path: Path
    content_type: str
    size: int


def attachments_dir(settings: Settings) -> Path:
    folder = settings.data_dir / "lampiran"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def store_attachment(upload: Any, settings: Settings) -> Attachment | None:
    """Copy an UploadFile under a random name, counting while streaming; refuses a file
    over 10 MB or not a PDF/DOCX/ODT by content. None when no file was chosen."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    target = attachments_dir(settings) / secrets.token_hex(16)
    size = 0
    try:
        with target.open("wb") as out:
            while chunk := await upload.read(256 * 1024):
                size += len(chunk)
                if size > ATTACHMENT_MAX:
                    raise Refused({"attachment": ["attachment_large"]})
                out.write(chunk)
        with target.open("rb") as handle:
            kind = texts.sniff(handle)
        if kind is None:
            raise Refused({"attachment": ["attachment_type"]})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        await upload.close()
    name = Path(upload.filename).name.replace("\x00", "")[:150] or "lampiran"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return Attachment(stem + texts.EXTENSIONS[kind], target, kind, size)


def discard_attachment(attachment: Attachment | None) -> None:
    if attachment is not None:
        attachment.path.unlink(missing_ok=True)
