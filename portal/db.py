"""The one Tortoise configuration, shared by the app, the CLI and the migration tool."""

from __future__ import annotations

import os
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate

MODEL_MODULES = [
    "portal.versions.models",
    "portal.accounts.models",
    "portal.mail.models",
    "portal.drafting.models",
    "portal.consultation.models",
    "portal.search.models",
    "portal.web.models",
]
MIGRATIONS = "portal.migrations"


def normalise_url(url: str) -> str:
    """Tortoise spells PostgreSQL 'postgres://'; accept the common 'postgresql://' too."""
    for prefix in ("postgresql://", "postgresql+asyncpg://"):
        if url.startswith(prefix):
            return "postgres://" + url.removeprefix(prefix)
    return url


def connection_config(database_url: str) -> str | dict[str, Any]:
    """The connection's Tortoise configuration: SQLite through ``portal.sqlite`` (Tortoise's
    client with its lock released when a reconnection fails), anything else as a URL."""
    url = normalise_url(database_url)
    if not url.startswith("sqlite://"):
        return url
    return {**expand_db_url(url), "engine": "portal.sqlite"}


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": MIGRATIONS,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def migrate_database(database_url: str) -> None:
    """Apply every pending migration (idempotent), in a context of its own."""
    async with TortoiseContext():
        await migrate(config=tortoise_config(database_url))


# Read by the `tortoise` migration CLI (see [tool.tortoise] in pyproject.toml).
TORTOISE_ORM = tortoise_config(os.environ.get("PORTAL_DATABASE_URL", "sqlite://:memory:"))
