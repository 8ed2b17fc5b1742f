"""`numplus export`: research tables (events, observables, area results) as CSV or JSON Lines, with the columns
the data dictionary documents, consent honoured, TEST- sessions left out, --since, and a read-only snapshot that
is safe while the game writes."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

from game import exports
from game.cli import main
from game.paths import ROOT, SCENARIOS
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.sessions import Assessment, PlaySession, scenario_library
from game.settings import Settings, save_settings
from game.store import EventStore
from scoring.adaptive import AssessmentPlan
from scoring.framework import load_framework
from scoring.measurement import load_bank, measure
from sync.xapi import reduce_typed_text

DICTIONARY = ROOT / "docs" / "data-dictionary.md"
MEETING = "mail.confirm-meeting"
OTHER = "web.official-hours"
REPLY_BODY = "Bonjour Sophie, oui je serai là. Merci!"
DIGCOMP = load_framework("digcomp-2.2")
ROWS_PER_SESSION = 1 + len(DIGCOMP.areas)  # overall, then each area
LIBRARY = scenario_library([SCENARIOS])
P_COLUMNS = ["p_foundation", "p_intermediate", "p_advanced", "p_highly_specialised"]


# --- the data dictionary is the contract ----------------------------------------------------------------------
def documented_columns(what: str) -> list[str]:
    """The column names of the table under "### `--what WHAT`" in the research export section, in order."""
    text = DICTIONARY.read_text(encoding="utf-8")
    section = text.split("## Research export: `numplus export`", 1)[1].split("\n## ", 1)[0]
    part = section.split(f"### `--what {what}`", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("| `")]
    return [re.match(r"\| `([^`]+)` \|", line).group(1) for line in rows]


def test_the_contents_list_the_export_section():
    text = DICTIONARY.read_text(encoding="utf-8")
    contents = text.split("## Contents", 1)[1].split("\n## ", 1)[0]
    assert "[Research export: `numplus export`](#research-export-numplus-export)" in contents
    assert "## Research export: `numplus export`" in text


@pytest.mark.parametrize("what, columns", [("events", exports.EVENT_COLUMNS),
                                           ("observables", exports.OBSERVABLE_COLUMNS),
                                           ("results", exports.result_columns(["digcomp-2.2"]))])
def test_the_module_columns_are_the_documented_columns(what, columns):
    assert list(columns) == documented_columns(what)


def test_the_probability_columns_come_from_the_framework_groups():
    assert [exports.group_column(g.id) for g in DIGCOMP.groups] == P_COLUMNS
    assert [c for c in exports.result_columns(["digcomp-2.2"]) if c.startswith("p_")] == P_COLUMNS


# --- a database with a few sessions ---------------------------------------------------------------------------
@dataclass
class Played:
    id: str
    participant: str
    locale: str
    consent: bool
    started: datetime
    bank: object  # the bank the session measured with while it was played
    ended: bool = True
    scenarios: list[str] = field(default_factory=list)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)


def reply_well(engine, clock) -> None:
    """The meeting scenario's top item score (3): read, reply politely, send."""
    for action in (a.OpenMessage("meeting"), a.Reply("meeting"), a.SetBody("d1", REPLY_BODY), a.Send("d1")):
        clock.advance(1500)
        outcome = engine.apply(action)
        assert outcome.accepted, outcome.reason
    assert outcome.scenario_completed


def play_fixed(store, library, *, participant, locale, consent, started, meeting_well=True, end=True) -> Played:
    clock = ManualClock(start_utc=started)
    chosen = [library[MEETING], library[OTHER]]
    session = PlaySession.new(store, chosen, participant=participant, locale=locale, clock=clock,
                              research_consent=consent)
    engine = session.engine
    engine.start_scenario()
    clock.advance(1000)
    if meeting_well:
        reply_well(engine, clock)
    else:
        engine.end_scenario("ended_by_participant")
    if end:
        engine.start_scenario()
        clock.advance(3000)
        engine.end_scenario("ended_by_participant")
        engine.end_session()
    bank = load_bank({s.id: s for s in chosen})  # game.delivery.session_bank for a plain list
    return Played(engine.session_id, participant, locale, consent, started, bank, end, [MEETING, OTHER])


