"""Reading ``ZILU_*`` environment variables: the typed helpers the settings module uses, and the error that stops
start-up with a one-line explanation when a value is missing or malformed."""

from __future__ import annotations

import os


class ConfigurationError(SystemExit):
    """A missing or malformed setting: startup stops with a one-line explanation."""

    def __init__(self, message: str) -> None:
        super().__init__(f"zilu: configuration error: {message}")


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    return [part.strip() for part in value.split(",") if part.strip()] if value else default
