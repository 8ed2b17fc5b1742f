"""`numplus validate` and `numplus score`: path:line:col lines, clear one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from game.cli import main
from game.paths import ROOT, SCENARIOS
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.runtime.session import SessionEngine
from game.scenario.loader import load_scenario
from game.store import write_jsonl

SAMPLE = SCENARIOS / "mail" / "confirm-meeting.yaml"
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err.splitlines()


# --- validate ----------------------------------------------------------------------------------------
def test_bundled_scenarios_are_valid(capsys):
    code, out, err = run(capsys, "validate", str(SCENARIOS))
    assert code == 0, out
    assert out == []
    assert re.fullmatch(r"\d+ file\(s\) checked, 0 problem\(s\)", err[-1])


def test_a_valid_file(capsys, tmp_path, sample_text):
    path = tmp_path / "ok.yaml"
    path.write_text(sample_text, encoding="utf-8")
    assert run(capsys, "validate", str(path)) == (0, [], ["1 file(s) checked, 0 problem(s)"])


def test_a_bad_file_exits_1_with_path_line_col_lines(capsys, tmp_path, sample_text):
    path = tmp_path / "bad.yaml"
    path.write_text(sample_text.replace("        read: true\n", "        raed: true\n")
                    .replace("estimated_minutes: 4", "estimated_minutes: four"), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1
    assert out[0].startswith(f"{path}:15:20: estimated_minutes: Input should be a valid integer")
    assert out[1] == f"{path}:56:9: apps.mail.messages[1].raed: unknown key 'raed' (did you mean 'read'?)"
    assert len(out) == 2
    for line in out:
        assert LINE.match(line).group("path") == str(path)
    assert err == ["1 file(s) checked, 2 problem(s)"]


def test_every_problem_of_every_file_is_listed(capsys, tmp_path, sample_text):
    good = tmp_path / "a-good.yaml"
    good.write_text(sample_text, encoding="utf-8")
    syntax = tmp_path / "b-syntax.yaml"
    syntax.write_text("id: x.y\nversion: 1: 2\n", encoding="utf-8")
    empty = tmp_path / "c-empty.yaml"
    empty.write_text("", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert out == [f"{syntax}:2:11: YAML syntax: mapping values are not allowed here",
                   f"{empty}:1:1: file is empty"]
    assert err == ["3 file(s) checked, 2 problem(s)"]


def test_ids_are_unique_across_a_folder(capsys, tmp_path, sample_text):
    (tmp_path / "one").mkdir()
    first = tmp_path / "one" / "meeting.yaml"
    second = tmp_path / "two.yaml"
    first.write_text(sample_text, encoding="utf-8")
    second.write_text(sample_text.replace("# A colleague", "# A copy: a colleague"), encoding="utf-8")
    code, out, _err = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert len(out) == 1
    match = LINE.match(out[0])
    assert match and {match.group("path")} <= {str(first), str(second)}
    other = str(second) if match.group("path") == str(first) else str(first)
    assert match.group("message") == f"id: 'mail.confirm-meeting' is already used by {other}"
    # Each file alone is valid: only together do they clash.
    assert run(capsys, "validate", str(first))[0] == 0
    assert run(capsys, "validate", str(second))[0] == 0
    second.write_text(sample_text.replace("id: mail.confirm-meeting", "id: mail.confirm-meeting-2"), encoding="utf-8")
    assert run(capsys, "validate", str(tmp_path))[0] == 0


def test_validate_checks_walkthroughs_beside_their_scenario(capsys, tmp_path, sample_text):
    (tmp_path / "meeting.yaml").write_text(sample_text, encoding="utf-8")
    walkthrough = tmp_path / "meeting.walkthrough.yaml"
    walkthrough.write_text("scenario: mail.confirm-meeting\nsteps:\n  - click: mail.message.meeting\n"
                           "  - click: mail.message.nothing\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert out == [f"{walkthrough}:4:12: steps[1].click: no element 'mail.message.nothing' in this scenario"]
    assert err == ["2 file(s) checked, 1 problem(s)"]


def test_walkthrough_without_its_scenario(capsys, tmp_path):
    walkthrough = tmp_path / "lonely.walkthrough.yaml"
    walkthrough.write_text("scenario: mail.x\nsteps: [{wait: 1}]\n", encoding="utf-8")
    code, out, _err = run(capsys, "validate", str(walkthrough))
    assert code == 1
    assert out == [f"{walkthrough}:1:1: no scenario file lonely.yaml beside this walkthrough"]


def test_validate_a_missing_path_is_one_error_line(capsys, tmp_path):
    missing = tmp_path / "nothing.yaml"
    assert run(capsys, "validate", str(missing)) == (2, [], [f"numplus: error: {missing}: no such file or folder"])


def test_validate_needs_a_path(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2


def test_python_m_game_validate(tmp_path, sample_text):
    bad = tmp_path / "bad.yaml"
    bad.write_text(sample_text.replace("version: 1", "version: !!python/object/apply:os.system ['echo pwned']"),
                   encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "game", "validate", str(bad)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        f"{bad}:3:10: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in scenario files"]
    assert "pwned" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "1 file(s) checked, 1 problem(s)"

    good = subprocess.run([sys.executable, "-m", "game", "validate", str(SCENARIOS)], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=120)
    assert (good.returncode, good.stdout) == (0, "")


# --- score -----------------------------------------------------------------------------------------------
def played_events(locale: str = "fr-CA") -> list[dict]:
    loaded = load_scenario(SAMPLE)
    clock, log = ManualClock(), []
    engine = SessionEngine(scenarios=[loaded], clock=clock, sink=log.append, participant="P", locale=locale,
                           session_id="S")
    engine.start()
    engine.start_scenario()
    for action in (a.OpenMessage("meeting"), a.Reply("meeting"), a.SetBody("d1", "Bonjour Sophie, je serai là."),
                   a.Send("d1")):
        clock.advance(2500)
        engine.apply(action)
    engine.end_session()
    return [e.to_dict() for e in log]


def test_score_json(capsys, tmp_path):
    path = tmp_path / "events.jsonl"
    write_jsonl(played_events(), path)
    code, out, err = run(capsys, "score", str(path), "--json")
    assert (code, err) == (0, [])
    result = json.loads("\n".join(out))
    assert result["scenarios"] == {"mail.confirm-meeting": {"outcome": "completed", "item_score": 3, "observables": {
        "message_read_first": {"competence": "2.1", "events": [3, 6], "value": 1},
        "replied_to_manager": {"competence": "2.1", "events": [6], "value": 1},
        "reply_confirms_attendance": {"competence": "2.1", "events": [6], "value": 1},
        "reply_is_polite": {"competence": "2.5", "events": [6], "value": 1},
        "time_to_reply_ms": {"competence": "2.1", "events": [3, 6], "value": 7500},
    }}}
    assert result["framework"] == "digcomp-2.2" and result["parameters_version"].startswith("provisional-")
    area = result["areas"]["communication-collaboration"]
    assert area["status"] == "measured" and area["n_scenarios"] == 1 and area["se"] > 0
    assert area["level"] == max(area["level_probabilities"], key=area["level_probabilities"].get)
    assert abs(sum(area["level_probabilities"].values()) - 1) < 1e-3
    assert result["overall"]["theta"] == area["theta"]  # one scenario: the same evidence on both scales
    assert result["areas"]["safety"] == {**result["areas"]["safety"], "status": "not_measured", "level": None}


def test_score_with_a_scenarios_folder_and_as_text(capsys, tmp_path, sample_text):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "meeting.yaml").write_text(sample_text, encoding="utf-8")
    path = tmp_path / "events.jsonl"
    write_jsonl(played_events(), path)
    code, out, _err = run(capsys, "score", str(path), "--scenarios", str(folder))
    assert code == 0
    assert out[0].startswith("framework digcomp-2.2, parameters provisional-")
    assert out[1].startswith("overall: ") and "±" in out[1]
    assert "  safety: not measured (no scored scenario)" in out
    assert "mail.confirm-meeting (completed, item score 3/3)" in out
    assert "  time_to_reply_ms [2.1]: 7500" in out


def test_score_bad_jsonl_names_the_line(capsys, tmp_path):
    path = tmp_path / "events.jsonl"
    events = played_events()
    path.write_text(json.dumps(events[0]) + "\n{oops\n", encoding="utf-8")
    code, out, err = run(capsys, "score", str(path), "--json")
    assert (code, out) == (2, [])
    assert len(err) == 1 and err[0].startswith(f"numplus: error: {path}:2: not a JSON event (")


def test_score_unknown_scenario(capsys, tmp_path):
    events = played_events()
    for event in events:
        if event["scenario"]:
            event["scenario"] = "mail.gone"
    path = tmp_path / "events.jsonl"
    write_jsonl(events, path)
    code, out, err = run(capsys, "score", str(path), "--json")
    assert (code, out) == (2, [])
    assert err == [f"numplus: error: scenario 'mail.gone' of the events is not in {SCENARIOS}"]


def test_score_missing_file(capsys, tmp_path):
    assert run(capsys, "score", str(tmp_path / "none.jsonl")) == (
        2, [], [f"numplus: error: {tmp_path / 'none.jsonl'}: no such file"])


def test_score_lines_that_are_not_events(capsys, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('["not", "an", "event"]\n', encoding="utf-8")
    code, out, err = run(capsys, "score", str(path), "--json")
    assert (code, out) == (2, [])
    assert err == [f"numplus: error: {path}:1: not a NUM+ event (see docs/data-dictionary.md)"]


def test_score_refuses_a_file_of_several_sessions(capsys, tmp_path):
    path = tmp_path / "events.jsonl"
    line = {"seq": 1, "scenario": None, "t_ms": 0, "type": "session_started", "payload": {}}
    write_jsonl([{**line, "session": "a"}, {**line, "session": "b"}], path)
    code, out, err = run(capsys, "score", str(path), "--json")
    assert (code, out) == (2, [])
    assert err == [f"numplus: error: {path} holds 2 sessions; score one session's events.jsonl at a time"]
