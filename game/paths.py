"""Where NUM+ finds its bundled files and keeps its data and settings."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
SCENARIOS = ROOT / "scenarios"
FONTS = ASSETS / "fonts"
THEMES = ASSETS / "themes"
TRANSLATIONS = ASSETS / "translations"

APP_NAME = "numplus"


def data_dir() -> Path:
    """The data dir (events, results, outbox); NUMPLUS_DATA_DIR wins."""
    override = os.environ.get("NUMPLUS_DATA_DIR") or _data_dir_setting()
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The settings dir; NUMPLUS_CONFIG_DIR wins."""
    override = os.environ.get("NUMPLUS_CONFIG_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _data_dir_setting() -> str | None:
    from game.settings import SettingsError, load_settings

    try:
        return load_settings().data_dir
    except SettingsError:
        return None


def database_path() -> Path:
    return data_dir() / "numplus.sqlite3"
