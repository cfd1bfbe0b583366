"""Small helpers shared by the benchmark scripts: timing, statistics, the machine."""

from __future__ import annotations

import asyncio
import gc
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "drafts" / "jamsos-ketenagakerjaan" / "v2.md"


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of several runs of one operation."""

    name: str
    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def best(self) -> float:
        return min(self.runs)


def measure_interleaved(work: list[tuple[str, Callable[[], object]]], runs: int) -> list[Timing]:
    """Time several operations ``runs`` times each, after one untimed warm-up run.

    The operations take turns within each round, so a slow spell of a shared machine
    falls on all of them alike and their ratios hold. The garbage collector stays on
    (a real run pays for it), but a full collection before each run keeps one run's
    garbage from being charged to the next.
    """
    for _, step in work:
        step()  # warm-up
    times: list[list[float]] = [[] for _ in work]
    for _ in range(runs):
        for index, (_, step) in enumerate(work):
            gc.collect()
            start = time.perf_counter()
            step()
            times[index].append(time.perf_counter() - start)
    return [Timing(name, tuple(runs_of)) for (name, _), runs_of in zip(work, times, strict=True)]


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def calibration_ms() -> float:
    """A fixed pure-Python loop (best of 5), to compare the speed of runs and machines:
    on a shared virtual machine the same code can run markedly slower from one minute
    to the next, and this figure moves with it."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number
        best = min(best, time.perf_counter() - start)
    return best * 1000


def machine_line() -> str:
    load = load_average()
    shown = f"{load:.2f}" if load is not None else "n/a"
    return (
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU, "
        f"load average (1 min) {shown}, {time.strftime('%Y-%m-%d %H:%M %Z')}; "
        f"calibration loop {calibration_ms():.0f} ms (lower is faster)"
    )


def warn_if_busy(limit: float = 0.5) -> None:
    """Say so when something else is using the CPU: the figures would be pessimistic."""
    load = load_average()
    if load is not None and load > limit:
        sys.stderr.write(
            f"warning: load average is {load:.2f}: the machine was busy in the last minute "
            "(another process, or a benchmark just before); figures may be pessimistic\n"
        )


def _machine_busy_seconds() -> float | None:
    """CPU seconds all processes of the machine have used since boot (Linux /proc/stat)."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in first[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    """CPU seconds of this process and of the child processes it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Disturbance:
    """The CPU other processes used while a benchmark ran: the machine's busy time less
    the benchmark's own (and its children's). On a shared machine, a run where this is
    more than a few percent of one core was disturbed and is worth running again."""

    LIMIT = 0.10  # of one core; the machine's own services use a few percent

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.busy = _machine_busy_seconds()
        self.own = _own_seconds()

    def share(self, unwaited: float = 0.0) -> float | None:
        """Other processes' CPU as a share of one core. ``unwaited``: CPU seconds of the
        benchmark's child processes that are still running (not yet in its rusage)."""
        busy = _machine_busy_seconds()
        if busy is None or self.busy is None:
            return None
        others = (busy - self.busy) - (_own_seconds() - self.own) - unwaited
        return max(others, 0.0) / max(time.monotonic() - self.start, 1e-9)

    def line(self, unwaited: float = 0.0) -> str:
        share = self.share(unwaited)
        if share is None:
            return "CPU used by other processes during the run: n/a (no /proc/stat)"
        verdict = "disturbed: run again" if share > self.LIMIT else "undisturbed"
        return f"CPU used by other processes during the run: {share:.0%} of one core ({verdict})"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, columns padded for reading in a terminal."""
    widths = [max(len(headers[i]), *(len(row[i]) for row in rows)) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells)) + " |"

    return "\n".join(
        [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows)]
    )


async def asgi_request(
    app: ASGIApp,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    ip: str = "127.0.0.1",
) -> tuple[int, int, dict[str, str]]:
    """One request through an ASGI app in process (no server, no socket): its status,
    body size and response headers."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"127.0.0.1")] + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": (ip, 50000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip
    status, size = 0, 0
    out: dict[str, str] = {}
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
            out.update((k.decode(), v.decode()) for k, v in message.get("headers", []))
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    await app(scope, receive, send)
    return status, size, out


# The PDFs of the sample versions, kept between runs: setting them takes WeasyPrint
# 30-80 s after a publication, which must not fall into a measurement (nor disturb it).
PDF_CACHE = Path(tempfile.gettempdir()) / "portal-bench-pdfs"


def restore_pdfs(data_dir: Path) -> None:
    """Put the kept PDFs where a fresh data directory's portal looks for them."""
    if PDF_CACHE.is_dir():
        (data_dir / "exports").mkdir(parents=True, exist_ok=True)
        for pdf in PDF_CACHE.glob("*.pdf"):
            shutil.copy2(pdf, data_dir / "exports" / pdf.name)


def wait_for_pdfs(data_dir: Path, versions: int, limit: float = 600) -> None:
    """Wait until every published version has its two PDFs, then keep them."""
    deadline = time.monotonic() + limit
    folder = data_dir / "exports"
    while len(list(folder.glob("*.pdf"))) < 2 * versions and time.monotonic() < deadline:
        time.sleep(2)
    PDF_CACHE.mkdir(exist_ok=True)
    for pdf in folder.glob("*.pdf"):
        shutil.copy2(pdf, PDF_CACHE / pdf.name)
