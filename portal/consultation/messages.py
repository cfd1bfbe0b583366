"""What the consultation's pages say when a form is refused: the form's own messages,
the rules' (``services.MESSAGES``) and the database's; one table for every page."""

from __future__ import annotations

from portal.consultation import services
from portal.i18n import N_
from portal.web import errors as error_pages
from portal.web.forms import MESSAGES as FORM_MESSAGES

MESSAGES = {
    **FORM_MESSAGES,
    **services.MESSAGES,
    "database_unavailable": error_pages.DATABASE_UNAVAILABLE,
    "attachment_disk_full": N_(
        "The portal has no room to store this file at the moment: nothing has been sent yet. Send your comment without the file, or try again later."
    ),
}
