"""The facilitator's settings screen, driven with real input events; settings and credentials on disk."""

from __future__ import annotations

import json
import os
import socket
import stat
import time

import pytest
import requests

import sync.check
from game.paths import SCENARIOS
from game.scenario.loader import load_scenario
from game.settings import (
    Settings,
    credentials_path,
    load_settings,
    save_settings,
    settings_path,
)
from game.ui import input_events as ev
from game.ui.app import FRAME_MS
from game.ui.scenes.facilitator import FacilitatorScene
from game.ui.scenes.settings import SettingsScene
from tests.lrs_support import ralph_fixture  # noqa: F401  (pytest fixture)
from tests.ui_support import Ui, layout_problems

PHISHING = SCENARIOS / "mail" / "spot-phishing.yaml"
CONFIRM = SCENARIOS / "mail" / "confirm-meeting.yaml"


def settings_screen(tmp_path, locale: str = "en-CA", scale: int = 100) -> Ui:
    library = {loaded.id: loaded for loaded in (load_scenario(CONFIRM), load_scenario(PHISHING))}
    ui = Ui(tmp_path, locale=locale, scale=scale, library=library)
    ui.app.show(FacilitatorScene(ui.app))
    ui.driver.settle()
    ui.click("facilitator.settings")
    assert isinstance(ui.app.scene, SettingsScene)
    return ui


def fill(ui: Ui, element_id: str, text: str) -> None:
    """Click the field, select what is there (Ctrl+A) and type over it."""
    ui.click(element_id)
    ui.key("ctrl+a")
    ui.key("backspace")
    ui.type(text)
    assert ui.app.widgets.fields[element_id].get() == text


def wait_for_test(ui: Ui, seconds: float = 30) -> str:
    """Draw frames, as the game loop does, until the connection test has answered."""
    deadline = time.monotonic() + seconds
    while ui.app.scene.check is not None:
        assert time.monotonic() < deadline, "the connection test never answered"
        ui.driver.frame()
        time.sleep(0.02)
    return ui.text("settings.test.status")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


# --- storage --------------------------------------------------------------------------------------

def test_settings_are_saved_from_the_screen_with_credentials_apart_and_private(tmp_path):
    ui = settings_screen(tmp_path)
    assert ui.app.tree.get("settings.lrs_password").widget.is_text_hidden
    fill(ui, "settings.org_id", "epn-07")
    fill(ui, "settings.org_name", "EPN de Rimouski")
    fill(ui, "settings.org_url", "https://epn.example.org")
    fill(ui, "settings.lrs_endpoint", "https://lrs.example.org/xAPI/")
    fill(ui, "settings.lrs_username", "kiosk-07")
    fill(ui, "settings.lrs_password", "a long secret")
    fill(ui, "settings.idle_timeout_minutes", "25")
    ui.click("settings.mode.fixed")
    fill(ui, "settings.scenarios", "mail.spot-phishing, mail.confirm-meeting")
    ui.click("settings.research.on")
    ui.click("settings.scale.150")
    ui.click("settings.lang.fr-CA")
    assert ui.app.locale == "en-CA" and not settings_path().exists()  # nothing changes before Save
    old_umask = os.umask(0)  # the credentials' mode must not depend on the umask
    try:
        ui.click("settings.save")
    finally:
        os.umask(old_umask)
    assert ui.text("settings.status") == "Les réglages sont enregistrés."  # saved, and now in French
    assert (ui.app.locale, ui.app.text_scale) == ("fr-CA", 150)
    assert ui.app.settings.idle_timeout_minutes == 25 and ui.app.delivery.origin.org_url == "https://epn.example.org"

    saved = load_settings()
    assert (saved.locale, saved.text_scale, saved.org_id, saved.org_name, saved.org_url) == (
        "fr-CA", 150, "epn-07", "EPN de Rimouski", "https://epn.example.org")
    assert (saved.lrs_endpoint, saved.lrs_username, saved.lrs_password) == (
        "https://lrs.example.org/xAPI/", "kiosk-07", "a long secret")
    assert saved.idle_timeout_minutes == 25 and saved.research_texts is True
    assert (saved.assessment.mode, saved.assessment.scenarios) == ("fixed", ["mail.spot-phishing", "mail.confirm-meeting"])
    on_disk = settings_path().read_text(encoding="utf-8")
    assert "kiosk-07" not in on_disk and "a long secret" not in on_disk and "lrs_password" not in on_disk
    assert json.loads(credentials_path().read_text(encoding="utf-8")) == {"lrs_username": "kiosk-07",
                                                                          "lrs_password": "a long secret"}
    if os.name == "posix":
        assert stat.S_IMODE(os.stat(credentials_path()).st_mode) == 0o600
    assert not list(credentials_path().parent.glob("*.tmp"))
    assert layout_problems(ui.app) == []
    ui.close()


