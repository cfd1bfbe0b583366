"""The YAML front matter: keys, types and the line of each problem."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from portal.document.errors import Problem
from portal.document.nodes import TAHAP, Konsultasi, Metadata

REQUIRED = ("slug", "versi", "label", "tanggal", "jenis", "daerah", "tentang", "pembentuk")
OPTIONAL = ("tahap", "nomor", "tahun", "pemrakarsa", "konsultasi", "lint")
KEYS = REQUIRED + OPTIONAL

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VERSI_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
# As the portal's database keeps them: a longer value is a problem, not a failed import.
LONGEST = {
    "slug": 100, "versi": 50, "label": 200, "jenis": 200, "daerah": 200, "pembentuk": 200,
    "nomor": 50, "pemrakarsa": 300,
}  # fmt: skip
_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is our message, not a crash,
    and turns a scalar its constructor cannot read (``!!int abc``, a 5000-digit number)
    into a YAML error at that scalar's line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            value = super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from exc
        if isinstance(value, int) and value.bit_length() > 64:  # 0x… of any length: not printable
            raise yaml.constructor.ConstructorError(None, None, "number too large", node.start_mark)
        return value


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# An explicit '!!timestamp' stays text too: its date is checked like any other.
def _timestamp_text(loader: _Loader, node: yaml.Node) -> str:
    return loader.construct_yaml_str(node)


_Loader.add_constructor(_TIMESTAMP, _timestamp_text)


def load_yaml(content: str) -> Any:
    """The YAML of a front matter; raises only ``yaml.YAMLError`` (nesting too deep for
    the reader is one, at the line where the reader gave up)."""
    if not content.strip():
        return {}
    loader = _Loader(content)
    try:
        return loader.get_single_data()
    except RecursionError as exc:
        raise yaml.MarkedYAMLError(problem="nested too deeply", problem_mark=loader.get_mark()) from exc
    finally:
        loader.dispose()


def _key_line(content_lines: list[str], key: str, first_line: int) -> int:
    pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:")
    for offset, line in enumerate(content_lines):
        if pattern.match(line):
            return first_line + offset
    return 1


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def read_front_matter(content: str, first_line: int, problems: list[Problem]) -> Metadata | None:
    """Validate the YAML between the '---' lines; ``first_line`` is the line of its first key."""
    lines = content.splitlines()
    try:
        data = load_yaml(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        detail = str(getattr(exc, "problem", None) or exc)
        problems.append(Problem(line, "frontmatter_yaml", {"detail": detail}))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(first_line, "frontmatter_not_mapping"))
        return None

    def bad(key: str, id_detail: str, en_detail: str) -> None:
        # Details are bilingual: the message picks its half by language.
        problems.append(
            Problem(
                _key_line(lines, key, first_line),
                "frontmatter_bad_value",
                {"key": key, "detail": id_detail, "detail_en": en_detail},
            )
        )

    before = len(problems)
    for key in data:
        if key not in KEYS:
            problems.append(
                Problem(_key_line(lines, str(key), first_line), "frontmatter_unknown_key", {"key": key})
            )
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            # At the key's line when it is there without a value, else line 1.
            problems.append(
                Problem(_key_line(lines, key, first_line), "frontmatter_missing_key", {"key": key})
            )

    text: dict[str, str] = {}
    for key in (
        "slug",
        "versi",
        "label",
        "jenis",
        "daerah",
        "tentang",
        "pembentuk",
        "tahap",
        "nomor",
        "pemrakarsa",
    ):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            bad(key, "harus berupa teks", "must be text")
            continue
        text[key] = str(value).strip()

    for key, most in LONGEST.items():
        if len(text.get(key, "")) > most:
            bad(key, f"paling banyak {most} karakter", f"{most} characters at most")
    if "slug" in text and not SLUG_RE.match(text["slug"]):
        bad(
            "slug",
            "hanya huruf kecil, angka, dan tanda hubung",
            "only lower-case letters, digits and hyphens",
        )
    if "versi" in text and not VERSI_RE.match(text["versi"]):
        bad(
            "versi",
            "hanya huruf kecil, angka, titik, dan tanda hubung",
            "only lower-case letters, digits, dots and hyphens",
        )
    if "tahap" in text and text["tahap"] not in TAHAP:
        bad("tahap", "harus salah satu dari " + ", ".join(TAHAP), "must be one of " + ", ".join(TAHAP))

    tanggal = _as_date(data.get("tanggal")) if data.get("tanggal") is not None else None
    if data.get("tanggal") is not None and tanggal is None:
        written = str(data["tanggal"]).strip() if isinstance(data["tanggal"], str) else ""
        if _DATE_SHAPE.match(written):  # the right form, but no such day: 2026-13-45, 2026-02-30
            bad(
                "tanggal",
                f"tanggal {written} tidak ada (bulan 01 sampai 12, hari sesuai bulannya)",
                f"there is no date {written} (months 01 to 12, days as the month has)",
            )
        else:
            bad("tanggal", "harus tanggal ISO seperti 2026-03-02", "must be an ISO date such as 2026-03-02")

    tahun: int | None = None
    if data.get("tahun") is not None:
        if isinstance(data["tahun"], int) and not isinstance(data["tahun"], bool):
            tahun = data["tahun"]
        else:
            bad("tahun", "harus berupa angka tahun", "must be a year number")

    konsultasi: Konsultasi | None = None
    raw = data.get("konsultasi")
    if raw is not None:
        if not isinstance(raw, dict) or set(raw) != {"buka", "tutup"}:
            bad(
                "konsultasi",
                "harus berbentuk {buka: TANGGAL, tutup: TANGGAL}",
                "must be {buka: DATE, tutup: DATE}",
            )
        else:
            buka, tutup = _as_date(raw["buka"]), _as_date(raw["tutup"])
            if buka is None or tutup is None:
                bad("konsultasi", "buka dan tutup harus tanggal ISO", "buka and tutup must be ISO dates")
            elif tutup < buka:
                bad(
                    "konsultasi",
                    "tanggal tutup mendahului tanggal buka",
                    "the closing date precedes the opening date",
                )
            else:
                konsultasi = Konsultasi(buka, tutup)

    lint_off: tuple[str, ...] = ()
    raw_lint = data.get("lint")
    if raw_lint is not None:
        matikan = raw_lint.get("matikan") if isinstance(raw_lint, dict) else None
        if (
            not isinstance(raw_lint, dict)
            or set(raw_lint) - {"matikan"}
            or not isinstance(matikan, list)
            or not all(isinstance(code, str) for code in matikan)
        ):
            bad("lint", "harus berbentuk {matikan: [KODE, …]}", "must be {matikan: [CODE, …]}")
        else:
            lint_off = tuple(str(code) for code in matikan)

    if len(problems) > before or tanggal is None:
        return None
    return Metadata(
        slug=text["slug"],
        versi=text["versi"],
        label=text["label"],
        tanggal=tanggal,
        jenis=text["jenis"],
        daerah=text["daerah"],
        tentang=text["tentang"],
        pembentuk=text["pembentuk"],
        tahap=text.get("tahap"),
        nomor=text.get("nomor"),
        tahun=tahun,
        pemrakarsa=text.get("pemrakarsa"),
        konsultasi=konsultasi,
        lint_matikan=lint_off,
    )
