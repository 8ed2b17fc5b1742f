"""A real crash: a process playing a session is killed with SIGKILL, and the session resumes where it stopped.

The player runs in a child process with the real EventStore in the test's data dir. It prints a line
after each action the store has made durable; the test kills it with kill -9 and then, in this process,
finds the unfinished session, resumes it and plays it to the end.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from game.paths import ROOT, SCENARIOS, database_path
from game.runtime import actions as a
from game.runtime.clock import SystemClock
from game.sessions import PlaySession, scenario_library
from game.store import EventStore

SAMPLE = SCENARIOS / "mail" / "confirm-meeting.yaml"
REPLY_BODY = "Bonjour Sophie, oui je serai là. Merci!"

PLAYER = textwrap.dedent('''
    """Play the sample in fr-CA; print `ack N SEQ TYPE` once each action is durable."""
    import sys
    import time

    from game.paths import database_path
    from game.runtime import actions as a
    from game.runtime.clock import SystemClock
    from game.scenario.loader import load_scenario
    from game.sessions import PlaySession
    from game.store import EventStore

    scenario_path, mode = sys.argv[1], sys.argv[2]
    store = EventStore(database_path())
    play = PlaySession.new(store, [load_scenario(scenario_path)], participant="P-CRASH", locale="fr-CA",
                           clock=SystemClock())
    play.engine.start_scenario()
    print("session", play.engine.session_id, flush=True)

    if mode == "script":
        actions = [a.OpenMessage("newsletter"), a.MoveToFolder("newsletter", "trash"), a.OpenMessage("meeting"),
                   a.Reply("meeting"), a.SetBody("d1", %(body)r), a.Send("d1")]
        pause_after = int(sys.argv[3])
    else:  # "busy": act as fast as possible, never finishing
        actions = [a.OpenMessage("meeting") if i %% 2 == 0 else a.CloseMessage("meeting") for i in range(100_000)]
        pause_after = None
    for number, action in enumerate(actions, 1):
        outcome = play.engine.apply(action)
        assert outcome.accepted, outcome.reason
        event = outcome.events[-1]
        print("ack", number, event.seq, event.type, flush=True)
        if number == pause_after:
            time.sleep(120)  # killed here
        elif mode == "script":
            time.sleep(0.02)
    print("done", flush=True)
''') % {"body": REPLY_BODY}


class Player:
    """The child process and its output, line by line, read in a thread so reads can time out."""

    def __init__(self, tmp_path: Path, *args: str):
        script = tmp_path / "player.py"
        script.write_text(PLAYER, encoding="utf-8")
        self.stderr_path = tmp_path / "player.stderr"
        self._stderr = self.stderr_path.open("wb")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, str(script), str(SAMPLE), *args], stdout=subprocess.PIPE,
                                     stderr=self._stderr, text=True, cwd=tmp_path, env=env)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def line(self, timeout: float = 60) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the player said nothing for {timeout}s; stderr: {self.stderr()}") from None
        if line is None:
            raise AssertionError(f"the player stopped; stderr: {self.stderr()}")
        return line

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def kill_9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        assert self.proc.wait(timeout=30) == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self._pump_thread.join(timeout=30)  # the dead child's stdout ends, so does the pump
        self._stderr.close()
        self.proc.stdout.close()


@pytest.fixture
def player_factory(tmp_path):
    started: list[Player] = []

    def start(*args: str) -> Player:
        player = Player(tmp_path, *args)
        started.append(player)
        return player

    yield start
    for player in started:
        player.stop()


def acks(player: Player, count: int) -> tuple[str, list[tuple[int, int, str]]]:
    first = player.line()
    assert first.startswith("session "), first
    found = []
    for _ in range(count):
        word, number, seq, type_ = player.line().split()
        assert word == "ack"
        found.append((int(number), int(seq), type_))
    return first.split()[1], found


def test_killed_mid_session_then_resumed_and_completed(player_factory):
    acknowledged = 5
    player = player_factory("script", str(acknowledged))
    session_id, acked = acks(player, acknowledged)
    player.kill_9()  # while it sleeps after the 5th action, before it sends the reply

    assert acked == [(1, 3, "message_opened"), (2, 4, "message_moved"), (3, 5, "message_opened"),
                     (4, 6, "reply_started"), (5, 7, "body_set")]
    store = EventStore(database_path())
    try:
        assert store.moved_aside is None
        [unfinished] = store.unfinished_sessions()
        assert (unfinished.id, unfinished.participant, unfinished.status, unfinished.last_seq) == (
            session_id, "P-CRASH", "active", 7)
        logged = store.events(session_id)
        assert [(e.seq, e.type) for e in logged] == [(1, "session_started"), (2, "scenario_started")] + [
            (seq, type_) for _n, seq, type_ in acked]
        assert logged[3].payload == {"message": "newsletter", "from_folder": "inbox", "to_folder": "trash"}
        assert logged[6].payload == {"draft": "d1", "body": REPLY_BODY, "length": len(REPLY_BODY)}

        play = PlaySession.resume(store, session_id, scenario_library([SCENARIOS]), SystemClock())
        engine = play.engine
        box = engine.current.mailbox
        assert box.messages["meeting"].read is True
        assert box.messages["newsletter"].folder == "trash"
        assert box.opened == "meeting"
        draft = box.drafts["d1"]
        assert (draft.kind, draft.in_reply_to, draft.to, draft.subject, draft.body) == (
            "reply", "meeting", ["sophie.gagnon@chezmado.ca"], "RE : Rencontre d'équipe mardi à 14 h", REPLY_BODY)

        after = store.events(session_id)
        assert len(after) == 8
        assert (after[-1].seq, after[-1].type, after[-1].payload) == (8, "session_resumed", {"after_seq": 7})
        assert after[-1].scenario == "mail.confirm-meeting"
        assert after[-1].t_ms >= logged[-1].t_ms

        outcome = engine.apply(a.Send("d1"))
        assert outcome.accepted and outcome.scenario_completed
        assert [e.type for e in store.events(session_id)][-2:] == ["message_sent", "scenario_ended"]
        result = store.results(session_id)["mail.confirm-meeting"]
        assert result["outcome"] == "completed"
        assert {k: v["value"] for k, v in result["observables"].items() if k != "time_to_reply_ms"} == {
            "replied_to_manager": 1, "reply_confirms_attendance": 1, "reply_is_polite": 1, "message_read_first": 1}
        assert result["observables"]["time_to_reply_ms"]["value"] >= 0
        assert result["observables"]["time_to_reply_ms"]["events"] == [5, 9]

        engine.end_session()
        assert store.unfinished_sessions() == []
        assert [e.seq for e in store.events(session_id)] == list(range(1, 12))
    finally:
        store.close()


def test_killed_while_writing_as_fast_as_it_can(player_factory):
    """No pause: the kill lands anywhere, even inside a write. Every acknowledged event survives."""
    player = player_factory("busy")
    session_id, acked = acks(player, 40)
    player.kill_9()

    store = EventStore(database_path())
    try:
        assert store.moved_aside is None
        [unfinished] = store.unfinished_sessions("P-CRASH")
        assert unfinished.id == session_id
        logged = store.events(session_id)
        by_seq = {e.seq: e.type for e in logged}
        for _number, seq, type_ in acked:
            assert by_seq[seq] == type_
        assert [e.seq for e in logged] == list(range(1, len(logged) + 1))  # whole transactions only
        assert len(logged) >= 2 + len(acked)

        play = PlaySession.resume(store, session_id, scenario_library([SCENARIOS]), SystemClock())
        opened_last = logged[-1].type == "message_opened"
        assert (play.engine.current.mailbox.opened == "meeting") is opened_last
        assert store.events(session_id)[-1].payload == {"after_seq": logged[-1].seq}
        engine = play.engine
        if not opened_last:
            engine.apply(a.OpenMessage("meeting"))
        for action in (a.Reply("meeting"), a.SetBody("d1", REPLY_BODY)):
            assert engine.apply(action).accepted
        assert engine.apply(a.Send("d1")).scenario_completed
        assert store.results(session_id)["mail.confirm-meeting"]["outcome"] == "completed"
    finally:
        store.close()


def test_a_second_crash_after_resuming(player_factory, tmp_path):
    """Resume, crash again (the resumed session is simply closed without ending), resume again."""
    player = player_factory("script", "3")
    session_id, _acked = acks(player, 3)
    player.kill_9()
    library = scenario_library([SCENARIOS])

    store = EventStore(database_path())
    play = PlaySession.resume(store, session_id, library, SystemClock())
    play.engine.apply(a.Reply("meeting"))
    store.close()  # the second "crash": nothing more is written

    store = EventStore(database_path())
    try:
        play = PlaySession.resume(store, session_id, library, SystemClock())
        types = [e.type for e in store.events(session_id)]
        assert types == ["session_started", "scenario_started", "message_opened", "message_moved", "message_opened",
                         "session_resumed", "reply_started", "session_resumed"]
        assert "d1" in play.engine.current.mailbox.drafts
        play.engine.apply(a.SetBody("d1", REPLY_BODY))
        assert play.engine.apply(a.Send("d1")).scenario_completed
    finally:
        store.close()
