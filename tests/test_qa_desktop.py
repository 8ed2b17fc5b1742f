"""The game under test as an app of the session: keys and telemetry in the log, replay after a crash."""

from __future__ import annotations

from game.paths import SCENARIOS
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.scenario.loader import load_scenario
from game.sessions import PlaySession
from game.store import EventStore

SCENARIO = SCENARIOS / "qa" / "two-obvious-bugs.yaml"


def play(store: EventStore) -> PlaySession:
    loaded = load_scenario(SCENARIO)
    session = PlaySession.new(store, [loaded], participant="TEST-QA", locale="fr-CA", clock=ManualClock())
    engine = session.engine
    engine.start_scenario()
    engine.apply(a.GameKey("enter", True))
    engine.apply(a.GameKey("enter", False))
    engine.advance_game(3)
    engine.apply(a.GameKey("right", True))
    engine.advance_game(75)
    engine.apply(a.GameKey("right", False))
    engine.apply(a.TakeCapture())
    engine.advance_game(20)
    engine.apply(a.GameKey("p", True))  # the last logged event is at the game's last tick
    return session


def test_keys_and_telemetry_are_logged_with_their_ticks(tmp_path):
    session = play(EventStore(tmp_path / "a.sqlite3"))
    events = [e.to_dict() for e in session.store.events(session.engine.session_id)]
    kinds = [e["type"] for e in events]
    assert kinds[:4] == ["session_started", "scenario_started", "game_key", "game_key"]
    assert {"game_started", "level_started", "bug_triggered", "capture_taken", "player_died"} <= set(kinds)
    keys = [e["payload"] for e in events if e["type"] == "game_key"]
    assert keys[2] == {"key": "right", "down": True, "tick": 3}
    triggered = {e["payload"]["bug"]: e["payload"] for e in events if e["type"] == "bug_triggered"}
    assert triggered["fall_through"]["level"] == "forest" and triggered["score_label"]["kind"] == "text_typo"
    capture = next(e["payload"] for e in events if e["type"] == "capture_taken")
    assert capture["capture"] == "c1" and capture["level"] == "forest" and capture["tick"] == 78


def test_the_same_keys_give_the_same_run(tmp_path):
    first = play(EventStore(tmp_path / "a.sqlite3"))
    second = play(EventStore(tmp_path / "b.sqlite3"))

    def trace(session):
        return [(e.type, e.payload, e.t_ms) for e in session.store.events(session.engine.session_id)][2:]

    assert trace(first) == trace(second)


def test_after_a_crash_the_game_is_rebuilt_tick_for_tick_from_its_keys(tmp_path):
    store = EventStore(tmp_path / "a.sqlite3")
    live = play(store)
    expected = live.engine.current.desktop.qa_game.sim.state.to_dict()
    captures = dict(live.engine.current.desktop.tracker.captures)
    store.close()  # the machine stops here

    store = EventStore(tmp_path / "a.sqlite3")
    library = {"qa.two-obvious-bugs": load_scenario(SCENARIO)}
    resumed = PlaySession.resume(store, live.engine.session_id, library, ManualClock())
    desktop = resumed.engine.current.desktop
    assert desktop.qa_game.sim.state.to_dict() == expected
    assert desktop.tracker.captures == captures
    assert store.events(live.engine.session_id)[-1].type == "session_resumed"
    resumed.engine.advance_game(30)  # and the game goes on
    assert desktop.qa_game.tick == expected["tick"] + 30
