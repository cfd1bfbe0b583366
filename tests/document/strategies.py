"""Hypothesis strategies that build valid Raperda documents of any shape."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import strategies as st

from portal.document import Document, Konsultasi, Metadata, Node
from portal.document.numbering import ordinal_word, to_roman

WORDS = [
    "Pemberi", "Kerja", "wajib", "mendaftarkan", "Pekerja", "sebagai", "peserta", "dalam",
    "program", "jaminan", "sosial", "ketenagakerjaan", "paling", "lama", "30", "(tiga",
    "puluh)", "hari", "sebagaimana", "dimaksud", "pada", "ayat", "(1)", "Pasal", "5",
    "huruf", "b;", "dan/atau", "Rp50.000.000,00", "1.5", "a.", "#", "*penting*", "**wajib**",
    "[tautan](https://example.org)", "\"nelayan", "kecil\"", "tidak", "dapat", "dilarang", "—",
    "`kode`", "|", ":::", "1)", "Ayat", "Huruf",
]  # fmt: skip
FIRST_WORDS = ["Setiap", "Pemerintah", "Gubernur", "Dalam", "Bantuan", "Yang", "Ketentuan", "Data"]
STYLES = ["(n)", "a.", "n.", "a)", "n)"]
KIND = {"(n)": "ayat", "a.": "huruf", "n.": "angka", "a)": "huruf", "n)": "angka"}


@st.composite
def sentences(draw: st.DrawFn) -> str:
    words = [draw(st.sampled_from(FIRST_WORDS)), *draw(st.lists(st.sampled_from(WORDS), max_size=12))]
    return " ".join(words)


def _number(style: str, index: int, suffix: str) -> str:
    if style in ("a.", "a)"):
        return string.ascii_lowercase[index]
    return f"{index + 1}{suffix}"


def _marker(style: str, number: str) -> str:
    return f"({number})" if style == "(n)" else number + style[-1]


@st.composite
def units(draw: st.DrawFn, parent_path: str, open_styles: tuple[str, ...], depth: int) -> list[Node]:
    free = [style for style in STYLES if style not in open_styles]
    if depth >= 3 or not free:
        return []
    count = draw(st.integers(0, 3 if depth else 4))
    if not count:
        return []
    style = draw(st.sampled_from(free))
    nodes = []
    for index in range(count):
        suffix = draw(st.sampled_from(["", "", "", "a"])) if style in ("(n)", "n.", "n)") else ""
        number = _number(style, index, suffix)
        kind = KIND[style]
        path = f"{parent_path}/{kind}-{number}"
        node = Node(
            kind=kind,
            path=path,
            number=number,
            marker=_marker(style, number),  # type: ignore[arg-type]
            text=draw(sentences()),
        )
        node.children = draw(units(path, (*open_styles, style), depth + 1))
        nodes.append(node)
    return nodes


@st.composite
def penjelasan(draw: st.DrawFn, pasal: Node) -> Node:
    path = f"penjelasan/{pasal.path}"
    node = Node(kind="penjelasan", path=path, number=pasal.number)
    if draw(st.booleans()):
        node.text = "\n\n".join(draw(st.lists(sentences(), min_size=1, max_size=2)))

    def labels(parent: Node, open_kinds: tuple[str, ...]) -> list[Node]:
        free = [kind for kind in ("ayat", "huruf", "angka") if kind not in open_kinds]
        if not free or len(open_kinds) >= 2:
            return []
        kind = draw(st.sampled_from(free))
        out = []
        for index in range(draw(st.integers(0, 3))):
            number = string.ascii_lowercase[index] if kind == "huruf" else str(index + 1)
            marker = f"Ayat ({number})" if kind == "ayat" else f"{kind.capitalize()} {number}"
            child = Node(
                kind="penjelasan", path=f"{parent.path}/{kind}-{number}", number=number, marker=marker
            )
            child.children = labels(child, (*open_kinds, kind))
            if not child.children or draw(st.booleans()):
                child.text = "\n\n".join(draw(st.lists(sentences(), min_size=1, max_size=2)))
            out.append(child)
        return out

    node.children = labels(node, ())
    return node


@st.composite
def documents(draw: st.DrawFn) -> Document:
    meta = Metadata(
        slug=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)),
        versi=draw(st.from_regex(r"[a-z0-9][a-z0-9.-]{0,6}", fullmatch=True)),
        label=draw(st.sampled_from(["Draf Awal", "Draf Uji Publik I", "Draf: Final"])),
        tanggal=draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))),
        jenis="Peraturan Daerah Provinsi",
        daerah="Provinsi Banten",
        tentang=draw(st.sampled_from(["Contoh", "Jaminan Sosial", "Pajak: Daerah", "'Kutip'"])),
        pembentuk="GUBERNUR BANTEN",
        tahap=draw(st.sampled_from([None, "penyusunan", "konsultasi", "pembahasan", "final"])),
        nomor=draw(st.sampled_from([None, "5", "12"])),
        tahun=draw(st.sampled_from([None, 2026])),
        pemrakarsa=draw(st.sampled_from([None, "Dinas Tenaga Kerja dan Transmigrasi"])),
        konsultasi=draw(st.sampled_from([None, Konsultasi(dt.date(2026, 3, 1), dt.date(2026, 4, 1))])),
        lint_matikan=draw(st.sampled_from([(), ("L1",), ("B4", "R1")])),
    )
    children: list[Node] = []
    for kind, style in (("menimbang", "a."), ("mengingat", "n.")):
        if draw(st.booleans()):
            node = Node(kind=kind, path=kind)  # type: ignore[arg-type]
            count = draw(st.integers(1, 4))
            node.children = [
                Node(
                    kind=KIND[style],
                    path=f"{kind}/{KIND[style]}-{_number(style, i, '')}",  # type: ignore[arg-type]
                    number=_number(style, i, ""),
                    marker=_marker(style, _number(style, i, "")),
                    text=draw(sentences()),
                )
                for i in range(count)
            ]
            children.append(node)

    counter = [0]

    def make_pasal() -> Node:
        counter[0] += 1
        number = str(counter[0]) + draw(st.sampled_from(["", "", "", "A"]))
        pasal = Node(kind="pasal", path=f"pasal-{number.lower()}", number=number)
        if draw(st.booleans()):
            pasal.text = draw(sentences())
        pasal.children = draw(units(pasal.path, (), 0))
        if not pasal.text and not pasal.children:
            pasal.text = draw(sentences())
        if draw(st.booleans()):
            pasal.children.append(draw(penjelasan(pasal)))
        return pasal

    if draw(st.booleans()):
        for bab_index in range(draw(st.integers(1, 3))):
            numeral = to_roman(bab_index + 1) + draw(st.sampled_from(["", "", "A"]))
            bab = Node(kind="bab", path=f"bab-{numeral.lower()}", number=numeral, heading="KETENTUAN UMUM")
            if draw(st.booleans()):
                for bagian_index in range(draw(st.integers(1, 2))):
                    word = ordinal_word(draw(st.integers(1, 3)) + bagian_index * 3)
                    bagian = Node(
                        kind="bagian",
                        path=f"{bab.path}/bagian-{word.lower().replace(' ', '-')}",
                        number=word,
                        heading=draw(st.sampled_from([None, "Umum", "Nelayan — Kecil"])),
                    )
                    if draw(st.booleans()):
                        paragraf = Node(
                            kind="paragraf", path=f"{bagian.path}/paragraf-1", number="1", heading="Data"
                        )
                        paragraf.children = [make_pasal()]
                        bagian.children = [paragraf]
                    else:
                        bagian.children = [make_pasal() for _ in range(draw(st.integers(1, 2)))]
                    bab.children.append(bagian)
            else:
                bab.children = [make_pasal() for _ in range(draw(st.integers(1, 3)))]
            children.append(bab)
    else:
        children.extend(make_pasal() for _ in range(draw(st.integers(1, 4))))

    if draw(st.booleans()):
        text = "\n\n".join(draw(st.lists(sentences(), min_size=1, max_size=3)))
        children.append(Node(kind="penjelasan_umum", path="penjelasan-umum", text=text))
    if draw(st.booleans()):
        children.append(
            Node(
                kind="lampiran",
                path="lampiran-i",
                number="I",
                heading="Tabel",
                text="| Daerah | Kuota |\n|---|---|\n| Kota Serang | 100 |",
            )
        )
        children.append(Node(kind="lampiran", path="lampiran-ii", number="II", text=draw(sentences())))
    return Document(meta=meta, children=children)
