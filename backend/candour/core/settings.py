"""One typed settings object, read from the environment (prefix ``CANDOUR_``) and ``.env``.

Every variable is documented in ``.env.example``. The published development secrets are
accepted only with the embedded database (or an explicit ``test`` environment): a
deployment that kept them would let anyone who read this repository forge sessions and
de-anonymise posts, so the validator fails closed rather than trusting an unset
``CANDOUR_ENVIRONMENT``.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[3]

# Published on purpose: development only, refused in production by the validator below.
DEVELOPMENT_JWT_SECRET = "development-only-jwt-secret-change-me-0000000000000000"  # noqa: S105
DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key-change-me-000000000000"
DEVELOPMENT_RELAY_KEY = "development-only-relay-key-change-me-00000000000000000"
_DEVELOPMENT_SECRETS = {DEVELOPMENT_JWT_SECRET, DEVELOPMENT_PSEUDONYM_KEY, DEVELOPMENT_RELAY_KEY}


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CANDOUR_", env_file=".env", extra="ignore", frozen=True
    )

    environment: Environment = Environment.development
    # No URL means: start the embedded PostgreSQL (pgserver) in ``data_dir/pgdata``.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    # Not for operators: `python -m candour` sets it to the URL of the embedded PostgreSQL it
    # started, for its own process and its uvicorn workers. Kept apart from DATABASE_URL,
    # which always means a database someone else runs (and so needs private secrets).
    embedded_database_url: str | None = Field(
        default=None, validation_alias="CANDOUR_EMBEDDED_DATABASE_URL"
    )
    # Connections each process keeps open to PostgreSQL (and never more). None are opened
    # and closed per burst: a new connection costs PostgreSQL a process, and each statement
    # a fresh plan, on it.
    database_pool_size: int = Field(default=20, ge=1, le=200)
    data_dir: Path = PROJECT_ROOT / "var"
    public_url: str = "http://127.0.0.1:8000"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Secrets. The pseudonym key derives the per-conversation author key (HMAC); the relay
    # key encrypts the reverse link the relay needs. Neither is ever stored in the database.
    jwt_secret: SecretStr = SecretStr(DEVELOPMENT_JWT_SECRET)
    pseudonym_key: SecretStr = SecretStr(DEVELOPMENT_PSEUDONYM_KEY)
    relay_key: SecretStr = SecretStr(DEVELOPMENT_RELAY_KEY)

    access_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    invitation_link_hours: int = Field(default=72, ge=1)
    requested_link_minutes: int = Field(default=60, ge=5)
    allowed_email_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)
    password_min_length: int = Field(default=10, ge=8)

    # Throttling of failed sign-ins, kept in the database so it holds across workers.
    throttle_window_seconds: int = Field(default=900, ge=1)
    throttle_max_failures_per_account: int = Field(default=5, ge=1)
    throttle_max_failures_per_client: int = Field(default=20, ge=1)
    # Answers about accounts take at least this long, so timing does not tell whether an
    # address is known.
    auth_min_response_ms: int = Field(default=250, ge=0)

    # Personal data is deleted this many days after a conversation is complete; the job
    # looks for due conversations this often (in every process; they share the work).
    retention_days: int = Field(default=30, ge=0)
    retention_poll_seconds: float = Field(default=3600, gt=0)
    run_retention_scheduler: bool = True
    # The erasure ledger's copy outside the database (privacy/ledger.py): every erasure and
    # retention run, so that restoring an older backup forgets those people again. Keep it
    # on other storage than the database if you can. None means ``data_dir``.
    erasure_ledger_file: Path | None = None

    # The live feed (activity/live.py): how often each process reads the digest of the
    # conversations its pages follow, how many streams one process holds, and how long a
    # stream lasts before the browser reconnects (and is signed in again, or refused).
    live_poll_seconds: float = Field(default=3.0, gt=0)
    live_max_streams: int = Field(default=1000, ge=0)
    live_stream_max_seconds: float = Field(default=900, gt=0)
    # Section vote tallies for the participation figures (activity/tallies.py).
    vote_tally_seconds: float = Field(default=600, gt=0)
    run_activity_loops: bool = True

    # Per-participant limits (ideas and comments together; likes and dislikes together).
    rate_limit_posts_per_hour: int = Field(default=30, ge=1)
    rate_limit_votes_per_minute: int = Field(default=120, ge=1)
    rate_limit_reports_per_hour: int = Field(default=20, ge=1)
    rate_limit_messages_per_hour: int = Field(default=30, ge=1)
    # Facilitators may type in paper forms until this many days after the close.
    paper_grace_days: int = Field(default=14, ge=0)

    # Public timestamps are truncated to this many seconds (default: the hour).
    public_time_granularity_seconds: int = Field(default=3600, ge=1)

    # Mail. No SMTP host means: write each message to ``mail_dir`` (development only).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Candour <no-reply@candour.invalid>"
    mail_dir: Path | None = None
    outbox_poll_seconds: float = Field(default=2.0, gt=0)
    outbox_batch_size: int = Field(default=20, ge=1)
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_backoff_seconds: float = Field(default=30.0, ge=0)
    run_outbox_worker: bool = True

    @field_validator("cors_origins", "allowed_email_domains", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip().lower() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_published_secrets(self) -> Settings:
        """Fail closed: the published secrets are for the embedded development database only.

        Anything that reaches a real database (``DATABASE_URL``) must bring its own secrets,
        whatever ``CANDOUR_ENVIRONMENT`` says, unless it says ``test`` on purpose (the test
        suite's and the benchmark's throwaway databases).
        """
        secrets = {
            "CANDOUR_JWT_SECRET": self.jwt_secret,
            "CANDOUR_PSEUDONYM_KEY": self.pseudonym_key,
            "CANDOUR_RELAY_KEY": self.relay_key,
        }
        if self.environment == Environment.production:
            for name, secret in secrets.items():
                value = secret.get_secret_value()
                if value in _DEVELOPMENT_SECRETS or len(value) < 32:
                    raise ValueError(
                        f"{name} must be set to a private random value of at least 32 "
                        "characters in production (see .env.example)"
                    )
            if self.database_url is None:
                raise ValueError("DATABASE_URL must be set in production")
            if self.smtp_host is None:
                raise ValueError("CANDOUR_SMTP_HOST must be set in production")
        elif self.database_url is not None and self.environment != Environment.test:
            published = [
                n for n, s in secrets.items() if s.get_secret_value() in _DEVELOPMENT_SECRETS
            ]
            if published:
                raise ValueError(
                    f"{', '.join(published)} still hold the published development values, "
                    "which are only allowed with the embedded database: with DATABASE_URL "
                    "set, give each a private random value of at least 32 characters "
                    "(see .env.example), or set CANDOUR_ENVIRONMENT=test for a throwaway "
                    "test database"
                )
        return self

    @property
    def connection_url(self) -> str | None:
        """The database to use: DATABASE_URL, else the embedded one once it has started."""
        return self.database_url or self.embedded_database_url

    @property
    def resolved_mail_dir(self) -> Path:
        return self.mail_dir or self.data_dir / "mail"

    @property
    def resolved_erasure_ledger_file(self) -> Path:
        return self.erasure_ledger_file or self.data_dir / "erasure-ledger.jsonl"


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def _settings_of_app(request: Request) -> Settings:
    # async, so FastAPI does not hop to a worker thread for it on every request.
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings_of_app)]
