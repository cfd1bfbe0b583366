"""Parse, write, check and import timings for a generated 500-Pasal draft and the sample v2.md.

    .venv/bin/python -m benchmarks.bench_parse            # the figures
    .venv/bin/python -m benchmarks.bench_parse --profile  # and where the time goes (cProfile)

Each figure is the median and the minimum of several runs (after one untimed warm-up
run). The baseline is markdown-it-py alone tokenising the same text as the portal's parser
does (``block_parser()``: the portal's rule set, block rules only, no inline pass); every
other row is also given as a multiple of it.
Aim (product owner): a 500-Pasal draft parsed and checked in under 0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from tortoise.context import TortoiseContext

from benchmarks.common import (
    SAMPLE,
    Disturbance,
    Timing,
    calibration_ms,
    machine_line,
    measure_interleaved,
    ms,
    table,
    warn_if_busy,
)
from benchmarks.generate import generate_draft
from portal import cli
from portal.db import migrate_database, tortoise_config
from portal.document import Document, parse, write
from portal.document.parser import block_parser
from portal.versions import services

AIM_SECONDS = 0.5


@dataclass(frozen=True)
class Draft:
    label: str
    path: Path
    text: str

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


def describe(draft: Draft) -> str:
    document = parse(draft.text)
    nodes = sum(1 for _ in document.walk())
    return (
        f"{draft.label}: {draft.size:,} bytes, {draft.text.count(chr(10)):,} lines, "
        f"{len(document.pasal())} Pasal, {nodes:,} nodes"
    )


# -- import into a fresh SQLite database ----------------------------------------------


async def _import_once(document: Document, folder: Path) -> tuple[float, float]:
    """Migrate a new database (timed apart), then time import_document alone."""
    url = f"sqlite://{folder / 'bench.sqlite3'}"
    start = time.perf_counter()
    await migrate_database(url)
    migrated = time.perf_counter() - start
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        start = time.perf_counter()
        result = await services.import_document(document)
        imported = time.perf_counter() - start
    assert result.status == "created"
    return migrated, imported


def time_import(draft: Draft, runs: int) -> tuple[Timing, Timing]:
    document = parse(draft.text)
    migrate_runs: list[float] = []
    import_runs: list[float] = []
    for attempt in range(runs + 1):  # the first is a warm-up
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
            migrated, imported = asyncio.run(_import_once(document, Path(tmp)))
        if attempt:
            migrate_runs.append(migrated)
            import_runs.append(imported)
    return (
        Timing("migrate a new SQLite database", tuple(migrate_runs)),
        Timing("import into fresh SQLite (services.import_document)", tuple(import_runs)),
    )


# -- the `portal check` command, in a new interpreter ---------------------------------------


def time_command(argv: list[str], runs: int) -> tuple[float, ...]:
    times = []
    for attempt in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603 - our own argv
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stdout}{done.stderr}")
        if attempt:
            times.append(elapsed)
    return tuple(times)


STARTUP = [
    ("python -c pass (interpreter start)", "pass"),
    ("python -c 'import portal.document' (the parser only)", "import portal.document"),
    ("python -c 'import portal.cli' (what `portal check` imports)", "import portal.cli"),
    ("python -c 'import tortoise' (the ORM alone)", "import tortoise"),
]


def startup(runs: int) -> str:
    """Where a `portal check` command's fixed cost goes: interpreter start and imports."""
    rows = []
    for label, code in STARTUP:
        timing = Timing(label, time_command([sys.executable, "-c", code], runs))
        rows.append([label, ms(timing.median), ms(timing.best), str(runs)])
    return table(["new interpreter", "median ms", "min ms", "runs"], rows)


def check_in_process(path: Path) -> None:
    """What `portal check FILE` does, without starting Python: read, parse, report."""
    out = io.StringIO()
    if cli.main(["check", str(path)], out=out) != 0:
        raise RuntimeError(out.getvalue())


