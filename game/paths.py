"""Where NUM+ finds its bundled files and keeps its data and settings.

Bundled files are package data, found with `importlib.resources` (never from `__file__`): the top-level
folders `assets/` and `scenarios/` are data-only packages (an `__init__.py` and nothing else in Python),
and the competence frameworks are data of the `scoring` package. So they resolve the same in a source
checkout (the editable install maps the packages to these folders), in an installed wheel and in the
PyInstaller bundle (`numplus.spec` collects them beside the frozen packages). Participants' data and
settings live in the per-user folders platformdirs gives, never beside the program.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import platformdirs


def bundled_dir(package: str, *parts: str) -> Path:
    """A folder of data shipped in `package`, as a real path (pygame_gui and SDL open files by name)."""
    try:
        folder = files(package).joinpath(*parts)
    except ModuleNotFoundError:
        raise ImportError(f"NUM+ cannot find its bundled data package {package!r}: reinstall it "
                          "(pip install -e . in a checkout)") from None
    if not isinstance(folder, Path):  # a zipped install: NUM+ never ships one
        raise ImportError(f"NUM+ needs its data package {package!r} on disk, not in {folder!r}")
    return folder


ROOT = Path(__file__).resolve().parent.parent  # the source checkout (tests and tools); the game never reads it
ASSETS = bundled_dir("assets")
SCENARIOS = bundled_dir("scenarios")
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
