"""Kiosk mode: no way out without the PIN, an idle participant is not left on screen, consent is asked."""

from __future__ import annotations

import json

import pygame
import pytest

from game.cli import main
from game.facilitator.codes import is_valid
from game.paths import SCENARIOS
from game.settings import Settings
from game.ui.app import GameApp
from game.ui.headless import Driver
from game.ui.scenes.facilitator import CodesScene, FacilitatorScene
from game.ui.scenes.pin import PinScene, facilitator_pin
from game.ui.scenes.title import TitleScene
from tests.ui_support import Ui, layout_problems

WALKTHROUGH = SCENARIOS / "mail" / "confirm-meeting.walkthrough.yaml"


def kiosk(tmp_path, locale: str = "fr-CA", scale: int = 100, idle_minutes: int = 10) -> Ui:
    ui = Ui(tmp_path, locale=locale, scale=scale)
    store, clock = ui.store, ui.clock
    ui.app.close()
    settings = Settings(locale=locale, text_scale=scale, idle_timeout_minutes=idle_minutes)
    ui.app = GameApp(store=store, library=ui.app.library, settings=settings, clock=clock, headless=True, kiosk=True)
    ui.driver = Driver(ui.app, clock)
    return ui


def start_kiosk_session(ui: Ui, code: str = "ABC-123") -> None:
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type(code)
    ui.click("code.continue")
    ui.click("consent.no")
    ui.click("brief.start")


def test_closing_the_window_alt_f4_and_escape_do_not_leave_a_kiosk(tmp_path):
    ui = kiosk(tmp_path)
    start_kiosk_session(ui)
    for event in (pygame.event.Event(pygame.QUIT), pygame.event.Event(pygame.WINDOWCLOSE)):
        ui.driver.post([event])
    ui.key("alt+f4")
    ui.key("escape")
    assert ui.app.running and ui.app.session is not None
    ui.close()
    plain = Ui(tmp_path / "plain")
    plain.driver.post([pygame.event.Event(pygame.QUIT)])
    assert not plain.app.running  # outside a kiosk the window closes as usual
    plain.close()


def test_the_facilitator_menu_needs_the_pin_and_is_the_way_out(tmp_path):
    ui = kiosk(tmp_path)
    facilitator_pin(ui.app).set("2468")
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.facilitator")
    assert isinstance(ui.app.scene, PinScene)
    ui.click("pin.entry")
    ui.type("1111")
    ui.click("pin.ok")
    assert "4 essai(s)" in ui.text("pin.error") and isinstance(ui.app.scene, PinScene)
    ui.click("pin.entry")
    ui.type("2468")
    ui.key("enter")
    assert isinstance(ui.app.scene, FacilitatorScene)
    assert layout_problems(ui.app) == []
    ui.click("facilitator.quit")
    assert not ui.app.running
    ui.close()


def test_on_first_run_the_pin_is_chosen_twice(tmp_path):
    ui = kiosk(tmp_path, locale="en-CA")
    chosen = []
    ui.app.show(PinScene(ui.app, then=lambda: chosen.append(True)))
    ui.driver.settle()
    assert ui.text("pin.title") == "Choose the facilitator PIN"
    ui.click("pin.entry")
    ui.type("2468")
    ui.click("pin.confirm")
    ui.type("2469")
    ui.click("pin.ok")
    assert "not the same" in ui.text("pin.error") and not chosen
    ui.click("pin.entry")
    ui.type("13579")
    ui.click("pin.confirm")
    ui.type("13579")
    ui.click("pin.ok")
    assert chosen and facilitator_pin(ui.app).check("13579").ok
    ui.close()


