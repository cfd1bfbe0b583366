"""Position papers attached to comments: streamed to disk while counting, typed by
content (off the event loop, within fixed bounds), stored outside the web root under a
random name."""

from __future__ import annotations

import errno
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.config import Settings
from portal.consultation import text as texts
from portal.consultation.errors import Refused
from portal.web.executors import Busy, Executors

ATTACHMENT_MAX = 10 * 1024 * 1024
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT}  # a full disk, or the portal's quota used up
log = logging.getLogger("portal.consultation")

# Typing a file reads its first bytes and, for a ZIP, its central directory (at most
# 256 KB) and 256 bytes of one part (``text.sniff``): milliseconds and little memory
# whatever the file holds. It runs in the "upload" pool (``web/executors.py``), so that
# neither a burst of uploads nor the slow pools (search, exports, PDF) can hold the other
# up, and the event loop never waits on it.


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


async def store_attachment(upload: Any, settings: Settings, pools: Executors) -> Attachment | None:
    """Copy an UploadFile under a random name, counting while streaming; refuses a file
    over 10 MB, not a PDF/DOCX/ODT by content, or a DOCX/ODT that is damaged or out of
    bounds (``text.sniff``). None when no file was chosen."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    target = attachments_dir(settings) / secrets.token_hex(16)
    size = 0
    try:
        try:
            with target.open("wb") as out:
                while chunk := await upload.read(256 * 1024):
                    size += len(chunk)
                    if size > ATTACHMENT_MAX:
                        raise Refused({"attachment": ["attachment_large"]})
                    out.write(chunk)
        except OSError as error:
            if error.errno not in _NO_ROOM:
                raise
            log.error("attachment refused: no room in %s (%s)", target.parent, error.strerror)
            raise Refused({"attachment": ["attachment_disk_full"]}) from error
        try:
            kind = await pools.run("upload", _sniff_file, target)
        except Busy as busy:  # refused next to the field, every other field kept
            raise Refused({"attachment": ["attachment_busy"]}) from busy
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


def _sniff_file(path: Path) -> str | None:
    """The file's type; a damaged or out-of-bounds archive is refused."""
    with path.open("rb") as handle:
        try:
            return texts.sniff(handle)
        except texts.UnsafeArchive as error:
            log.warning("attachment refused: %s", error)
            raise Refused({"attachment": ["attachment_archive"]}) from None


def discard_attachment(attachment: Attachment | None) -> None:
    if attachment is not None:
        attachment.path.unlink(missing_ok=True)
