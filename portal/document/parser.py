"""Raperda Markdown → Document, on markdown-it-py (spec: shared/spec/raperda-markdown.md).

markdown-it finds the blocks (front matter, headings, paragraphs, the
``::: penjelasan`` container, tables); this module reads each block's source
lines and builds the tree. Every problem is collected; if any is found the
whole file is refused with all of them (``DraftError``).
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from portal.document.errors import DraftError, Problem
from portal.document.frontmatter import read_front_matter
from portal.document.headings import EXAMPLES, RANK, Heading, heading_keyword, recognise
from portal.document.nodes import Document, Metadata, Node, node_label
from portal.document.numbering import number_key
from portal.document.units import UnitStack, label_text, match_label, match_marker

# CommonMark with every rule that would give indentation or list syntax a meaning
# switched off (spec §3), plus GFM tables for the Lampiran.
DISABLED_RULES = ["list", "code", "fence", "lheading", "hr", "blockquote", "html_block", "reference"]


def _any_container(params: str, *args: object) -> bool:
    return bool(params.strip())


def block_parser() -> MarkdownIt:
    # Only blocks matter here: the inline pass (a third of the time) is never used.
    md = MarkdownIt("commonmark", {"html": False}).disable(DISABLED_RULES).enable("table")
    md.disable(["inline", "text_join"])
    md.use(front_matter_plugin)
    md.use(container_plugin, "penjelasan")
    md.use(container_plugin, "lain", validate=_any_container)
    return md


_MD = block_parser()
_BLOCK_NAMES = {"table": ("tabel", "a table"), "heading": ("judul", "a heading")}
_FREE = ("penjelasan_umum", "lampiran")


def _excerpt(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class _Builder:
    """Walks the block tokens and grows the tree, noting every problem."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []
        self.children: list[Node] = []
        self.seen: dict[str, int] = {}
        self.rank = 0
        self.rank_label = ""
        self.bab: Node | None = None
        self.bagian: Node | None = None
        self.paragraf: Node | None = None
        self.last_pasal: Node | None = None
        self.units: UnitStack | None = None
        self.explained: Node | None = None  # the Pasal whose penjelasan container just closed
        self.free: tuple[Node, int] | None = None  # free-text node and its heading's index

    # -- helpers -------------------------------------------------------------
    def problem(self, line: int, code: str, **params: object) -> None:
        self.problems.append(Problem(line, code, dict(params)))

    def register(self, node: Node) -> None:
        first = self.seen.get(node.path)
        if first is not None:
            self.problem(
                node.line,
                "duplicate_path",
                label=node_label(node.kind, node.number, node.path),
                first=first,
                path=node.path,
            )
        else:
            self.seen[node.path] = node.line

    def close_free(self, end: int) -> None:
        if self.free is None:
            return
        node, start = self.free
        body = [line.rstrip() for line in self.lines[start + 1 : end]]
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        node.text = "\n".join(body)
        self.free = None

    def enter_rank(self, kind: str, label: str, line: int) -> None:
        rank = RANK.get(kind, RANK["body"])
        if rank < self.rank:
            self.problem(line, "section_order", what=label, after=self.rank_label)
        elif rank > self.rank or kind in ("menimbang", "mengingat", "penjelasan_umum"):
            self.rank, self.rank_label = rank, label

    # -- blocks ----------------------------------------------------------------
    def heading(self, text: str, index: int) -> None:
        line = index + 1
        self.explained = None
        kind = heading_keyword(text)
        found = recognise(text) if kind else None
        if self.free is not None:
            if found is None:
                return  # an ordinary heading inside free text
            self.close_free(index)
        if kind is None:
            self.units = None
            self.problem(line, "heading_unknown", text=_excerpt(text))
            return
        if found is None:
            self.units = None
            self.problem(line, "heading_malformed", text=_excerpt(text), example=EXAMPLES[kind])
            return
        self.structure(found, line, index)

    def structure(self, found: Heading, line: int, index: int) -> None:
        node = Node(kind=found.kind, path=found.segment, number=found.number, heading=found.title, line=line)  # type: ignore[arg-type]
        self.enter_rank(found.kind, node.label, line)
        self.units = None
        if found.kind == "bab":
            self.bab, self.bagian, self.paragraf = node, None, None
            self.children.append(node)
        elif found.kind == "bagian":
            self.bagian, self.paragraf = node, None
            if self.bab is None:
                self.problem(line, "bagian_outside_bab", number=found.number)
                self.children.append(node)
            else:
                node.path = f"{self.bab.path}/{found.segment}"
                self.bab.children.append(node)
        elif found.kind == "paragraf":
            self.paragraf = node
            if self.bagian is None:
                self.problem(line, "paragraf_outside_bagian", number=found.number)
                self.children.append(node)
            else:
                node.path = f"{self.bagian.path}/{found.segment}"
                self.bagian.children.append(node)
        elif found.kind == "pasal":
            self.pasal(node)
        else:
            self.bab = self.bagian = self.paragraf = None
            self.children.append(node)
            if found.kind in _FREE:
                self.free = (node, index)
            else:
                self.units = UnitStack(node)
        self.register(node)

    def pasal(self, node: Node) -> None:
        previous = self.last_pasal
        if (
            previous is not None
            and previous.number is not None
            and node.number is not None
            and number_key(node.number) < number_key(previous.number)
        ):
            self.problem(node.line, "pasal_order", number=node.number, previous=previous.number)
        self.last_pasal = node
        parent = self.paragraf or self.bagian or self.bab
        (parent.children if parent else self.children).append(node)
        self.units = UnitStack(node)

    def paragraph(self, start: int, end: int) -> None:
        if self.free is not None:
            return
        units = self.units
        for index in range(start, end):
            raw = self.lines[index].strip()
            if not raw:
                continue
            line = index + 1
            marker = match_marker(raw)
            if units is None:
                if self.explained is not None:
                    self.problem(line, "after_penjelasan", text=_excerpt(raw), number=self.explained.number)
                    return
                if marker is not None:
                    self.problem(line, "marker_outside", marker=marker.literal)
                else:
                    self.problem(line, "text_outside", text=_excerpt(raw))
                    return  # one report per paragraph is enough
                continue
            if marker is None:
                current = units.current
                current.text = f"{current.text} {raw}" if current.text else raw
                continue
            node = Node(
                kind=marker.kind,
                path="",
                number=marker.number,
                marker=marker.literal,
                text=marker.text,
                line=line,
            )
            units.push(marker.style, node, marker.segment)
            self.register(node)

    def other_block(self, token: Token) -> None:
        if self.free is not None:
            return
        kind = token.type.removesuffix("_open")
        what, what_en = _BLOCK_NAMES.get(kind, (kind, kind))
        line = token.map[0] + 1 if token.map else 1
        self.problem(line, "content_unexpected", what=what, what_en=what_en)

    def penjelasan(self, tokens: list[Token], start: int, end: int, close: Token | None) -> None:
        """The container opened at ``tokens[start]``; its tokens run up to index ``end``."""
        open_token = tokens[start]
        line = (open_token.map[0] + 1) if open_token.map else 1
        if close is None or not close.markup:
            self.problem(line, "container_unclosed")
        if self.free is not None:
            return
        if self.explained is not None:
            first = self.seen.get(f"penjelasan/{self.explained.path}", line)
            self.problem(line, "container_duplicate", number=self.explained.number, first=first)
            return
        units = self.units
        pasal = units.container if units is not None else None
        if pasal is None or pasal.kind != "pasal":
            self.problem(line, "container_misplaced")
            return
        self.units = None
        self.explained = pasal
        node = Node(kind="penjelasan", path=f"penjelasan/{pasal.path}", number=pasal.number, line=line)
        pasal.children.append(node)
        self.register(node)
        labels = UnitStack(node)
        fresh = True  # the next text line starts a new paragraph
        depth = 0
        for position in range(start + 1, end):
            token = tokens[position]
            if token is close:
                break
            if token.nesting == 1:
                depth += 1
            elif token.nesting == -1:
                depth -= 1
            if token.type == "paragraph_open" and depth == 1 and token.map:
                fresh = True
                for index in range(token.map[0], token.map[1]):
                    raw = self.lines[index].strip()
                    if not raw:
                        continue
                    label = match_label(raw)
                    if label is not None:
                        kind, number = label
                        child = Node(
                            kind="penjelasan",
                            path="",
                            number=number,
                            marker=label_text(kind, number),
                            line=index + 1,
                        )
                        labels.push(kind, child, f"{kind}-{number.lower()}")
                        self.register(child)
                        fresh = True
                        continue
                    current = labels.current
                    if not current.text:
                        current.text = raw
                    elif fresh:
                        current.text = f"{current.text}\n\n{raw}"
                    else:
                        current.text = f"{current.text} {raw}"
                    fresh = False
            elif token.nesting == 1 and depth == 1 and token.type != "paragraph_open":
                if token.type.startswith("container_"):
                    self.problem(token.map[0] + 1 if token.map else line, "container_nested")
                else:
                    self.other_block(token)

    def finish(self) -> None:
        self.close_free(len(self.lines))
        pasal_nodes = [node for child in self.children for node in child.walk() if node.kind == "pasal"]
        if not pasal_nodes:
            self.problem(max(len(self.lines), 1), "empty_document")
        if any(child.kind == "bab" for child in self.children):
            for child in self.children:
                if child.kind == "pasal":
                    self.problem(child.line, "pasal_outside_bab", number=child.number)