def test_the_environment_wins_and_its_secrets_are_never_written(monkeypatch):
    save_settings(Settings(lrs_username="kiosk-07", lrs_password="from the screen"))
    monkeypatch.setenv("NUMPLUS_LRS_PASSWORD", "from the environment")
    loaded = load_settings()
    assert loaded.lrs_password == "from the environment"
    save_settings(loaded)  # e.g. the language changed on the title screen
    assert json.loads(credentials_path().read_text())["lrs_password"] == "from the screen"
    assert "from the environment" not in settings_path().read_text() + credentials_path().read_text()
    monkeypatch.delenv("NUMPLUS_LRS_PASSWORD")
    cleared = load_settings()
    cleared.lrs_username = cleared.lrs_password = None
    save_settings(cleared)
    assert not credentials_path().exists()


def test_an_older_settings_file_with_the_username_moves_it_to_the_credentials_file():
    settings_path().write_text(json.dumps({"lrs_username": "kiosk-03", "locale": "en-CA"}), encoding="utf-8")
    loaded = load_settings()
    assert loaded.lrs_username == "kiosk-03"
    save_settings(loaded)
    assert "kiosk-03" not in settings_path().read_text()
    assert load_settings().lrs_username == "kiosk-03"


# --- checking -----------------------------------------------------------------------------------------

def test_bad_values_are_shown_by_their_fields_and_nothing_is_saved(tmp_path):
    ui = settings_screen(tmp_path)
    fill(ui, "settings.org_url", "epn.example.org")
    fill(ui, "settings.lrs_endpoint", "lrs example org")
    fill(ui, "settings.lrs_password", "secret")
    fill(ui, "settings.idle_timeout_minutes", "0")
    ui.click("settings.mode.fixed")
    fill(ui, "settings.scenarios", "mail.confirm-meeting, mail.no-such-task")
    ui.click("settings.save")
    assert ui.text("settings.org_url.error") == ("Please note: type a full web address that starts with https:// "
                                                 "(or http://).")
    assert "https://" in ui.text("settings.lrs_endpoint.error")
    assert ui.text("settings.idle_timeout_minutes.error") == ("Please note: type a whole number of minutes "
                                                              "from 1 to 120.")
    assert ui.text("settings.scenarios.error") == "Please note: these tasks do not exist: mail.no-such-task."
    assert ui.text("settings.status").startswith("Please note: Nothing was saved.")
    assert ui.app.focus.focused_id == "settings.org_url" and ui.app.tree.get("settings.org_url.error").visible
    assert not settings_path().exists() and not credentials_path().exists()
    assert ui.app.widgets.fields["settings.lrs_password"].get() == "secret"  # what was typed stays
    assert layout_problems(ui.app) == []

    fill(ui, "settings.idle_timeout_minutes", "ten")
    ui.click("settings.save")
    assert "whole number" in ui.text("settings.idle_timeout_minutes.error")

    fill(ui, "settings.org_url", "https://epn.example.org")
    fill(ui, "settings.lrs_endpoint", "http://lrs.example.org:8100/xAPI/")
    fill(ui, "settings.idle_timeout_minutes", "120")
    fill(ui, "settings.scenarios", "mail.confirm-meeting mail.confirm-meeting")
    ui.click("settings.save")
    assert ui.text("settings.scenarios.error") == "Please note: a task is listed twice: mail.confirm-meeting."
    assert ui.app.tree.get("settings.org_url.error") is None
    fill(ui, "settings.scenarios", "")
    ui.click("settings.save")
    assert "at least one task" in ui.text("settings.scenarios.error")
    ui.click("settings.mode.adaptive")
    ui.click("settings.save")
    assert ui.text("settings.status") == "The settings are saved."
    saved = load_settings()
    assert saved.idle_timeout_minutes == 120 and saved.lrs_endpoint == "http://lrs.example.org:8100/xAPI/"
    assert saved.assessment.mode == "adaptive" and saved.assessment.scenarios == []
    ui.close()


def test_the_screen_works_with_the_keyboard_alone(tmp_path):
    ui = settings_screen(tmp_path)
    ui.driver.keyboard_only = True
    fill(ui, "settings.org_name", "EPN du quartier")
    ui.click("settings.research.on")
    ui.click("settings.save")
    assert ui.text("settings.status") == "The settings are saved."
    assert load_settings().org_name == "EPN du quartier" and load_settings().research_texts is True
    ui.close()


def test_back_leaves_without_saving(tmp_path):
    ui = settings_screen(tmp_path)
    fill(ui, "settings.org_name", "Not kept")
    ui.click("settings.lang.fr-CA")
    ui.click("settings.back")
    assert isinstance(ui.app.scene, FacilitatorScene) and ui.app.locale == "en-CA"
    assert not settings_path().exists() and ui.app.settings.org_name is None
    ui.close()


# --- the connection test, against a real Ralph ------------------------------------------------------------

