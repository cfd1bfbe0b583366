"""Raperda Markdown: pure parsing, writing and walking of draft documents.

Nothing in this package does I/O: it turns text into typed trees and back.
"""

from __future__ import annotations

from portal.document.errors import DraftError, Problem
from portal.document.nodes import Document, Konsultasi, Metadata, Node, NodeKind
from portal.document.parser import parse
from portal.document.writer import write

__all__ = [
    "Document",
    "DraftError",
    "Konsultasi",
    "Metadata",
    "Node",
    "NodeKind",
    "Problem",
    "parse",
    "write",
]
