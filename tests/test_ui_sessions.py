"""Sessions from the title screen: the assessment plan chooses the scenarios, the summary says what was measured."""

from __future__ import annotations

import pytest

from game.paths import SCENARIOS
from game.sessions import scenario_library
from game.ui.scenes.brief import BriefScene
from game.ui.scenes.choose import ChooseScene
from game.ui.scenes.end import SummaryScene
from game.ui.scenes.title import TitleScene
from scoring.adaptive import AssessmentPlan
from tests.ui_support import Ui, layout_problems

LIBRARY = scenario_library([SCENARIOS])


def open_session(ui: Ui, code: str = "EPN-7") -> None:
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type(code)
    ui.click("code.continue")
    ui.click("consent.no")


def stop_each_scenario(ui: Ui, limit: int = 20) -> list[str]:
    """Play the session by pressing "I'm done" at once in every scenario (each scores 0); the ids played."""
    played = []
    for _ in range(limit):
        if isinstance(ui.app.scene, SummaryScene):
            return played
        assert isinstance(ui.app.scene, BriefScene)
        played.append(ui.app.session.engine.upcoming.id)
        ui.click("brief.start")
        ui.click("scenario.done")
        ui.click("dialog.done.confirm")
        ui.click("end.next")
    raise AssertionError(f"no summary after {limit} scenarios")


def test_an_adaptive_session_chooses_its_scenarios_and_says_how_sure_it_is(tmp_path):
    ui = Ui(tmp_path, locale="en-CA", library=LIBRARY)
    ui.app.settings.assessment = AssessmentPlan(max_scenarios=6, min_per_area=1)
    open_session(ui)
    assert ui.text("brief.step") == "Task 1"  # how many follow depends on the answers
    played = stop_each_scenario(ui)
    engine = ui.app.session.engine
    assert 3 <= len(played) <= 6 and len(set(played)) == len(played)
    events = ui.events()
    plan = events[0]["payload"]["plan"]
    assert plan["mode"] == "adaptive" and plan["framework"] == "digcomp-2.2"
    assert plan["parameters_version"].startswith("provisional-")
    started = [e for e in events if e["type"] == "scenario_started"]
    assert [e["scenario"] for e in started] == played
    for event in started:
        chosen = event["payload"]["chosen"]
        assert chosen["mode"] == "adaptive" and event["scenario"] in chosen["among"]
        assert LIBRARY[event["scenario"]].scenario.measurement is not None
    assert engine.sequencer.stop_reason in ("precise_enough", "max_scenarios", "bank_exhausted")
    results = ui.store.results(engine.session_id)
    assert [r["item_score"] for r in results.values()] == [0] * len(played)
    # Nothing done in any task: every area measured is at the lowest level group, and the summary says so.
    measured = [e for e in ui.tree.all() if e.id.startswith("summary.area.")]
    assert measured, [e.id for e in ui.tree.all()]
    for element in measured:
        assert "Foundation (levels 1 and 2)" in element.text, element.text
    assert "Digital content creation" in ui.text("summary.not_measured")  # no shipped scenario informs it
    assert layout_problems(ui.app) == []
    ui.click("summary.finish")
    assert isinstance(ui.app.scene, TitleScene)
    ui.close()


def test_a_participant_picks_the_tasks_of_a_chosen_session(tmp_path):
    ui = Ui(tmp_path, locale="fr-CA", library=LIBRARY)
    ui.app.settings.assessment = AssessmentPlan(mode="chosen")
    open_session(ui)
    assert isinstance(ui.app.scene, ChooseScene)
    ui.click("choose.start")  # nothing picked yet: nothing happens
    assert isinstance(ui.app.scene, ChooseScene)
    ui.click("choose.scenario.web.official-hours")
    ui.click("choose.scenario.mail.confirm-meeting")
    ui.click("choose.scenario.files.save-attachment")
    ui.click("choose.scenario.web.official-hours")  # pressed again: removed
    assert ui.text("choose.scenario.mail.confirm-meeting").startswith("1. Confirmer une rencontre")
    assert ui.text("choose.scenario.files.save-attachment").startswith("2. ")
    assert "Tâches choisies : 2" in ui.text("choose.count")
    ui.click("choose.start")
    assert ui.text("brief.step") == "Mise en situation 1 sur 2"
    assert stop_each_scenario(ui) == ["mail.confirm-meeting", "files.save-attachment"]
    plan = ui.events()[0]["payload"]["plan"]
    assert plan["mode"] == "chosen" and plan["scenarios"] == ["mail.confirm-meeting", "files.save-attachment"]
    ui.close()


@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_the_task_list_fits_at_200_percent(tmp_path, locale):
    ui = Ui(tmp_path, locale=locale, scale=200, library=LIBRARY)
    ui.app.settings.assessment = AssessmentPlan(mode="chosen")
    open_session(ui)
    assert layout_problems(ui.app) == []
    for sid in sorted(LIBRARY)[:3]:
        ui.click(f"choose.scenario.{sid}")
        assert layout_problems(ui.app) == []
    ui.close()
