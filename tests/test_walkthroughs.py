"""Every shipped walkthrough, played headless through `numplus play --headless`, with the mouse and keyboard only."""

from __future__ import annotations

import json
import sqlite3

import pytest

from game.cli import main
from game.paths import SCENARIOS, database_path
from game.scenario.loader import WALKTHROUGH_SUFFIX, load_scenario
from game.scenario.walkthrough import load_walkthrough

WALKTHROUGHS = sorted(SCENARIOS.rglob("*" + WALKTHROUGH_SUFFIX))


def test_every_shipped_scenario_has_a_walkthrough():
    scenarios = [p for p in SCENARIOS.rglob("*.yaml") if not p.name.endswith(WALKTHROUGH_SUFFIX)]
    assert len(scenarios) >= 4
    for path in scenarios:
        assert path.with_name(path.stem + WALKTHROUGH_SUFFIX).exists(), path


@pytest.mark.parametrize("mode", [[], ["--keyboard-only"]], ids=["mouse", "keyboard"])
@pytest.mark.parametrize("lang", ["fr-CA", "en-CA"])
@pytest.mark.parametrize("walkthrough", WALKTHROUGHS, ids=lambda p: p.name.removesuffix(WALKTHROUGH_SUFFIX))
def test_walkthrough_plays_to_completed(tmp_path, walkthrough, lang, mode, capsys):
    scenario_path = walkthrough.with_name(walkthrough.name.removesuffix(WALKTHROUGH_SUFFIX) + ".yaml")
    loaded = load_scenario(scenario_path)
    expected = load_walkthrough(walkthrough, loaded).expect
    out = tmp_path / "out"
    code = main(["play", "--headless", "--scenario", loaded.id, "--actions", str(walkthrough), "--out", str(out),
                 "--lang", lang, "--participant", "TEST-WALK", *mode])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert f"{loaded.id}: completed" in printed.out
    events = [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "session_started" and events[0]["payload"]["locale"] == lang
    assert events[0]["payload"]["participant"] == "TEST-WALK"
    assert events[1]["type"] == "scenario_started"
    assert events[1]["payload"]["scenario_hash"] == loaded.content_hash
    assert events[-2]["type"] == "scenario_ended" and events[-2]["payload"]["outcome"] == expected.outcome
    assert events[-1]["type"] == "session_ended"
    assert not [e for e in events if e["type"] == "action_rejected"]
    # The session is recorded in the data dir's store like any other, with its result.
    with sqlite3.connect(database_path()) as db:
        stored = db.execute("SELECT COUNT(*) FROM events WHERE session=?", (events[0]["session"],)).fetchone()[0]
        result = db.execute("SELECT outcome, observables, item_score FROM results WHERE session=?",
                            (events[0]["session"],)).fetchone()
    assert stored == len(events)
    assert result[0] == expected.outcome
    observed = json.loads(result[1])
    for name, value in expected.observables.items():
        assert observed[name]["value"] == value, name
    # numplus score on the play's events: a level with its SE and level probabilities for the scenario's area.
    assert main(["score", str(out / "events.jsonl"), "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert scored["scenarios"][loaded.id]["item_score"] == expected.item_score == result[2]
    measured = {area: data for area, data in scored["areas"].items() if data["status"] == "measured"}
    if loaded.scenario.measurement is None:  # not scored (the tutorial): no item score, nothing measured
        assert result[2] is None and measured == {} and scored["overall"]["status"] != "measured"
        return
    assert len(measured) == 1 and scored["overall"]["status"] == "measured"
    for data in [*measured.values(), scored["overall"]]:
        assert data["n_scenarios"] == 1 and 0 < data["se"] < 1
        assert abs(sum(data["level_probabilities"].values()) - 1) < 1e-3
        assert data["level"] == max(data["level_probabilities"], key=data["level_probabilities"].get)


def test_walkthrough_that_misses_the_goal_fails_clearly(tmp_path, capsys):
    steps = tmp_path / "short.walkthrough.yaml"
    steps.write_text("scenario: mail.confirm-meeting\nsteps:\n  - click: brief.start\n"
                     "  - click: mail.message.meeting\n", encoding="utf-8")
    code = main(["play", "--headless", "--scenario", "mail.confirm-meeting", "--actions", str(steps),
                 "--out", str(tmp_path / "out")])
    printed = capsys.readouterr()
    assert code == 1
    assert "expected outcome completed, got abandoned" in printed.err
    assert (tmp_path / "out" / "events.jsonl").exists()


def test_unknown_element_in_a_step_is_one_clear_line(tmp_path, capsys):
    steps = tmp_path / "bad.walkthrough.yaml"
    steps.write_text("scenario: mail.confirm-meeting\nsteps:\n  - click: brief.start\n"
                     "  - click: mail.message.nope\n", encoding="utf-8")
    code = main(["play", "--headless", "--scenario", "mail.confirm-meeting", "--actions", str(steps),
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "4:12: steps[1].click: no element 'mail.message.nope'" in err
    assert "Traceback" not in err


def test_shipped_scenarios_state_their_difficulty_and_cover_three_levels():
    from game.sessions import scenario_library

    library = scenario_library([SCENARIOS])
    levels = {loaded.id: loaded.scenario.difficulty for loaded in library.values()}
    assert None not in levels.values(), levels
    assert set(levels.values()) == {"foundation", "intermediate", "advanced"} or len(levels) < 8


def test_workplace_apps_content_covers_what_issue_3_asks():
    from game.sessions import scenario_library

    library = scenario_library([SCENARIOS])
    web_or_files = [l.scenario for l in library.values() if {"browser", "files"} & set(l.scenario.apps.names())]
    assert len(web_or_files) >= 8
    assert sum(len(s.apps.names()) > 1 for s in web_or_files) >= 2  # they cross apps
    mail_only = {c for l in library.values() if l.scenario.apps.names() == ["mail"] for c in l.scenario.competences}
    assert len({c for s in web_or_files for c in s.competences} - mail_only) >= 5
    assert {s.difficulty for s in web_or_files} == {"foundation", "intermediate", "advanced"}
