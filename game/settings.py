"""Settings kept in the config dir; NUMPLUS_* environment variables win over the file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from game.locales import DEFAULT_LOCALE, supported_locales
from scoring.adaptive.plan import AssessmentPlan

TEXT_SCALES = (100, 150, 200)
SETTINGS_FILE = "settings.json"
# The LRS credentials live apart, in a file only this user can read (0600), never in settings.json.
CREDENTIALS_FILE = "credentials.json"
CREDENTIALS = ("lrs_username", "lrs_password")

# Environment variable -> settings field. Later issues add the LRS ones here.
ENVIRONMENT = {
    "NUMPLUS_DATA_DIR": "data_dir",
    "NUMPLUS_LRS_ENDPOINT": "lrs_endpoint",
    "NUMPLUS_LRS_USERNAME": "lrs_username",
    "NUMPLUS_LRS_PASSWORD": "lrs_password",
    "NUMPLUS_ORG_URL": "org_url",
}


class SettingsError(Exception):
    """The settings file cannot be used; the message says why in one line."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    locale: str = DEFAULT_LOCALE
    text_scale: Literal[100, 150, 200] = 100
    theme: str = "default"
    read_aloud: bool = Field(default=False, description="Older name of read_focused, kept in step with it")
    read_focused: bool = Field(default=False, description="Read the focused element aloud whenever focus moves")
    data_dir: str | None = None
    lrs_endpoint: str | None = None
    lrs_username: str | None = None
    lrs_password: str | None = Field(default=None, repr=False)
    org_url: str | None = Field(default=None, description="The organisation's URL: pseudonymous accounts live there")
    org_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                               description="The organisation's short id (letters, digits, - _ .)")
    org_name: str | None = Field(default=None, min_length=1, max_length=120,
                                 description="The organisation's name, shown on reports")
    lrs_ca_bundle: str | None = Field(default=None, description="CA bundle for an LRS with a private certificate")
    kiosk_id: str | None = Field(default=None, description="This machine's id in statements (default: made once)")
    research_texts: bool = Field(default=False, description="The organisation's research consent covers typed texts")
    offer_tutorial: bool = Field(default=True, description="Offer the short practice (not scored) before a session")
    idle_timeout_minutes: int = Field(default=10, ge=1, le=120,
                                      description="Kiosk: minutes without input before a session is left")
    framework: str = "digcomp-2.2"
    item_parameters: str | None = Field(default=None, description="Calibrated parameters file (numplus calibrate)")
    assessment: AssessmentPlan = Field(default_factory=AssessmentPlan)

    @model_validator(mode="before")
    @classmethod
    def _read_aloud_is_read_focused(cls, values):
        """A settings file from before read_focused: its read_aloud turns the automatic reading on."""
        if isinstance(values, dict) and "read_aloud" in values and "read_focused" not in values:
            values = {**values, "read_focused": values["read_aloud"]}
        return values

    @field_validator("framework")
    @classmethod
    def _known_framework(cls, value: str) -> str:
        from scoring.framework import available_frameworks

        if value not in available_frameworks():
            raise ValueError(f"unknown competence framework {value!r} (available: {', '.join(available_frameworks())})")
        return value

    @field_validator("theme")
    @classmethod
    def _known_theme(cls, value: str) -> str:
        from game.paths import THEMES

        found = sorted(p.stem for p in THEMES.glob("*.json"))
        if value not in found:
            raise ValueError(f"unknown theme {value!r} (available: {', '.join(found)})")
        return value

    @field_validator("org_url", "lrs_endpoint")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
            usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:  # a bad port or bracket
            usable = False
        if not usable or any(c.isspace() for c in value):
            raise ValueError(f"{value!r} is not a web address starting with https:// or http://")
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in supported_locales():
            raise ValueError(f"unknown locale {value!r} (supported: {', '.join(supported_locales())})")
        return value


def settings_path() -> Path:
    from game.paths import config_dir

    return config_dir() / SETTINGS_FILE


def credentials_path() -> Path:
    return settings_path().with_name(CREDENTIALS_FILE)


def _read_object(path: Path, what: str) -> dict:
    if not path.exists():
        return {}
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read {what} ({exc})") from None
    if not isinstance(values, dict):
        raise SettingsError(f"{path}: {what} must be a JSON object")
    return values


def load_settings() -> Settings:
    """The settings file (if any), then the credentials file, with environment overrides applied."""
    path = settings_path()
    values = _read_object(path, "settings")
    credentials = _read_object(credentials_path(), "credentials")
    strange = sorted(set(credentials) - set(CREDENTIALS))
    if strange:
        raise SettingsError(f"{credentials_path()}: only {' and '.join(CREDENTIALS)} belong here, not {strange[0]}")
    values.update(credentials)  # an older settings.json may still hold the username: the credentials file wins
    for variable, field in ENVIRONMENT.items():
        if os.environ.get(variable):
            values[field] = os.environ[variable]
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise SettingsError(f"{path}: {where}: {first['msg']}") from None


def _from_environment(field: str, value: object) -> bool:
    return any(f == field and os.environ.get(variable) and value == os.environ[variable]
               for variable, f in ENVIRONMENT.items())


def save_settings(settings: Settings) -> None:
    """Write atomically (temporary file, then rename); never store what the environment set.

    settings.json never holds the credentials: they go to credentials.json, made readable by this user
    only (0600). A credential the environment set leaves the file's own value as it was.
    """
    path = settings_path()
    data = settings.model_dump(exclude_none=True, exclude=set(CREDENTIALS))
    for field in list(data):
        if _from_environment(field, data[field]):
            data.pop(field)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)

    secrets_path = credentials_path()
    try:
        stored: dict | None = _read_object(secrets_path, "credentials")
    except SettingsError:
        stored = None  # unreadable: replaced by new credentials, else left for a person to look at
    secrets = {}
    for field in CREDENTIALS:
        value = getattr(settings, field)
        if _from_environment(field, value):
            value = (stored or {}).get(field)
        if value is not None:
            secrets[field] = value
    if secrets and secrets == stored:
        _make_private(secrets_path)
    elif secrets:
        _write_private(secrets_path, json.dumps(secrets, indent=2, ensure_ascii=False))
    elif stored is not None:
        secrets_path.unlink(missing_ok=True)  # the credentials were cleared


def _make_private(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError:  # a file system without POSIX permissions: the per-user config dir protects it
        pass


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically: a temporary file made 0600, then a rename."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)  # O_EXCL below: never reuse a file made with other permissions
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        _make_private(tmp)  # the mode given to os.open is reduced by the umask, never widened; make sure
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _make_private(path)