def test_an_idle_session_warns_then_is_saved_and_the_kiosk_returns_to_the_title(tmp_path):
    ui = kiosk(tmp_path, idle_minutes=10)
    start_kiosk_session(ui, "IDL-E01")
    session_id = ui.app.session.engine.session_id
    ui.click("mail.message.meeting")
    ui.clock.advance(8 * 60_000)
    ui.driver.settle()
    assert ui.app.dialog is None  # nothing yet
    ui.clock.advance(61_000)
    ui.driver.settle()
    assert ui.app.dialog.id == "dialog.idle" and "dans 59 secondes" in ui.text("dialog.idle.text").lower()
    ui.click("idle.stay")  # someone is there: the count starts again
    assert ui.app.dialog is None and ui.app.session is not None
    ui.clock.advance(9 * 60_000 + 30_000)
    ui.driver.settle()
    assert "30 secondes" in ui.text("dialog.idle.text")
    ui.clock.advance(31_000)
    ui.driver.settle()
    assert isinstance(ui.app.scene, TitleScene) and ui.app.session is None and ui.app.dialog is None
    assert ui.store.unfinished_sessions("IDL-E01")[0].id == session_id  # saved, to resume with the code
    ui.click("title.start")
    ui.type("IDL-E01")
    ui.click("code.continue")
    ui.click("resume.yes")
    assert ui.app.session.engine.session_id == session_id
    ui.close()


def test_codes_are_made_in_batches_with_a_check_character(tmp_path):
    ui = kiosk(tmp_path)
    ui.app.show(CodesScene(ui.app))
    ui.driver.settle()
    ui.click("codes.make.20")
    codes = [ui.text(f"codes.code.{i}") for i in range(20)]
    assert len(set(codes)) == 20 and all(is_valid(c) for c in codes)
    assert layout_problems(ui.app) == []
    ui.close()


@pytest.mark.parametrize("scale", [100, 200])
@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_pin_menu_and_codes_screens_fit(tmp_path, locale, scale):
    ui = kiosk(tmp_path, locale=locale, scale=scale)
    for scene in (PinScene(ui.app, then=lambda: None, back=lambda: None), FacilitatorScene(ui.app),
                  CodesScene(ui.app)):
        ui.app.show(scene)
        ui.driver.settle()
        assert layout_problems(ui.app) == [], type(scene).__name__
    ui.click("codes.make.40")
    assert layout_problems(ui.app) == []
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    assert layout_problems(ui.app) == []
    ui.close()


def test_headless_play_records_consent_as_given(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["play", "--headless", "--scenario", "mail.confirm-meeting", "--actions", str(WALKTHROUGH),
                 "--out", str(out), "--consent", "yes"]) == 0
    first = json.loads((out / "events.jsonl").read_text().splitlines()[0])
    assert first["payload"]["consent"] == {"research": True}
    assert main(["play", "--headless", "--scenario", "mail.confirm-meeting", "--actions", str(WALKTHROUGH),
                 "--out", str(tmp_path / "no")]) == 0
    first = json.loads((tmp_path / "no" / "events.jsonl").read_text().splitlines()[0])
    assert first["payload"]["consent"] == {"research": False}  # the default


def test_headless_kiosk_play_goes_through_pin_code_and_consent(tmp_path, capsys):
    steps = tmp_path / "kiosk.walkthrough.yaml"
    steps.write_text(
        "scenario: mail.confirm-meeting\nsteps:\n"
        "  - click: pin.entry\n  - type: '2468'\n  - click: pin.confirm\n  - type: '2468'\n  - click: pin.ok\n"
        "  - click: title.start\n  - type: ABC-123\n  - click: code.continue\n  - click: consent.yes\n"
        "  - click: brief.start\n  - click: mail.message.meeting\n  - click: mail.reply\n  - click: compose.body\n"
        "  - type: 'Bonjour Sophie, oui, je serai présent. Merci!'\n  - click: compose.send\n"
        "  - click: dialog.sent.ok\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["play", "--headless", "--kiosk", "--scenario", "mail.confirm-meeting", "--actions", str(steps),
                 "--out", str(out)]) == 0, capsys.readouterr().err
    first = json.loads((out / "events.jsonl").read_text().splitlines()[0])
    assert first["payload"]["participant"] == "ABC-123" and first["payload"]["consent"] == {"research": True}
