"""Quality and speed of the alignment of versions (portal.versions.align).

    .venv/bin/python -m benchmarks.bench_align                  # 300 cases, then the speed part
    .venv/bin/python -m benchmarks.bench_align --cases 60 --no-speed
    .venv/bin/python -m benchmarks.bench_align --show 17        # one case: its mutations and errors

Quality: each case takes an old version (even seeds: one of the sample drafts v1, v2, v3
in turn; odd seeds: a generated draft of 40–120 Pasal), makes a new one with
``benchmarks.mutate`` (1–4 structural changes, word edits in 5–20 % of the texts,
cross-references renumbered in 80 % of the cases) and compares ``align(old, new)`` with the
ground truth. A predicted pair counts for the Pasal when both paths are Pasal, for the
units when both are an ayat, huruf or angka of a Pasal; split and merge pairs count as
pairs. Precision = right predicted pairs / predicted pairs; recall = right predicted
pairs / true pairs, summed over all cases. Aims (product owner): ≥ 99 % on Pasal,
≥ 97 % on units.

Speed: a generated 500-Pasal draft and a mutated version of it (``SPEED_PLAN``: 10
structural changes of every kind; word edits in 10 % of the texts) written to a temporary
folder; medians of several runs of (a) the portal's compare split into parse, align, word
diffs and the references check (every diff checked to give back both texts exactly), (b) ``git diff --no-index`` on one-word-per-line copies of
the two files, (c) ``git diff --no-index --word-diff`` on the files, (d) difflib on the
whole texts split into words (in a subprocess with a time limit), (e) Pasal paired by
number + difflib per Pasal. Aim: align + all word diffs within 3 x (b).
Local files only; no network.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from benchmarks.common import ROOT, calibration_ms, machine_line, measure_interleaved, ms, table, warn_if_busy
from benchmarks.generate import generate_draft
from benchmarks.mutate import Mutation, is_pasal, is_unit, mutate
from portal.document import Document, Node, parse
from portal.versions.align import UNIT_KINDS, Alignment, align, subtree_text
from portal.versions.compare import compare, own_text
from portal.versions.diff import Piece, new_text, old_text, word_diff
from portal.versions.refs import check_references

SAMPLES = ("v1", "v2", "v3")
DRAFTS = ROOT / "drafts" / "jamsos-ketenagakerjaan"
AIM_PASAL = 0.99
AIM_UNITS = 0.97
AIM_RATIO = 3.0
Pair = tuple[str, str]
# The structural changes of the speed case: ten, of every kind.
SPEED_PLAN = (
    "insert_pasal",
    "insert_pasal",
    "delete_pasal",
    "move_pasal",
    "move_pasal",
    "split_ayat",
    "split_ayat",
    "merge_ayat",
    "insert_unit",
    "delete_unit",
)


# -- quality ---------------------------------------------------------------------------


@cache
def sample(name: str) -> Document:
    return parse((DRAFTS / f"{name}.md").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Case:
    seed: int
    source: str
    old: Document
    mutation: Mutation


def make_case(seed: int) -> Case:
    """The case of one seed: the same old version and mutations every time."""
    rng = random.Random(seed)
    if seed % 2 == 0:
        source = SAMPLES[(seed // 2) % len(SAMPLES)]
        old = sample(source)
    else:
        size = rng.randint(40, 120)
        source = f"generated {size} Pasal"
        old = parse(generate_draft(size, seed))
    ops = rng.randint(1, 4)
    return Case(seed, source, old, mutate(old, rng, ops, update_refs=rng.random() < 0.8))


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, truth: set[Pair], predicted: set[Pair]) -> None:
        right = len(truth & predicted)
        self.tp += right
        self.fp += len(predicted) - right
        self.fn += len(truth) - right

    def __iadd__(self, other: Tally) -> Tally:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def truth(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.truth if self.truth else 1.0


@dataclass(frozen=True)
class Error:
    """One old (or new) provision whose predicted pairs differ from the truth."""

    seed: int
    source: str
    level: str  # "Pasal" or "unit"
    category: str
    context: str  # the mutation kind it happened in, or "word edit", "untouched"
    old: str | None
    truth: tuple[str, ...]
    predicted: tuple[str, ...]  # "new path (kind)"
    old_text: str
    new_text: str


@dataclass
class Result:
    seed: int
    source: str
    kinds: list[str]
    pasal: Tally = field(default_factory=Tally)
    units: Tally = field(default_factory=Tally)
    distinct: Tally = field(default_factory=Tally)  # units, leaving out texts repeated in their Pasal
    categories: dict[str, tuple[Tally, Tally]] = field(default_factory=dict)
    errors: list[Error] = field(default_factory=list)

    @property
    def wrong(self) -> int:
        return self.pasal.fp + self.pasal.fn + self.units.fp + self.units.fn


def predicted_pairs(alignment: Alignment) -> tuple[set[Pair], set[Pair]]:
    pasal: set[Pair] = set()
    units: set[Pair] = set()
    for m in alignment.mappings:
        if m.old is None or m.new is None:
            continue
        if is_pasal(m.old) and is_pasal(m.new):
            pasal.add((m.old, m.new))
        elif is_unit(m.old) and is_unit(m.new):
            units.add((m.old, m.new))
    return pasal, units


def _context(case: Case, old: str | None, new: str | None) -> str:
    for op in case.mutation.operations:
        if (old is not None and old in op.old) or (new is not None and new in op.new):
            return op.kind
    if old is not None and old in case.mutation.word_edited:
        return "word edit"
    if old is not None and old in case.mutation.refs_updated:
        return "references renumbered"
    return "untouched"


def _categories(case: Case, truth: set[Pair], predicted: set[Pair]) -> dict[str, tuple[set[Pair], set[Pair]]]:
    """Truth and predicted pairs by what happened to them (a pair can be in several)."""
    out: dict[str, tuple[set[Pair], set[Pair]]] = {}
    involved_old: set[str] = set()
    involved_new: set[str] = set()
    by_kind: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for op in case.mutation.operations:
        by_kind[op.kind][0].update(op.old)
        by_kind[op.kind][1].update(op.new)
        involved_old |= op.old
        involved_new |= op.new

    def pick(test: Callable[[Pair], bool]) -> tuple[set[Pair], set[Pair]]:
        return {p for p in truth if test(p)}, {p for p in predicted if test(p)}

    for kind, (olds, news) in by_kind.items():
        out[kind] = pick(lambda p, o=olds, n=news: p[0] in o or p[1] in n)  # type: ignore[misc]

    def quiet(p: Pair) -> bool:
        return p[0] not in involved_old and p[1] not in involved_new

    edited = case.mutation.word_edited
    refs = case.mutation.refs_updated
    out["word edits (elsewhere)"] = pick(lambda p: quiet(p) and p[0] in edited)
    out["references renumbered (elsewhere)"] = pick(
        lambda p: quiet(p) and p[0] in refs and p[0] not in edited
    )
    out["untouched (renumbered at most)"] = pick(
        lambda p: quiet(p) and p[0] not in edited and p[0] not in refs
    )
    return out


def _errors(
    case: Case, level: str, truth: set[Pair], predicted: set[Pair], alignment: Alignment
) -> list[Error]:
    kinds = {(m.old, m.new): f"{m.kind} {m.score:.2f}" for m in alignment.mappings}
    true_of: dict[str, set[str]] = defaultdict(set)
    pred_of: dict[str, set[str]] = defaultdict(set)
    true_into: dict[str, set[str]] = defaultdict(set)
    for o, n in truth:
        true_of[o].add(n)
        true_into[n].add(o)
    for o, n in predicted:
        pred_of[o].add(n)
    old_index = case.old.index()
    new_index = case.mutation.document.index()
    errors: list[Error] = []
    twins = repeated(case.old)
    for old in sorted(set(true_of) | set(pred_of)):
        expected, found = true_of.get(old, set()), pred_of.get(old, set())
        if expected == found:
            continue
        if not expected:
            inserted = all(not true_into.get(n) for n in found)
            category = "deleted, paired with an inserted one" if inserted else "deleted, paired with another"
        elif len(expected) == 2 and found < expected:
            category = "split not recognised"
        elif any(len(true_into[n]) == 2 for n in expected) and not (found & expected):
            category = "merge not recognised"
        elif len(found) > len(expected) and expected <= found:
            category = "false split"
        elif not found:
            category = "missed (shown as deleted)"
        elif not (found & expected):
            merged = all(kinds.get((old, n), "").startswith("merged") for n in found)
            category = "false merge" if merged else "wrong partner"
        else:
            category = "other"
        if category not in ("split not recognised", "merge not recognised") and old in twins:
            category = "duplicate texts in one Pasal"
        new = min(expected) if expected else min(found)
        errors.append(
            Error(
                case.seed,
                case.source,
                level,
                category,
                _context(case, old, new),
                old,
                tuple(sorted(expected)),
                tuple(f"{n} ({kinds.get((old, n), '?')})" for n in sorted(found)),
                _text(old_index.get(old)),
                _text(new_index.get(new)),
            )
        )
    return errors


def _text(node: Node | None, width: int = 110) -> str:
    if node is None:
        return ""
    text = subtree_text(node) if node.kind == "pasal" else node.text
    return text if len(text) <= width else text[: width - 1] + "…"


def repeated(document: Document) -> set[str]:
    """Paths of units whose text stands more than once among the units of their Pasal."""
    out: set[str] = set()
    for pasal in document.pasal():
        units = [n for n in pasal.walk() if n.kind in UNIT_KINDS]
        counts = Counter(n.text for n in units)
        out |= {n.path for n in units if counts[n.text] > 1}
    return out


def evaluate(case: Case) -> Result:
    alignment = align(case.old, case.mutation.document)
    pasal_found, unit_found = predicted_pairs(alignment)
    result = Result(case.seed, case.source, [op.kind for op in case.mutation.operations])
    result.pasal.add(case.mutation.pasal_pairs, pasal_found)
    result.units.add(case.mutation.unit_pairs, unit_found)
    old_twins, new_twins = repeated(case.old), repeated(case.mutation.document)

    def distinct(pairs: set[Pair]) -> set[Pair]:
        return {(o, n) for o, n in pairs if o not in old_twins and n not in new_twins}

    result.distinct.add(distinct(case.mutation.unit_pairs), distinct(unit_found))
    pasal_cats = _categories(case, case.mutation.pasal_pairs, pasal_found)
    unit_cats = _categories(case, case.mutation.unit_pairs, unit_found)
    for name in pasal_cats:
        p, u = Tally(), Tally()
        p.add(*pasal_cats[name])
        u.add(*unit_cats[name])
        result.categories[name] = (p, u)
    result.errors += _errors(case, "Pasal", case.mutation.pasal_pairs, pasal_found, alignment)
    result.errors += _errors(case, "unit", case.mutation.unit_pairs, unit_found, alignment)
    return result


def pct(value: float) -> str:
    return f"{value * 100:.2f} %"


def quality(seeds: Iterable[int], examples: int) -> tuple[Tally, Tally]:
    started = time.perf_counter()
    results = [evaluate(make_case(seed)) for seed in seeds]
    elapsed = time.perf_counter() - started
    pasal, units, distinct = Tally(), Tally(), Tally()
    by_source: dict[str, tuple[Tally, Tally, list[int]]] = {}
    for r in results:
        pasal += r.pasal
        units += r.units
        distinct += r.distinct
        key = "sample drafts" if r.source in SAMPLES else "generated drafts"
        p, u, count = by_source.setdefault(key, (Tally(), Tally(), [0]))
        p += r.pasal
        u += r.units
        count[0] += 1
    print(f"== Quality: {len(results)} cases in {elapsed:.1f} s (mutate + align + score)")
    print()
    rows = [
        [
            name,
            str(count[0]),
            f"{p.truth:,}",
            f"{p.predicted:,}",
            pct(p.precision),
            pct(p.recall),
            f"{u.truth:,}",
            f"{u.predicted:,}",
            pct(u.precision),
            pct(u.recall),
        ]
        for name, (p, u, count) in [*by_source.items(), ("all", (pasal, units, [len(results)]))]
    ]
    print(
        table(
            [
                "cases",
                "n",
                "Pasal pairs",
                "predicted",
                "precision",
                "recall",
                "unit pairs",
                "predicted",
                "precision",
                "recall",
            ],
            rows,
        )
    )
    print(
        f"Units leaving out those whose text stands twice or more in their Pasal ({distinct.truth:,} pairs; "
        f"generate.py's Pasal 1 repeats 8 definitions over 30 angka): precision {pct(distinct.precision)}, "
        f"recall {pct(distinct.recall)}"
    )
    print()
    ops = Counter(kind for r in results for kind in r.kinds)
    print("Structural mutations applied: " + ", ".join(f"{k} {v}" for k, v in sorted(ops.items())))
    print()
    print("By what happened (pairs of the Pasal a mutation touched, old or new side; overlaps allowed):")
    cats: dict[str, tuple[Tally, Tally]] = {}
    for r in results:
        for name, (p, u) in r.categories.items():
            tp, tu = cats.setdefault(name, (Tally(), Tally()))
            tp += p
            tu += u
    print(
        table(
            [
                "what",
                "Pasal true/predicted",
                "precision",
                "recall",
                "units true/predicted",
                "precision",
                "recall",
            ],
            [
                [
                    name,
                    f"{p.truth:,}/{p.predicted:,}",
                    pct(p.precision) if p.predicted else "—",
                    pct(p.recall) if p.truth else "—",
                    f"{u.truth:,}/{u.predicted:,}",
                    pct(u.precision) if u.predicted else "—",
                    pct(u.recall) if u.truth else "—",
                ]
                for name, (p, u) in sorted(cats.items())
            ],
        )
    )
    print()
    worst = sorted((r for r in results if r.wrong), key=lambda r: (-r.wrong, r.seed))[:10]
    print(f"Worst cases ({sum(1 for r in results if r.wrong)} of {len(results)} have an error):")
    print(
        table(
            ["seed", "source", "mutations", "Pasal P", "Pasal R", "unit P", "unit R", "wrong pairs"],
            [
                [
                    str(r.seed),
                    r.source,
                    ", ".join(r.kinds),
                    pct(r.pasal.precision),
                    pct(r.pasal.recall),
                    pct(r.units.precision),
                    pct(r.units.recall),
                    str(r.wrong),
                ]
                for r in worst
            ],
        )
    )
    print("  (reproduce one: python -m benchmarks.bench_align --show SEED)")
    print()
    errors = [e for r in results for e in r.errors]
    print_errors(errors, examples)
    print()
    print("Aims:")
    for label, tally, aim in (("Pasal", pasal, AIM_PASAL), ("units", units, AIM_UNITS)):
        verdict = "met" if tally.precision >= aim and tally.recall >= aim else "NOT met"
        print(
            f"  {label}: precision {pct(tally.precision)}, recall {pct(tally.recall)} "
            f"(aim ≥ {aim * 100:.0f} %) → {verdict}"
        )
    return pasal, units


def print_errors(errors: list[Error], examples: int) -> None:
    groups: dict[tuple[str, str], list[Error]] = defaultdict(list)
    for error in errors:
        groups[(error.level, error.category)].append(error)
    print(f"Error categories ({len(errors)} provisions whose pairs differ from the truth):")
    rows = []
    for (level, category), items in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        contexts = Counter(e.context for e in items)
        rows.append(
            [level, category, str(len(items)), ", ".join(f"{k} {v}" for k, v in contexts.most_common())]
        )
    if rows:
        print(table(["level", "category", "count", "where (mutation kind)"], rows))
    for (level, category), items in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        print(f"\n-- {level}: {category} ({len(items)}); examples:")
        for e in items[:examples]:
            truth = ", ".join(e.truth) or "no pair (deleted)"
            found = ", ".join(e.predicted) or "no pair (deleted)"
            print(f"  seed {e.seed} ({e.source}, {e.context}): {e.old}: truth → {truth}; predicted → {found}")
            print(f"      old: {e.old_text}")
            print(f"      new: {e.new_text}")


def show(seed: int) -> None:
    case = make_case(seed)
    result = evaluate(case)
    print(f"seed {seed}: {case.source}; {len(case.mutation.word_edited)} texts word-edited, ", end="")
    print(f"{len(case.mutation.refs_updated)} with references renumbered")
    for op in case.mutation.operations:
        print(f"  {op.kind}: {op.detail}")
    print(
        f"Pasal: precision {pct(result.pasal.precision)}, recall {pct(result.pasal.recall)}; "
        f"units: precision {pct(result.units.precision)}, recall {pct(result.units.recall)}"
    )
    print_errors(result.errors, 1000)


# -- speed -----------------------------------------------------------------------------

_DIFFLIB = """
import difflib, json, sys, time
a = open(sys.argv[1], encoding="utf-8").read().split()
b = open(sys.argv[2], encoding="utf-8").read().split()
start = time.perf_counter()
codes = difflib.SequenceMatcher(None, a, b, autojunk=sys.argv[3] == "1").get_opcodes()
seconds = time.perf_counter() - start
changed = sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in codes if tag != "equal")
print(json.dumps({"seconds": seconds, "changed": changed, "total": len(a) + len(b)}))
"""


def _words(text: str) -> int:
    return len(text.split())


def portal_diffs(old: Document, new: Document, alignment: Alignment) -> list[tuple[str, str, list[Piece]]]:
    """Word diffs of every mapping whose wording changed (what compare() computes)."""
    old_index, new_index = alignment.indexes(old, new)
    out = []
    for m in alignment.mappings:
        if m.old is None or m.new is None:
            continue
        o, n = old_index[m.old], new_index[m.new]
        if o.text == n.text and o.heading == n.heading:
            continue  # the same own text (as compare() skips it)
        a, b = own_text(o), own_text(n)
        if a != b:
            out.append((a, b, word_diff(a, b)))
    return out


def portal_changed(old: Document, new: Document, alignment: Alignment) -> tuple[int, int]:
    """Words the portal marks as changed (deleted + inserted), and all words compared."""
    old_index, new_index = old.index(), new.index()
    total = sum(_words(own_text(n)) for n in old.walk()) + sum(_words(own_text(n)) for n in new.walk())
    changed = 0
    for m in alignment.mappings:
        if m.old is not None and m.new is not None:
            a, b = own_text(old_index[m.old]), own_text(new_index[m.new])
            if a != b:
                changed += sum(_words(p.text) for p in word_diff(a, b) if p.op != "equal")
        elif m.old is not None:
            changed += _words(own_text(old_index[m.old]))
        elif m.new is not None:
            changed += _words(own_text(new_index[m.new]))
    return changed, total


def by_number(old: Document, new: Document) -> tuple[int, int, int]:
    """Pasal paired by number, difflib on the words of each pair: (changed, total, pairs)."""
    new_pasal = {p.number: p for p in new.pasal()}
    changed = total = pairs = 0
    for pasal in old.pasal():
        a = subtree_text(pasal).split()
        partner = new_pasal.pop(pasal.number, None)
        if partner is None:
            changed += len(a)
            total += len(a)
            continue
        b = subtree_text(partner).split()
        pairs += 1
        total += len(a) + len(b)
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes():
            if tag != "equal":
                changed += i2 - i1 + j2 - j1
    for rest in new_pasal.values():
        count = len(subtree_text(rest).split())
        changed += count
        total += count
    return changed, total, pairs


def git(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("git") or "git"
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"}
    done = subprocess.run(  # noqa: S603 - our own argv
        [binary, "--no-pager", "diff", "--no-index", "--no-color", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr)
    return done


def git_changed(output: str) -> int:
    """Changed lines (words, for the one-word-per-line copies) of a unified diff."""
    return sum(
        _words(line[1:])
        for line in output.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


def run_difflib(a: Path, b: Path, autojunk: bool, timeout: float) -> dict[str, float] | None:
    try:
        done = subprocess.run(  # noqa: S603 - our own argv
            [sys.executable, "-c", _DIFFLIB, str(a), str(b), "1" if autojunk else "0"],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    result: dict[str, float] = json.loads(done.stdout)
    return result


def speed(pasal: int, seed: int, runs: int, timeout: float, slow: bool) -> float:
    print(f"== Speed: a generated {pasal}-Pasal draft (seed {seed}) and a mutated version of it")
    print(machine_line())
    old_text_ = generate_draft(pasal, seed)
    old_doc = parse(old_text_)
    mutation = mutate(old_doc, random.Random(seed), len(SPEED_PLAN), plan=SPEED_PLAN, edit_share=0.10)
    new_text_ = mutation.text
    kinds = Counter(op.kind for op in mutation.operations)
    print(
        "Mutations: "
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        + f"; word edits in {len(mutation.word_edited)} texts; references renumbered in "
        f"{len(mutation.refs_updated)} texts"
    )
    with tempfile.TemporaryDirectory(prefix="portal-align-") as tmp:
        folder = Path(tmp)
        old_path, new_path = folder / "old.md", folder / "new.md"
        old_words, new_words = folder / "old.words", folder / "new.words"
        old_path.write_text(old_text_, encoding="utf-8")
        new_path.write_text(new_text_, encoding="utf-8")
        old_words.write_text("\n".join(old_text_.split()) + "\n", encoding="utf-8")
        new_words.write_text("\n".join(new_text_.split()) + "\n", encoding="utf-8")
        sizes = f"{len(old_text_.encode()):,} and {len(new_text_.encode()):,} bytes"
        print(f"Files: {sizes}; {len(old_text_.split()):,} and {len(new_text_.split()):,} words")

        new_doc = parse(new_text_)
        alignment = align(old_doc, new_doc)
        diffs = portal_diffs(old_doc, new_doc, alignment)
        exact = sum(1 for a, b, p in diffs if old_text(p) == a and new_text(p) == b)
        found_pasal, found_units = predicted_pairs(alignment)
        quality_pasal, quality_units = Tally(), Tally()
        quality_pasal.add(mutation.pasal_pairs, found_pasal)
        quality_units.add(mutation.unit_pairs, found_units)

        work: list[tuple[str, Callable[[], object]]] = [
            ("parse both", lambda: (parse(old_text_), parse(new_text_))),
            ("align", lambda: align(old_doc, new_doc)),
            ("word diffs", lambda: portal_diffs(old_doc, new_doc, alignment)),
            ("align + word diffs", lambda: portal_diffs(old_doc, new_doc, align(old_doc, new_doc))),
            ("references check (in compare)", lambda: check_references(old_doc, new_doc, alignment)),
            ("compare() (align, diffs, references)", lambda: compare(old_doc, new_doc)),
            ("git diff, one word per line", lambda: git(str(old_words), str(new_words))),
            ("git diff --word-diff", lambda: git("--word-diff", str(old_path), str(new_path))),
            ("Pasal by number + difflib", lambda: by_number(old_doc, new_doc)),
        ]
        timings = {t.name: t for t in measure_interleaved(work, runs)}

        changed, total = portal_changed(old_doc, new_doc, alignment)
        shares: dict[str, str] = {"align + word diffs": pct(changed / total)}
        wpl = git(str(old_words), str(new_words)).stdout
        all_words = len(old_text_.split()) + len(new_text_.split())
        shares["git diff, one word per line"] = pct(git_changed(wpl) / all_words)
        porcelain = git("--word-diff=porcelain", str(old_path), str(new_path)).stdout
        shares["git diff --word-diff"] = pct(git_changed(porcelain) / all_words)
        number_changed, number_total, number_pairs = by_number(old_doc, new_doc)
        shares["Pasal by number + difflib"] = pct(number_changed / number_total)
        truth_by_number = sum(
            1 for o, n in mutation.pasal_pairs if o.removeprefix("pasal-") == n.removeprefix("pasal-")
        )

        rows = []
        base = timings["git diff, one word per line"].median
        for name, timing in timings.items():
            rows.append(
                [
                    name,
                    ms(timing.median),
                    ms(timing.best),
                    f"{timing.median / base:.2f}",
                    shares.get(name, ""),
                ]
            )
        difflib_runs = [("difflib on whole text (autojunk)", True)]
        if slow:
            difflib_runs.append(("difflib on whole text (no autojunk)", False))
        for name, autojunk in difflib_runs:
            outcome = run_difflib(old_path, new_path, autojunk, timeout)
            if outcome is None:
                rows.append([name, f"> {timeout:.0f} s", "", f"> {timeout / base:.0f}", "(1 run, stopped)"])
            else:
                seconds = outcome["seconds"]
                share = pct(outcome["changed"] / outcome["total"])
                rows.append([name, ms(seconds), "", f"{seconds / base:.2f}", f"{share} (1 run)"])
        print()
        print(
            table(
                ["operation", "median ms", "best ms", "x git (word per line)", "words marked changed"], rows
            )
        )
        print(f"  medians of {runs} interleaved runs after a warm-up; git runs include starting git")
        print(
            f"  word diffs: {len(diffs):,} changed mappings, {exact:,} give back both texts exactly"
            + (" (all correct)" if exact == len(diffs) else " — SOME WRONG")
        )
        print(
            f"  this case: Pasal precision {pct(quality_pasal.precision)}, recall {pct(quality_pasal.recall)}; "
            f"units precision {pct(quality_units.precision)}, recall {pct(quality_units.recall)}"
        )
        print(
            f"  Pasal by number: {number_pairs} pairs, of which {truth_by_number} are right "
            f"({len(mutation.pasal_pairs)} true pairs)"
        )
        ratio = timings["align + word diffs"].median / base
        verdict = "met" if ratio <= AIM_RATIO and exact == len(diffs) else "NOT met"
        print()
        print(
            f"Aim: align + all word diffs within {AIM_RATIO:.0f} x git diff on one-word-per-line copies: "
            f"{ms(timings['align + word diffs'].median)} ms vs {ms(base)} ms = {ratio:.2f} x → {verdict}"
        )
        with_parse = (timings["align + word diffs"].median + timings["parse both"].median) / base
        print(f"  (with parsing both files: {with_parse:.2f} x)")
        print(f"calibration loop at the end: {calibration_ms():.0f} ms")
        return ratio


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    options.add_argument("--cases", type=int, default=300, help="mutation cases (300)")
    options.add_argument("--first-seed", type=int, default=0, help="seed of the first case (0)")
    options.add_argument("--examples", type=int, default=4, help="examples printed per error category (4)")
    options.add_argument("--show", type=int, metavar="SEED", help="print one case in full and stop")
    options.add_argument("--no-speed", action="store_true", help="skip the speed part")
    options.add_argument("--no-quality", action="store_true", help="skip the quality part")
    options.add_argument("--pasal", type=int, default=500, help="Pasal in the speed draft (500)")
    options.add_argument("--seed", type=int, default=0, help="seed of the speed draft (0)")
    options.add_argument("--runs", type=int, default=7, help="timed runs in the speed part (7)")
    options.add_argument("--timeout", type=float, default=60.0, help="time limit of difflib, s (60)")
    options.add_argument("--slow", action="store_true", help="also run difflib without autojunk")
    args = options.parse_args(argv)
    if args.show is not None:
        show(args.show)
        return 0
    warn_if_busy()
    print("Raperda Portal: alignment benchmark")
    print(time.strftime("%Y-%m-%d %H:%M:%S %Z"))
    print()
    if not args.no_quality:
        quality(range(args.first_seed, args.first_seed + args.cases), args.examples)
        print()
    if not args.no_speed:
        speed(args.pasal, args.seed, args.runs, args.timeout, args.slow)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
