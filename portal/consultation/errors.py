"""What the consultation's rules answer when they refuse."""

from __future__ import annotations


class Refused(Exception):
    """A request the rules refuse: field → message keys (see ``services.MESSAGES``)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(repr(errors))