def play_adaptive(store, library, *, participant, started) -> Played:
    clock = ManualClock(start_utc=started)
    plan = AssessmentPlan(targets=["communication-collaboration"], min_per_area=1, min_scenarios=1, max_scenarios=2)
    assessment = Assessment.plan(library, plan, seed=3)
    session = PlaySession.new(store, [], participant=participant, locale="en-CA", clock=clock,
                              assessment=assessment, research_consent=True, seed=3)
    engine = session.engine
    played = []
    while engine.has_next_scenario:
        run = engine.start_scenario()
        played.append(run.loaded.id)
        clock.advance(2000)
        if run.loaded.id == MEETING:
            reply_well(engine, clock)
        else:
            engine.end_scenario("ended_by_participant")
    engine.end_session()
    return Played(engine.session_id, participant, "en-CA", True, started, engine.sequencer.bank, True, played)


@pytest.fixture(scope="module")
def library():
    return scenario_library([SCENARIOS])


_LIBRARIES: dict[tuple, dict] = {}


@pytest.fixture(autouse=True)
def library_read_once(monkeypatch):
    """`numplus export --what results` reads the scenario library each time: read each one once here."""
    import game.sessions

    def cached(roots):
        key = tuple(roots)
        if key not in _LIBRARIES:
            _LIBRARIES[key] = scenario_library(roots)
        return _LIBRARIES[key]

    monkeypatch.setattr(game.sessions, "scenario_library", cached)


@pytest.fixture(scope="module")
def played(tmp_path_factory, library):
    """Five sessions: two with consent (fixed list), one adaptive with consent (English), one without consent,
    one TEST- session with consent, and one still active with consent, started later than the others."""
    path = tmp_path_factory.mktemp("export") / "numplus.sqlite3"
    store = EventStore(path)
    sessions = {
        "fixed": play_fixed(store, library, participant="P-0001", locale="fr-CA", consent=True, started=at(2)),
        "poor": play_fixed(store, library, participant="P-0002", locale="fr-CA", consent=True, started=at(3),
                           meeting_well=False),
        "adaptive": play_adaptive(store, library, participant="P-0003", started=at(4)),
        "no_consent": play_fixed(store, library, participant="P-0004", locale="en-CA", consent=False,
                                 started=at(5)),
        "test": play_fixed(store, library, participant="TEST-ABCDE", locale="fr-CA", consent=True, started=at(6)),
        "active": play_fixed(store, library, participant="P-0005", locale="fr-CA", consent=True, started=at(20),
                             end=False),
    }
    store.close()
    return path, sessions


@pytest.fixture
def database(played, tmp_path):
    """A fresh copy of the played database for one test."""
    path = tmp_path / "copy.sqlite3"
    shutil.copy(played[0], path)
    return path


@pytest.fixture
def sessions(played):
    return played[1]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """`numplus export ARGV...` in this process: (exit status, stdout, stderr)."""
    try:
        code = main(["export", *argv])
    except SystemExit as exc:  # argparse refused the arguments
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def export_rows(capsys, database: Path, tmp_path: Path, what: str, fmt: str,
                *extra: str) -> tuple[list[str], list[dict]]:
    """Export, check the summary line, then read the file back: (columns, rows) with CSV cells as text."""
    out = tmp_path / f"{what}.{fmt}"
    code, stdout, stderr = run(capsys, "--what", what, "--format", fmt, "--out", str(out),
                               "--database", str(database), *extra)
    assert code == 0, stderr
    columns, rows = read_back(out, fmt)
    sessions = len({r["session_id"] for r in rows})
    assert stdout == f"wrote {len(rows)} rows ({sessions} sessions) to {out}\n"
    return columns, rows


def read_back(path: Path, fmt: str) -> tuple[list[str], list[dict]]:
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
    columns = list(rows[0]) if rows else []
    for row in rows:
        assert list(row) == columns  # every line has the same keys, in the same order
    return columns, rows


def cell(value, fmt: str):
    """A JSON value as the CSV writer puts it in a cell."""
    if fmt == "jsonl":
        return value
    return exports.csv_cell(value)


