"""Colour is never the only signal: every message shown in the error style starts with the error prefix
("Attention :" / "Please note:") or has the error icon beside it, in every screen that shows errors."""

from __future__ import annotations

import re

from game.i18n import tr
from game.paths import ROOT, SCENARIOS
from game.scenario.loader import load_scenario
from game.ui.scenes.code import CodeScene
from game.ui.scenes.facilitator import FacilitatorScene
from game.ui.scenes.flow import start_single_scenario
from game.ui.scenes.pin import PinScene
from tests.ui_support import Ui

# The code that shows errors, each exercised below: a new place needs its check here. (browser_view draws the
# "Not secure" words in the error colour, after a warning sign.)
CHECKED = {"game/ui/errors.py", "game/ui/browser_view.py", "game/ui/scenes/code.py", "game/ui/scenes/pin.py",
           "game/ui/scenes/settings.py"}


def error_messages(ui: Ui) -> list:
    return [e for e in ui.tree.all() if e.style == "#error"]


def without_signal(ui: Ui) -> list[str]:
    """Error-style messages with neither the prefix in their words nor an icon beside them."""
    prefix = tr(ui.app.locale, "error_prefix") + " "
    missing = []
    for element in error_messages(ui):
        icon = ui.tree.get(f"{element.id}.icon")
        beside = icon is not None and icon.rect.right <= element.rect.x and icon.rect.top == element.rect.top
        if not (element.text.startswith(prefix) or beside):
            missing.append(f"{element.id}: {element.text!r}")
    return missing


def test_every_place_that_shows_errors_is_checked_here():
    showing = {str(p.relative_to(ROOT)) for p in (ROOT / "game" / "ui").rglob("*.py")
               if re.search(r"[\"']#error[\"']", p.read_text(encoding="utf-8"))}
    assert showing == CHECKED
    # The form and the bug report show theirs through errors.error_line, which places the icon.
    for view in ("browser_view.py", "tracker_view.py"):
        assert "error_line(" in (ROOT / "game" / "ui" / view).read_text(encoding="utf-8")


def test_form_errors_have_an_icon(tmp_path):
    loaded = load_scenario(SCENARIOS / "web" / "create-account.yaml")
    ui = Ui(tmp_path, locale="fr-CA", library={loaded.id: loaded})
    start_single_scenario(ui.app, loaded, "TEST-ERR")
    for element in ("brief.start", "browser.link.to_signup", "browser.form.account.submit"):
        ui.click(element)
    assert len(error_messages(ui)) >= 3  # the summary and the fields in view
    assert without_signal(ui) == []
    ui.close()


def test_bug_report_errors_have_an_icon(tmp_path):
    loaded = load_scenario(SCENARIOS / "qa" / "two-obvious-bugs.yaml")
    ui = Ui(tmp_path, locale="en-CA", scale=200, library={loaded.id: loaded})
    start_single_scenario(ui.app, loaded, "TEST-ERR")
    for element in ("brief.start", "taskbar.bug_tracker", "tracker.new", "tracker.submit"):
        ui.click(element)
    assert len(error_messages(ui)) >= 2
    assert without_signal(ui) == []
    ui.close()


def test_code_and_pin_errors_start_with_the_prefix(tmp_path):
    ui = Ui(tmp_path, locale="fr-CA")
    ui.app.show(CodeScene(ui.app))
    ui.click("code.entry")
    ui.type("A!")
    ui.click("code.continue")
    assert ui.text("code.error").startswith("Attention : ")
    assert without_signal(ui) == []

    ui.app.show(PinScene(ui.app, then=lambda: None))  # no PIN yet: choose one, twice
    ui.click("pin.entry")
    ui.type("2468")
    ui.click("pin.confirm")
    ui.type("1357")
    ui.click("pin.ok")
    assert ui.text("pin.error").startswith("Attention : ")
    assert without_signal(ui) == []
    ui.close()


def test_settings_errors_start_with_the_prefix(tmp_path):
    ui = Ui(tmp_path, locale="en-CA")
    ui.app.show(FacilitatorScene(ui.app))
    ui.driver.settle()
    ui.click("facilitator.settings")
    ui.click("settings.test")  # no address typed yet
    assert ui.text("settings.test.status").startswith("Please note: ")
    ui.click("settings.org_url")
    ui.type("not an address")
    ui.click("settings.save")
    assert {e.id for e in error_messages(ui)} >= {"settings.org_url.error", "settings.status"}
    assert "red" not in ui.text("settings.status")  # what to fix is told in words, not by its colour
    assert without_signal(ui) == []
    ui.close()
