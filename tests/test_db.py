from __future__ import annotations

from pathlib import Path

import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from portal.config import SETTINGS, load_settings
from portal.db import normalise_url, tortoise_config


async def test_every_model_change_has_a_migration() -> None:
    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        changes = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert changes == [], "models changed without a migration: run `tortoise makemigrations`"


async def test_migrations_build_the_schema(db: TortoiseContext) -> None:
    connection = db.db()
    _, rows = await connection.execute_query("SELECT name FROM tortoise_migrations")
    assert "0001_initial" in [row["name"] for row in rows]


def test_postgresql_url_spellings() -> None:
    assert normalise_url("postgresql://u@h:5432/d") == "postgres://u@h:5432/d"
    assert normalise_url("postgres://u@h/d") == "postgres://u@h/d"
    assert normalise_url("sqlite:///tmp/x.db") == "sqlite:///tmp/x.db"


def test_settings_defaults_and_generated_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env_file=None, PORTAL_DATA_DIR=str(tmp_path / "data"))
    assert settings.database_url == f"sqlite://{tmp_path / 'data' / 'portal.sqlite3'}"
    assert settings.default_lang == "id"
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text().strip() == settings.secret_key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (
        load_settings(env_file=None, PORTAL_DATA_DIR=str(tmp_path / "data")).secret_key == settings.secret_key
    )


def test_settings_from_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text(
        "PORTAL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal\nPORTAL_SECRET_KEY=abc\n"
        "PORTAL_DEFAULT_LANG=en\nPORTAL_HTTPS=true\nPORTAL_DATA_DIR=" + str(tmp_path / "d") + "\n"
    )
    settings = load_settings(env_file=env)
    assert settings.database_url == "postgres://postgres@127.0.0.1:5432/portal"
    assert settings.secret_key == "abc"
    assert settings.default_lang == "en"
    assert settings.https is True
    assert not (tmp_path / "d" / "secret_key").exists()
    assert settings.search_postings_mb == 64
    assert load_settings(env_file=env, PORTAL_SEARCH_POSTINGS_MB="0").search_postings_mb == 0
