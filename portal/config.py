"""Settings: one typed object read from PORTAL_* environment variables or a .env file."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from starlette.config import Config

ROOT = Path(__file__).resolve().parent.parent

# Every setting the portal reads, with its default; docs/cli.md documents each one
# (a test checks that), so keep this table and the docs together.
SETTINGS: dict[str, str] = {
    "PORTAL_DATA_DIR": "./data",
    "PORTAL_DATABASE_URL": "sqlite://<PORTAL_DATA_DIR>/portal.sqlite3",
    "PORTAL_SECRET_KEY": "<generated into PORTAL_DATA_DIR/secret_key>",
    "PORTAL_DRAFTS_DIR": "<repository>/drafts",
    "PORTAL_DEFAULT_LANG": "id",
    "PORTAL_HTTPS": "false",
    "PORTAL_DEBUG": "false",
}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    drafts_dir: Path
    default_lang: str = "id"
    https: bool = False
    debug: bool = False


def _secret_key(data_dir: Path) -> str:
    """The key kept in the data directory, made on first run (never committed)."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(0o600)
    return key


def load_settings(env_file: str | Path | None = ".env", **overrides: str) -> Settings:
    """Read settings from the environment, then ``.env``; ``overrides`` win (tests)."""
    env_path = Path(env_file) if env_file else None
    config = Config(env_path if env_path and env_path.exists() else None)

    def get(name: str, default: str) -> str:
        if name in overrides:
            return overrides[name]
        return str(config(name, default=default))

    data_dir = Path(get("PORTAL_DATA_DIR", "./data")).expanduser().resolve()
    database_url = get("PORTAL_DATABASE_URL", "") or f"sqlite://{data_dir / 'portal.sqlite3'}"
    secret = get("PORTAL_SECRET_KEY", "") or _secret_key(data_dir)
    lang = get("PORTAL_DEFAULT_LANG", "id")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret,
        drafts_dir=Path(get("PORTAL_DRAFTS_DIR", str(ROOT / "drafts"))).expanduser().resolve(),
        default_lang=lang if lang in ("id", "en") else "id",
        https=get("PORTAL_HTTPS", "false").lower() in ("1", "true", "yes"),
        debug=get("PORTAL_DEBUG", "false").lower() in ("1", "true", "yes"),
    )
