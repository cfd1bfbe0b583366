"""Static files: a URL carrying the file's content hash (``static_url``) never changes
meaning, so it is cached for a year as ``immutable``; any other URL is revalidated."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from portal.web.templating import STATIC_DIR, static_url

IMMUTABLE = "public, max-age=31536000, immutable"


class VersionedStaticFiles(StaticFiles):
    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        versioned = _versioned(Path(full_path), scope)
        response.headers["cache-control"] = IMMUTABLE if versioned else "public, max-age=0, must-revalidate"
        return response


def _versioned(path: Path, scope: Scope) -> bool:
    """``?v=<hash>`` that is the hash of the file served (a stale link is not immutable)."""
    query: Any = scope.get("query_string", b"")
    wanted = query.decode("latin-1") if isinstance(query, bytes) else str(query)
    try:
        name = path.resolve().relative_to(STATIC_DIR.resolve()).as_posix()
        return bool(wanted) and static_url(name).endswith("?" + wanted)
    except (OSError, ValueError):
        return False
