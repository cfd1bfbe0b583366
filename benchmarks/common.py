"""Small helpers shared by the benchmark scripts: timing, statistics, the machine."""

from __future__ import annotations

import gc
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