def expected_events(database: Path, played: list[Played]) -> list[tuple[str, int]]:
    store = EventStore(database)
    try:
        return [(p.id, e.seq) for p in played for e in store.events(p.id)]
    finally:
        store.close()


def research(sessions: dict[str, Played]) -> list[Played]:
    """The sessions in events and observables by default: research consent and no TEST- code, oldest first."""
    return sorted((p for p in sessions.values() if p.consent and not p.participant.startswith("TEST-")),
                  key=lambda p: p.started)


# --- every table, every format --------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("what", ["events", "observables", "results"])
def test_the_file_has_exactly_the_documented_columns_in_order(capsys, database, tmp_path, what, fmt):
    columns, rows = export_rows(capsys, database, tmp_path, what, fmt)
    assert rows
    assert columns == documented_columns(what)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_events_one_row_per_event_of_consenting_sessions_in_order(capsys, database, tmp_path, sessions, fmt):
    _, rows = export_rows(capsys, database, tmp_path, "events", fmt)
    wanted = research(sessions)
    assert [(r["session_id"], int(r["seq"])) for r in rows] == expected_events(database, wanted)
    store = EventStore(database)
    logged = {(e.session, e.seq): e for p in wanted for e in store.events(p.id)}
    store.close()
    by_id = {p.id: p for p in wanted}
    for row in rows:
        event = logged[(row["session_id"], int(row["seq"]))]
        session = by_id[row["session_id"]]
        payload = row["payload"] if fmt == "jsonl" else json.loads(row["payload"])
        loaded = LIBRARY.get(event.scenario) if event.scenario else None
        assert payload == reduce_typed_text(event.to_dict(), loaded.scenario if loaded else None)
        assert row["type"] == event.type
        assert row["t_ms"] == cell(event.t_ms, fmt)
        assert row["utc"] == event.utc
        assert row["scenario_id"] == cell(event.scenario, fmt)
        assert row["scenario_version"] == cell(event.scenario_version, fmt)
        assert row["participant_code"] == session.participant
        assert row["language"] == session.locale
        assert row["consent"] == cell(True, fmt)
        assert row["app_version"] == cell(logged[(session.id, 1)].payload["app_version"], fmt)
        assert row["log_schema_version"] == cell(1, fmt)
    outside = [r for r in rows if r["type"] == "session_started"]
    assert all(r["scenario_id"] == cell(None, fmt) for r in outside)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_observables_one_row_per_observable_with_the_item_score(capsys, database, tmp_path, sessions, fmt):
    _, rows = export_rows(capsys, database, tmp_path, "observables", fmt)
    store = EventStore(database)
    expected = [(p.id, sid, name) for p in research(sessions) for sid, result in store.results(p.id).items()
                for name in sorted(result["observables"])]
    results = {p.id: store.results(p.id) for p in research(sessions)}
    store.close()
    assert [(r["session_id"], r["scenario_id"], r["observable"]) for r in rows] == expected
    for row in rows:
        result = results[row["session_id"]][row["scenario_id"]]
        observable = result["observables"][row["observable"]]
        assert row["value"] == cell(observable["value"], fmt)
        assert row["competence"] == observable["competence"]
        assert row["events"] == cell(observable["events"], fmt)
        assert row["item_score"] == cell(result["item_score"], fmt)
        assert row["outcome"] == result["outcome"]
        assert row["consent"] == cell(True, fmt)
    meeting = [r for r in rows if r["session_id"] == sessions["fixed"].id and r["scenario_id"] == MEETING]
    assert meeting and {r["item_score"] for r in meeting} == {cell(3, fmt)}
    assert {r["outcome"] for r in meeting} == {"completed"}
    assert {r["scenario_version"] for r in meeting} == {cell(1, fmt)}