def bench(draft: Draft, runs: int, import_runs: int, command_runs: int) -> list[Timing]:
    portal_rules = block_parser()
    commonmark = MarkdownIt("commonmark")
    text = draft.text
    timings = measure_interleaved(
        [
            ("baseline: markdown-it-py tokenising, portal's block rules", lambda: portal_rules.parse(text)),
            ("markdown-it-py, CommonMark preset (with inline pass)", lambda: commonmark.parse(text)),
            ("parse (portal.document.parse)", lambda: parse(text)),
            ("parse + write (canonical writer)", lambda: write(parse(text))),
            ("parse and check (`portal check` in process)", lambda: check_in_process(draft.path)),
        ],
        runs,
    )
    command = [sys.executable, "-m", "portal", "check", str(draft.path)]
    timings.append(
        Timing("`portal check FILE` command (new interpreter)", time_command(command, command_runs))
    )
    timings += time_import(draft, import_runs)
    return timings


def report(draft: Draft, timings: list[Timing]) -> str:
    baseline = timings[0].median
    rows = [
        [
            t.name,
            ms(t.median),
            ms(t.best),
            f"{t.median / baseline:.2f}",
            str(len(t.runs)),
        ]
        for t in timings
    ]
    return describe(draft) + "\n\n" + table(["operation", "median ms", "min ms", "× baseline", "runs"], rows)


def aim_lines(timings: list[Timing]) -> list[str]:
    by_name = {t.name: t for t in timings}
    lines = []
    for name in (
        "parse and check (`portal check` in process)",
        "`portal check FILE` command (new interpreter)",
    ):
        timing = by_name[name]
        verdict = "met" if timing.median < AIM_SECONDS else "NOT met"
        lines.append(f"  {name}: median {ms(timing.median)} ms → aim {verdict}")
    return lines


def profile(label: str, work: Callable[[], object], limit: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return f"== cProfile: {label} (cProfile slows calls, so read shares, not ms)\n" + out.getvalue()


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    options.add_argument("--pasal", type=int, default=500, help="Pasal in the generated draft (500)")
    options.add_argument("--seed", type=int, default=0)
    options.add_argument("--runs", type=int, default=9, help="timed runs of in-process operations (9)")
    options.add_argument("--import-runs", type=int, default=5, help="timed imports, each a new database (5)")
    options.add_argument("--command-runs", type=int, default=5, help="timed `portal check` commands (5)")
    options.add_argument("--profile", action="store_true", help="also print cProfile summaries")
    args = options.parse_args(argv)

    warn_if_busy()
    disturbance = Disturbance()
    print("Raperda Portal: parse / check / import benchmark")
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        generated_path = Path(tmp) / f"generated-{args.pasal}.md"
        generated_path.write_text(generate_draft(args.pasal, args.seed), encoding="utf-8")
        drafts = [
            Draft(
                f"generated draft, {args.pasal} Pasal (seed {args.seed})",
                generated_path,
                generated_path.read_text(encoding="utf-8"),
            ),
            Draft("sample drafts/jamsos-ketenagakerjaan/v2.md", SAMPLE, SAMPLE.read_text(encoding="utf-8")),
        ]
        results = []
        for draft in drafts:
            timings = bench(draft, args.runs, args.import_runs, args.command_runs)
            results.append(timings)
            print()
            print(report(draft, timings))
        print()
        print(startup(args.command_runs))
        print()
        print(f"Aim: a {args.pasal}-Pasal draft parsed and checked in under {AIM_SECONDS} s")
        print("\n".join(aim_lines(results[0])))
        imports = results[0][-1]
        nodes = sum(1 for _ in parse(drafts[0].text).walk())
        print(
            f"  import: {ms(imports.median)} ms for {nodes:,} rows ({imports.median / nodes * 1e6:,.0f} µs per row)"
        )

        print(f"calibration loop at the end: {calibration_ms():.0f} ms")
        print(disturbance.line())
        if args.profile:
            text = drafts[0].text
            document = parse(text)
            print()
            print(profile(f"parse of {drafts[0].label}", lambda: parse(text), 25))

            def one_import() -> None:
                with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
                    asyncio.run(_import_once(document, Path(folder)))

            print(profile(f"migrate + import of {drafts[0].label}", one_import, 25))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
