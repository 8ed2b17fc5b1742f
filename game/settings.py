"""Settings kept in the config dir; NUMPLUS_* environment variables win over the file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from game.locales import DEFAULT_LOCALE, supported_locales
from scoring.adaptive.plan import AssessmentPlan

TEXT_SCALES = (100, 150, 200)
SETTINGS_FILE = "settings.json"

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
    read_aloud: bool = False
    data_dir: str | None = None
    lrs_endpoint: str | None = None
    lrs_username: str | None = None
    lrs_password: str | None = Field(default=None, repr=False)
    org_url: str | None = Field(default=None, description="The organisation's URL: pseudonymous accounts live there")
    lrs_ca_bundle: str | None = Field(default=None, description="CA bundle for an LRS with a private certificate")
    kiosk_id: str | None = Field(default=None, description="This machine's id in statements (default: made once)")
    research_texts: bool = Field(default=False, description="The organisation's research consent covers typed texts")
    framework: str = "digcomp-2.2"
    item_parameters: str | None = Field(default=None, description="Calibrated parameters file (numplus calibrate)")
    assessment: AssessmentPlan = Field(default_factory=AssessmentPlan)

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

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in supported_locales():
            raise ValueError(f"unknown locale {value!r} (supported: {', '.join(supported_locales())})")
        return value


def settings_path() -> Path:
    from game.paths import config_dir

    return config_dir() / SETTINGS_FILE


def load_settings() -> Settings:
    """The settings file (if any) with environment overrides applied."""
    path = settings_path()
    values: dict = {}
    if path.exists():
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read settings ({exc})") from None
        if not isinstance(values, dict):
            raise SettingsError(f"{path}: settings must be a JSON object")
    for variable, field in ENVIRONMENT.items():
        if os.environ.get(variable):
            values[field] = os.environ[variable]
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise SettingsError(f"{path}: {where}: {first['msg']}") from None


def save_settings(settings: Settings) -> None:
    """Write atomically (temporary file, then rename); never store env overrides' secrets."""
    path = settings_path()
    data = settings.model_dump(exclude_none=True, exclude={"lrs_password"})
    for variable, field in ENVIRONMENT.items():
        if os.environ.get(variable) and data.get(field) == os.environ[variable]:
            data.pop(field, None)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