def number(value):
    return None if value in ("", None) else float(value)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_results_one_row_per_area_and_overall_for_every_session(capsys, database, tmp_path, sessions, fmt):
    _, rows = export_rows(capsys, database, tmp_path, "results", fmt)
    everyone = sorted((p for p in sessions.values() if not p.participant.startswith("TEST-")),
                      key=lambda p: p.started)
    assert len(rows) == ROWS_PER_SESSION * len(everyone)
    assert [r["session_id"] for r in rows[::ROWS_PER_SESSION]] == [p.id for p in everyone]
    assert [r["area"] for r in rows[:ROWS_PER_SESSION]] == ["overall"] + [area.id for area in DIGCOMP.areas]
    for row in rows:
        if row["status"] == "measured":
            assert abs(sum(number(row[c]) for c in P_COLUMNS) - 1) < 1e-3
            assert number(row["theta"]) is not None and number(row["se"]) > 0
            assert row["level"] in {g.id for g in DIGCOMP.groups}
            assert number(row["n_scenarios"]) >= 1
        else:
            assert row["status"] == "not_measured"
            for column in ("theta", "se", "level", *P_COLUMNS, "between_levels"):
                assert row[column] == cell(None, fmt)
            assert number(row["n_scenarios"]) == 0
        assert row["framework"] == "digcomp-2.2"


@pytest.mark.parametrize("name", ["fixed", "poor", "adaptive", "no_consent", "active"])
def test_results_are_measure_over_the_item_scores_with_the_session_bank(capsys, database, tmp_path, sessions, name):
    _, rows = export_rows(capsys, database, tmp_path, "results", "jsonl")
    session = sessions[name]
    store = EventStore(database)
    expected = measure({sid: r["item_score"] for sid, r in store.results(session.id).items()}, session.bank)
    started = store.events(session.id)[0]
    store.close()
    mine = {r["area"]: r for r in rows if r["session_id"] == session.id}
    for area, data in [("overall", expected["overall"]), *expected["areas"].items()]:
        row = mine[area]
        assert (row["status"], row["theta"], row["se"], row["level"], row["between_levels"], row["n_scenarios"]) == (
            data["status"], data["theta"], data["se"], data["level"], data["between_levels"], data["n_scenarios"])
        probabilities = data["level_probabilities"] or {}
        assert [row[c] for c in P_COLUMNS] == [probabilities.get(g.id) for g in DIGCOMP.groups]
        assert row["parameters_version"] == expected["parameters_version"]
        assert row["consent"] is session.consent
        assert row["language"] == session.locale
        assert row["participant_code"] == session.participant
        assert row["started_utc"] == started.utc
        assert row["session_status"] == ("ended" if session.ended else "active")
        assert (row["ended_utc"] is None) is not session.ended
    if name == "adaptive":  # the logged plan's parameters, reproduced from the library
        assert mine["overall"]["parameters_version"] == started.payload["plan"]["parameters_version"]
    if name == "fixed":
        assert mine["overall"]["status"] == "measured"


# --- which sessions -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("what", ["events", "observables"])
def test_a_session_without_research_consent_has_no_events_or_observables(capsys, database, tmp_path, sessions,
                                                                        what):
    out = tmp_path / "out.csv"
    code, _, stderr = run(capsys, "--what", what, "--format", "csv", "--out", str(out), "--database", str(database))
    assert code == 0
    _, rows = read_back(out, "csv")
    assert sessions["no_consent"].id not in {r["session_id"] for r in rows}
    assert {r["consent"] for r in rows} == {"TRUE"}
    assert "numplus: 1 session(s) without research consent left out (they are in --what results only)" in stderr


def test_a_session_without_research_consent_is_in_results(capsys, database, tmp_path, sessions):
    _, rows = export_rows(capsys, database, tmp_path, "results", "csv")
    mine = [r for r in rows if r["session_id"] == sessions["no_consent"].id]
    assert len(mine) == ROWS_PER_SESSION
    assert {r["consent"] for r in mine} == {"FALSE"}
    assert mine[0]["status"] == "measured"  # its meeting reply was scored


@pytest.mark.parametrize("what", ["events", "observables", "results"])
def test_test_sessions_are_left_out_unless_asked_for(capsys, database, tmp_path, sessions, what):
    _, rows = export_rows(capsys, database, tmp_path, what, "jsonl")
    assert not any(r["participant_code"].startswith("TEST-") for r in rows)
    _, with_tests = export_rows(capsys, database, tmp_path, what, "jsonl", "--include-tests")
    assert {r["session_id"] for r in with_tests} - {r["session_id"] for r in rows} == {sessions["test"].id}


