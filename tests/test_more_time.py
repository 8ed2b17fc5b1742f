"""More time, on request: near the end of a time budget the participant is asked, never shown a countdown; each "yes"
adds 5 minutes, logged as the accommodation extra_time_minutes, and a resumed session keeps it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap

import pytest

from game.paths import ROOT, SCENARIOS, database_path
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.runtime.session import EXTRA_TIME_MINUTES, MORE_TIME_OFFER_AT
from game.scenario.loader import load_scenario
from game.sessions import PlaySession
from game.store import EventStore
from game.ui.scenes.end import EndScene
from game.ui.scenes.player import PlayerScene
from game.ui.scenes.title import TitleScene
from scoring.adaptive import AssessmentPlan
from tests.ui_support import Ui, layout_problems

QA = load_scenario(SCENARIOS / "qa" / "subtle-bugs.yaml")  # time_budget_minutes: 12
BUDGET_MS = QA.scenario.apps.qa_game.time_budget_minutes * 60_000
EXTRA_MS = EXTRA_TIME_MINUTES * 60_000
CODE = "EPN-7"


def start(tmp_path, locale: str = "fr-CA", scale: int = 100) -> Ui:
    """A session of the QA scenario from the title screen, on a ManualClock, with its brief read."""
    ui = Ui(tmp_path, locale=locale, scale=scale, library={QA.id: QA})
    ui.app.settings.assessment = AssessmentPlan(mode="fixed", scenarios=[QA.id], min_scenarios=1)
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type(CODE)
    ui.click("code.continue")
    ui.click("consent.no")
    ui.click("brief.start")
    assert isinstance(ui.app.scene, PlayerScene)
    return ui


def at(ui: Ui, used_ms: int) -> None:
    """Let the clock run (one frame) until `used_ms` of the scenario have passed."""
    ui.driver.frame(max(0, used_ms - ui.app.session.engine.time_used_ms()))


def asked(ui: Ui) -> bool:
    return ui.app.dialog is not None and ui.app.dialog.id == "dialog.more_time"


def extra_time_events(ui: Ui) -> list:
    return [e["payload"] for e in ui.events() if e["type"] == "accommodation_changed"]


def test_more_time_is_offered_at_80_percent_and_each_yes_adds_5_minutes(tmp_path):
    ui = start(tmp_path)
    engine = ui.app.session.engine
    assert engine.time_budget_ms() == BUDGET_MS and engine.accommodations.extra_time_minutes == 0
    at(ui, int(BUDGET_MS * MORE_TIME_OFFER_AT) - 1_000)
    assert ui.app.dialog is None  # nothing on screen about time before then
    at(ui, int(BUDGET_MS * MORE_TIME_OFFER_AT))
    assert asked(ui)
    assert ui.text("dialog.more_time.title") == "Avez-vous besoin de plus de temps?"
    assert ui.text("dialog.more_time.yes") == "Oui, donnez-moi 5 minutes de plus"
    assert ui.text("dialog.more_time.no") == "Non, merci"
    # A calm question, not a countdown: the only number is the 5 minutes offered.
    assert re.findall(r"\d+", ui.text("dialog.more_time.text")) == ["5"]
    assert ui.app.focus.focused_id == "dialog.more_time.yes"
    ui.click("dialog.more_time.yes")
    assert ui.app.dialog is None
    assert extra_time_events(ui) == [{"name": "extra_time_minutes", "value": 5}]
    assert engine.accommodations.extra_time_minutes == 5 and engine.time_budget_ms() == BUDGET_MS + EXTRA_MS

    at(ui, BUDGET_MS + 1_000)  # past the planned budget: still playing
    assert isinstance(ui.app.scene, PlayerScene) and engine.current.outcome is None and not asked(ui)
    at(ui, int((BUDGET_MS + EXTRA_MS) * MORE_TIME_OFFER_AT))  # asked again, near the end of the longer budget
    assert asked(ui)
    ui.click("dialog.more_time.yes")
    assert extra_time_events(ui)[-1] == {"name": "extra_time_minutes", "value": 10}  # the total extra time
    at(ui, int((BUDGET_MS + 2 * EXTRA_MS) * MORE_TIME_OFFER_AT))
    assert asked(ui)
    ui.click("dialog.more_time.no")
    assert ui.app.dialog is None and len(extra_time_events(ui)) == 2
    at(ui, BUDGET_MS + 2 * EXTRA_MS - 1_000)
    assert not asked(ui) and engine.current.outcome is None  # "no" is not asked again for the same budget
    at(ui, BUDGET_MS + 2 * EXTRA_MS)
    assert isinstance(ui.app.scene, EndScene) and engine.current.outcome == "timed_out"
    assert ui.text("end.text") == "Le temps prévu pour cette tâche est passé. Merci!"
    ui.close()


def test_the_time_does_not_run_out_while_the_question_is_on_screen(tmp_path):
    ui = start(tmp_path, locale="en-CA")
    at(ui, int(BUDGET_MS * MORE_TIME_OFFER_AT))
    assert asked(ui) and ui.text("dialog.more_time.title") == "Do you need more time?"
    at(ui, BUDGET_MS + 60_000)
    assert asked(ui) and ui.app.session.engine.current.outcome is None
    ui.key("escape")  # Escape answers "No, thanks"
    assert ui.app.dialog is None and extra_time_events(ui) == []
    ui.driver.frame()
    assert ui.app.session.engine.current.outcome == "timed_out" and isinstance(ui.app.scene, EndScene)
    ui.close()


def test_a_scenario_without_a_time_budget_never_asks(tmp_path):
    ui = Ui(tmp_path)  # mail.confirm-meeting: no budget
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type(CODE)
    ui.click("code.continue")
    ui.click("consent.no")
    ui.click("brief.start")
    assert ui.app.session.engine.time_budget_ms() is None
    ui.driver.frame(3_600_000)
    assert ui.app.dialog is None and ui.app.session.engine.current.outcome is None
    ui.close()


def test_the_extra_time_survives_a_resume(tmp_path):
    ui = start(tmp_path)
    at(ui, int(BUDGET_MS * MORE_TIME_OFFER_AT))
    ui.click("dialog.more_time.yes")
    session_id = ui.app.session.engine.session_id
    ui.close()  # the machine stops here: the session is not ended

    ui = Ui(tmp_path, library={QA.id: QA})
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type(CODE)
    ui.click("code.continue")
    ui.click("resume.yes")
    engine = ui.app.session.engine
    assert isinstance(ui.app.scene, PlayerScene) and engine.session_id == session_id
    assert engine.accommodations.extra_time_minutes == 5  # replayed from accommodation_changed
    assert engine.time_budget_ms() == BUDGET_MS + EXTRA_MS
    assert not asked(ui)  # below 80 % of the longer budget
    at(ui, BUDGET_MS + 1_000)
    assert engine.current.outcome is None  # the planned budget has passed: the extension holds
    at(ui, int((BUDGET_MS + EXTRA_MS) * MORE_TIME_OFFER_AT))
    assert asked(ui)
    ui.click("dialog.more_time.yes")
    assert extra_time_events(ui)[-1] == {"name": "extra_time_minutes", "value": 10}
    types = [e["type"] for e in ui.events()]
    assert types.count("session_resumed") == 1 and types.count("accommodation_changed") == 2
    ui.close()


@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_the_question_fits_at_200_percent(tmp_path, locale):
    ui = start(tmp_path, locale=locale, scale=200)
    at(ui, int(BUDGET_MS * MORE_TIME_OFFER_AT))
    assert asked(ui)
    assert layout_problems(ui.app) == []
    ui.close()


PLAYER = textwrap.dedent('''
    """Play the QA scenario on a ManualClock, ask for more time, then wait to be killed."""
    import sys
    import time

    from game.paths import database_path
    from game.runtime import actions as a
    from game.runtime.clock import ManualClock
    from game.scenario.loader import load_scenario
    from game.sessions import PlaySession
    from game.store import EventStore

    clock = ManualClock()
    play = PlaySession.new(EventStore(database_path()), [load_scenario(sys.argv[1])], participant="P-TIME",
                           locale="fr-CA", clock=clock)
    play.engine.start_scenario()
    clock.advance(int(sys.argv[2]))
    outcome = play.engine.apply(a.ChangeAccommodation("extra_time_minutes", 5))
    print("ack", play.engine.session_id, outcome.events[-1].seq, flush=True)
    time.sleep(120)  # killed here
''')


def test_killed_after_asking_for_more_time_then_resumed(tmp_path):
    """The crash test's pattern: a child process is killed with SIGKILL; the resumed session keeps the extension."""
    script = tmp_path / "player.py"
    script.write_text(PLAYER, encoding="utf-8")
    asked_at = int(BUDGET_MS * MORE_TIME_OFFER_AT)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen([sys.executable, str(script), str(QA.path), str(asked_at)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    try:
        line = child.stdout.readline().split()
        assert line[:1] == ["ack"], child.stderr.read()
        session_id = line[1]
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()

    store = EventStore(database_path())
    try:
        logged = store.events(session_id)
        assert logged[0].payload["accommodations"]["extra_time_minutes"] == 0
        assert (logged[-1].type, logged[-1].payload) == ("accommodation_changed",
                                                         {"name": "extra_time_minutes", "value": 5})
        clock = ManualClock()
        play = PlaySession.resume(store, session_id, {QA.id: QA}, clock)
        engine = play.engine
        assert engine.accommodations.extra_time_minutes == 5
        assert engine.time_budget_ms() == BUDGET_MS + EXTRA_MS
        assert engine.time_used_ms() == logged[-1].t_ms == asked_at  # the time down is not counted
        clock.advance(BUDGET_MS - asked_at)
        assert not engine.time_is_up()  # the planned 12 minutes are over, the 5 more are not
        clock.advance(EXTRA_MS)
        assert engine.time_is_up()
    finally:
        store.close()
