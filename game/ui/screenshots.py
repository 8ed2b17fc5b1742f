"""Screenshots of the game in a real window, for docs/screenshots/ (run under Xvfb on a machine without a screen).

    xvfb-run -a -s "-screen 0 1280x720x24" python -m game.ui.screenshots docs/screenshots

Plays the confirm-meeting walkthrough in the real UI with real input events and saves the
window at the screens worth showing.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

# A session of several scenarios for the results screen, each played by its walkthrough (done well) or
# stopped at once with "I'm done" (nothing done): several areas measured, at different levels.
RESULTS_SESSION = [
    ("mail/spot-phishing.yaml", "walkthrough"),
    ("web/privacy-settings.yaml", "walkthrough"),
    ("mail/confirm-meeting.yaml", "walkthrough"),
    ("mail/forward-document.yaml", "stop"),
    ("web/official-hours.yaml", "walkthrough"),
    ("qa/two-obvious-bugs.yaml", "stop"),
]


class Shot(NamedTuple):
    """File name, scenario (or a session: a list of scenarios and how each is played), steps to play before it
    (element ids to click, or ("type", text)), text scale, locale, theme. A plain tuple of the first five is a
    shot in the default theme."""
    name: str
    scenario: str | list | None
    steps: list
    scale: int = 100
    locale: str = "fr-CA"
    theme: str = "default"


SHOTS = [
    ("facilitator.png", None, ["title.facilitator", "pin.entry", ("type", "2468"), "pin.confirm", ("type", "2468"),
                               "pin.ok"], 100, "fr-CA"),
    ("title.png", None, [], 100, "fr-CA"),
    ("mail.png", "mail/confirm-meeting.yaml", ["brief.start", "mail.message.meeting"], 100, "fr-CA"),
    ("mail-compose.png", "mail/confirm-meeting.yaml", ["brief.start", "mail.message.meeting", "mail.reply"], 100,
     "en-CA"),
    ("mail-200.png", "mail/confirm-meeting.yaml", ["brief.start"], 200, "fr-CA"),
    ("browser.png", "web/create-account.yaml",
     ["brief.start", "browser.link.to_signup", "browser.field.account.name", "browser.form.account.submit"], 100,
     "fr-CA"),
    ("browser-search.png", "web/official-hours.yaml",
     ["brief.start", "browser.search", ("type", "Val-des-Cèdres library hours"), "browser.search.go"], 100, "en-CA"),
    ("files.png", "files/organise-documents.yaml", ["brief.start", "files.folder.downloads"], 100, "fr-CA"),
    ("qa-game.png", "qa/two-obvious-bugs.yaml",
     ["brief.start", "qa.game", ("key", "enter"), ("hold", "right"), ("wait", 600), ("key", "space"),
      ("wait", 500), ("release", "right")], 100, "fr-CA"),
    ("bug-tracker.png", "qa/two-obvious-bugs.yaml",
     ["brief.start", "qa.game", ("key", "enter"), ("hold", "right"), ("wait", 1200), ("release", "right"),
      ("key", "f2"), "dialog.notice.ok", "taskbar.bug_tracker", "tracker.new", "tracker.field.title",
      ("type", "Le personnage traverse le sol au début de La forêt"), "tracker.field.category.gameplay",
      "tracker.field.severity.major", "tracker.field.title"], 100, "fr-CA"),
    ("summary.png", "mail/confirm-meeting.yaml",
     ["brief.start", "mail.message.meeting", "mail.reply", "compose.body",
      ("type", "Bonjour Sophie,\nOui, je serai présent mardi à 14 h.\nMerci,\nAlex"), "compose.send",
      "dialog.sent.ok", "end.next"], 100, "fr-CA"),
    ("results.png", RESULTS_SESSION, [], 100, "fr-CA"),
    # Accessibility: the results (wrapped text, the chart we draw) at 200 % text, the mail client in high contrast.
    Shot("text-200.png", RESULTS_SESSION, [], 200),
    Shot("high-contrast.png", "mail/confirm-meeting.yaml", ["brief.start", "mail.message.meeting"],
         theme="high-contrast"),
]


def capture(out: Path) -> list[Path]:
    if os.environ.get("SDL_VIDEODRIVER") in (None, "", "dummy"):
        os.environ["SDL_VIDEODRIVER"] = "x11"  # a real window: needs a display (Xvfb)
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("NUMPLUS_DATA_DIR", tempfile.mkdtemp(prefix="numplus-shots-"))
    os.environ.setdefault("NUMPLUS_CONFIG_DIR", tempfile.mkdtemp(prefix="numplus-shots-config-"))  # the PIN
    from game.paths import SCENARIOS
    from game.runtime.clock import ManualClock
    from game.scenario.loader import load_scenario
    from game.settings import Settings
    from game.store import EventStore
    from game.ui.app import GameApp
    from game.ui.headless import Driver
    from game.scenario.walkthrough import Walkthrough

    def walkthrough_step(data: dict):
        return Walkthrough.model_validate({"scenario": "x", "steps": [data]}).steps[0]
    from game.ui.scenes.flow import start_session, start_single_scenario
    from game.ui.scenes.title import TitleScene

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, scenario, steps, scale, locale, theme in (Shot(*shot) for shot in SHOTS):
        store = EventStore(Path(os.environ["NUMPLUS_DATA_DIR"]) / "shots.sqlite3")
        clock = ManualClock()
        plays = [(load_scenario(SCENARIOS / path), how) for path, how in
                 (scenario if isinstance(scenario, list) else [(scenario, None)] if scenario else [])]
        app = GameApp(store=store, library={loaded.id: loaded for loaded, _ in plays},
                      settings=Settings(locale=locale, text_scale=scale, theme=theme), clock=clock, headless=False)
        driver = Driver(app, clock)
        if not plays:
            app.show(TitleScene(app))
        elif isinstance(scenario, list):
            start_session(app, "DEMO-1", [loaded for loaded, _ in plays])
        else:
            start_single_scenario(app, plays[0][0], "DEMO-1")
        driver.settle()
        if isinstance(scenario, list):
            for loaded, how in plays:
                play_scenario(driver, loaded, how, locale)
        for step in steps:
            if isinstance(step, tuple):  # ("type", text), ("key", k), ("hold", k), ("release", k), ("wait", ms)
                driver.step(walkthrough_step({step[0]: step[1]}), locale)
            else:
                driver.click(step)
        driver.settle()
        path = out / name
        app.screenshot(path)
        saved.append(path)
        app.close()
        store.close()
    return saved


def play_scenario(driver, loaded, how: str, locale: str) -> None:
    """One scenario of a session, from its brief to the next screen: by its walkthrough, or stopped at once."""
    from game.scenario.loader import WALKTHROUGH_SUFFIX
    from game.scenario.walkthrough import load_walkthrough

    if how == "walkthrough":
        walkthrough = load_walkthrough(loaded.path.with_name(loaded.path.stem + WALKTHROUGH_SUFFIX), loaded)
        for step in walkthrough.steps:
            driver.step(step, locale)
    else:
        for element in ("brief.start", "scenario.done", "dialog.done.confirm"):
            driver.click(element)
    driver.click("end.next")


if __name__ == "__main__":
    for path in capture(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(path)