@pytest.mark.parametrize("since, names", [
    ("2026-03-04", ["adaptive", "no_consent", "active"]),  # a date: from midnight UTC
    ("2026-03-04T10:00:00Z", ["adaptive", "no_consent", "active"]),  # on or after: the same moment is in
    ("2026-03-04T10:00:00.001", ["no_consent", "active"]),
    ("2026-03-04T06:00-04:00", ["adaptive", "no_consent", "active"]),  # an offset: 10:00 UTC
    ("2026-03-21", []),
])
def test_since_keeps_the_sessions_started_on_or_after(capsys, database, tmp_path, sessions, since, names):
    _, rows = export_rows(capsys, database, tmp_path, "results", "csv", "--since", since)
    assert list(dict.fromkeys(r["session_id"] for r in rows)) == [sessions[n].id for n in names]


def test_an_empty_export_still_has_its_header(capsys, database, tmp_path):
    columns, rows = export_rows(capsys, database, tmp_path, "events", "csv", "--since", "2030-01-01")
    assert rows == [] and columns == documented_columns("events")
    assert (tmp_path / "events.csv").read_text(encoding="utf-8").count("\n") == 1


# --- files, progress, errors ----------------------------------------------------------------------------------
def test_typed_text_is_reduced_unless_the_organisations_consent_covers_texts(capsys, database, tmp_path, sessions):
    _, rows = export_rows(capsys, database, tmp_path, "events", "jsonl")
    sent = next(r for r in rows if r["type"] == "message_sent")
    assert sent["payload"]["body"] == {"length": len(REPLY_BODY), "rules": sent["payload"]["body"]["rules"]}
    assert "serai" not in (tmp_path / "events.jsonl").read_text(encoding="utf-8")
    save_settings(Settings(research_texts=True))
    _, rows = export_rows(capsys, database, tmp_path, "events", "jsonl")
    assert next(r for r in rows if r["type"] == "message_sent")["payload"]["body"] == REPLY_BODY