def test_connection_says_connected_refused_or_unreachable(tmp_path, ralph):
    ui = settings_screen(tmp_path)
    stored_before = len(ralph.statements())
    fill(ui, "settings.lrs_endpoint", ralph.endpoint)
    fill(ui, "settings.lrs_username", ralph.username)
    fill(ui, "settings.lrs_password", ralph.password)
    ui.click("settings.test")
    assert wait_for_test(ui) == "Connected. The LRS accepts this username and password."

    fill(ui, "settings.lrs_password", "not the password")
    ui.click("settings.test")
    assert wait_for_test(ui) == "Please note: The LRS answers, but it refuses this username or password."

    fill(ui, "settings.lrs_endpoint", ralph.base_url + "/wrong/")
    fill(ui, "settings.lrs_password", ralph.password)
    ui.click("settings.test")
    assert "not an LRS (answer 404)" in wait_for_test(ui)

    fill(ui, "settings.lrs_endpoint", f"http://127.0.0.1:{closed_port()}/xAPI/")
    ui.click("settings.test")
    assert wait_for_test(ui) == "Please note: Cannot reach the LRS. Check the address and the network."
    assert layout_problems(ui.app) == []
    assert len(ralph.statements()) == stored_before  # testing stores nothing
    assert not settings_path().exists()  # nor saves anything
    ui.close()


def test_what_ralph_answers_to_the_connection_check(ralph):
    """Why sync/check.py posts an empty batch (docs/sync.md): Ralph 5.1.0 has no /about, and checks the
    credentials before it finds the batch empty."""
    assert requests.get(ralph.endpoint + "about", timeout=10).status_code == 404
    good = ralph.post([])
    assert good.status_code == 400 and "json" in good.headers["Content-Type"]
    assert ralph.post([], auth=(ralph.username, "wrong")).status_code == 401
    assert sync.check.check_connection(ralph.endpoint, ralph.username, ralph.password).ok


def test_the_screen_keeps_answering_while_the_server_is_silent(tmp_path, monkeypatch):
    monkeypatch.setattr(sync.check, "TIMEOUT_S", (2.0, 2.0))
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are accepted by the kernel, and nothing ever answers
    try:
        ui = settings_screen(tmp_path)
        fill(ui, "settings.lrs_endpoint", f"http://127.0.0.1:{silent.getsockname()[1]}/xAPI/")
        started = time.monotonic()
        ui.click("settings.test")
        assert ui.text("settings.test.status") == "Testing... You can keep working."
        assert ui.app.wait_ms() == FRAME_MS  # the game loop draws frames at full rate meanwhile
        drawn = []
        real_draw = ui.app.draw
        monkeypatch.setattr(ui.app, "draw", lambda: (drawn.append(time.monotonic()), real_draw()))
        fill(ui, "settings.org_name", "Typed while testing")  # input is taken as usual
        for _ in range(10):
            before = time.monotonic()
            ui.driver.frame()
            assert time.monotonic() - before < 0.5
        assert time.monotonic() - started < 1.5 and len(drawn) >= 10
        assert ui.text("settings.test.status") == "Testing... You can keep working."
        assert wait_for_test(ui) == ("Please note: The LRS did not answer in time. Check the address, or try again "
                                     "later.")
        assert ui.app.widgets.fields["settings.org_name"].get() == "Typed while testing"
        ui.close()
    finally:
        silent.close()


def test_a_missing_or_bad_address_is_said_before_testing(tmp_path):
    ui = settings_screen(tmp_path)
    ui.click("settings.test")
    assert ui.text("settings.test.status") == "Please note: Type the address of the LRS first."
    fill(ui, "settings.lrs_endpoint", "lrs.example.org")
    ui.click("settings.test")
    assert "https://" in ui.text("settings.lrs_endpoint.error") and ui.app.scene.check is None
    ui.close()


# --- layout -------------------------------------------------------------------------------------------

def problems_all_the_way_down(ui: Ui) -> list[str]:
    """Layout problems at every scroll position, turning the wheel as a person would."""
    area = ui.app.scene.area
    spot = (area.clip.right - 3, area.clip.centery)  # the scroll bar's margin
    for _ in range(200):
        if area.offset == 0:
            break
        ui.driver.post(ev.wheel_event(1, spot))
    found, seen = [], []
    for _ in range(200):
        found += layout_problems(ui.app)
        seen.append(area.offset)
        ui.driver.post(ev.wheel_event(-1, spot))
        if area.offset == seen[-1]:
            break
    assert seen[0] == 0 and seen[-1] == area.max_offset > 0  # the whole page was looked at
    return sorted(set(found))


@pytest.mark.parametrize("scale", [100, 200])
@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_the_settings_screen_fits(tmp_path, locale, scale):
    ui = settings_screen(tmp_path, locale=locale, scale=scale)
    assert problems_all_the_way_down(ui) == []
    ui.click("settings.mode.fixed")
    fill(ui, "settings.org_url", "not an address")
    fill(ui, "settings.idle_timeout_minutes", "500")
    ui.click("settings.test")  # no address: says so under the button
    ui.click("settings.save")
    assert ui.app.tree.get("settings.org_url.error") is not None
    assert problems_all_the_way_down(ui) == []
    ui.close()
