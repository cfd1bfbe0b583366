"""Small helpers shared by the benchmark scripts: timing, statistics, the machine."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


def measure(name: str, work: Callable[[], object], runs: int, warmup: int = 1) -> Timing:
    """Run ``work`` ``warmup`` times untimed, then ``runs`` times timed."""
    for _ in range(warmup):
        work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return Timing(name, tuple(times))


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def machine_line() -> str:
    load = load_average()
    shown = f"{load:.2f}" if load is not None else "n/a"
    return (
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU, "
        f"load average (1 min) {shown}, {time.strftime('%Y-%m-%d %H:%M %Z')}"
    )


def warn_if_busy(limit: float = 0.5) -> None:
    """Say so when something else is using the CPU: the figures would be pessimistic."""
    load = load_average()
    if load is not None and load > limit:
        sys.stderr.write(
            f"warning: load average is {load:.2f}; other processes compete for the CPU, "
            "so these figures are pessimistic (run again on a quiet machine)\n"
        )


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
