"""The event store: one SQLite database in WAL mode; nothing a participant did is ever deleted."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from game import store as store_module
from game.paths import SCENARIOS, database_path
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.runtime.events import Event
from game.scenario.loader import load_scenario
from game.sessions import PlaySession, scenario_library
from game.store import SCHEMA_VERSION, EventStore, StoreError, read_jsonl, write_jsonl

SAMPLE = SCENARIOS / "mail" / "confirm-meeting.yaml"
REPLY_BODY = "Bonjour Sophie, oui je serai là. Merci!"


@pytest.fixture
def store(tmp_path):
    opened = EventStore(tmp_path / "numplus.sqlite3")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def sample():
    return load_scenario(SAMPLE)


def event(seq: int, type_: str, payload: dict | None = None, *, session: str = "S-1", scenario: str | None = None,
          t_ms: int = 0) -> Event:
    return Event(seq=seq, session=session, scenario=scenario, scenario_version=1 if scenario else None, t_ms=t_ms,
                 utc=f"2026-01-05T14:00:0{seq % 10}.000Z", type=type_, payload=payload or {})


def started(session: str = "S-1", participant: str = "P-0001") -> Event:
    return event(1, "session_started", {"participant": participant, "locale": "fr-CA", "scenarios": []},
                 session=session)


# --- the database -------------------------------------------------------------------------------
def test_wal_mode_is_on(store):
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other = sqlite3.connect(store.path)  # WAL is a property of the file, seen by any connection
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        other.close()


def test_data_dir_comes_from_the_environment(isolated_dirs):
    data, _config = isolated_dirs
    assert database_path() == data / "numplus.sqlite3"


def test_events_round_trip(store):
    written = [
        started(),
        event(2, "scenario_started", {"index": 0, "scenario_hash": "ab" * 32, "apps": ["mail"]},
              scenario="mail.x"),
        event(3, "body_set", {"draft": "d1", "body": "Oui, je serai présente — merci! 🙂", "length": 33},
              scenario="mail.x", t_ms=1234),
    ]
    for e in written:
        store.append(e)
    assert store.events("S-1") == written
    assert store.events("S-2") == []


def test_events_are_durable_for_another_connection_at_once(store, tmp_path):
    store.append(started())
    store.append(event(2, "help_opened"))
    reader = EventStore(tmp_path / "numplus.sqlite3")
    try:
        assert [e.seq for e in reader.events("S-1")] == [1, 2]
    finally:
        reader.close()


def test_a_seq_cannot_be_written_twice(store):
    store.append(started())
    store.append(event(2, "help_opened"))
    with pytest.raises(sqlite3.IntegrityError):
        store.append(event(2, "help_opened"))
    assert len(store.events("S-1")) == 2  # the failed write left nothing behind


def test_sessions_are_active_until_session_ended(store):
    store.append(started("S-1", "P-A"))
    store.append(started("S-2", "P-B"))
    store.append(event(2, "help_opened", session="S-2"))
    [one, two] = sorted(store.sessions(), key=lambda s: s.id)
    assert (one.id, one.participant, one.locale, one.status, one.last_seq) == ("S-1", "P-A", "fr-CA", "active", 1)
    assert (two.status, two.last_seq) == ("active", 2)
    assert {s.id for s in store.unfinished_sessions()} == {"S-1", "S-2"}
    assert [s.id for s in store.unfinished_sessions("P-B")] == ["S-2"]

    store.append(event(3, "session_ended", {"reason": "finished"}, session="S-2"))
    assert [s.id for s in store.sessions("ended")] == ["S-2"]
    assert [s.id for s in store.unfinished_sessions()] == ["S-1"]
    assert store.unfinished_sessions("P-B") == []
    ended_utc = store._db.execute("SELECT ended_utc FROM sessions WHERE id='S-2'").fetchone()[0]
    assert ended_utc == "2026-01-05T14:00:03.000Z"


def test_result_is_written_with_scenario_ended(store):
    store.append(started())
    store.append(event(2, "scenario_started", {"index": 0}, scenario="mail.x"))
    found = {"replied": {"value": 1, "competence": "2.1", "events": [2]}}
    store.append(event(3, "scenario_ended", {"outcome": "completed", "final": {}}, scenario="mail.x"),
                 {"observables": found, "item_score": 1})
    assert store.results("S-1") == {"mail.x": {"outcome": "completed", "observables": found, "item_score": 1}}
    row = store._db.execute("SELECT scenario_version, recorded_utc FROM results").fetchone()
    assert row == (1, "2026-01-05T14:00:03.000Z")


def test_play_session_records_results_at_scenario_end(store, sample):
    clock = ManualClock()
    play = PlaySession.new(store, [sample], participant="P-0001", locale="fr-CA", clock=clock)
    engine = play.engine
    engine.start_scenario()
    for action in (a.OpenMessage("meeting"), a.Reply("meeting"), a.SetBody("d1", REPLY_BODY)):
        clock.advance(2000)
        engine.apply(action)
    assert store.results(engine.session_id) == {}
    clock.advance(2000)
    assert engine.apply(a.Send("d1")).scenario_completed
    results = store.results(engine.session_id)
    assert list(results) == ["mail.confirm-meeting"]
    assert results["mail.confirm-meeting"]["outcome"] == "completed"
    observables = results["mail.confirm-meeting"]["observables"]
    assert {k: v["value"] for k, v in observables.items()} == {
        "replied_to_manager": 1, "reply_confirms_attendance": 1, "reply_is_polite": 1, "message_read_first": 1,
        "time_to_reply_ms": 6000}
    assert observables["time_to_reply_ms"]["events"] == [3, 6]
    logged = store.events(engine.session_id)
    assert [e.type for e in logged][-2:] == ["message_sent", "scenario_ended"]
    assert [e.seq for e in logged] == list(range(1, 8))
    engine.end_session()
    assert store.sessions()[0].status == "ended"


def test_results_of_an_abandoned_scenario(store, sample):
    play = PlaySession.new(store, [sample], participant="P-0001", locale="en-CA", clock=ManualClock())
    play.engine.start_scenario()
    play.engine.apply(a.OpenMessage("meeting"))
    play.engine.end_session("facilitator_closed")
    [(scenario, result)] = store.results(play.engine.session_id).items()
    assert result["outcome"] == "abandoned"
    assert result["observables"]["replied_to_manager"]["value"] == 0
    assert result["observables"]["time_to_reply_ms"]["value"] is None


def test_scenario_library_by_id(tmp_path):
    (tmp_path / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    library = scenario_library([SCENARIOS, tmp_path, tmp_path / "missing"])
    assert "mail.confirm-meeting" in library
    assert library["mail.confirm-meeting"].path == SAMPLE


# --- a damaged database is kept, never deleted ------------------------------------------------------
def test_corrupt_database_is_moved_aside_and_a_new_one_created(tmp_path):
    path = tmp_path / "numplus.sqlite3"
    garbage = b"this is not a database\x00\xff" * 300
    path.write_bytes(garbage)
    store = EventStore(path)
    try:
        aside = store.moved_aside
        assert aside is not None and aside.parent == tmp_path
        assert re.fullmatch(r"numplus\.sqlite3\.corrupt-\d{8}T\d{6}Z", aside.name)
        assert aside.read_bytes() == garbage
        store.append(started())
        assert [e.seq for e in store.events("S-1")] == [1]
    finally:
        store.close()
    assert list(tmp_path.glob("numplus.sqlite3.corrupt-*")) == [aside]
    reopened = EventStore(path)
    try:
        assert reopened.moved_aside is None and len(reopened.events("S-1")) == 1
    finally:
        reopened.close()


def test_corrupt_database_with_its_wal_is_moved_aside_together(tmp_path):
    path = tmp_path / "numplus.sqlite3"
    path.write_bytes(b"\x13" * 4096)
    (tmp_path / "numplus.sqlite3-wal").write_bytes(b"wal bytes")
    store = EventStore(path)
    try:
        assert store.moved_aside.read_bytes() == b"\x13" * 4096
        assert (tmp_path / (store.moved_aside.name + "-wal")).read_bytes() == b"wal bytes"
    finally:
        store.close()


def test_two_corrupt_databases_in_the_same_second_are_both_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "_stamp", lambda: "20260105T140000Z")
    path = tmp_path / "numplus.sqlite3"
    kept = []
    for garbage in (b"first garbage " * 100, b"second garbage " * 100):
        path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            (tmp_path / ("numplus.sqlite3" + suffix)).unlink(missing_ok=True)
        path.write_bytes(garbage)
        store = EventStore(path)
        store.close()
        kept.append((store.moved_aside, garbage))
    assert kept[0][0] != kept[1][0]
    for aside, garbage in kept:
        assert aside.read_bytes() == garbage


def test_a_healthy_database_is_not_moved(tmp_path):
    path = tmp_path / "numplus.sqlite3"
    EventStore(path).close()
    again = EventStore(path)
    try:
        assert again.moved_aside is None
    finally:
        again.close()


def test_a_database_from_a_newer_numplus_is_refused_not_moved(tmp_path):
    path = tmp_path / "numplus.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this NUM\\+"):
        EventStore(path)
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))


# --- JSON Lines ------------------------------------------------------------------------------------
def test_jsonl_round_trip(tmp_path):
    events = [started().to_dict(), event(2, "body_set", {"body": "Déjà là — 👍", "length": 11}).to_dict()]
    path = tmp_path / "out" / "events.jsonl"
    write_jsonl(events, path)
    assert read_jsonl(path) == events
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and "Déjà là" in lines[1]  # readable, not \\u-escaped
    assert not (tmp_path / "out" / "events.jsonl.tmp").exists()


def test_export_jsonl(store, tmp_path):
    store.append(started())
    store.append(event(2, "help_opened"))
    path = store.export_jsonl("S-1", tmp_path / "events.jsonl")
    assert read_jsonl(path) == [e.to_dict() for e in store.events("S-1")]


def test_read_jsonl_skips_blank_lines_and_names_the_bad_line(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps({"seq": 1}) + "\n\n" + json.dumps({"seq": 2}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        read_jsonl(path)
    assert str(caught.value).startswith(f"{path}:4: not a JSON event (")
    path.write_text(json.dumps({"seq": 1}) + "\n\n" + json.dumps({"seq": 2}) + "\n", encoding="utf-8")
    assert read_jsonl(path) == [{"seq": 1}, {"seq": 2}]


def test_database_with_damaged_pages_is_moved_aside(tmp_path):
    path = tmp_path / "numplus.sqlite3"
    first = EventStore(path)
    first.append(started())
    first.close()
    raw = bytearray(path.read_bytes())
    assert raw.startswith(b"SQLite format 3\x00")
    raw[100:4096] = b"\xa5" * (4096 - 100)  # the schema page: the header still says SQLite
    path.write_bytes(bytes(raw))
    store = EventStore(path)
    try:
        assert store.moved_aside is not None
        assert store.moved_aside.read_bytes() == bytes(raw)
        assert store.events("S-1") == []
    finally:
        store.close()
