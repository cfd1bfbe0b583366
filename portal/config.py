"""Settings: one typed object read from PORTAL_* environment variables or a .env file."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
    "PORTAL_BASE_URL": "http://127.0.0.1:8000",
    "PORTAL_MAIL_FROM": "Raperda Portal <noreply@localhost>",
    "PORTAL_SMTP_HOST": "",
    "PORTAL_SMTP_PORT": "587",
    "PORTAL_SMTP_USER": "",
    "PORTAL_SMTP_PASSWORD": "",
    "PORTAL_SMTP_STARTTLS": "true",
    "PORTAL_LOGIN_MAX_FAILURES": "5",
    "PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS": "20",
    "PORTAL_LOGIN_LOCKOUT_MINUTES": "15",
    "PORTAL_LOGIN_SLOW_AFTER": "10",
    "PORTAL_MAX_BODY_BYTES": "1048576",
    "PORTAL_SEARCH_POSTINGS_MB": "64",
    "PORTAL_SEARCH_TIMEOUT": "2",
    "PORTAL_SEARCH_THREADS": "2",
    "PORTAL_EXPORT_THREADS": "2",
    "PORTAL_PDF_THREADS": "1",
    "PORTAL_MAIL_LIMIT_PER_ADDRESS": "20",
    "PORTAL_MAIL_LIMIT_PER_RECIPIENT": "3",
    "PORTAL_MAIL_LIMIT_MINUTES": "60",
    "PORTAL_ALLOWED_HOSTS": "<host of PORTAL_BASE_URL>,localhost,127.0.0.1",
    "PORTAL_NUMBER_LEDGER": "<PORTAL_DATA_DIR>/numbers",
    "PORTAL_LOG_FORMAT": "text",
    "PORTAL_METRICS_TOKEN": "",
    "PORTAL_READY_MIN_FREE_MB": "200",
    "PORTAL_JOBS": "workers",
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
    base_url: str = "http://127.0.0.1:8000"
    mail_from: str = "Raperda Portal <noreply@localhost>"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_lockout_minutes: int = 15
    login_slow_after: int = 10  # failures on one account (all addresses) before its sign-ins slow down
    max_body_bytes: int = 1024 * 1024
    search_postings_mb: int = 64
    search_timeout: float = 2.0  # seconds a query may take before it is stopped
    search_threads: int = 2
    export_threads: int = 2
    pdf_threads: int = 1
    mail_limit_per_address: int = 20  # mails any route may send for one client address per window
    mail_limit_per_recipient: int = 3  # mails of one kind to one recipient per window
    mail_limit_minutes: int = 60
    allowed_hosts: tuple[str, ...] = ("*",)  # load_settings derives the default from base_url
    number_ledger: Path | None = None  # the tracking-number ledger folder; None: data_dir/numbers
    log_format: str = "text"  # "json": one JSON object per log line (portal/ops/logs.py)
    metrics_token: str = ""  # /metrics answers only a Bearer of this token (404 when empty)
    ready_min_free_mb: int = 200  # /readyz fails when the data directory has less free space
    # Who indexes and sends mail: "workers" (every web worker takes part) or "separate"
    # (`portal jobs` does; `portal serve` starts it and sets this for its workers).
    jobs: str = "workers"

    @property
    def ledger_dir(self) -> Path:
        """Where acknowledged tracking numbers are recorded outside the database."""
        return self.number_ledger or self.data_dir / "numbers"

    @property
    def thread_counts(self) -> dict[str, int]:
        """Threads per kind of slow work (``web/executors.py``)."""
        return {
            "search": self.search_threads,
            "export": self.export_threads,
            "pdf": self.pdf_threads,
            "draft": 2,
            "upload": 2,
            "render": 2,  # first renders of long pages (web/pages.py respond_in)
        }


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
    base_url = get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    hosts = get("PORTAL_ALLOWED_HOSTS", "") or ",".join(
        [urlsplit(base_url).hostname or "localhost", "localhost", "127.0.0.1"]
    )
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret,
        drafts_dir=Path(get("PORTAL_DRAFTS_DIR", str(ROOT / "drafts"))).expanduser().resolve(),
        default_lang=lang if lang in ("id", "en") else "id",
        https=_flag(get("PORTAL_HTTPS", "false")),
        debug=_flag(get("PORTAL_DEBUG", "false")),
        base_url=base_url,
        mail_from=get("PORTAL_MAIL_FROM", "Raperda Portal <noreply@localhost>"),
        smtp_host=get("PORTAL_SMTP_HOST", ""),
        smtp_port=int(get("PORTAL_SMTP_PORT", "587")),
        smtp_user=get("PORTAL_SMTP_USER", ""),
        smtp_password=get("PORTAL_SMTP_PASSWORD", ""),
        smtp_starttls=_flag(get("PORTAL_SMTP_STARTTLS", "true")),
        login_max_failures=int(get("PORTAL_LOGIN_MAX_FAILURES", "5")),
        login_max_failures_per_address=int(get("PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS", "20")),
        login_lockout_minutes=int(get("PORTAL_LOGIN_LOCKOUT_MINUTES", "15")),
        login_slow_after=max(1, int(get("PORTAL_LOGIN_SLOW_AFTER", "10"))),
        max_body_bytes=int(get("PORTAL_MAX_BODY_BYTES", str(1024 * 1024))),
        search_postings_mb=max(0, int(get("PORTAL_SEARCH_POSTINGS_MB", "64"))),
        search_timeout=max(0.1, float(get("PORTAL_SEARCH_TIMEOUT", "2"))),
        search_threads=max(1, int(get("PORTAL_SEARCH_THREADS", "2"))),
        export_threads=max(1, int(get("PORTAL_EXPORT_THREADS", "2"))),
        pdf_threads=max(1, int(get("PORTAL_PDF_THREADS", "1"))),
        mail_limit_per_address=max(0, int(get("PORTAL_MAIL_LIMIT_PER_ADDRESS", "20"))),
        mail_limit_per_recipient=max(0, int(get("PORTAL_MAIL_LIMIT_PER_RECIPIENT", "3"))),
        mail_limit_minutes=max(1, int(get("PORTAL_MAIL_LIMIT_MINUTES", "60"))),
        allowed_hosts=tuple(h.strip().lower() for h in hosts.split(",") if h.strip()),
        number_ledger=Path(get("PORTAL_NUMBER_LEDGER", "") or data_dir / "numbers").expanduser().resolve(),
        log_format="json" if get("PORTAL_LOG_FORMAT", "text").strip().lower() == "json" else "text",
        metrics_token=get("PORTAL_METRICS_TOKEN", "").strip(),
        ready_min_free_mb=max(0, int(get("PORTAL_READY_MIN_FREE_MB", "200"))),
        jobs="separate" if get("PORTAL_JOBS", "workers").strip().lower() == "separate" else "workers",
    )


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")
