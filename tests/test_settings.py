"""Settings refuse the published development secrets anywhere but the embedded database."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from candour.core.settings import Environment, Settings

PRODUCTION = {
    "environment": Environment.production,
    "database_url": "postgresql://db/candour",
    "smtp_host": "smtp.example",
    "jwt_secret": "j" * 40,
    "pseudonym_key": "p" * 40,
    "relay_key": "r" * 40,
}


def test_production_with_private_secrets_starts() -> None:
    assert Settings(**PRODUCTION).environment == Environment.production


@pytest.mark.parametrize("key", ["jwt_secret", "pseudonym_key", "relay_key"])
def test_production_refuses_default_or_short_secrets(key: str) -> None:
    with pytest.raises(ValidationError, match=key.upper()):
        Settings(**{**PRODUCTION, key: Settings.model_fields[key].default.get_secret_value()})
    with pytest.raises(ValidationError, match=key.upper()):
        Settings(**{**PRODUCTION, key: "short"})


def test_production_needs_a_database_and_smtp() -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        Settings(**{**PRODUCTION, "database_url": None})
    with pytest.raises(ValidationError, match="SMTP_HOST"):
        Settings(**{**PRODUCTION, "smtp_host": None})


@pytest.mark.parametrize("environment", [None, Environment.development])
@pytest.mark.parametrize("key", ["jwt_secret", "pseudonym_key", "relay_key"])
def test_an_external_database_refuses_the_published_secrets(
    monkeypatch: pytest.MonkeyPatch, environment: Environment | None, key: str
) -> None:
    """CANDOUR_ENVIRONMENT unset (or development) must not mean "trust the public secrets"."""
    monkeypatch.delenv("CANDOUR_ENVIRONMENT", raising=False)
    private = {k: v for k, v in PRODUCTION.items() if k.endswith(("secret", "key"))}
    chosen = {} if environment is None else {"environment": environment}
    published = Settings.model_fields[key].default.get_secret_value()
    with pytest.raises(ValidationError, match=key.upper()):
        Settings(database_url="postgresql://db/candour", **chosen, **{**private, key: published})
    # The same database with private secrets starts.
    assert Settings(database_url="postgresql://db/candour", **chosen, **private).database_url


def test_the_published_secrets_stay_usable_where_they_are_meant_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CANDOUR_ENVIRONMENT", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Settings().database_url is None  # the embedded development database
    test_db = Settings(environment=Environment.test, database_url="postgresql://db/scratch")
    assert test_db.environment == Environment.test


def test_lists_come_from_comma_separated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CANDOUR_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("CANDOUR_ALLOWED_EMAIL_DOMAINS", "Trust.example")
    settings = Settings()
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.allowed_email_domains == ["trust.example"]


def test_every_setting_is_documented_in_env_example() -> None:
    from candour.core.settings import PROJECT_ROOT

    documented = (PROJECT_ROOT / ".env.example").read_text()
    for name, field in Settings.model_fields.items():
        variable = (
            field.validation_alias
            if isinstance(field.validation_alias, str)
            else f"CANDOUR_{name.upper()}"
        )
        assert variable in documented, f"{variable} is missing from .env.example"


def test_the_embedded_database_started_by_the_command_keeps_the_published_secrets(
    monkeypatch: pytest.MonkeyPatch, server_url: str
) -> None:
    """`make run` with nothing configured: the command starts the embedded PostgreSQL and
    hands its URL to its own settings and workers; that must not count as an external
    database (which would refuse the published secrets and stop `make run`)."""
    from candour import __main__ as command
    from candour.core import embedded_pg
    from candour.core.settings import get_settings

    for name in ("DATABASE_URL", "CANDOUR_EMBEDDED_DATABASE_URL", "CANDOUR_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(embedded_pg, "start_embedded_postgres", lambda *_a, **_k: server_url)
    get_settings.cache_clear()
    try:
        assert command._database_url() == server_url
        settings = get_settings()
        assert settings.environment == Environment.development
        assert settings.database_url is None and settings.connection_url == server_url
    finally:
        os.environ.pop("CANDOUR_EMBEDDED_DATABASE_URL", None)
        get_settings.cache_clear()
