"""The high-contrast theme: chosen with real clicks on the title and settings screens, saved, logged in a running
session, and every screen still fits in both themes, both languages, at 100 % and 200 % text."""

from __future__ import annotations

import json

import pygame
import pytest

from game.paths import SCENARIOS
from game.scenario.loader import load_scenario
from game.settings import load_settings, settings_path
from game.ui.scenes.brief import BriefScene
from game.ui.scenes.end import SummaryScene
from game.ui.scenes.facilitator import FacilitatorScene
from game.ui.scenes.flow import start_single_scenario
from game.ui.scenes.player import PlayerScene
from game.ui.scenes.title import TitleScene
from game.ui.theme import colour
from tests.ui_support import Ui, layout_problems

CONFIRM = SCENARIOS / "mail" / "confirm-meeting.yaml"
ACCOUNT = SCENARIOS / "web" / "create-account.yaml"
FILES = SCENARIOS / "files" / "organise-documents.yaml"


def pixel(ui: Ui, point) -> tuple[int, int, int]:
    ui.app.draw()
    return tuple(ui.app.screen.get_at(point))[:3]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(pygame.Color(hex_colour))[:3]


def test_the_title_screen_switches_to_high_contrast_and_back_with_clicks(tmp_path):
    ui = Ui(tmp_path, locale="fr-CA")
    ui.app.headless = False  # save the choice as the real game does (the config dir is the test's own)
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    assert ui.text("title.contrast.label") == "Contraste"
    assert ui.text("title.contrast.high-contrast") == "Contraste élevé"
    start = ui.tree.get("title.start").rect
    assert pixel(ui, (2, 2)) == rgb(colour("default", "screen_bg"))
    assert pixel(ui, (start.x + 6, start.centery)) == rgb(colour("default", "normal_bg"))

    ui.click("title.contrast.high-contrast")
    assert ui.app.theme == ui.app.settings.theme == "high-contrast"
    assert ui.app.focus.focused_id == "title.contrast.high-contrast"  # the focus stays on what was clicked
    assert "(choisi)" in ui.tree.get("title.contrast.high-contrast").speakable
    assert pixel(ui, (2, 2)) == rgb(colour("high-contrast", "screen_bg")) == (0, 0, 0)
    start = ui.tree.get("title.start").rect
    assert pixel(ui, (start.x + 6, start.centery)) == rgb(colour("high-contrast", "normal_bg"))
    assert json.loads(settings_path().read_text(encoding="utf-8"))["theme"] == "high-contrast"
    assert load_settings().theme == "high-contrast"  # the next start opens in high contrast
    assert layout_problems(ui.app) == []

    ui.click("title.contrast.default")
    assert ui.app.theme == "default" and load_settings().theme == "default"
    assert pixel(ui, (2, 2)) == rgb(colour("default", "screen_bg"))
    ui.close()


def test_the_keyboard_switches_the_theme_too(tmp_path):
    ui = Ui(tmp_path, locale="en-CA", keyboard_only=True)
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.contrast.high-contrast")  # keyboard only: Tab to it, then Enter
    assert ui.app.theme == "high-contrast"
    ui.close()


def test_the_facilitator_settings_choose_the_contrast(tmp_path):
    ui = Ui(tmp_path, locale="en-CA", scale=200)
    ui.app.show(FacilitatorScene(ui.app))
    ui.driver.settle()
    ui.click("facilitator.settings")
    assert ui.text("settings.theme.label") == "Default contrast"
    ui.click("settings.theme.high-contrast")
    assert ui.app.theme == "default"  # a draft until saved
    ui.click("settings.save")
    assert ui.app.theme == "high-contrast" and load_settings().theme == "high-contrast"
    assert ui.text("settings.status") == "The settings are saved."
    assert pixel(ui, (2, 2)) == (0, 0, 0)
    assert layout_problems(ui.app) == []
    ui.close()


def test_a_theme_change_in_a_running_scenario_is_logged(tmp_path):
    ui = Ui(tmp_path, theme="high-contrast")
    start_single_scenario(ui.app, ui.app.library["mail.confirm-meeting"], "TEST-HC")
    ui.click("brief.start")
    started = next(e for e in ui.events() if e["type"] == "session_started")
    assert started["payload"]["accommodations"]["theme"] == "high-contrast"
    ui.app.set_theme("default")
    ui.app.set_theme("default")  # no change: nothing logged
    changes = [e["payload"] for e in ui.events() if e["type"] == "accommodation_changed"]
    assert changes == [{"name": "theme", "value": "default"}]
    assert ui.app.accommodations().theme == "default"
    assert ui.tree.get("mail.message.meeting") is not None  # the same screen, made anew in the new colours
    ui.close()


def screens(ui: Ui):
    """Title, brief, mail (list and message), summary, a browser form with its errors, files: yields each."""
    app = ui.app
    app.show(TitleScene(app))
    ui.driver.settle()
    yield "title"
    start_single_scenario(app, app.library["mail.confirm-meeting"], "TEST-THEME")
    ui.driver.settle()
    assert isinstance(app.scene, BriefScene)
    yield "brief"
    ui.click("brief.start")
    assert isinstance(app.scene, PlayerScene) and app.scene.current == "mail"
    yield "mail"
    ui.click("mail.message.meeting")
    yield "mail message"
    for element in ("scenario.done", "dialog.done.confirm", "end.next"):
        ui.click(element)
    assert isinstance(app.scene, SummaryScene)
    yield "summary"
    start_single_scenario(app, app.library["web.create-account"], "TEST-THEME")
    for element in ("brief.start", "browser.link.to_signup", "browser.form.account.submit"):
        ui.click(element)
    assert ui.tree.get("browser.form.account.errors") is not None
    yield "browser form with errors"
    start_single_scenario(app, app.library["files.organise-documents"], "TEST-THEME")
    for element in ("brief.start", "files.folder.downloads"):
        ui.click(element)
    assert app.scene.current == "files" and ui.tree.get("files.folder.downloads") is not None
    yield "files"


@pytest.mark.parametrize("scale", [100, 200])
@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_the_screens_fit_in_both_themes(tmp_path, theme, locale, scale):
    library = {loaded.id: loaded for loaded in map(load_scenario, (CONFIRM, ACCOUNT, FILES))}
    ui = Ui(tmp_path, locale=locale, scale=scale, library=library, theme=theme)
    seen = []
    for name in screens(ui):
        assert ui.app.theme == theme
        assert layout_problems(ui.app) == [], name
        ui.app.draw()  # every colour the screen needs is in the theme
        seen.append(name)
    assert len(seen) == 7
    ui.close()