def test_csv_is_utf8_with_json_cells_and_jsonl_keeps_objects(capsys, database, tmp_path, sessions):
    save_settings(Settings(research_texts=True))  # typed text as typed, to check its encoding
    export_rows(capsys, database, tmp_path, "events", "csv")
    raw = (tmp_path / "events.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "serai là".encode() in raw  # UTF-8, as typed (not \u00e0)
    _, rows = read_back(tmp_path / "events.csv", "csv")
    sent = next(r for r in rows if r["type"] == "message_sent")
    assert json.loads(sent["payload"])["body"] == REPLY_BODY
    _, lines = export_rows(capsys, database, tmp_path, "events", "jsonl")
    sent = next(r for r in lines if r["type"] == "message_sent")
    assert sent["payload"]["body"] == REPLY_BODY and sent["consent"] is True


def test_the_file_is_replaced_whole_and_no_temporary_file_is_left(capsys, database, tmp_path):
    out = tmp_path / "results.csv"
    out.write_text("old\n" * 10_000, encoding="utf-8")
    export_rows(capsys, database, tmp_path, "results", "csv")
    assert not out.read_text(encoding="utf-8").startswith("old")
    assert [p.name for p in tmp_path.iterdir() if "results" in p.name or p.suffix == ".tmp"] == ["results.csv"]


def test_the_progress_bar_goes_to_standard_error_only(capsys, database, tmp_path, sessions):
    code, stdout, stderr = run(capsys, "--what", "events", "--format", "csv", "--out", str(tmp_path / "e.csv"),
                               "--database", str(database))
    assert code == 0
    total = len(research(sessions))
    assert stdout.startswith("wrote ") and stdout.count("\n") == 1 and "exporting" not in stdout
    assert f"\rexporting {total}/{total} [{'#' * 30}]\n" in stderr
    assert "\rexporting 0/" in stderr


def test_numplus_export_uses_the_data_dir_database_by_default(tmp_path):
    data = tmp_path / "data"
    store = EventStore(data / "numplus.sqlite3")
    library = scenario_library([SCENARIOS])
    played = play_fixed(store, library, participant="P-0100", locale="fr-CA", consent=True, started=at(2))
    store.close()
    out = tmp_path / "events.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NUMPLUS_DATA_DIR": str(data)}
    done = subprocess.run([sys.executable, "-m", "game", "export", "--what", "events", "--format", "jsonl",
                           "--out", str(out)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert done.stdout == f"wrote {len(rows)} rows (1 sessions) to {out}\n"
    assert {r["session_id"] for r in rows} == {played.id}
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("argv, message", [
    ([], "export: the following arguments are required: --what, --format, --out (see numplus export --help)"),
    (["--what", "levels", "--format", "csv", "--out", "x.csv"], "export: argument --what: invalid choice: 'levels'"),
    (["--what", "events", "--format", "xlsx", "--out", "x.csv"], "export: argument --format: invalid choice: 'xlsx'"),
    (["--what", "events", "--format", "csv", "--out", "x.csv", "--since", "last week"],
     ("--since 'last week': not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM:SS, UTC unless an "
      "offset is given)")),
    (["--what", "events", "--format", "csv", "--out", "nowhere/x.csv"], "--out nowhere/x.csv: no such folder nowhere"),
    (["--what", "events", "--format", "csv", "--out", "."], "--out .: is a folder; give the file to write"),
    (["--what", "events", "--format", "csv", "--out", "x.csv", "--database", "missing.sqlite3"],
     "missing.sqlite3: no such database (nothing has been played here yet?)"),
])
def test_bad_arguments_are_one_line_and_exit_2(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run(capsys, *argv)
    assert code == 2
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    if message.startswith("export: "):  # argparse's own wording (it varies a little between Python versions)
        assert lines[0].startswith(f"numplus: error: {message}") and lines[0].endswith("(see numplus export --help)")
    else:
        assert lines[0] == f"numplus: error: {message}"
    assert not (tmp_path / "x.csv").exists()


def test_a_file_that_is_not_a_numplus_database_is_one_line(capsys, tmp_path):
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    code, stdout, stderr = run(capsys, "--what", "results", "--format", "csv", "--out", str(tmp_path / "r.csv"),
                               "--database", str(other))
    assert code == 2 and stdout == ""
    assert stderr.splitlines() == [
        f"numplus: error: {other}: not a NUM+ database (no sessions, events and results tables)"]


def test_a_scenario_missing_from_the_library_is_left_out_with_a_warning(capsys, database, tmp_path, sessions):
    only = tmp_path / "scenarios" / "mail"
    only.mkdir(parents=True)
    shutil.copy(SCENARIOS / "mail" / "confirm-meeting.yaml", only)
    out = tmp_path / "r.csv"
    code, _, stderr = run(capsys, "--what", "results", "--format", "csv", "--out", str(out), "--database",
                          str(database), "--scenarios", str(tmp_path / "scenarios"))
    assert code == 0
    warnings = [line for line in stderr.replace("\r", "\n").splitlines() if "warning" in line]
    assert any(line.startswith(f"numplus: warning: scenario {OTHER} of ") for line in warnings)
    _, rows = read_back(out, "csv")
    fixed = next(r for r in rows if r["session_id"] == sessions["fixed"].id and r["area"] == "overall")
    assert fixed["status"] == "measured" and fixed["n_scenarios"] == "1"  # the meeting still counts
    # the adaptive session logged the parameters of its whole pool: they cannot be reproduced, and it is said
    logged = next(r for r in rows if r["session_id"] == sessions["adaptive"].id)["parameters_version"]
    assert any(line.startswith("numplus: warning: 1 session(s) were measured with parameters provisional-")
               and line.endswith(f"their results here use {logged} (the scenarios or the parameters have changed "
                                 "since)") for line in warnings)


def test_a_session_in_a_framework_this_numplus_lacks_is_left_out_of_results_with_a_warning(capsys, database,
                                                                                          tmp_path, sessions):
    db = sqlite3.connect(database)
    db.execute("UPDATE events SET payload = json_set(payload, '$.plan.framework', 'quebec-2030') "
               "WHERE session = ? AND seq = 1", (sessions["adaptive"].id,))
    db.commit()
    db.close()
    out = tmp_path / "r.jsonl"
    code, _, stderr = run(capsys, "--what", "results", "--format", "jsonl", "--out", str(out), "--database",
                          str(database))
    assert code == 0
    _, rows = read_back(out, "jsonl")
    assert sessions["adaptive"].id not in {r["session_id"] for r in rows}
    assert sessions["fixed"].id in {r["session_id"] for r in rows}
    assert ("numplus: warning: 1 session(s) use the competence framework 'quebec-2030', which this NUM+ does not "
            "have; they are left out of the results") in stderr.replace("\r", "\n").splitlines()


# --- safe while the game writes -------------------------------------------------------------------------------
def test_an_export_reads_a_snapshot_while_another_connection_writes(capsys, database, tmp_path, sessions):
    writer = sqlite3.connect(database, isolation_level=None, timeout=0)
    assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    writer.execute("BEGIN IMMEDIATE")  # the game holds the write lock, mid-transaction
    writer.execute("INSERT INTO sessions (id, participant, locale, started_utc, status) "
                   "VALUES ('new', 'P-0999', 'fr-CA', '2026-03-25T10:00:00.000Z', 'active')")
    try:
        _, rows = export_rows(capsys, database, tmp_path, "results", "csv")
        assert "new" not in {r["session_id"] for r in rows}  # not committed: not seen
    finally:
        writer.execute("COMMIT")
    writer.close()
    _, rows = export_rows(capsys, database, tmp_path, "results", "csv")
    assert "new" in {r["session_id"] for r in rows}  # committed: seen, even without its session_started


def test_an_export_is_one_snapshot_what_is_written_meanwhile_is_not_in_it(database, tmp_path, sessions):
    last = research(sessions)[-1]  # exported last
    before = len(expected_events(database, [last]))
    writer = sqlite3.connect(database, isolation_level=None)

    def progress(done: int, total: int) -> None:  # after the first session, the game logs an event of the last
        if done == 1:
            writer.execute("INSERT INTO events (session, seq, scenario, scenario_version, t_ms, utc, type, payload) "
                           "VALUES (?, ?, NULL, NULL, 0, '2026-03-20T11:00:00.000Z', 'help_opened', '{}')",
                           (last.id, before + 1))

    out = tmp_path / "events.jsonl"
    report = exports.export(database, "events", "jsonl", out, progress=progress)
    writer.close()
    _, rows = read_back(out, "jsonl")
    assert report.rows == len(rows)
    assert len([r for r in rows if r["session_id"] == last.id]) == before
    assert len(expected_events(database, [last])) == before + 1  # it was written, after the snapshot


def test_an_export_while_a_session_is_played_in_the_same_database(capsys, database, tmp_path, library):
    """The game's own store keeps writing between exports; each export is a consistent snapshot."""
    store = EventStore(database)
    clock = ManualClock(start_utc=at(25))
    session = PlaySession.new(store, [library[MEETING]], participant="P-0200", locale="fr-CA", clock=clock,
                              research_consent=True)
    engine = session.engine
    engine.start_scenario()
    counts = []
    for action in (a.OpenMessage("meeting"), a.Reply("meeting"), a.SetBody("d1", REPLY_BODY), a.Send("d1")):
        clock.advance(1500)
        engine.apply(action)
        _, rows = export_rows(capsys, database, tmp_path, "events", "jsonl", "--since", "2026-03-25")
        counts.append(len(rows))
        assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))  # never a gap: whole transactions
    store.close()
    assert counts == sorted(counts) and counts[-1] > counts[0]


# --- the observables file feeds calibration -------------------------------------------------------------------
def test_numplus_calibrate_reads_the_observables_export(capsys, database, tmp_path, sessions):
    pytest.importorskip("numpy")
    from scoring.calibration import read_export

    export_rows(capsys, database, tmp_path, "observables", "csv")
    table = read_export(tmp_path / "observables.csv")
    fixed = table.persons.index(sessions["fixed"].id)
    assert table.scores[fixed, table.items.index(MEETING)] == 3
    assert set(table.languages) == {"fr-CA", "en-CA"}
