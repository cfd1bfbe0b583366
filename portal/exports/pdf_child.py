"""Set one PDF in a process of its own: ``python -m portal.exports.pdf_child PAPER IBUKOTA``
reads the version's Markdown on stdin and writes the PDF on stdout (exit 0), or the
error on stderr (exit 1).

Why a process: WeasyPrint is pure Python and holds the GIL for the 30–80 s a long
draft takes. In a thread of a web worker it starved that worker's event loop (in the
deadline rush, a PDF being set after a publication cut the comments a worker took per
second by two thirds). A child process runs at a lower priority (``nice`` 10), can be
stopped when it runs too long, and gives its memory back when it ends. It also ends
itself, within a second, when the process that started it is gone (a worker killed or
stopped mid-render): otherwise it would go on setting a PDF nobody reads, for minutes,
on the cores the portal needs.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

WATCH_INTERVAL = 0.5  # seconds between looks at the parent


def _watch_parent(parent: int) -> None:
    """End this process when its parent has ended (it is then adopted by another)."""
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(3)


def main(argv: list[str]) -> int:
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    from portal.document import parse
    from portal.exports.pdf import official_pdf

    paper, ibukota = argv
    source = sys.stdin.buffer.read().decode("utf-8")
    try:
        body = official_pdf(parse(source), ibukota=ibukota, paper=paper)
    except Exception as error:  # reported to the parent, which logs it and waits before retrying
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        return 1
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    with contextlib.suppress(OSError):  # not allowed here: the same priority as the worker
        os.nice(10)
    sys.exit(main(sys.argv[1:]))
