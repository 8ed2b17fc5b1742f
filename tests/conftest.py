"""Shared set-up: no display, no sound, and data and settings in a fresh temporary folder per test."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Every test writes its data and settings under its own tmp_path, never in the user's folders."""
    data = tmp_path / "numplus-data"
    config = tmp_path / "numplus-config"
    data.mkdir()
    config.mkdir()
    monkeypatch.setenv("NUMPLUS_DATA_DIR", str(data))
    monkeypatch.setenv("NUMPLUS_CONFIG_DIR", str(config))
    return data, config
