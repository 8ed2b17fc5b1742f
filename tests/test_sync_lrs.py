"""Delivery to a real Ralph LRS 5.1.0, through the fault-injecting proxy where the network must misbehave.

Exactly once is checked the same way everywhere (`assert_exactly_once`): every outbox row is `sent`, Ralph
holds each outbox id exactly once (no extra, no missing, counted by id in its store file), and every stored
statement equals the outbox bytes once what the LRS adds is left out. Normalised before comparing:
  * `stored` and `authority` (Ralph adds them) and `version` (an LRS may add it; NUM+ sends none) are dropped;
  * numbers compare by value: ints and floats are both turned into floats (so 1 == 1.0 and 1e-4 == 0.0001
    whatever way Ralph writes them back); booleans stay booleans, strings (timestamps too) compare exactly.

The sender is driven with `run_pass(ignore_backoff=True)` in loops rather than by sleeping through real
backoff delays, and with short HTTP timeouts.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from game.delivery import Delivery
from game.paths import ROOT, SCENARIOS
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.sessions import PlaySession, scenario_library
from game.store import EventStore
from sync.store import Outbox
from sync.transport import Transport
from sync.worker import BATCH, Sender, SyncWorker, credentials_fingerprint
from sync.xapi import Origin
from tests.lrs_support import (  # noqa: F401  (the *_fixture names register pytest fixtures)
    RalphProxy,
    RalphServer,
    fresh_ralph_fixture,
    ralph_fixture,
    ralph_proxy_fixture,
)

TIMEOUT = (2, 10)
ORIGIN = Origin(org_url="https://epn.example.org", kiosk_id="kiosk-t", app_version="0.1.0", platform="NUM+ test")
REPLY_BODY = "Bonjour Sophie, oui je serai là. Merci!"
WALKTHROUGH = ROOT / "scenarios" / "mail" / "confirm-meeting.walkthrough.yaml"
LRS_ADDS = ("stored", "authority", "version")


# --- producing sessions ------------------------------------------------------------------------------------
_LIBRARY: dict | None = None


def library() -> dict:
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = scenario_library([SCENARIOS])
    return _LIBRARY


def database() -> Path:
    return Path(os.environ["NUMPLUS_DATA_DIR"]) / "numplus.sqlite3"


def make_sessions(store: EventStore, count: int, *, first: int = 0, on_queued=None) -> list[str]:
    """`count` played sessions (two scenarios each; every fourth plays the meeting reply for real). Their ids."""
    lib = library()
    ids = sorted(lib)
    clock = ManualClock()
    delivery = Delivery(ORIGIN, texts_consent=False)
    sessions = []
    for n in range(first, first + count):
        if n % 4 == 0:
            chosen = [lib["mail.confirm-meeting"], lib[ids[n % len(ids)]]]
        else:
            chosen = [lib[ids[n % len(ids)]], lib[ids[(n + 5) % len(ids)]]]
        play = PlaySession.new(store, chosen, participant=f"P-{n:04d}", locale="fr-CA", clock=clock,
                               delivery=delivery, research_consent=(n % 3 == 0), on_queued=on_queued)
        engine = play.engine
        for index, _ in enumerate(chosen):
            engine.start_scenario()
            clock.advance(1000)
            if index == 0 and n % 4 == 0:
                for action in (a.OpenMessage("meeting"), a.Reply("meeting"), a.SetBody("d1", REPLY_BODY),
                               a.Send("d1")):
                    clock.advance(1500)
                    engine.apply(action)
            if engine.current.outcome is None:
                engine.end_scenario("ended_by_participant")
        engine.end_session()
        sessions.append(engine.session_id)
    return sessions


def queue_sessions(count: int, *, first: int = 0, path: Path | None = None) -> list[str]:
    store = EventStore(path or database())
    try:
        return make_sessions(store, count, first=first)
    finally:
        store.close()


# --- looking at the outbox and at Ralph ----------------------------------------------------------------------
def outbox_rows(path: Path | None = None) -> dict[str, tuple[str, bytes]]:
    """id -> (state, body), read on a connection of its own."""
    db = sqlite3.connect(path or database(), timeout=30)
    try:
        return {i: (state, bytes(body)) for i, state, body in db.execute("SELECT id, state, body FROM outbox")}
    finally:
        db.close()


def states(path: Path | None = None) -> Counter:
    return Counter(state for state, _ in outbox_rows(path).values())


def normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        number = float(value)
        assert math.isfinite(number)
        return number
    raise TypeError(type(value))


def comparable(statement: dict) -> dict:
    return normalised({k: v for k, v in statement.items() if k not in LRS_ADDS})


def registration(statement: dict) -> str | None:
    return (statement.get("context") or {}).get("registration")


def assert_exactly_once(server: RalphServer, sessions: list[str], *, path: Path | None = None,
                        whole_store: bool = False, quarantined: int = 0) -> list[dict]:
    """Every outbox row sent (or the expected number quarantined); Ralph holds each sent id once, nothing else
    of these sessions (of anything, with `whole_store`), each equal to the outbox bytes. The stored statements."""
    rows = outbox_rows(path)
    found = Counter(state for state, _ in rows.values())
    assert found == Counter({"sent": len(rows) - quarantined, **({"quarantined": quarantined} if quarantined else {})})
    sent = {i: body for i, (state, body) in rows.items() if state == "sent"}
    ours = set(sessions)
    stored = [s for s in server.statements() if whole_store or s["id"] in rows or registration(s) in ours]
    counts = Counter(s["id"] for s in stored)
    duplicated = {i: n for i, n in counts.items() if n > 1}
    assert not duplicated, f"{len(duplicated)} statements stored more than once: {list(duplicated.items())[:5]}"
    missing = set(sent) - set(counts)
    extra = set(counts) - set(sent)
    assert not missing, f"{len(missing)} sent statements are not in Ralph: {sorted(missing)[:5]}"
    assert not extra, f"{len(extra)} statements in Ralph that the outbox did not send: {sorted(extra)[:5]}"
    for statement in stored:
        expected = json.loads(sent[statement["id"]])
        assert comparable(statement) == comparable(expected), statement["id"]
    assert {registration(s) for s in stored} <= ours
    return stored


# --- the sender and the command line ---------------------------------------------------------------------------
def sender_for(endpoint: str, username: str, password: str, path: Path | None = None, seed: int = 1) -> Sender:
    transport = Transport(endpoint, username, password, timeout=TIMEOUT)
    return Sender(Outbox(path or database()), transport, rng=random.Random(seed),
                  fingerprint=credentials_fingerprint(endpoint, username, password))


def close(sender: Sender) -> None:
    sender.transport.close()
    sender.outbox.close()


def cli_env(endpoint: str | None = None, username: str | None = None, password: str | None = None,
            data: Path | None = None, config: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMPLUS_")}
    env.update({"NUMPLUS_DATA_DIR": str(data or database().parent),
                "NUMPLUS_CONFIG_DIR": str(config or os.environ["NUMPLUS_CONFIG_DIR"]),
                "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYTHONUNBUFFERED": "1"})
    for name, value in (("ENDPOINT", endpoint), ("USERNAME", username), ("PASSWORD", password)):
        if value is not None:
            env[f"NUMPLUS_LRS_{name}"] = value
    return env


def ralph_env(server: RalphServer | RalphProxy, ralph: RalphServer, **kwargs) -> dict[str, str]:
    return cli_env(server.endpoint, ralph.username, ralph.password, **kwargs)


def numplus(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "game", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)


def status(env: dict[str, str]) -> dict:
    done = numplus("status", "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    lines = [line for line in done.stderr.replace("\r", "\n").splitlines() if line.strip()]
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, done.stderr
    return lines[0]


def post_count(server: RalphServer) -> int:
    return server.log().count("POST /xAPI/statements")


@pytest.fixture
def fresh_proxy(fresh_ralph: RalphServer):
    proxy = RalphProxy(fresh_ralph).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def wait_for(condition, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --- 1. faults ------------------------------------------------------------------------------------------------
def test_200_sessions_through_30_percent_faults_arrive_exactly_once(fresh_ralph, fresh_proxy):
    sessions = queue_sessions(200)
    total = states()["pending"]
    assert total > 1000 and states() == Counter({"pending": total})
    fresh_proxy.faults(probability=0.3, seed=32, kinds=[  # a seed that draws every kind at least twice
        "refuse",
        ("reset_mid_request", {"fraction": 0.5}),
        "reset_after_response",  # the lost acknowledgement: Ralph has the batch, the sender does not know
        ("status", {"code": 500, "retry_after": 30}),
        ("status", {"code": 503, "retry_after": 120}),
        ("delay", {"seconds": 0.3}),
    ])
    sender = sender_for(fresh_proxy.endpoint, fresh_ralph.username, fresh_ralph.password)
    reports = []
    try:
        for _ in range(300):
            report = sender.run_pass(ignore_backoff=True)
            reports.append(report)
            assert states()["sending"] == 0  # a pass never leaves rows in "sending"
            if report.stopped == "empty":
                break
    finally:
        close(sender)
    assert fresh_proxy.wait_idle()
    stats = fresh_proxy.stats()

    assert reports[-1].stopped == "empty" and reports[-1].left == 0
    assert {r.stopped for r in reports[:-1]} <= {"network", "server"}
    assert sum(r.sent for r in reports) == total  # a resend after a lost acknowledgement is not counted twice
    assert all(r.quarantined == 0 for r in reports)
    for r in reports:
        if r.stopped == "server":  # Retry-After is honoured in the wait it asks for
            assert r.retry_in >= 30 and "50" in r.message
    # The faults really happened, every kind of them, at about the rate asked.
    assert set(stats["fault_counts"]) == {"refuse", "reset_mid_request", "reset_after_response", "status", "delay"}
    assert 0.15 <= stats["faults_injected"] / stats["connections"] <= 0.45
    assert stats["fault_counts"]["reset_after_response"] >= 1

    stored = assert_exactly_once(fresh_ralph, sessions, whole_store=True)
    assert len(stored) == total
    # Statements of a batch whose acknowledgement was lost went twice, and are stored once.
    db = sqlite3.connect(database())
    resent = db.execute("SELECT COUNT(*) FROM outbox WHERE attempts > 1").fetchone()[0]
    db.close()
    assert resent >= BATCH


# --- 2. kill -9 ---------------------------------------------------------------------------------------------------
def test_numplus_sync_killed_20_times_then_restarted_loses_and_duplicates_nothing(fresh_ralph, fresh_proxy):
    sessions = queue_sessions(230)
    total = states()["pending"]
    assert total >= 1400
    fresh_proxy.throttle(250_000)  # about 0.3 s per batch of 50 statements: a kill lands mid-send
    env = ralph_env(fresh_proxy, fresh_ralph)
    rng = random.Random(9)
    killed = left_sending = lost_acks = 0
    for _ in range(20):
        before = fresh_proxy.stats()["connections"]
        process = subprocess.Popen([sys.executable, "-m", "game", "sync"], env=env, cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert wait_for(lambda p=process, b=before: fresh_proxy.stats()["connections"] > b or p.poll() is not None,
                            30)
            time.sleep(rng.uniform(0.0, 0.6))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                killed += 1
        finally:
            process.wait(30)
        assert fresh_proxy.wait_idle(30)  # whatever the proxy still forwards has reached Ralph
        rows = outbox_rows()
        left_sending += any(state == "sending" for state, _ in rows.values())
        stored = set(fresh_ralph.statement_ids())
        lost_acks += any(state != "sent" and i in stored for i, (state, _) in rows.items())
    mid = states()
    print(f"kills: {killed}, left sending: {left_sending}, lost acks: {lost_acks}, sent before the last run: "
          f"{mid['sent']}/{total}")
    assert killed == 20, "numplus sync finished before it could be killed: give it more to send"
    assert left_sending >= 10, f"only {left_sending} of 20 kills left rows in 'sending' (not mid-send)"
    assert 0 < mid["sent"] < total  # it got somewhere across the kills, and the last run has work to do
    assert lost_acks >= 1, "no kill lost an acknowledgement: the resend path was not exercised"

    fresh_proxy.pass_through()
    done = numplus("sync", "--once", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].endswith("pending 0")
    assert states() == Counter({"sent": total})
    assert_exactly_once(fresh_ralph, sessions, whole_store=True)


# --- 3. the server down -----------------------------------------------------------------------------------------
def test_server_down_for_the_whole_session_then_up_loses_nothing(fresh_ralph, fresh_proxy):
    fresh_proxy.down()
    # The store first, then the sender's connection: EventStore() reads the file's header with open()/close(),
    # which drops the POSIX locks of any SQLite connection to it already open in this process (SQLite's "how to
    # corrupt" 2.2); another process closing then deletes the -wal and -shm under that connection.
    store = EventStore(database())
    sender = sender_for(fresh_proxy.endpoint, fresh_ralph.username, fresh_ralph.password)
    sessions: list[str] = []
    try:
        for n in range(6):  # the game's sender tries after every session; nothing gets through
            sessions += make_sessions(store, 1, first=n)
            queued = states()["pending"]
            report = sender.run_pass(ignore_backoff=True)
            assert (report.stopped, report.sent, report.left) == ("network", 0, queued)
            assert "Connection" in report.message and report.retry_in is not None
            assert states() == Counter({"pending": queued})
        assert sender.run_pass().stopped == "backoff"  # the game's worker waits instead of hammering
        done = numplus("sync", "--once", env=ralph_env(fresh_proxy, fresh_ralph))
        assert done.returncode == 1 and f"pending {queued}" in done.stdout
        assert "numplus: stopped:" in one_line_error(done)

        # The proxy listens again but Ralph itself is stopped: connections are reset, still nothing lost.
        fresh_ralph.stop()
        fresh_proxy.up()
        report = sender.run_pass(ignore_backoff=True)
        assert (report.stopped, report.sent, report.left) == ("network", 0, queued)
        assert fresh_proxy.wait_idle() and fresh_proxy.stats()["upstream_errors"] == 1
        assert fresh_ralph.statements() == [] and states() == Counter({"pending": queued})

        fresh_ralph.start()
        report = sender.run_pass(ignore_backoff=True)
        assert (report.stopped, report.sent, report.left) == ("empty", queued, 0)
    finally:
        close(sender)
        store.close()
    stored = assert_exactly_once(fresh_ralph, sessions, whole_store=True)
    assert len(stored) == queued and len(sessions) == 6


# --- 4. bad credentials ----------------------------------------------------------------------------------------
def test_bad_credentials_stop_with_a_clear_message_and_no_retry_storm(ralph, ralph_proxy):
    sessions = queue_sessions(3)
    pending = states()["pending"]
    wrong = cli_env(ralph_proxy.endpoint, ralph.username, "not-the-password")
    done = numplus("sync", "--once", env=wrong)
    assert done.returncode != 0
    message = one_line_error(done)
    assert "credentials" in message and "401" in message and "not-the-password" not in done.stderr + done.stdout
    assert ralph_proxy.wait_idle() and ralph_proxy.stats()["connections"] == 1  # one try, no retry
    shown = status(wrong)
    assert shown["auth"] and "credentials" in shown["auth"]
    assert (shown["pending"], shown["sending"], shown["sent"]) == (pending, 0, 0)

    # The game's worker, with the same credentials, wakes again and again: no request goes out.
    sender = sender_for(ralph_proxy.endpoint, ralph.username, "not-the-password")
    try:
        for _ in range(5):
            report = sender.run_pass()
            assert (report.stopped, report.left) == ("auth", pending) and "credentials" in report.message
    finally:
        close(sender)
    assert ralph_proxy.wait_idle() and ralph_proxy.stats()["connections"] == 1
    assert not {registration(s) for s in ralph.statements()} & set(sessions)

    good = ralph_env(ralph_proxy, ralph)
    done = numplus("sync", "--once", env=good)
    assert done.returncode == 0, done.stderr
    assert f"sent {pending}, quarantined 0, pending 0" in done.stdout
    shown = status(good)
    assert shown["auth"] is None and shown["pending"] == 0 and shown["last_success"]
    assert_exactly_once(ralph, sessions)


# --- 5. a statement the server refuses --------------------------------------------------------------------------
def test_a_statement_ralph_refuses_is_quarantined_and_the_rest_still_go(ralph, ralph_proxy):
    sessions = queue_sessions(9)
    good = outbox_rows()
    some_body = json.loads(next(iter(good.values()))[1])
    bad = dict(some_body, id=str(uuid.uuid4()))
    del bad["actor"]  # xAPI: a statement has an actor; Ralph answers 422
    outbox = Outbox(database())
    try:
        assert outbox.import_rows([(bad["id"], sessions[0], "attempted",
                                    json.dumps(bad, sort_keys=True, separators=(",", ":")).encode())]) == 1
    finally:
        outbox.close()
    sessions += queue_sessions(9, first=9)  # the bad one sits among good ones, in the middle of the queue
    total = states()["pending"]
    assert 100 <= total - 1 <= 160

    sender = sender_for(ralph_proxy.endpoint, ralph.username, ralph.password)
    try:
        report = sender.run_pass(ignore_backoff=True)
        assert (report.stopped, report.sent, report.quarantined, report.left) == ("empty", total - 1, 1, 0)
        [reason] = report.quarantine_reasons
        assert reason.startswith("422: ") and "actor" in reason and "Field required" in reason
        assert sender.outbox.quarantined() == [(bad["id"], "attempted", reason)]
        assert ralph_proxy.wait_idle()
        posts = ralph_proxy.stats()["connections"]
        assert posts <= math.ceil(total / BATCH) + 2 * 6  # halving finds it, not one POST per statement
        again = sender.run_pass(ignore_backoff=True)  # quarantined stays put: nothing more goes out
        assert (again.sent, again.quarantined, again.stopped) == (0, 0, "empty")
        assert ralph_proxy.stats()["connections"] == posts
    finally:
        close(sender)

    shown = status(ralph_env(ralph_proxy, ralph))
    assert (shown["pending"], shown["sending"], shown["sent"], shown["quarantined"]) == (0, 0, total - 1, 1)
    assert shown["quarantined_statements"] == [{"id": bad["id"], "kind": "attempted", "reason": reason}]
    assert_exactly_once(ralph, sessions, quarantined=1)
    assert bad["id"] not in ralph.statement_ids()


# --- 6. a corrupt database --------------------------------------------------------------------------------------
GARBAGE = b"this is not a database, only what is left of one after a bad shutdown\n" * 80 + bytes(range(256))


def test_numplus_status_on_a_corrupt_database_moves_it_aside():
    database().write_bytes(GARBAGE)
    done = numplus("status", "--json", env=cli_env())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pending"] == 0
    [aside] = database().parent.glob("numplus.sqlite3.corrupt-*")
    assert aside.read_bytes() == GARBAGE
    assert "moved aside" in done.stderr and "Traceback" not in done.stderr


def test_a_corrupt_database_is_moved_aside_with_its_bytes_and_the_game_plays(tmp_path):
    database().write_bytes(GARBAGE)
    env = cli_env()
    # numplus status moves it aside too (test above); either way it is never destroyed
    done = numplus("status", env=env)
    assert "Traceback" not in done.stderr
    assert database().read_bytes() == GARBAGE or list(database().parent.glob("numplus.sqlite3.corrupt-*"))

    out = tmp_path / "out"
    done = numplus("play", "--headless", "--scenario", "mail.confirm-meeting", "--actions", str(WALKTHROUGH),
                   "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "completed" in done.stdout and (out / "events.jsonl").is_file()
    [aside] = database().parent.glob("numplus.sqlite3.corrupt-*")
    assert aside.read_bytes() == GARBAGE
    assert database().read_bytes()[:16] == b"SQLite format 3\x00"
    shown = status(env)  # the new database works, with the session just played queued
    assert shown["pending"] >= 3 and shown["quarantined"] == 0
    events = [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert events[0]["type"] == "session_started" and events[-1]["type"] == "session_ended"
    assert len(list(database().parent.glob("numplus.sqlite3.corrupt-*"))) == 1


# --- 7. the "done when" ---------------------------------------------------------------------------------
def test_a_headless_session_arrives_in_ralph_exactly_once_after_numplus_sync(fresh_ralph, tmp_path):
    env = ralph_env(fresh_ralph, fresh_ralph)
    out = tmp_path / "out"
    done = numplus("play", "--headless", "--scenario", "mail.confirm-meeting", "--actions", str(WALKTHROUGH),
                   "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    session = json.loads((out / "events.jsonl").read_text(encoding="utf-8").splitlines()[0])["session"]
    queued = status(env)["pending"]
    assert queued >= 3 and fresh_ralph.statements() == []  # headless play leaves sending to numplus sync

    done = numplus("sync", "--once", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"sent {queued}, quarantined 0, pending 0"
    shown = status(env)
    assert (shown["pending"], shown["sending"], shown["sent"], shown["quarantined"]) == (0, 0, queued, 0)
    assert shown["last_success"] and shown["auth"] is None
    stored = assert_exactly_once(fresh_ralph, [session], whole_store=True)
    assert len(stored) == queued and {registration(s) for s in stored} == {session}
    verbs = {s["verb"]["id"].rsplit("/", 1)[-1] for s in stored}
    assert {"launched", "completed"} <= verbs

    posts = post_count(fresh_ralph)
    done = numplus("sync", "--once", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "sent 0, quarantined 0, pending 0"
    assert post_count(fresh_ralph) == posts  # not even a harmless resend
    assert len(fresh_ralph.statements()) == queued


# --- 8. the game's background worker ------------------------------------------------------------------------------
def test_the_background_worker_sends_on_nudge_and_stops_promptly(ralph, ralph_proxy):
    def make_sender() -> Sender:
        return sender_for(ralph_proxy.endpoint, ralph.username, ralph.password)

    store = EventStore(database())
    worker = SyncWorker(make_sender, idle_s=60)
    worker.start()
    try:
        assert wait_for(lambda: worker.last is not None, 10)  # its first pass: nothing to send
        assert worker.last.stopped == "empty"
        started = time.monotonic()
        sessions = make_sessions(store, 3, on_queued=worker.nudge)  # the game wires nudge like this
        total = len(outbox_rows())
        assert wait_for(lambda: states()["sent"] == total, 5), states()  # far sooner than idle_s
        assert time.monotonic() - started < 5
        assert_exactly_once(ralph, sessions)

        # Stopping between batches: the batch in flight (delayed 2 s) finishes, the rest stays pending.
        ralph_proxy.delay(2.0)
        before = ralph_proxy.stats()["connections"]
        sessions += make_sessions(store, 25, first=3, on_queued=worker.nudge)
        assert wait_for(lambda: ralph_proxy.stats()["connections"] > before, 5)
        stopping = time.monotonic()
        worker.stop()
        assert time.monotonic() - stopping < 6
        assert not worker.is_alive()
        left = states()
        assert left["sending"] == 0 and left["pending"] >= BATCH
    finally:
        worker.stop()
        store.close()

    # A request delayed longer than stop() waits for: stop() still returns; the thread ends with nothing lost.
    ralph_proxy.delay(6.5)
    worker = SyncWorker(make_sender, idle_s=60)
    before = ralph_proxy.stats()["connections"]
    worker.start()
    assert wait_for(lambda: ralph_proxy.stats()["connections"] > before, 5)
    stopping = time.monotonic()
    worker.stop()
    assert time.monotonic() - stopping < 6
    worker.join(15)
    assert not worker.is_alive()
    assert states()["sending"] == 0

    ralph_proxy.pass_through()
    sender = make_sender()
    try:
        assert sender.run_pass(ignore_backoff=True).stopped == "empty"
    finally:
        close(sender)
    assert_exactly_once(ralph, sessions)


# --- 9. a USB key between two machines ---------------------------------------------------------------------------
def test_export_then_import_twice_on_another_machine_sends_each_statement_once(fresh_ralph, tmp_path):
    sessions = queue_sessions(12)
    here = states()["pending"]
    key = tmp_path / "usb" / "outbox.jsonl"
    key.parent.mkdir()
    offline = cli_env()  # this kiosk never gets a connection
    done = numplus("export-outbox", str(key), env=offline)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {here} statement(s)")
    assert states() == Counter({"pending": here})  # they stay queued here too

    other_data, other_config = tmp_path / "machine-b" / "data", tmp_path / "machine-b" / "config"
    other_config.mkdir(parents=True)
    other_db = other_data / "numplus.sqlite3"
    connected = ralph_env(fresh_ralph, fresh_ralph, data=other_data, config=other_config)
    done = numplus("import-outbox", str(key), env=connected)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"queued {here} statement(s); 0 were already here"
    done = numplus("import-outbox", str(key), env=connected)
    assert done.stdout.strip() == f"queued 0 statement(s); {here} were already here"
    assert {i: body for i, (_, body) in outbox_rows(other_db).items()} == \
        {i: body for i, (_, body) in outbox_rows().items()}  # byte for byte

    done = numplus("sync", "--once", env=connected)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"sent {here}, quarantined 0, pending 0"
    assert_exactly_once(fresh_ralph, sessions, path=other_db, whole_store=True)

    # The key again, after they went: nothing new is queued, nothing is sent twice.
    done = numplus("import-outbox", str(key), env=connected)
    assert done.stdout.strip() == f"queued 0 statement(s); {here} were already here"
    posts = post_count(fresh_ralph)
    done = numplus("sync", "--once", env=connected)
    assert done.stdout.strip() == "sent 0, quarantined 0, pending 0"
    assert post_count(fresh_ralph) == posts

    # The first kiosk gets a connection after all and sends its own copies: harmless repeats.
    done = numplus("sync", "--once", env=ralph_env(fresh_ralph, fresh_ralph))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"sent {here}, quarantined 0, pending 0"
    stored = assert_exactly_once(fresh_ralph, sessions, whole_store=True)
    assert len(stored) == here
