"""Raperda Portal: draft Indonesian regional regulations in the open, with the public."""

from __future__ import annotations

__version__ = "0.1.0"
