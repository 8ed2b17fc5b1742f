"""The outbox and its sender against a scripted server: batches, splits, quarantine, auth, backoff, locks."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import uuid

import pytest

from game.paths import ROOT
from game.runtime.events import Event
from game.store import EventStore
from sync.carry import CarryError, export_outbox, import_outbox
from sync.store import Outbox, Queued
from sync.transport import Answer, TransportError, parse_retry_after
from sync.worker import BATCH, MAX_DELAY_S, Sender, lock_path


def statement(n: int) -> Queued:
    sid = str(uuid.UUID(int=n + 1))
    return Queued(sid, "scenario", json.dumps({"id": sid, "n": n}, sort_keys=True, separators=(",", ":")).encode())


def event(seq: int, type_: str = "help_opened") -> Event:
    return Event(seq=seq, session="S-1", scenario=None, scenario_version=None, t_ms=0,
                 utc="2026-01-05T14:00:00.000Z", type=type_,
                 payload={"participant": "P-1", "locale": "fr-CA", "scenarios": []} if seq == 1 else {})


class Server:
    """Stores statements by id like an LRS; `script` answers instead, one entry per POST, when given."""

    def __init__(self):
        self.stored: dict[str, bytes] = {}
        self.posts: list[list[str]] = []
        self.script: list = []
        self.refuse: set[str] = set()  # ids answered with 400 whenever they are in a batch
        self.url = "http://lrs.test/xAPI/statements"

    def post(self, body: bytes) -> Answer:
        items = json.loads(body)
        ids = [s["id"] for s in items]
        self.posts.append(ids)
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            if step is not None:
                return step
        if self.refuse & set(ids):
            return Answer(400, "invalid statement", None)
        raw = [json.dumps(s, sort_keys=True, separators=(",", ":")).encode() for s in items]
        if any(i in self.stored and self.stored[i] != b for i, b in zip(ids, raw)):
            return Answer(409, "conflict", None)
        new = [i for i in ids if i not in self.stored]
        self.stored.update(zip(ids, raw))
        return Answer(200 if new else 204, json.dumps(new), None)

    def close(self) -> None:
        pass


@pytest.fixture
def db(tmp_path):
    store = EventStore(tmp_path / "numplus.sqlite3")
    store.append(event(1, "session_started"))
    yield store
    store.close()


def queue(store: EventStore, statements: list[Queued], seq: int = 2) -> None:
    store.append_many([(event(seq), None)], statements)


@pytest.fixture
def server():
    return Server()


def sender_for(store: EventStore, server: Server, fingerprint: str = "cred-1", now: list[float] | None = None):
    clock = now or [1000.0]
    return Sender(Outbox(store.path), server, fingerprint=fingerprint, rng=random.Random(1), clock=lambda: clock[0])


def test_statements_are_queued_in_the_same_transaction_as_their_events(db):
    queue(db, [statement(0), statement(1)])
    outbox = Outbox(db.path)
    assert outbox.counts() == {"pending": 2, "sending": 0, "sent": 0, "quarantined": 0}
    with pytest.raises(Exception):
        db.append_many([(event(3), None)], [statement(2), statement(2).__class__("not-unique", "x", None)])
    assert outbox.counts()["pending"] == 2 and len(db.events("S-1")) == 2  # neither the event nor a statement
    # Built again (a replay), a statement keeps its first bytes.
    db.append_many([(event(4), None)], [Queued(statement(0).id, "scenario", b'{"changed":1}')])
    assert outbox.next_batch(10)[0].body == statement(0).body


def test_everything_goes_in_batches_of_50_and_is_marked_sent(db, server):
    queue(db, [statement(n) for n in range(120)])
    sender = sender_for(db, server)
    done = []
    report = sender.run_pass(progress=lambda sent, total: done.append((sent, total)))
    assert (report.sent, report.left, report.stopped) == (120, 0, "empty")
    assert [len(ids) for ids in server.posts] == [BATCH, BATCH, 20]
    assert done == [(50, 120), (100, 120), (120, 120)]
    assert set(server.stored) == {statement(n).id for n in range(120)}
    assert all(server.stored[statement(n).id] == statement(n).body for n in range(120))  # byte for byte
    assert sender.outbox.counts()["sent"] == 120 and sender.outbox.get("last_success")


def test_a_refused_statement_is_quarantined_and_the_rest_still_go(db, server):
    queue(db, [statement(n) for n in range(50)])
    bad = statement(37).id
    server.refuse = {bad}
    sender = sender_for(db, server)
    report = sender.run_pass()
    assert (report.sent, report.quarantined) == (49, 1)
    assert sender.outbox.quarantined() == [(bad, "scenario", "400: invalid statement")]
    assert len(server.posts) <= 2 * 6 + 1  # halving finds it in about log2(50) steps, not 50 posts
    assert bad not in server.stored and len(server.stored) == 49


def test_the_same_id_with_other_content_is_quarantined_as_a_conflict(db, server):
    queue(db, [statement(n) for n in range(3)])
    server.stored[statement(1).id] = b'{"other":"content"}'
    report = sender_for(db, server).run_pass()
    assert (report.sent, report.quarantined) == (2, 1) and report.quarantine_reasons == ["409: conflict"]


def test_a_lost_acknowledgement_is_resent_harmlessly(db, server):
    queue(db, [statement(n) for n in range(10)])
    original = server.post

    def stores_then_loses_the_answer(body: bytes) -> Answer:
        original(body)
        raise TransportError("ConnectionError: reset after the server answered")

    server.post = stores_then_loses_the_answer
    report = sender_for(db, server).run_pass()
    assert report.stopped == "network" and report.left == 10 and len(server.stored) == 10
    server.post = original
    report = sender_for(db, server).run_pass(ignore_backoff=True)
    assert report.sent == 10 and server.posts[-1] and len(server.stored) == 10  # 204: already stored


def test_bad_credentials_stop_sending_without_a_retry_storm(db, server):
    queue(db, [statement(n) for n in range(5)])
    server.script = [Answer(401, "Unauthorized", None)]
    sender = sender_for(db, server)
    report = sender.run_pass()
    assert report.stopped == "auth" and "credentials" in report.message and report.left == 5
    for _ in range(5):  # the game's worker wakes again and again: no request goes out
        assert sender.run_pass().stopped == "auth"
    assert len(server.posts) == 1
    assert sender_for(db, server, fingerprint="cred-2").run_pass().sent == 5  # new credentials: it tries


def test_a_busy_server_is_retried_after_what_it_asks_with_jittered_backoff(db, server):
    queue(db, [statement(0)])
    now = [1000.0]
    server.script = [Answer(503, "busy", 120.0)]
    sender = sender_for(db, server, now=now)
    report = sender.run_pass()
    assert report.stopped == "server" and report.retry_in >= 120
    now[0] += 60
    assert sender.run_pass().stopped == "backoff" and len(server.posts) == 1
    assert sender.run_pass(ignore_backoff=True).sent == 1  # numplus sync --once ignores the wait


def test_backoff_grows_with_failures_up_to_15_minutes(db, server):
    queue(db, [statement(0)])
    delays = []
    sender = sender_for(db, server)
    for _ in range(12):
        server.script = [TransportError("ConnectionError: refused")]
        delays.append(sender.run_pass(ignore_backoff=True).retry_in)
    assert all(0 <= d <= min(MAX_DELAY_S, 5 * 2 ** (n + 1)) for n, d in enumerate(delays))
    assert max(delays[-4:]) > 60 and max(delays) <= MAX_DELAY_S
    server.script = []
    assert sender.run_pass(ignore_backoff=True).sent == 1
    assert sender.outbox.get("failures") is None and sender.outbox.get("next_attempt") is None


def test_rows_a_dead_sender_left_sending_go_back_to_pending(db, server):
    queue(db, [statement(n) for n in range(3)])
    dead = Outbox(db.path)
    dead.mark_sending([statement(0).id, statement(1).id])
    assert dead.counts()["sending"] == 2
    assert sender_for(db, server).run_pass().sent == 3


def test_one_sender_at_a_time_across_processes(db, server, tmp_path):
    queue(db, [statement(0)])
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire();"
        "print('held', flush=True); time.sleep(30)"), str(lock_path(db.path))], stdout=subprocess.PIPE, text=True,
        cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        report = sender_for(db, server).run_pass(lock_timeout=0.3)
        assert report.stopped == "locked" and server.posts == []
    finally:
        holder.kill()
        holder.wait()
    assert sender_for(db, server).run_pass(lock_timeout=5).sent == 1


def test_retry_after_as_seconds_or_a_date():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 60) == pytest.approx(60.0)
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_a_usb_key_carries_pending_statements_once(db, server, tmp_path):
    queue(db, [statement(n) for n in range(4)])
    key = tmp_path / "key.jsonl"
    assert export_outbox(Outbox(db.path), key, "kiosk-a") == 4
    other = EventStore(tmp_path / "other.sqlite3")
    other.close()
    connected = Outbox(tmp_path / "other.sqlite3")
    assert import_outbox(connected, key) == (4, 0)
    assert import_outbox(connected, key) == (0, 4)  # twice: nothing new
    assert connected.next_batch(10)[1].body == statement(1).body
    text = key.read_bytes()
    key.write_bytes(text.replace(b'\\"n\\":2', b'\\"n\\":9'))
    with pytest.raises(CarryError, match="checksum does not match"):
        import_outbox(connected, key)
    key.write_bytes(text[: len(text) // 2])
    with pytest.raises(CarryError):
        import_outbox(connected, key)