def _matching_close(tokens: list[Token], start: int) -> tuple[int, Token | None]:
    """Index after the close token of the block opened at ``start``."""
    level = tokens[start].level
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if token.nesting == -1 and token.level == level:
            return index + 1, token
    return len(tokens), None


def parse(text: str) -> Document:
    """Parse one version; raise ``DraftError`` listing every problem."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    tokens = _MD.parse(text)
    builder = _Builder(lines)
    meta: Metadata | None = None
    index = 0
    if tokens and tokens[0].type == "front_matter":
        meta = read_front_matter(tokens[0].content, 2, builder.problems)
        index = 1
    else:
        builder.problem(1, "frontmatter_missing")
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            builder.heading(tokens[index + 1].content, token.map[0] if token.map else 0)
            index += 3
        elif token.type == "paragraph_open":
            if token.map:
                builder.paragraph(token.map[0], token.map[1])
            index += 3
        elif token.type.startswith("container_") and token.nesting == 1:
            after, close = _matching_close(tokens, index)
            if token.type == "container_penjelasan_open":
                builder.penjelasan(tokens, index, after, close)
            elif builder.free is None:
                line = token.map[0] + 1 if token.map else 1
                builder.problem(line, "container_unknown", name=_excerpt(token.info.strip(), 30))
                if close is None or not close.markup:
                    builder.problem(line, "container_unclosed")
            index = after
        elif token.nesting == 1:
            if builder.free is None:
                builder.other_block(token)
            index, _ = _matching_close(tokens, index)
        else:
            index += 1
    builder.finish()
    if builder.problems or meta is None:
        raise DraftError(builder.problems)
    return Document(meta=meta, children=builder.children)
