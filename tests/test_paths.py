"""Bundled files are package data found with importlib.resources, so a source checkout, a wheel and the
PyInstaller bundle resolve them alike; the game's public path names keep pointing at them."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from game import paths
from scoring import framework


def test_bundled_folders_are_the_data_packages():
    assert paths.ASSETS == files("assets")
    assert paths.SCENARIOS == files("scenarios")
    assert framework.FRAMEWORKS == files("scoring") / "frameworks"
    for folder in (paths.ASSETS, paths.SCENARIOS, paths.FONTS, paths.THEMES, paths.TRANSLATIONS, framework.FRAMEWORKS):
        assert isinstance(folder, Path) and folder.is_absolute() and folder.is_dir(), folder
    assert (paths.FONTS / "NotoSans-Regular.ttf").is_file()
    assert (paths.THEMES / "default.json").is_file()
    assert (paths.SCENARIOS / "mail" / "confirm-meeting.yaml").is_file()
    assert (framework.FRAMEWORKS / "digcomp-2.2.yaml").is_file()


def test_a_missing_data_package_is_one_clear_error():
    with pytest.raises(ImportError, match="cannot find its bundled data package 'no_such_data'"):
        paths.bundled_dir("no_such_data")
